"""Faults: a full disk while saving a ledger attachment gives a clear error and corrupts nothing.

The disk is really full: each scenario runs in a child process in its own mount namespace
(``unshare --mount``) that mounts a tiny tmpfs, fills it and then calls
:func:`gwlib.store.documents.add_document`. Nothing is mounted outside that process, and the
mounts vanish with it. Mounting needs root (CI runs as root); if it is impossible the test
fails and says why, it is never skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MOUNT_FAILED_EXIT = 3

#: Shared by every scenario (and by tests/app/test_upload_full_disk.py): mount a tmpfs of a
#: given size, fill it to a given free space, list a directory, count ledger rows.
PRELUDE = textwrap.dedent("""
    import errno, hashlib, json, os, subprocess, sys
    from pathlib import Path

    def mount_tmpfs(where, size):
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"MOUNT FAILED: mount -t tmpfs {where}: {done.stderr.strip()}",
                  file=sys.stderr)
            sys.exit(%(mount_failed)d)

    def fill(where, leave=0):
        \"\"\"Write a filler file until only about ``leave`` bytes are free.\"\"\"
        path = where / "filler.bin"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            while os.statvfs(where).f_bavail * os.statvfs(where).f_frsize > leave + 4096:
                os.write(fd, b"\\0" * 4096)
            if leave == 0:
                while True:
                    os.write(fd, b"\\0" * 512)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        finally:
            os.close(fd)
        return path

    def listing(where):
        return sorted(
            [str(p.relative_to(where)), p.stat().st_size,
             hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""]
            for p in where.rglob("*") if p.name != "filler.bin"
        )

    def counts(store):
        import sqlalchemy as sa
        from gwlib.store.schema_ledger import audit_log, well_document
        with store.engine.connect() as conn:
            return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in (well_document, audit_log)]
""") % {"mount_failed": MOUNT_FAILED_EXIT}

SETUP_STORE = textwrap.dedent("""
    from gwlib.errors import StoreError
    from gwlib.wells.model import AbandonedWell, WellCategory, WellStatus
    from gwlib.store import Store
    from gwlib.store import ledger as L
    from gwlib.store import audit
    from gwlib.store import documents as documents_store
    from tests.accounts import add_accounts

    EDITOR = audit.Actor("zhang")

    def open_store(db):
        store = Store.open(f"sqlite:///{db}")
        add_accounts(store, {"zhang": "editor"})
        store.upsert_wells([AbandonedWell(
            code="W1", category=WellCategory.WATER_WELL, subtype="农田灌溉井",
            township="古绛镇", village="东村", lon=111.57, lat=35.49,
            status=WellStatus.REGISTERED, owner="东村村民委员会")])
        return store
""")


def run_on_tmpfs(
    tmp_path: Path, body: str, setup: str = SETUP_STORE, timeout: float = 120
) -> dict[str, Any]:
    """Run ``body`` (after PRELUDE and ``setup``) in a private mount namespace with ``WORK`` =
    tmp_path; return the JSON object it prints last."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail(
            "`unshare` (util-linux) not found: the full-disk tests mount a tmpfs in a private "
            "mount namespace; install util-linux",
            pytrace=False,
        )
    script = PRELUDE + setup + "\nWORK = Path(sys.argv[1])\n" + textwrap.dedent(body)
    done = subprocess.run(
        [unshare, "--mount", "--propagation", "private", sys.executable, "-c", script,
         str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        why = (
            "cannot mount a tmpfs in a private mount namespace — these tests need root "
            "(or CAP_SYS_ADMIN) to fill a real disk; they are not skipped"
            if done.returncode == MOUNT_FAILED_EXIT or "unshare" in done.stderr
            else f"the full-disk scenario failed (exit {done.returncode})"
        )
        pytest.fail(
            f"{why}\n--- stdout ---\n{done.stdout[-5000:]}\n--- stderr ---\n{done.stderr[-8000:]}",
            pytrace=False,
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_full_attachment_disk_says_so_and_leaves_everything_as_it_was(tmp_path: Path) -> None:
    got = run_on_tmpfs(
        tmp_path,
        """
        att = WORK / "attachments"
        mount_tmpfs(att, "256k")
        store = open_store(WORK / "ledger.sqlite")  # the database is on another disk
        old = b"%PDF-1.4 existing sealing record " * 300
        documents_store.add_document(store, EDITOR, "W1", "封井记录.pdf", old, "封井记录", att)
        filler = fill(att, leave=64 * 1024)
        before, rows_before = listing(att), counts(store)
        big = os.urandom(200 * 1024)  # bigger than the space left: the write fails part-way
        try:
            documents_store.add_document(store, EDITOR, "W1", "验收报告_现场.pdf", big, "验收报告", att)
            error = None
        except StoreError as exc:
            error = str(exc)
        after, rows_after = listing(att), counts(store)
        dot_files = [p.name for p in att.rglob(".*")]
        filler.unlink()  # space freed: the same upload now works
        doc = documents_store.add_document(store, EDITOR, "W1", "验收报告_现场.pdf", big, "验收报告", att)
        docs = documents_store.documents(store, "W1")
        stored = docs.set_index("id").loc[doc, "stored_name"]
        print(json.dumps({
            "error": error, "before": before, "after": after, "dot_files": dot_files,
            "rows_before": rows_before, "rows_after": rows_after, "rows_final": counts(store),
            "filenames": list(docs["filename"]),
            "retry_intact": (att / stored).read_bytes() == big,
            "old_intact": hashlib.sha256(old).hexdigest() in {h for _, _, h in listing(att)},
            "att": str(att),
        }, ensure_ascii=False))
        """,
    )
    error = got["error"]
    assert error is not None, "add_document did not fail on a full disk"
    assert error.startswith("磁盘空间不足"), error
    assert "验收报告_现场.pdf" in error and got["att"] in error, error  # names file and directory
    assert "未登记" in error and "已有附件不受影响" in error, error
    assert got["after"] == got["before"], "the attachments directory changed"
    assert got["dot_files"] == [], f"temp files left behind: {got['dot_files']}"
    assert got["rows_after"] == got["rows_before"], "document or audit rows were written"
    assert got["old_intact"], "the existing attachment was damaged"
    doc_rows, audit_rows = got["rows_before"]
    assert got["rows_final"] == [doc_rows + 1, audit_rows + 1]
    assert got["filenames"] == ["封井记录.pdf", "验收报告_现场.pdf"]
    assert got["retry_intact"]


def test_full_database_disk_after_the_file_is_written(tmp_path: Path) -> None:
    """The reverse order: the file is saved, then SQLite (on a full disk of its own) refuses
    the row. Nothing is registered, the error says so, and the content-addressed file stays as
    an unlisted copy that the retry reuses (see add_document's docstring)."""
    got = run_on_tmpfs(
        tmp_path,
        """
        import sqlite3
        att, dbdir = WORK / "attachments", WORK / "db"
        mount_tmpfs(att, "1m")
        mount_tmpfs(dbdir, "8m")
        store = open_store(dbdir / "ledger.sqlite")
        store.close()
        raw = sqlite3.connect(dbdir / "ledger.sqlite")  # an empty WAL must grow to take a row
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        store = Store.open(f"sqlite:///{dbdir / 'ledger.sqlite'}", migrate=False)
        rows_before = counts(store)
        filler = fill(dbdir)
        data = os.urandom(50 * 1024)
        try:
            documents_store.add_document(store, EDITOR, "W1", "现场照片.jpg", data, "照片", att)
            error = None
        except StoreError as exc:
            error = str(exc)
        rows_after = counts(store)
        files = listing(att)
        try:  # any other write on the full disk says the same, in plain words
            L.update_well(store, EDITOR, "W1", {"note": "x" * 200_000},
                          int(L.well(store, "W1")["version"]))
            edit_error = None
        except StoreError as exc:
            edit_error = str(exc)
        filler.unlink()
        documents_store.add_document(store, EDITOR, "W1", "现场照片.jpg", data, "照片", att)
        print(json.dumps({
            "error": error, "edit_error": edit_error,
            "rows_before": rows_before, "rows_after": rows_after,
            "files": files, "files_final": listing(att), "rows_final": counts(store),
        }, ensure_ascii=False))
        """,
    )
    error = got["error"]
    assert error is not None, "add_document did not fail with the database disk full"
    assert error.startswith("磁盘空间不足，数据库无法写入"), error
    assert "现场照片.jpg" in error and "未登记" in error, error
    assert got["rows_after"] == got["rows_before"]
    assert (got["edit_error"] or "").startswith("磁盘空间不足，数据库无法写入"), got["edit_error"]
    names = [name for name, _, _ in got["files"]]
    assert not [n for n in names if Path(n).name.startswith(".")], names  # no temp file
    assert len([n for n in names if n.endswith(".jpg")]) == 1  # the unlisted copy
    assert got["files_final"] == got["files"]  # the retry reused it
    doc_rows, audit_rows = got["rows_before"]
    assert got["rows_final"] == [doc_rows + 1, audit_rows + 1]
