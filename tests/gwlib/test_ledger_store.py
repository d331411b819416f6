"""The well ledger in the store: transitions, required fields, optimistic concurrency, the
append-only audit log, soft delete, documents and roles — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gwlib.errors import ConflictError, PermissionDenied, TransitionError, ValidationError
from gwlib.store import Store, audit
from gwlib.store import documents as documents_store
from gwlib.store import ledger as L
from gwlib.store import logins as LG
from gwlib.store import sealing as sealing_store
from gwlib.store import users as U
from gwlib.store.schema_ledger import audit_log
from gwlib.wells import sealing as sealing_types
from gwlib.wells.model import AbandonedWell, PlanType, WellCategory, WellStatus
from tests.accounts import LOCAL, add_accounts

EDITOR = audit.Actor("zhang")
OTHER = audit.Actor("li")
VIEWER = audit.Actor("leader")
DAY = dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 3, 1, 9, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        url = str(request.getfixturevalue("fresh_pg_url"))
    s = Store.open(url)
    s.upsert_wells([_well("W1"), _well("W2", owner="不详", owner_known=False)])
    add_accounts(s, {"zhang": "editor", "li": "editor", "leader": "viewer"})
    yield s
    s.close()


def _well(code: str, **kw: object) -> AbandonedWell:
    base: dict[str, object] = dict(
        code=code,
        category=WellCategory.WATER_WELL,
        subtype="农田灌溉井",
        township="古绛镇",
        village="东村",
        lon=111.57,
        lat=35.49,
        status=WellStatus.REGISTERED,
        owner="东村村民委员会",
    )
    base.update(kw)
    return AbandonedWell(**base)  # type: ignore[arg-type]


def _walk_to_planned(store: Store, code: str = "W1") -> int:
    v = L.well(store, code)["version"]
    v = L.transition_well(
        store,
        EDITOR,
        code,
        WellStatus.ASSESSED,
        DAY,
        v,
        "现场核查",
        {
            "survey_date": DAY,
            "responsible_party": "东村村民委员会",
            "lead_department": "绛县水务局",
        },
    )
    return L.transition_well(
        store,
        EDITOR,
        code,
        WellStatus.PLANNED,
        DAY,
        v,
        changes={"plan_type": PlanType.SEAL_BACKFILL, "planned_completion": dt.date(2026, 10, 31)},
    )


def test_full_lifecycle_with_required_fields(store: Store, tmp_path: Path) -> None:
    v = _walk_to_planned(store)
    with pytest.raises(TransitionError) as exc:
        L.transition_well(store, EDITOR, "W1", WellStatus.IN_WORKS, DAY, v)
    assert exc.value.missing == ("封井开始日期",)
    sealing_store.save_sealing(store, EDITOR, "W1", sealing_types.SealingRecord(start_date=DAY), None)
    v = L.transition_well(store, EDITOR, "W1", WellStatus.IN_WORKS, DAY, v)
    rec = sealing_types.SealingRecord(
        start_date=DAY,
        end_date=dt.date(2026, 4, 1),
        method="粘土球分层回填",
        contractor="晋南建设（模拟）",
        cost_wan=3.2,
        funding_source="中央水污染防治资金",
        intervals=(
            sealing_types.SealInterval(0, 20, sealing_types.IntervalRole.SEAL, "水泥浆"),
            sealing_types.SealInterval(20, 60, sealing_types.IntervalRole.AQUITARD, "粘土球"),
        ),
    )
    sv = sealing_store.save_sealing(store, EDITOR, "W1", rec, 1)
    v = L.transition_well(store, EDITOR, "W1", WellStatus.SEALED, dt.date(2026, 4, 1), v)
    assert L.well(store, "W1")["actual_completion"] == dt.date(2026, 4, 1)
    # acceptance needs a date, a conclusion and a document
    with pytest.raises(TransitionError) as exc:
        L.transition_well(store, EDITOR, "W1", WellStatus.ACCEPTED, DAY, v)
    assert set(exc.value.missing) == {
        "验收日期",
        "验收结论",
        "至少一份附件（验收报告、封井记录或照片）",
    }
    rec2 = sealing_types.SealingRecord(
        **{**rec.__dict__, "acceptance_date": dt.date(2026, 5, 1), "acceptance_conclusion": "合格"}
    )
    sealing_store.save_sealing(store, EDITOR, "W1", rec2, sv)
    with pytest.raises(TransitionError):
        L.transition_well(store, EDITOR, "W1", WellStatus.ACCEPTED, DAY, v)
    doc = documents_store.add_document(
        store, EDITOR, "W1", "验收报告.pdf", b"%PDF-1.4 test", "验收报告", tmp_path
    )
    v = L.transition_well(
        store, EDITOR, "W1", WellStatus.ACCEPTED, dt.date(2026, 5, 1), v, "验收合格"
    )
    assert L.well(store, "W1")["status"] == "已验收销号"
    ev = L.events(store, "W1")
    assert list(ev["to_status"]) == [
        "已核查评估",
        "方案编制",
        "施工中",
        "已封井待验收",
        "已验收销号",
    ]
    assert list(ev["user_name"].unique()) == ["zhang"]
    assert len(sealing_store.intervals(store, "W1")) == 2
    docs = documents_store.documents(store, "W1")
    assert docs.loc[0, "review_status"] == "未审" and docs.loc[0, "id"] == doc
    assert (tmp_path / docs.loc[0, "stored_name"]).read_bytes() == b"%PDF-1.4 test"
    documents_store.review_document(store, EDITOR, doc, sealing_types.ReviewStatus.REVIEWED)
    assert documents_store.documents(store, "W1").loc[0, "review_status"] == "已审"
    # nothing follows 已验收销号
    with pytest.raises(TransitionError, match="已销号"):
        L.transition_well(store, EDITOR, "W1", WellStatus.DEFERRED, DAY, v, "x")


@pytest.mark.parametrize(
    "to", [WellStatus.PLANNED, WellStatus.IN_WORKS, WellStatus.SEALED, WellStatus.ACCEPTED]
)
def test_skipping_stages_is_refused(store: Store, to: WellStatus) -> None:
    with pytest.raises(TransitionError, match="已核查评估、暂缓"):
        L.transition_well(store, EDITOR, "W1", to, DAY, 1)
    assert L.well(store, "W1")["status"] == "已排查登记"
    assert audit.history(store, "W1").empty


def test_deferral_needs_reason_and_resume_clears_it(store: Store) -> None:
    with pytest.raises(TransitionError, match="暂缓原因"):
        L.transition_well(store, EDITOR, "W2", WellStatus.DEFERRED, DAY, 1, "  ")
    v = L.transition_well(store, EDITOR, "W2", WellStatus.DEFERRED, DAY, 1, "所有权人不明，待确认")
    assert L.well(store, "W2")["deferral_reason"] == "所有权人不明，待确认"
    L.transition_well(store, EDITOR, "W2", WellStatus.REGISTERED, DAY, v, "已确认，恢复")
    assert L.well(store, "W2")["deferral_reason"] == ""


def test_concurrent_edit_gets_conflict_and_nothing_is_overwritten(store: Store) -> None:
    base = L.well(store, "W1")["version"]
    # both opened version `base`; the first saves
    L.update_well(store, EDITOR, "W1", {"phone": "13800000000"}, base)
    with pytest.raises(ConflictError, match=r"已被他人修改.*zhang"):
        L.update_well(store, OTHER, "W1", {"phone": "13900000000", "note": "x"}, base)
    row = L.well(store, "W1")
    assert row["phone"] == "13800000000" and row["note"] == ""
    assert row["version"] == base + 1
    with pytest.raises(ConflictError):
        L.transition_well(store, OTHER, "W1", WellStatus.DEFERRED, DAY, base, "x")
    assert L.well(store, "W1")["status"] == "已排查登记"
    assert list(audit.history(store, "W1")["user_name"]) == ["zhang"]


def test_audit_entry_per_changed_field(store: Store) -> None:
    L.update_well(
        store, EDITOR, "W1", {"depth_m": 120.5, "note": "井口已加盖", "village": "东村"}, 1
    )
    h = audit.history(store, "W1")
    assert sorted(h["field"]) == ["depth_m", "note"]
    rec = h.set_index("field")
    assert rec.loc["depth_m", "old_value"] == "" and rec.loc["depth_m", "new_value"] == "120.5"
    assert rec.loc["note", "new_value"] == "井口已加盖"
    assert set(h["user_name"]) == {"zhang"} and set(h["action"]) == {"update"}
    # unchanged save writes nothing and keeps the version
    assert L.update_well(store, EDITOR, "W1", {"village": "东村"}, 2) == 2
    assert len(audit.history(store, "W1")) == 2


def test_audit_log_is_append_only(store: Store) -> None:
    L.update_well(store, EDITOR, "W1", {"note": "a"}, 1)
    for stmt in (sa.update(audit_log).values(user_name="x"), sa.delete(audit_log)):
        with pytest.raises(sa.exc.DBAPIError, match="只能追加"), store.engine.begin() as c:
            c.execute(stmt)
    assert len(audit.history(store, "W1")) == 1


def test_validation_happens_in_gwlib(store: Store) -> None:
    with pytest.raises(ValidationError, match="井别"):
        L.update_well(store, EDITOR, "W1", {"subtype": "竖井"}, 1)
    with pytest.raises(ValidationError, match="经度"):
        L.update_well(store, EDITOR, "W1", {"lon": 200}, 1)
    with pytest.raises(ValidationError, match="可编辑字段"):
        L.update_well(store, EDITOR, "W1", {"status": "已验收销号"}, 1)
    assert L.well(store, "W1")["version"] == 1


def test_soft_delete_keeps_the_row_and_the_reason(store: Store) -> None:
    with pytest.raises(ValidationError):
        L.soft_delete_well(store, EDITOR, "W2", " ", 1)
    L.soft_delete_well(store, EDITOR, "W2", "重复登记，与 W1 为同一眼井", 1)
    assert list(store.wells()["code"]) == ["W1"]
    with store.engine.connect() as c:
        assert c.execute(sa.text("select count(*) from abandoned_well")).scalar_one() == 2
    h = audit.history(store, "W2")
    assert h.loc[0, "action"] == "delete" and h.loc[0, "note"] == "重复登记，与 W1 为同一眼井"


def test_viewer_cannot_write(store: Store, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="只能查看"):
        L.update_well(store, VIEWER, "W1", {"note": "x"}, 1)
    with pytest.raises(PermissionDenied):
        L.transition_well(store, VIEWER, "W1", WellStatus.DEFERRED, DAY, 1, "x")
    with pytest.raises(PermissionDenied):
        documents_store.add_document(store, VIEWER, "W1", "a.jpg", b"x", "照片", tmp_path)
    with pytest.raises(PermissionDenied, match="登录"):
        L.update_well(store, audit.Actor(""), "W1", {"note": "x"}, 1)
    assert audit.history(store, "W1").empty


def test_attachment_rules(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="附件类型"):
        documents_store.add_document(store, EDITOR, "W1", "run.exe", b"MZ", "其他", tmp_path)
    with pytest.raises(ValidationError, match="附件大小"):
        documents_store.add_document(store, EDITOR, "W1", "a.jpg", b"", "照片", tmp_path)
    # the same bytes are stored once; a path in the name goes nowhere
    files = tmp_path / "files"
    a = documents_store.add_document(store, EDITOR, "W1", "../../a.jpg", b"img", "照片", files)
    b = documents_store.add_document(store, EDITOR, "W1", "b.jpg", b"img", "照片", files)
    d = documents_store.documents(store, "W1").set_index("id")
    assert d.loc[a, "filename"] == "a.jpg" and d.loc[a, "stored_name"] == d.loc[b, "stored_name"]
    assert len([p for p in files.rglob("*") if p.is_file()]) == 1


def test_users_roles_and_password_hash(store: Store) -> None:
    U.create_user(store, "root", "admin", None, by=LOCAL)
    U.create_user(store, "wang", "editor", "Correct horse 7", "王工", by=LOCAL)
    with pytest.raises(ValidationError, match="角色"):
        U.create_user(store, "x", "root", "Whatever-123", by=LOCAL)
    with pytest.raises(ValidationError, match="至少 10"):
        U.create_user(store, "y", "editor", "Short-1", by=LOCAL)
    with store.engine.connect() as c:
        h = c.execute(sa.text("select password_hash from app_user where username='wang'")).scalar()
    assert h.startswith("$argon2id$") and "Correct horse" not in h
    user = LG.authenticate(store, "wang", "Correct horse 7", now=NOW)
    assert user is not None and user.role == "editor" and user.display_name == "王工"
    assert LG.authenticate(store, "wang", "wrong", now=NOW) is None
    assert LG.authenticate(store, "nobody", "Correct horse 7", now=NOW) is None
    with pytest.raises(PermissionDenied, match="管理员"):
        U.update_user(store, "leader", by=audit.Actor("zhang"), role="admin")
    U.update_user(store, "wang", by=audit.Actor("root"), active=False)
    assert LG.authenticate(store, "wang", "Correct horse 7", now=NOW) is None
    assert set(U.users(store)["username"]) == {"zhang", "li", "leader", "root", "wang"}
    assert "password_hash" not in U.users(store).columns