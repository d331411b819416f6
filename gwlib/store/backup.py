"""Backup and restore of a whole database, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, schema revision, per-table row count and
SHA-256 checksum) and one ``<table>.jsonl`` per table, one JSON array per row in column order,
rows ordered by primary key. Dates and times are ISO strings; floats keep their exact value.

Restore loads into an empty, migrated database of the same schema revision in one transaction,
then recomputes every table's checksum and refuses (rolls back) on any difference.

:func:`verify` compares a database with a backup without restoring it: each table's rows are
read back on the columns the backup holds, so a later migration that only adds columns or
tables still shows every backed-up row unchanged (the offline installer checks an upgrade so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store.schema import metadata

FORMAT = "gwlib-backup/1"
CHUNK = 10_000


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _decode(value: Any, column: sa.Column[Any]) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.LargeBinary):
        return bytes.fromhex(value)
    return value


def _line(row: tuple[Any, ...]) -> bytes:
    return (
        json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n"
    ).encode("utf-8")


def _rows(
    conn: Connection, table: sa.Table, columns: Sequence[sa.Column[Any]] | None = None
) -> Iterator[tuple[Any, ...]]:
    """Every row of ``table`` (only ``columns`` when given), ordered by primary key."""
    cols = list(table.columns) if columns is None else list(columns)
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(stream_results=True).execute(sa.select(*cols).order_by(*order))
    for part in result.partitions(CHUNK):
        for row in part:
            yield tuple(_normalise(v, c) for v, c in zip(row, cols, strict=True))


def _normalise(value: Any, column: sa.Column[Any]) -> Any:
    """The same Python value whichever database it came from (SQLite stores booleans as 0/1)."""
    if value is not None and isinstance(column.type, sa.Boolean):
        return bool(value)
    if isinstance(value, float) and value.is_integer() and isinstance(column.type, sa.Integer):
        return int(value)
    return value


def table_checksums(store: Store) -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 of every table's canonical rows (ordered by primary key)."""
    with store.engine.connect() as conn:
        return _checksums_in(conn)


def backup(store: Store, path: str | Path) -> dict[str, Any]:
    """Write a backup of ``store`` to ``path``; returns the manifest."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tables: dict[str, Any] = {}
    with (
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        store.engine.connect() as conn,
    ):
        for table in metadata.sorted_tables:
            h, n = hashlib.sha256(), 0
            with zf.open(f"{table.name}.jsonl", "w") as fh:
                for row in _rows(conn, table):
                    line = _line(row)
                    h.update(line)
                    fh.write(line)
                    n += 1
            tables[table.name] = {
                "rows": n,
                "sha256": h.hexdigest(),
                "columns": [c.name for c in table.columns],
            }
        manifest = {
            "format": FORMAT,
            "revision": store.revision(),
            "source_dialect": store.dialect,
            "tables": tables,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(target)  # a half-written backup never carries the final name
    return manifest


def read_manifest(path: str | Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest: dict[str, Any] = json.loads(zf.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise StoreError(f"备份文件 {path} 无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise StoreError(f"备份文件 {path} 的格式「{manifest.get('format')}」不受支持")
    return manifest


def restore(store: Store, path: str | Path, replace: bool = False) -> dict[str, Any]:
    """Load a backup into ``store`` (empty unless ``replace``); verified by checksums."""
    manifest = read_manifest(path)
    if manifest["revision"] != store.revision():
        raise StoreError(
            f"备份的数据库结构版本 {manifest['revision']} 与目标数据库 "
            f"{store.revision()} 不同：请先用相同版本的程序升级或恢复"
        )
    counts = store.counts()
    if any(counts.values()) and not replace:
        raise StoreError("目标数据库不是空的；确需覆盖请使用 --replace")
    with zipfile.ZipFile(path) as zf, store.transaction() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(sa.delete(table))
        for table in metadata.sorted_tables:
            spec = manifest["tables"].get(table.name)
            if spec is None:
                continue
            if spec["columns"] != [c.name for c in table.columns]:
                raise StoreError(f"备份中表 {table.name} 的列与当前结构不一致")
            cols = list(table.columns)
            batch: list[dict[str, Any]] = []
            with zf.open(f"{table.name}.jsonl") as fh:
                for raw in io.TextIOWrapper(fh, encoding="utf-8"):
                    values = json.loads(raw)
                    batch.append({c.name: _decode(v, c) for c, v in zip(cols, values, strict=True)})
                    if len(batch) >= CHUNK:
                        conn.execute(sa.insert(table), batch)
                        batch = []
            if batch:
                conn.execute(sa.insert(table), batch)
            if store.dialect == "postgresql":
                _reset_sequence(conn, table)
        got = _checksums_in(conn)
        bad = [
            t
            for t, spec in manifest["tables"].items()
            if got.get(t, {}).get("sha256") != spec["sha256"]
        ]
        if bad:
            raise StoreError("恢复后校验和不一致，已回滚：" + "、".join(bad))
    return manifest


@dataclass(frozen=True)
class TableCheck:
    """One table of :func:`verify`: the backup's row count and what the database holds now."""

    table: str
    backup_rows: int
    rows: int | None  # None when the table or one of the backed-up columns is gone
    same: bool  # the rows, read on the backup's columns, hash to the backup's SHA-256
    note: str = ""  # why not, in Chinese


def verify(store: Store, path: str | Path) -> list[TableCheck]:
    """Compare ``store`` with the backup at ``path``, table by table (see the module docstring)."""
    manifest = read_manifest(path)
    tables = {t.name: t for t in metadata.sorted_tables}
    checks: list[TableCheck] = []
    with store.engine.connect() as conn:
        for name, spec in manifest["tables"].items():
            table = tables.get(name)
            if table is None:
                checks.append(TableCheck(name, spec["rows"], None, False, "数据库中已没有这张表"))
                continue
            gone = [c for c in spec["columns"] if c not in table.columns]
            if gone:
                note = "数据库中已没有这些列：" + "、".join(gone)
                checks.append(TableCheck(name, spec["rows"], None, False, note))
                continue
            h, n = hashlib.sha256(), 0
            for row in _rows(conn, table, [table.columns[c] for c in spec["columns"]]):
                h.update(_line(row))
                n += 1
            same = h.hexdigest() == spec["sha256"]
            note = "" if same else f"行数 {spec['rows']} → {n}" if n != spec["rows"] else "内容不同"
            checks.append(TableCheck(name, spec["rows"], n, same, note))
    return checks


def _checksums_in(conn: Connection) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        h, n = hashlib.sha256(), 0
        for row in _rows(conn, table):
            h.update(_line(row))
            n += 1
        out[table.name] = {"rows": n, "sha256": h.hexdigest()}
    return out


def _reset_sequence(conn: Connection, table: sa.Table) -> None:
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
        return
    name = pk[0].name
    conn.execute(
        sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
            f"COALESCE((SELECT MAX({name}) FROM {table.name}), 0) + 1, false)"
        )
    )
