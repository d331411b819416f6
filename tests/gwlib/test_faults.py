"""Faults: a busy SQLite says so and writes nothing; a process killed in the middle of an
import leaves no partial rows and the import can simply be run again."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import gwlib.store as store_module
from gwlib.errors import StoreError
from gwlib.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_locked_sqlite_retries_then_says_so(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "busy.sqlite"
    url = f"sqlite:///{db}"
    Store.open(url).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.3)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with Store.open(url, migrate=False) as store, \
                pytest.raises(StoreError, match="另一项写入占用"):
            store.set_meta("k", "v")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(url, migrate=False) as store:  # once released, the same write works
        store.set_meta("k", "v")
        assert store.get_meta("k") == "v"


KILLED_IMPORT = textwrap.dedent("""
    import os, re, signal, sys
    import sqlalchemy as sa
    from gwlib.demo import build_demo
    from gwlib.quality.assess import assess
    from gwlib.store import Store
    from gwlib.quality.standards import get_standard
    import gwlib.demo as demo

    url = sys.argv[1]
    store = Store.open(url)
    inserts = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def die_mid_import(conn, cursor, statement, parameters, context, executemany):
        # Kill the process hard once some measurements are in, before the commit (whether
        # they go through SQLAlchemy's INSERT or straight to the driver).
        if re.match(r'INSERT INTO "?measurement"? ', statement):
            inserts.append(1)
            if len(inserts) == 2:
                os.kill(os.getpid(), signal.SIGKILL)

    std = get_standard()
    data = demo.generate(140826)
    batch = demo.import_lab_table(data, std)
    store.write_assessment(assess(batch.frame, std), "killed.csv")
""")


def test_killed_import_leaves_no_partial_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.sqlite'}"
    from gwlib.demo import generate

    data = generate(140826)
    with Store.open(url) as store:
        store.upsert_points(data.monitoring.points)
        before = store.counts()
    script = tmp_path / "killed_import.py"
    script.write_text(KILLED_IMPORT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), url], env=env, capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == -9, done.stderr  # really killed, mid-transaction
    with Store.open(url) as store:
        assert store.counts() == before  # nothing of the import is left
        # The import can simply be run again.
        from gwlib.demo import import_lab_table
        from gwlib.quality.assess import assess
        from gwlib.quality.standards import get_standard

        std = get_standard()
        n = store.write_assessment(assess(import_lab_table(data, std).frame, std), "again.csv")
        assert n > 0 and store.counts()["sample"] == n
