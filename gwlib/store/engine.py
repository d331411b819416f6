"""Connecting to the database: SQLite (WAL, explicit BEGIN, writers take the lock up front) or
PostgreSQL (psycopg, no server-side prepared statements), and the Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from gwlib.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE_OPTION = "gwlib_write"
#: How long a writer waits for another writer to finish on SQLite before giving up.
BUSY_TIMEOUT_S = 10.0


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python 3.11's sqlite3 opens transactions itself; take control so BEGIN is explicit.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (no busy-snapshot failure on read-then-write);
    # readers begin deferred so that they never wait for each other.
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, the file's directory is created and WAL switched on."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_driver_name() == "psycopg":
        # psycopg prepares a statement after 5 runs; PostgreSQL may then keep a generic plan,
        # which for "code IN (5,000 values)" compared every row with every code (59 s against
        # 17 ms unprepared, seen importing 100,000 wells). Our statements are few and large.
        connect_args["prepare_threshold"] = None
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def alembic_config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


#: PostgreSQL's SQLSTATE for "permission denied" / "must be owner of table".
INSUFFICIENT_PRIVILEGE = "42501"


@contextmanager
def owner_only(what: str) -> Iterator[None]:
    """Turn PostgreSQL's "permission denied" during ``what`` into a StoreError that says who may
    do it: schema changes and emptying history belong to the role that owns the tables, and the
    application's role does not (docs/deploy.md, 数据库角色)."""
    try:
        yield
    except sa.exc.ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        raise StoreError(
            f"{what}需要数据库所有者角色，当前连接的角色无权修改表结构或历史记录"
            f"（数据库报告：{str(exc.orig).strip().splitlines()[0]}）。"
            "请用所有者角色的连接执行，例如 python -m gwlib migrate --db 所有者的URL"
        ) from exc


def recreate_schema(conn: Connection) -> None:
    """Undo every migration and redo them on ``conn``: an empty database of the newest schema,
    history tables and their triggers included. Inside the caller's transaction."""
    cfg = alembic_config(conn)
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "heads")
