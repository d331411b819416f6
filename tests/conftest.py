"""Shared fixtures: free ports, SQLite URLs and a real PostgreSQL server for the session.

PostgreSQL is never mocked and never skipped: if the server binaries are missing the fixture
fails, because CI (./dev.sh test) installs them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

PG_USER = "gw"
PG_DATABASE = "gwtest"
PG_HOST = "127.0.0.1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the PostgreSQL server, so `-m "not postgres"` works locally."""
    for item in items:
        if {"pg_url", "fresh_pg_url"} & set(getattr(item, "fixturenames", ())):
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


def _pg_bindir() -> Path:
    """The bin directory of the highest installed PostgreSQL major version (Debian layout)."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        pytest.fail(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin. "
            "Install the Debian package `postgresql` (./dev.sh test does this).",
            pytrace=False,
        )

    def major(bindir: Path) -> tuple[int, ...]:
        version = bindir.parent.name
        return tuple(int(part) for part in version.split(".") if part.isdigit())

    return max(found, key=major)


def _run(cmd: list[str], *, cwd: Path, what: str, log: Path | None = None) -> None:
    # cwd: the `postgres` user may not be allowed into the caller's working directory.
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        server_log = log.read_text(errors="replace") if log and log.exists() else ""
        pytest.fail(
            f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}\n"
            f"--- server log ---\n{server_log}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def pg_url(free_port: Callable[[], int]) -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yield a SQLAlchemy URL to its `gwtest` database."""
    bindir = _pg_bindir()
    tmp = Path(tempfile.mkdtemp(dir="/tmp", prefix="gwtest-pg-"))
    data = tmp / "data"
    log = tmp / "server.log"
    # initdb and postgres refuse to run as root: hand the directory to the `postgres` user.
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.fail("running as root but `runuser` is not available", pytrace=False)
        try:
            shutil.chown(tmp, user="postgres", group="postgres")
        except LookupError:
            pytest.fail(
                "running as root and there is no `postgres` system user "
                "(the Debian package postgresql-common creates it)",
                pytrace=False,
            )
        as_user = ["runuser", "-u", "postgres", "--"]

    pg_ctl = [*as_user, str(bindir / "pg_ctl"), "-D", str(data)]
    started = False
    try:
        initdb = [*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", PG_USER]
        initdb += ["--encoding=UTF8", "--no-sync"]
        probe = subprocess.run(
            [*initdb, "--locale=C.UTF-8"], cwd=tmp, capture_output=True, text=True, check=False
        )
        if probe.returncode != 0:  # no C.UTF-8 locale on this system
            shutil.rmtree(data, ignore_errors=True)
            _run([*initdb, "--locale=C"], cwd=tmp, what="initdb")

        port = free_port()
        options = (
            f"-k {tmp} -p {port} -c listen_addresses={PG_HOST} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = [*pg_ctl, "-l", str(log), "-o", options, "-w", "-t", "60", "start"]
        _run(start, cwd=tmp, what="pg_ctl start", log=log)
        started = True
        _run(
            [str(bindir / "createdb"), "-h", PG_HOST, "-p", str(port), "-U", PG_USER, PG_DATABASE],
            cwd=tmp,
            what="createdb",
            log=log,
        )
        yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{port}/{PG_DATABASE}"
    finally:
        if started:
            subprocess.run(
                [*pg_ctl, "-m", "fast", "-w", "stop"],
                cwd=tmp,
                capture_output=True,
                check=False,
            )
        shutil.rmtree(tmp, ignore_errors=True)


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
