"""Backup and restore round-trip a database exactly (row counts and checksums per table),
on SQLite, on PostgreSQL, and between them. Signing and the crafted-backup attack are in
test_backup_signing.py."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gwlib.cli import main
from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store.backup import backup, read_manifest, restore, table_checksums, verify


@pytest.fixture(autouse=True)
def _own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs with a key in its own data directory, never the runner's."""
    monkeypatch.setenv("GWLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GWLIB_BACKUP_KEY", raising=False)


def _round_trip(source_url: str, target_url: str, tmp_path: Path) -> None:
    with Store.open(source_url) as src:
        before = table_checksums(src)
        manifest = backup(src, tmp_path / "gw.backup")
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == {
        t: v["rows"] for t, v in before.items()
    }
    with Store.open(target_url) as dst:
        restore(dst, tmp_path / "gw.backup")
        assert table_checksums(dst) == before
        assert dst.counts()["measurement"] > 10_000


def test_sqlite_round_trip(demo_url: str, tmp_path: Path) -> None:
    _round_trip(demo_url, f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path)


def test_postgres_round_trip_and_cross_database(
    demo_url: str, fresh_pg_url: str, tmp_path: Path, pg_url: str
) -> None:
    _round_trip(demo_url, fresh_pg_url, tmp_path)  # SQLite → PostgreSQL
    _round_trip(fresh_pg_url, f"sqlite:///{tmp_path / 'back.sqlite'}", tmp_path)  # and back


def test_postgres_to_postgres_and_ids_continue(
    demo_url: str, fresh_pg_url: str, tmp_path: Path
) -> None:
    _round_trip(demo_url, fresh_pg_url, tmp_path / "a")
    # After a restore the id sequences continue past the restored rows.
    with Store.open(fresh_pg_url) as store:
        store.set_meta("after_restore", "ok")
        from gwlib.sources.model import PollutionCategory, PollutionSource

        store.upsert_pollution_sources(
            [PollutionSource("NEW-1", "新源", PollutionCategory.OTHER, "古绛镇", 111.6, 35.5)]
        )
        assert "NEW-1" in set(store.pollution_sources()["code"])


def test_restore_refuses_a_non_empty_database(demo_url: str, tmp_path: Path) -> None:
    with Store.open(demo_url) as src:
        backup(src, tmp_path / "gw.backup")
        with pytest.raises(StoreError, match="不是空的"):
            restore(src, tmp_path / "gw.backup")


def test_corrupted_backup_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"not a zip")
    with pytest.raises(StoreError, match="无法读取"):
        read_manifest(bad)


def test_cli_backup_restore(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "cli.backup"
    assert main(["backup", "--db", demo_url, "-o", str(out)]) == 0
    target = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["restore", str(out), "--db", target, "--yes"]) == 0
    with Store.open(demo_url) as a, Store.open(target) as b:
        assert table_checksums(a) == table_checksums(b)


def _rewrite_manifest(src: Path, dst: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Copy a backup with its manifest changed by ``edit`` (the table files are kept)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest, ensure_ascii=False).encode()
            zout.writestr(item, data)


def test_verify_finds_every_row_unchanged_and_names_a_changed_table(
    demo_copy_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_copy_url
    out = tmp_path / "v.backup"
    assert main(["backup", "--db", url, "-o", str(out)]) == 0
    with Store.open(url) as store:
        checks = verify(store, out)
        assert checks and all(c.same and c.rows == c.backup_rows for c in checks)
        assert main(["verify", str(out), "--db", url]) == 0
        assert "逐表一致" in capsys.readouterr().err

        store.set_meta("changed_after_backup", "1")
        bad = [c for c in verify(store, out) if not c.same]
    assert [(c.table, c.note) for c in bad] == [
        ("meta", f"行数 {bad[0].backup_rows} → {bad[0].backup_rows + 1}")
    ]
    assert main(["verify", str(out), "--db", url]) == 1
    assert "不一致：表 meta" in capsys.readouterr().err


def test_verify_reads_rows_on_the_backups_columns(demo_url: str, tmp_path: Path) -> None:
    """A backup made before a migration added a column: the rows still match on the columns
    the backup holds. The oracle hashes the backup's own JSON lines cut to those columns."""
    full = tmp_path / "full.backup"
    with Store.open(demo_url) as store:
        backup(store, full)
    with zipfile.ZipFile(full) as zf:
        lines = zf.read("monitoring_point.jsonl").decode().splitlines()
    keep = 3
    cut = hashlib.sha256()
    for line in lines:
        cut.update(
            (
                json.dumps(json.loads(line)[:keep], ensure_ascii=False, separators=(",", ":"))
                + "\n"
            ).encode()
        )

    def older(manifest: dict[str, Any]) -> None:
        spec = manifest["tables"]["monitoring_point"]
        spec["columns"] = spec["columns"][:keep]
        spec["sha256"] = cut.hexdigest()
        manifest["tables"]["well_event"]["columns"].append("dropped_later")

    old = tmp_path / "old.backup"
    _rewrite_manifest(full, old, older)
    with Store.open(demo_url) as store:
        checks = {c.table: c for c in verify(store, old)}
    assert checks["monitoring_point"].same
    assert checks["monitoring_point"].rows == len(lines) > 0
    assert not checks["well_event"].same
    assert checks["well_event"].note == "数据库中已没有这些列：dropped_later"
    assert [t for t, c in checks.items() if not c.same] == ["well_event"]
