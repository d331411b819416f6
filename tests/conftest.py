"""Shared fixtures: free ports, SQLite URLs, the demo database, a real PostgreSQL server for the
session, and on it a database with an owner role and an application role (``pg_roles``).

PostgreSQL is never mocked and never skipped: if the server binaries are missing the fixture
fails, because CI (./dev.sh test) installs them.

The demo database is built once per session (``demo_db``, ``demo_url``) and shared by the tests
that only read it; a test that writes takes its own copy (``demo_copy_url``). See
:mod:`tests.demo_db`. Tests of ``build_demo`` itself (tests/gwlib/test_demo.py) build their own.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from devtools.pgserver import PgServerError, pg_server
from gwlib.demo import build_demo
from tests.demo_db import contents, copy_demo, sqlite_url_of


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the PostgreSQL server, so `-m "not postgres"` works locally."""
    for item in items:
        if {"pg_url", "fresh_pg_url", "pg_roles"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function returning a TCP port on 127.0.0.1 that is free right now."""
    return _free_port


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/test.sqlite"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo database (a SQLite file), built once for the session. Only for reading: at the
    end of the session its contents must still be what was built."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(sqlite_url_of(path))
    built = contents(path)
    yield path
    now = contents(path)
    changed = sorted(t for t in built.keys() | now.keys() if built.get(t) != now.get(t))
    if changed:
        pytest.fail(
            f"the shared demo database was written to (tables changed: {', '.join(changed)}); "
            "a test that writes must use `demo_copy_url` (or tests.demo_db.copy_demo)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def demo_url(demo_db: Path) -> str:
    """SQLAlchemy URL of the shared, read-only demo database."""
    return sqlite_url_of(demo_db)


@pytest.fixture
def demo_copy_url(demo_db: Path, tmp_path: Path) -> str:
    """URL of this test's own copy of the demo database (``tmp_path / "demo.sqlite"``)."""
    return copy_demo(demo_db, tmp_path / "demo.sqlite")


@pytest.fixture(scope="session")
def pg_url(free_port: Callable[[], int]) -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yield a SQLAlchemy URL to its `gwtest` database."""
    try:
        with pg_server(free_port()) as url:
            yield url
    except PgServerError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def fresh_pg_url(pg_url: str) -> Iterator[str]:
    """A new, empty database on the session server for one test; dropped afterwards."""
    url = make_url(pg_url)
    name = f"gwtest_{uuid.uuid4().hex[:12]}"
    conninfo = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # FORCE: a test that forgot to dispose its engine must not block the drop.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def pg_roles(pg_url: str) -> Iterator[tuple[str, str, str]]:
    """A database owned by a new (non-superuser) owner role, and a new login role for the app:
    yields (owner URL, app URL, app role name)."""
    base = make_url(pg_url)
    tag = uuid.uuid4().hex[:8]
    owner, app, db = f"gw_owner_{tag}", f"gw_app_{tag}", f"gw_roles_{tag}"
    conninfo = f"host={base.host} port={base.port} user={base.username} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(app)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db), sql.Identifier(owner))
        )
    try:
        yield (
            base.set(username=owner, database=db).render_as_string(hide_password=False),
            base.set(username=app, database=db).render_as_string(hide_password=False),
            app,
        )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )
            for role in (app, owner):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
