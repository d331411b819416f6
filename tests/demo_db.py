"""The demo database for tests: built once per session, copied for every test that writes.

Building the demo takes several seconds (it grades ten years of lab results); copying the
finished SQLite file takes a few milliseconds. The fixtures in ``tests/conftest.py`` use these:

* ``demo_db`` / ``demo_url`` (session): the one built database. Tests that only read share it;
  at the end of the session its contents are compared with what was built, so a test that
  wrote to it by mistake fails the run (and should take a copy instead).
* ``demo_copy_url`` (function): a private copy in the test's ``tmp_path``.
* :func:`copy_demo` for fixtures of a wider scope (a module's own database with users added).

The copy goes through SQLite's online-backup API, not a file copy: the store keeps the database
in WAL mode, and until the last connection closes the data lives in ``demo.sqlite-wal`` while the
main file may be almost empty.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from gwlib.store import Store
from gwlib.store.backup import table_checksums


def sqlite_url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_demo(source: Path, target: Path) -> str:
    """Copy the SQLite database at ``source`` to ``target`` (a new file); return its URL."""
    if target.exists():
        raise FileExistsError(f"{target} exists: a demo copy goes to a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return sqlite_url_of(target)


def contents(path: Path) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of the database at ``path`` (read only)."""
    store = Store.open(sqlite_url_of(path), migrate=False)
    try:
        return table_checksums(store)
    finally:
        store.close()
