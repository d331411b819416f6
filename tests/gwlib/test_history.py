"""History tables are append-only on SQLite and PostgreSQL, and on PostgreSQL the application's
role cannot get round the triggers (issue 16, item 7)."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from gwlib.cli import main
from gwlib.errors import StoreError
from gwlib.store import Store, audit
from gwlib.store import ledger as L
from gwlib.store import tasks as T
from gwlib.store.engine import alembic_config
from gwlib.store.roles import app_role_grants, grant_app_role
from gwlib.store.schema import HISTORY_TABLES, metadata
from gwlib.wells.model import AbandonedWell, WellCategory, WellStatus
from tests.accounts import LOCAL

EDITOR = LOCAL  # the command line: writes without an app account
KEY = T.TaskKey(2026, "绛县", "地下水行动计划", "（一）", 1)
AT = dt.datetime(2026, 3, 1, 9, 30)
MIGRATION = importlib.import_module("gwlib.store.migrations.versions.history_0001_append_only")

pytestmark = pytest.mark.usefixtures("close_stores")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite'}"
    return str(request.getfixturevalue("fresh_pg_url"))


def write_history(store: Store) -> None:
    """One row in every history table, each through the code that writes it in the app."""
    store.upsert_wells(
        [AbandonedWell("W1", WellCategory.WATER_WELL, "农田灌溉井", "古绛镇", "东村", 111.57,
                       35.49, WellStatus.REGISTERED, "东村村民委员会")]
    )  # fmt: skip
    L.update_well(store, EDITOR, "W1", {"note": "井口已加盖"}, 1)  # audit_log
    L.record_events(
        store,
        [{"well_code": "W1", "from_status": "", "to_status": "已排查登记",
          "event_date": dt.date(2026, 1, 5), "user_name": "zhang"}],
    )  # fmt: skip
    T.set_task_status(store, KEY, T.ManualStatus.IN_PROGRESS, "已发文", by=EDITOR, at=AT)


def _history_counts(store: Store) -> dict[str, int]:
    counts = store.counts()
    return {t: counts[t] for t in HISTORY_TABLES}


def test_every_log_table_is_a_history_table() -> None:
    """A new *_log / *_event table is history: it must be listed, and the migration's frozen
    list must be the living one (a later migration that adds a table extends both)."""
    looks_like_history = {t for t in metadata.tables if t.endswith(("_log", "_event", "_history"))}
    assert looks_like_history <= set(HISTORY_TABLES)
    assert MIGRATION.HISTORY == HISTORY_TABLES


def test_history_refuses_update_and_delete(url: str) -> None:
    store = Store.open(url)
    write_history(store)
    before = _history_counts(store)
    assert all(before.values())
    for table in HISTORY_TABLES:
        t = metadata.tables[table]
        column = next(c for c in t.columns if c.name in ("note", "user_name", "changed_by"))
        for stmt, verb in ((sa.update(t).values({column.name: "改写"}), "修改"),
                           (sa.delete(t), "删除")):  # fmt: skip
            expected = f"（{table}）只能追加，不允许{verb}已有记录"
            with pytest.raises(sa.exc.IntegrityError, match=expected), store.engine.begin() as c:
                c.execute(stmt)
    assert _history_counts(store) == before
    assert audit.history(store, "W1")["new_value"].tolist() == ["井口已加盖"]
    store.close()


def test_postgres_history_refuses_truncate(fresh_pg_url: str) -> None:
    store = Store.open(fresh_pg_url)
    write_history(store)
    for table in HISTORY_TABLES:
        with (
            pytest.raises(sa.exc.IntegrityError, match=f"（{table}）只能追加，不允许清空"),
            store.engine.begin() as c,
        ):
            c.execute(sa.text(f"TRUNCATE {table}"))
    assert all(_history_counts(store).values())
    store.close()


def test_clear_recreates_the_database_and_keeps_the_triggers(url: str) -> None:
    """The demo's --replace empties history the one legitimate way: by dropping the tables
    (all migrations undone and redone in one transaction), not by deleting rows."""
    store = Store.open(url)
    write_history(store)
    revision = store.revision()
    store.clear()
    assert not any(store.counts().values()) and store.revision() == revision
    write_history(store)
    with pytest.raises(sa.exc.IntegrityError, match="只能追加"), store.engine.begin() as c:
        c.execute(sa.delete(metadata.tables["well_event"]))
    store.close()


def test_grants_are_for_postgresql_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite = f"sqlite:///{tmp_path / 'g.sqlite'}"
    assert main(["migrate", "--db", sqlite, "--grant-app-role", "gw_app"]) == 2
    assert "SQLite 没有数据库角色" in capsys.readouterr().err
    with pytest.raises(StoreError, match="SQLite 没有数据库角色"):
        grant_app_role(Store.open(sqlite), "gw_app")


def test_dry_run_prints_the_grants(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://gw_owner@db-host/gw"
    assert main(["migrate", "--db", url, "--grant-app-role", "gw_app", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [s + ";" for s in app_role_grants("gw_app", "gw")]
    assert "GRANT SELECT, INSERT ON audit_log, well_event, task_status_log TO gw_app;" in out
    others = next(line for line in out.splitlines() if "UPDATE, DELETE" in line)
    assert not any(f" {t}," in others or f" {t} " in others for t in HISTORY_TABLES)


# -- PostgreSQL: an owner role runs migrations, a role that owns nothing runs the app ------------


def test_app_role_writes_but_cannot_erase_history(
    pg_roles: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    owner_url, app_url, app = pg_roles
    assert main(["migrate", "--db", owner_url, "--grant-app-role", app]) == 0
    assert f"GRANT SELECT, INSERT ON audit_log, well_event, task_status_log TO {app}" in (
        capsys.readouterr().out
    )

    # The app's normal work, as the app role: opening (migrations already done), every writer.
    store = Store.open(app_url)
    write_history(store)
    L.update_well(store, EDITOR, "W1", {"note": "井口已封闭"}, 2)
    T.set_task_status(store, KEY, T.ManualStatus.DONE, "已验收", by=EDITOR, at=AT,
                      expected_version=1)  # fmt: skip
    store.set_meta("region", "绛县")
    store.upsert_wells(
        [AbandonedWell("W2", WellCategory.MINE, "竖井", "古绛镇", "西村", 111.58, 35.48,
                       WellStatus.REGISTERED, "不详", owner_known=False)]
    )  # fmt: skip
    before = _history_counts(store)
    assert before["well_event"] == 1 and before["task_status_log"] == 2 and before["audit_log"] >= 2

    # Neither through privileges nor around the triggers can it change history.
    attacks = [
        "UPDATE audit_log SET user_name = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP TABLE audit_log",
        "DELETE FROM well_event",
        "UPDATE task_status_log SET note = 'x'",
        f"SET ROLE {make_url(owner_url).username}",
    ]
    succeeded, refusals = [], []
    for attack in attacks:
        try:
            with store.engine.begin() as c:
                c.execute(sa.text(attack))
            succeeded.append(attack)
        except sa.exc.ProgrammingError as exc:
            refusals.append(str(exc.orig))
    assert succeeded == []
    assert all(("permission denied" in r or "must be owner" in r) for r in refusals), refusals
    with pytest.raises(StoreError, match="清空数据库需要数据库所有者角色"):
        store.clear()
    assert _history_counts(store) == before
    store.close()

    # The owner cannot hand the app role its own powers by mistake.
    with Store.open(owner_url) as owner_store:
        owner = make_url(owner_url).username or ""
        with pytest.raises(StoreError, match="所有者"):
            grant_app_role(owner_store, owner)
        with pytest.raises(StoreError, match="不存在"):
            grant_app_role(owner_store, "no_such_role")
        with pytest.raises(StoreError, match="超级用户"):
            grant_app_role(owner_store, "gw")  # the test server's superuser


def test_app_role_asks_the_owner_to_migrate(pg_roles: tuple[str, str, str]) -> None:
    """A new program version on an old schema: the app role may not migrate, and says who may."""
    owner_url, app_url, app = pg_roles
    with Store.open(owner_url) as owner_store:
        grant_app_role(owner_store, app)
        with owner_store.transaction() as conn:
            command.downgrade(alembic_config(conn), "0007")
    with pytest.raises(StoreError, match=r"升级数据库结构需要数据库所有者角色.*gwlib migrate"):
        Store.open(app_url)
    assert main(["migrate", "--db", owner_url, "--grant-app-role", app]) == 0
    with Store.open(owner_url, migrate=False) as owner_store, Store.open(app_url) as store:
        assert store.revision() == owner_store.revision() != "0007"


def test_deploy_guide_shows_the_grants_the_command_runs() -> None:
    """docs/deploy.md prints the GRANT statements for DBAs: they are the command's own."""
    text = (Path(__file__).parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    lines = [line.split("--", 1)[0] for line in block.splitlines()]
    shown = [" ".join(s.split()) for s in " ".join(lines).split(";") if s.strip()]
    assert shown == app_role_grants("gw_app", "gw")
