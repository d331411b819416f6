"""Bulk ledger import (issue 7): the same wells, versions and audit rows as the per-row import
it replaced, whatever the chunk size; a well changed by someone else during the import rolls
the whole import back — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gwlib.errors import ConflictError
from gwlib.store import Store, audit
from gwlib.store import ledger as L
from gwlib.store import ledger_import as LI
from gwlib.store.ledger_import import DELETED_WELL, import_wells
from gwlib.store.schema_ledger import audit_log
from tests.accounts import add_accounts

ADMIN = audit.Actor("导入员")
OTHER = audit.Actor("li")
AUTH = "绛县水务局"


def _row(code: str, **kw: object) -> dict[str, Any]:
    return {
        "code": code, "category": "取水井", "subtype": "农田灌溉井", "township": "古绛镇",
        "village": "东村", "lon": 111.57, "lat": 35.49, "depth_m": 80.0,
        "owner": "东村村民委员会", **kw,
    }  # fmt: skip


FIRST = [(i + 2, _row(f"W{i + 1}")) for i in range(6)]
FIRST[4] = (6, _row("W5", owner="不详"))
SECOND = [
    (2, _row("W1", depth_m=85.0, note="井口已加盖")),
    (3, _row("W2")),
    (4, _row("W3", status="已核查评估", survey_date=dt.date(2026, 3, 1), lead_department=AUTH)),
    (5, _row("W4", status="已验收销号")),
    (6, _row("W5", owner="张三")),
    (7, _row("W6", note="已删除的井")),
    (8, _row("W7")),
    (9, _row("W8", lat=99.0)),
]
NOTE = "导入 b.csv"
# What the per-row import wrote for SECOND (recorded from it before the bulk rewrite).
EXPECTED_AUDIT = [
    ("import", "W1", "depth_m", "80", "85"),
    ("import", "W1", "note", "", "井口已加盖"),
    ("import", "W3", "status", "已排查登记", "已核查评估"),
    ("import", "W3", "survey_date", "", "2026-03-01"),
    ("import", "W3", "lead_department", "", AUTH),
    ("import", "W5", "owner", "不详", "张三"),
    ("import", "W5", "owner_known", "否", "是"),
    ("create", "W7", "status", "", "已排查登记"),
]
EXPECTED_REJECTED = (
    (5, "状态", "已验收销号", "当前状态为「已排查登记」，应为以下状态之一：已核查评估、暂缓"),
    (7, "井编码", "W6", DELETED_WELL),
    (9, "纬度", "99", "3.0–54.0 之间的十进制度"),
)
EXPECTED_VERSIONS = {"W1": 2, "W2": 1, "W3": 2, "W4": 1, "W5": 2, "W6": 2, "W7": 1}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        url = str(request.getfixturevalue("fresh_pg_url"))
    s = Store.open(url)
    add_accounts(s, {ADMIN.user: "editor", OTHER.user: "editor"})
    import_wells(s, ADMIN, FIRST, AUTH, source="a.xlsx")
    L.soft_delete_well(s, ADMIN, "W6", "重复登记", 1)
    yield s
    s.close()


def _state(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with store.engine.connect() as conn:
        wells = conn.execute(sa.select(L.W).order_by(L.W.c.code)).mappings().all()
        audit = conn.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings().all()
    return [dict(w) for w in wells], [dict(a) for a in audit]


@pytest.mark.parametrize("chunk", [LI.CHUNK, 2, 1])
def test_bulk_import_writes_what_the_per_row_import_wrote(
    store: Store, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LI, "CHUNK", chunk)
    calls: list[tuple[int, int]] = []
    _, audit_before = _state(store)
    out = import_wells(
        store, ADMIN, SECOND, AUTH, source="b.csv", progress=lambda *a: calls.append(a)
    )
    assert (out.created, out.updated, out.unchanged) == (1, 3, 1)
    assert out.rejected == EXPECTED_REJECTED
    wells, audit = _state(store)
    new = audit[len(audit_before) :]
    assert [
        (a["action"], a["entity_key"], a["field"], a["old_value"], a["new_value"]) for a in new
    ] == EXPECTED_AUDIT
    assert {(a["user_name"], a["entity"], a["note"]) for a in new} == {(ADMIN.user, "well", NOTE)}
    assert len({a["ts_utc"] for a in new}) == 1
    assert {w["code"]: w["version"] for w in wells} == EXPECTED_VERSIONS
    by_code = {w["code"]: w for w in wells}
    assert (by_code["W1"]["depth_m"], by_code["W1"]["note"]) == (85.0, "井口已加盖")
    assert (by_code["W5"]["owner"], by_code["W5"]["owner_known"]) == ("张三", True)
    assert by_code["W6"]["deleted"] and by_code["W6"]["note"] == ""
    n = len(SECOND)
    assert calls == [(min(k + chunk, n), n) for k in range(0, n, chunk)]
    # the same file again changes nothing
    again = import_wells(store, ADMIN, SECOND, AUTH, source="b.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert _state(store) == (wells, audit)


def test_dry_run_rolls_back_every_chunk(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LI, "CHUNK", 2)
    before = _state(store)
    out = import_wells(store, ADMIN, SECOND, AUTH, source="b.csv", dry_run=True)
    assert (out.created, out.updated, out.unchanged, out.rejected) == (1, 3, 1, EXPECTED_REJECTED)
    assert _state(store) == before


def test_a_code_twice_in_one_import_is_rejected_on_the_later_row(store: Store) -> None:
    rows = [(2, _row("W1", note="第一次")), (3, _row("W9")), (4, _row("W1", note="第二次")),
            (5, _row("W9", depth_m=1.0))]  # fmt: skip
    out = import_wells(store, ADMIN, rows, AUTH)
    assert (out.created, out.updated) == (1, 1)
    assert out.rejected == (
        (4, "井编码", "W1", "井编码与第 2 行重复"),
        (5, "井编码", "W9", "井编码与第 3 行重复"),
    )
    assert L.well(store, "W1")["note"] == "第一次"


def test_a_well_changed_after_it_was_read_rolls_back_the_whole_import(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves W3 between the import's read and its UPDATE (simulated inside the
    import's transaction, which works on both databases): the UPDATE matches one row fewer than
    it was sent. W1, in the chunk before, was already written — and is rolled back too."""
    monkeypatch.setattr(LI, "CHUNK", 2)
    read = LI._wells

    def read_then_someone_saves(conn: sa.Connection, codes: Any) -> Any:
        found = read(conn, codes)
        conn.execute(sa.update(L.W).where(L.W.c.code == "W3").values(note="他人修改", version=2))
        return found

    monkeypatch.setattr(LI, "_wells", read_then_someone_saves)
    before = _state(store)
    with pytest.raises(ConflictError, match=r"井 W3 在导入期间已被他人修改.*导入已全部撤销"):
        import_wells(store, ADMIN, SECOND, AUTH, source="b.csv")
    assert _state(store) == before


def test_concurrent_edit_on_postgresql_rolls_back_the_import(
    fresh_pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real second editor on another connection saves W3 while the import is between
    chunks: their change stays, nothing of the import does."""
    monkeypatch.setattr(LI, "CHUNK", 2)
    with Store.open(fresh_pg_url) as store:
        add_accounts(store, {ADMIN.user: "editor", OTHER.user: "editor"})
        import_wells(store, ADMIN, FIRST, AUTH, source="a.xlsx")
        L.soft_delete_well(store, ADMIN, "W6", "重复登记", 1)
        wells_before, audit_before = _state(store)

        def other_editor_saves(done: int, total: int) -> None:
            if done == 2:
                L.update_well(store, OTHER, "W3", {"note": "他人修改"}, 1)

        with pytest.raises(ConflictError, match="井 W3"):
            import_wells(store, ADMIN, SECOND, AUTH, source="b.csv", progress=other_editor_saves)
        wells, audit = _state(store)
    assert {w["code"]: w["version"] for w in wells} == {
        w["code"]: w["version"] + (w["code"] == "W3") for w in wells_before
    }
    assert [(a["user_name"], a["entity_key"], a["field"]) for a in audit[len(audit_before) :]] == [
        ("li", "W3", "note")
    ]
    assert next(w for w in wells if w["code"] == "W3")["note"] == "他人修改"
