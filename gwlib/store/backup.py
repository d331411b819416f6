"""Backup and restore of a whole database, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, schema revision, per-table row count and
SHA-256 checksum), ``signature.json`` (HMAC-SHA256 of the manifest with this installation's key,
:mod:`gwlib.store.signing`) and one ``<table>.jsonl`` per table, one JSON array per row in
column order, rows ordered by primary key. Dates and times are ISO strings; floats keep their
exact value. The file is written with mode 0600: it holds the users' password hashes.

Restore, in this order, refusing at the first failure and changing nothing:

1. :func:`inspect_backup` checks the signature (an unsigned backup only with
   ``allow_unsigned``), the schema revision and the target, and reads the backup's users and
   history row counts for a person to compare with the current database (the CLI shows them
   and asks for confirmation);
2. :func:`restore` checks the signature again (and that the file is the one inspected), then in
   one transaction: with ``replace``, undoes and redoes every migration (history tables refuse
   row deletes, so the tables are dropped instead: owner role only on PostgreSQL); loads every
   table while hashing its file against the signed manifest; recomputes every table's checksum
   from the database. Any difference rolls everything back.

:func:`verify` compares a database with a backup without restoring it: each table's rows are
read back on the columns the backup holds, so a later migration that only adds columns or
tables still shows every backed-up row unchanged (the offline installer checks an upgrade so).

Size: about 450 lines in one module, because backup and restore are the two sides of one file format
(manifest, checksums, signature) and change together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store.engine import owner_only, recreate_schema
from gwlib.store.schema import HISTORY_TABLES, data_tables
from gwlib.store.schema_ledger import app_user
from gwlib.store.signing import load_key, sign
from gwlib.store.signing import verify as verify_signature

FORMAT = "gwlib-backup/1"
MANIFEST, SIGNATURE = "manifest.json", "signature.json"
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


def backup(store: Store, path: str | Path, key: bytes | None = None) -> dict[str, Any]:
    """Write a signed backup of ``store`` to ``path``; returns the manifest. ``key`` defaults
    to this installation's (:func:`~gwlib.store.signing.load_key`, created on first use)."""
    key = load_key(create=True) if key is None else key
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tables: dict[str, Any] = {}
    with (
        _private_file(tmp) as raw,
        zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        store.engine.connect() as conn,
    ):
        for table in data_tables():
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
            "created_utc": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ", "seconds"),
            "tables": tables,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        zf.writestr(MANIFEST, body)
        zf.writestr(SIGNATURE, sign(body, key))
    tmp.replace(target)  # a half-written backup never carries the final name
    return manifest


def _private_file(path: Path) -> IO[bytes]:
    """``path`` opened for writing, readable by its owner only (a backup holds password
    hashes); an existing file of that name is replaced."""
    path.unlink(missing_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a backup, unverified (for listing; restore verifies)."""
    return _parse_manifest(_read_members(path)[0], path)


def _read_members(path: str | Path) -> tuple[bytes, bytes | None]:
    """The manifest's bytes and the signature's (None when unsigned)."""
    try:
        with zipfile.ZipFile(path) as zf:
            body = zf.read(MANIFEST)
            names = set(zf.namelist())
            signature = zf.read(SIGNATURE) if SIGNATURE in names else None
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise StoreError(f"备份文件 {path} 无法读取：{exc}") from exc
    return body, signature


def _parse_manifest(body: bytes, path: str | Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(body)
    except ValueError as exc:
        raise StoreError(f"备份文件 {path} 无法读取：清单不是 JSON（{exc}）") from exc
    if manifest.get("format") != FORMAT:
        raise StoreError(f"备份文件 {path} 的格式「{manifest.get('format')}」不受支持")
    return manifest


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    role: str
    active: bool
    password_hash: str

    def describe(self) -> str:
        name = f"{self.username}（{self.display_name}）" if self.display_name else self.username
        return f"{name} {self.role}" + ("" if self.active else " 已停用")


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would write, for a person to check before it does (:func:`inspect_backup`)."""

    path: Path
    manifest: dict[str, Any]
    digest: str  # SHA-256 of the manifest: restore refuses a file changed since inspection
    signed: bool
    key_id: str
    replace: bool
    users: tuple[UserRow, ...]  # in the backup
    current_users: tuple[UserRow, ...]  # in the target database now
    current_rows: dict[str, int]

    def user_changes(self) -> list[str]:
        """How the backup's users differ from the current database's, one line each."""
        now = {u.username: u for u in self.current_users}
        then = {u.username: u for u in self.users}
        out = [f"新增 {then[n].describe()}" for n in sorted(then.keys() - now.keys())]
        out += [f"删除 {now[n].describe()}" for n in sorted(now.keys() - then.keys())]
        for n in sorted(then.keys() & now.keys()):
            a, b = now[n], then[n]
            if a.role != b.role:
                out.append(f"角色改变 {n}：{a.role} → {b.role}")
            if a.active != b.active:
                out.append(f"{'启用' if b.active else '停用'} {n}")
            if a.password_hash != b.password_hash:
                out.append(f"口令不同 {n}（恢复后以备份中的口令为准）")
        return out

    def describe(self) -> list[str]:
        """The summary shown before the confirmation, in Chinese."""
        m, t = self.manifest, self.manifest["tables"]
        rows = sum(int(v["rows"]) for v in t.values())
        lines = [
            f"备份文件：{self.path}",
            "签名：" + (f"有效（密钥编号 {self.key_id}）" if self.signed
                        else "无（--unsigned-ok：无法确认来历，请逐项核对）"),
            f"生成于：{m.get('created_utc', '未记录')}（UTC），来源 {m.get('source_dialect')}，"
            f"结构版本 {m['revision']}，共 {rows} 行",
            "历史记录（备份中 / 当前数据库）：" + "；".join(
                f"{label} {t[h]['rows']} / {self.current_rows.get(h, 0)} 条"
                for h, label in HISTORY_TABLES.items()
            ),
            f"备份中的用户（{len(self.users)} 个）：",
            *(f"  {u.describe()}" for u in self.users),
        ]  # fmt: skip
        changes = self.user_changes()
        lines.append("与当前数据库的用户相比：" + ("相同" if not changes else ""))
        lines += [f"  {c}" for c in changes]
        if self.replace:
            current = sum(self.current_rows.values())
            lines.append(
                f"将替换当前数据库的全部内容（当前 {current} 行，含上面列出的历史记录），"
                "当前内容不再保留在这个数据库中"
            )
        return lines


def inspect_backup(
    store: Store,
    path: str | Path,
    replace: bool = False,
    key: bytes | None = None,
    allow_unsigned: bool = False,
) -> RestorePlan:
    """Verify a backup against ``store`` without changing anything; refuses (StoreError) what
    :func:`restore` would refuse."""
    body, signature = _read_members(path)
    if key is None and signature is not None:  # an unsigned backup needs no key to be refused
        key = load_key()
    checked = verify_signature(body, signature, key or b"", str(path), allow_unsigned)
    manifest = _parse_manifest(body, path)
    if manifest["revision"] != store.revision():
        raise StoreError(
            f"备份的数据库结构版本 {manifest['revision']} 与目标数据库 "
            f"{store.revision()} 不同：请先用相同版本的程序升级或恢复"
        )
    names = {t.name for t in data_tables()}
    if set(manifest["tables"]) != names:
        missing = sorted(names - set(manifest["tables"]))
        extra = sorted(set(manifest["tables"]) - names)
        raise StoreError(f"备份文件 {path} 的表与当前结构不一致：缺少 {missing}，多出 {extra}")
    for table in data_tables():
        if manifest["tables"][table.name]["columns"] != [c.name for c in table.columns]:
            raise StoreError(f"备份中表 {table.name} 的列与当前结构不一致")
    counts = store.counts()
    if any(counts.values()) and not replace:
        raise StoreError("目标数据库不是空的；确需覆盖请使用 --replace")
    with zipfile.ZipFile(path) as zf:
        users = [_user(r) for r in _table_rows(zf, app_user, manifest, str(path))]
    with store.engine.connect() as conn:
        current = [_user(r) for r in _rows(conn, app_user)]
    return RestorePlan(
        path=Path(path),
        manifest=manifest,
        digest=hashlib.sha256(body).hexdigest(),
        signed=checked.signed,
        key_id=checked.key_id,
        replace=replace,
        users=tuple(sorted(users, key=lambda u: u.username)),
        current_users=tuple(sorted(current, key=lambda u: u.username)),
        current_rows=counts,
    )


def _user(row: dict[str, Any] | tuple[Any, ...]) -> UserRow:
    r = row if isinstance(row, dict) else dict(zip([c.name for c in app_user.columns], row,
                                                    strict=True))  # fmt: skip
    return UserRow(str(r["username"]), str(r["display_name"]), str(r["role"]), bool(r["active"]),
                   str(r["password_hash"]))  # fmt: skip


def _table_rows(
    zf: zipfile.ZipFile, table: sa.Table, manifest: dict[str, Any], where: str
) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` in the backup, decoded; the file is hashed as it is read and a
    difference from the (signed) manifest raises once the file has been read."""
    spec, cols = manifest["tables"][table.name], list(table.columns)
    h, n = hashlib.sha256(), 0
    with zf.open(f"{table.name}.jsonl") as fh:
        for raw in fh:
            h.update(raw)
            n += 1
            try:
                values = json.loads(raw)
                row = {c.name: _decode(v, c) for c, v in zip(cols, values, strict=True)}
            except (ValueError, TypeError) as exc:
                raise StoreError(
                    f"备份文件 {where} 中表 {table.name} 第 {n} 行无法读取（{exc}），"
                    "拒绝恢复，数据库未改动"
                ) from exc
            yield row
    if h.hexdigest() != spec["sha256"] or n != spec["rows"]:
        raise StoreError(
            f"备份文件 {where} 中表 {table.name} 的内容与签名的清单不符"
            f"（{n} 行，清单记为 {spec['rows']} 行；SHA-256 不同），拒绝恢复，数据库未改动"
        )


def restore(
    store: Store,
    path: str | Path,
    replace: bool = False,
    key: bytes | None = None,
    allow_unsigned: bool = False,
    expect_digest: str | None = None,
) -> dict[str, Any]:
    """Load a verified backup into ``store`` (empty unless ``replace``); returns the manifest.

    ``expect_digest`` is :attr:`RestorePlan.digest` of the inspection the user confirmed: a file
    changed since then is refused.
    """
    plan = inspect_backup(store, path, replace, key, allow_unsigned)
    if expect_digest is not None and plan.digest != expect_digest:
        raise StoreError(f"备份文件 {path} 在核对之后被改动过，未恢复")
    manifest = plan.manifest
    try:
        with (
            owner_only("恢复备份"),
            zipfile.ZipFile(path) as zf,
            store.transaction() as conn,
        ):
            if replace:
                recreate_schema(conn)  # history refuses DELETE: drop and recreate the tables
            for table in data_tables():
                batch: list[dict[str, Any]] = []
                for row in _table_rows(zf, table, manifest, str(path)):
                    batch.append(row)
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
    except (sa.exc.IntegrityError, sa.exc.DataError) as exc:
        raise StoreError(
            f"备份文件 {path} 的数据违反数据库约束，已回滚，数据库未改动：{exc.orig}"
        ) from exc
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
    tables = {t.name: t for t in data_tables()}
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
    for table in data_tables():
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
