"""Every write reads the writer's account at the time of the write: an Actor made before its
account was disabled or demoted writes nothing after (on SQLite and PostgreSQL); the last admin
stays an admin; plan and task saves are audited; the command line writes as 命令行:<OS user>."""

from __future__ import annotations

import datetime as dt
import getpass
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gwlib.errors import PermissionDenied, ValidationError
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.store import Store, audit
from gwlib.store import documents as documents_store
from gwlib.store import ledger as L
from gwlib.store import sealing as sealing_store
from gwlib.store import users as U
from gwlib.store.ledger_import import import_wells
from gwlib.store.schema_ledger import audit_log
from gwlib.store.tasks import TaskKey, set_task_status, task_statuses
from gwlib.wells import sealing as sealing_types
from gwlib.wells.model import AbandonedWell, WellCategory, WellStatus
from tests.accounts import LOCAL, add_accounts

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 3, 1)
AT = dt.datetime(2026, 3, 1, 9, 0)
KEY = TaskKey(2026, "绛县", "计划", "（一）", 1)
PLAN = ActionPlan(2026, "绛县", "计划", tasks=(PlanTask(1, "（一）", "调查", "全文"),))
NEW_ROW = {
    "code": "W9", "category": "取水井", "subtype": "农田灌溉井", "township": "古绛镇",
    "village": "东村", "lon": 111.57, "lat": 35.49, "owner": "东村村民委员会",
}  # fmt: skip


def _well(code: str) -> AbandonedWell:
    return AbandonedWell(
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


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'access.sqlite'}"
    else:
        url = str(request.getfixturevalue("fresh_pg_url"))
    s = Store.open(url)
    s.upsert_wells([_well("W1")])
    add_accounts(s, {"root": "admin", "zhang": "editor", "boss": "admin"})
    documents_store.add_document(s, audit.Actor("root"), "W1", "a.jpg", b"img", "照片", tmp_path / "f")
    yield s
    s.close()


def _audit_rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as c:
        return [
            dict(r) for r in c.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings()
        ]


def _doc_id(store: Store) -> int:
    return int(documents_store.documents(store, "W1")["id"].iloc[0])


#: Every write path of gwlib, as the page (or CLI) calls it with a stale Actor ``a``.
WRITES: dict[str, Callable[[Store, audit.Actor, Path], object]] = {
    "update_well": lambda s, a, p: L.update_well(s, a, "W1", {"note": "x"}, 1),
    "transition_well": lambda s, a, p: L.transition_well(
        s, a, "W1", WellStatus.DEFERRED, DAY, 1, "暂缓"
    ),
    "soft_delete_well": lambda s, a, p: L.soft_delete_well(s, a, "W1", "重复", 1),
    "save_sealing": lambda s, a, p: sealing_store.save_sealing(s, a, "W1", sealing_types.SealingRecord(method="x"), None),
    "add_document": lambda s, a, p: documents_store.add_document(s, a, "W1", "b.jpg", b"new", "照片", p / "f"),
    "review_document": lambda s, a, p: documents_store.review_document(s, a, _doc_id(s), "已审"),
    "import_wells": lambda s, a, p: import_wells(s, a, [(2, NEW_ROW)], "绛县水务局"),
    "set_task_status": lambda s, a, p: set_task_status(s, KEY, "推进中", "", by=a, at=AT),
    "save_plan": lambda s, a, p: s.save_plan(PLAN, by=a),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("change", ["disable", "demote"])
def test_stale_actor_cannot_write(store: Store, tmp_path: Path, write: str, change: str) -> None:
    """The Actor object is made while zhang is an editor; the admin then disables or demotes the
    account (as ``users set`` does); the same object is refused and nothing is written."""
    stale = audit.Actor("zhang")
    if change == "disable":
        U.update_user(store, "zhang", by=audit.Actor("root"), active=False)
        expected = "已停用"
    else:
        U.update_user(store, "zhang", by=audit.Actor("root"), role="viewer")
        expected = "只能查看"
    before = _audit_rows(store)
    wells_before = store.wells().to_dict("records")
    with pytest.raises(PermissionDenied, match=expected):
        WRITES[write](store, stale, tmp_path)
    assert _audit_rows(store) == before
    assert store.wells().to_dict("records") == wells_before
    assert task_statuses(store).empty and store.plan_tasks(2026).empty
    assert documents_store.documents(store, "W1")["review_status"].tolist() == ["未审"]
    assert [p.read_bytes() for p in (tmp_path / "f").rglob("*") if p.is_file()] == [b"img"]


@pytest.mark.parametrize("write", list(WRITES))
def test_active_editor_writes_and_is_audited(store: Store, tmp_path: Path, write: str) -> None:
    before = len(_audit_rows(store))
    WRITES[write](store, audit.Actor("zhang"), tmp_path)
    new = _audit_rows(store)[before:]
    assert new and {r["user_name"] for r in new} >= {"zhang"}


def test_unknown_account_cannot_write(store: Store, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="不存在"):
        L.update_well(store, audit.Actor("ghost"), "W1", {"note": "x"}, 1)


def test_demoted_admin_cannot_manage_users(store: Store) -> None:
    stale = audit.Actor("boss")
    U.update_user(store, "boss", by=audit.Actor("root"), role="editor")
    with pytest.raises(PermissionDenied, match="只有管理员"):
        U.create_user(store, "new", "admin", None, by=stale)
    with pytest.raises(PermissionDenied, match="只有管理员"):
        U.update_user(store, "zhang", by=stale, role="admin")
    assert set(U.users(store)["username"]) == {"root", "zhang", "boss"}
    assert U.users(store).set_index("username").loc["zhang", "role"] == "editor"


def test_last_active_admin_stays(store: Store) -> None:
    U.update_user(store, "boss", by=audit.Actor("root"), active=False)
    with pytest.raises(ValidationError, match="最后一名启用的管理员"):
        U.update_user(store, "root", by=audit.Actor("root"), role="editor")
    with pytest.raises(ValidationError, match="最后一名启用的管理员"):
        U.update_user(store, "root", by=LOCAL, active=False)
    users = U.users(store).set_index("username")
    assert (users.loc["root", "role"], bool(users.loc["root", "active"])) == ("admin", True)
    U.update_user(store, "boss", by=LOCAL, active=True)  # two admins again: one may go
    U.update_user(store, "root", by=audit.Actor("boss"), role="editor")
    assert U.users(store).set_index("username").loc["root", "role"] == "editor"


def test_plan_and_task_saves_are_audited(store: Store) -> None:
    editor = audit.Actor("zhang")
    store.save_plan(PLAN, by=editor)
    store.save_plan(PLAN, by=editor)
    set_task_status(store, KEY, "推进中", "已布设", by=editor, at=AT, note="首报")
    rows = [(r["action"], r["entity"], r["entity_key"], r["field"], r["old_value"],
             r["new_value"], r["note"]) for r in _audit_rows(store)
            if r["entity"] in ("plan", "task")]  # fmt: skip
    assert rows == [
        ("create", "plan", "2026年 计划", "tasks", "", "1", "绛县 计划"),
        ("update", "plan", "2026年 计划", "tasks", "1", "1", "绛县 计划"),
        ("update", "task", "2026年 （一） 第1项", "status", "", "推进中", "首报"),
        ("update", "task", "2026年 （一） 第1项", "evidence", "", "已布设", "首报"),
    ]


def test_cli_writes_as_the_os_user(tmp_path: Path) -> None:
    """``users add/set`` and ``wells import`` record 命令行:<OS user>; ``--user`` only adds a
    declared name next to it; the last admin cannot be disabled from the command line."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    src = tmp_path / "w.csv"
    src.write_text(
        "井编码,井类别,井别,乡镇,村,经度,纬度,状态\n"
        "C-1,取水井,供水井,古绛镇,东村,111.57,35.49,已排查登记\n",
        encoding="utf-8",
    )

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gwlib", *args, "--db", url],
            cwd=ROOT, input=stdin, capture_output=True, text=True,
        )  # fmt: skip

    assert run("users", "add", "root", "--role", "admin", "--sso-only").returncode == 0
    assert run("wells", "import", str(src), "--user", "张三").returncode == 0
    me = f"命令行:{getpass.getuser()}"
    with Store.open(url) as store:
        who = {(r["entity"], r["user_name"]) for r in _audit_rows(store)}
    assert who == {("user", me), ("well", f"{me}（声明为 张三）")}
    for flags in (["--disable"], ["--role", "viewer"]):
        refused = run("users", "set", "root", *flags)
        assert refused.returncode == 2 and "最后一名启用的管理员" in refused.stderr
