"""A throwaway PostgreSQL server on 127.0.0.1, for the test fixtures and the load test.

``pg_server(port)`` runs initdb into a fresh temporary directory, starts the server listening on
the loopback address only (trust authentication, no fsync: a scratch server), creates one
database and yields its SQLAlchemy URL; on exit (also on an error or Ctrl-C) it stops the server
and removes the directory. Failures raise :class:`PgServerError` with the command, its output
and the server log. As root, initdb and postgres run as the ``postgres`` system user
(``runuser``), which is what the Debian package provides.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_USER = "gw"
PG_DATABASE = "gwtest"
PG_HOST = "127.0.0.1"


class PgServerError(RuntimeError):
    """The scratch PostgreSQL server could not be set up."""


def pg_bindir() -> Path:
    """The bin directory of the highest installed PostgreSQL major version (Debian layout)."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        raise PgServerError(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin. "
            "Install the Debian package `postgresql` (./dev.sh test does this)."
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
        raise PgServerError(
            f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}\n"
            f"--- server log ---\n{server_log}"
        )


def _as_postgres_user(tmp: Path) -> list[str]:
    """initdb and postgres refuse to run as root: hand ``tmp`` to the `postgres` user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise PgServerError("running as root but `runuser` is not available")
    try:
        shutil.chown(tmp, user="postgres", group="postgres")
    except LookupError:
        raise PgServerError(
            "running as root and there is no `postgres` system user "
            "(the Debian package postgresql-common creates it)"
        ) from None
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def pg_server(port: int, database: str = PG_DATABASE) -> Iterator[str]:
    """Start a scratch server on ``127.0.0.1:port``; yield a SQLAlchemy URL to ``database``."""
    bindir = pg_bindir()
    tmp = Path(tempfile.mkdtemp(dir="/tmp", prefix="gwtest-pg-"))
    data = tmp / "data"
    log = tmp / "server.log"
    pg_ctl: list[str] = []
    started = False
    try:
        as_user = _as_postgres_user(tmp)
        pg_ctl = [*as_user, str(bindir / "pg_ctl"), "-D", str(data)]
        initdb = [*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", PG_USER]
        initdb += ["--encoding=UTF8", "--no-sync"]
        probe = subprocess.run(
            [*initdb, "--locale=C.UTF-8"], cwd=tmp, capture_output=True, text=True, check=False
        )
        if probe.returncode != 0:  # no C.UTF-8 locale on this system
            shutil.rmtree(data, ignore_errors=True)
            _run([*initdb, "--locale=C"], cwd=tmp, what="initdb")

        options = (
            f"-k {tmp} -p {port} -c listen_addresses={PG_HOST} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        start = [*pg_ctl, "-l", str(log), "-o", options, "-w", "-t", "60", "start"]
        started = True  # pg_ctl may have started the server even when it reports a failure
        _run(start, cwd=tmp, what="pg_ctl start", log=log)
        _run(
            [str(bindir / "createdb"), "-h", PG_HOST, "-p", str(port), "-U", PG_USER, database],
            cwd=tmp,
            what="createdb",
            log=log,
        )
        yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{port}/{database}"
    finally:
        if started:
            subprocess.run(
                [*pg_ctl, "-m", "fast", "-w", "stop"],
                cwd=tmp,
                capture_output=True,
                check=False,
            )
        shutil.rmtree(tmp, ignore_errors=True)
