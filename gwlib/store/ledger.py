"""Writing the 封井回填 ledger safely: every change checked, versioned and audited.

* **Validation in gwlib**: a changed well is rebuilt as an :class:`~gwlib.wells.model.AbandonedWell`
  (field rules) and status changes go through :func:`gwlib.wells.lifecycle.check_transition`.
* **Optimistic concurrency**: each write names the ``version`` it was based on; the UPDATE only
  matches that version, so a second editor gets :class:`~gwlib.errors.ConflictError` and nothing
  of theirs is written.
* **Audit**: one ``audit_log`` row per changed field (who, when, field, old → new), written in
  the same transaction as the change; the table refuses UPDATE and DELETE.
* **Nothing deleted for real**: wells and documents are soft-deleted with a reason.
* **Roles** are checked here, at the time of the write (not only by hiding buttons): every
  write reads the writer's account again inside its own transaction (:meth:`Actor.require_write`),
  so a session opened before the account was disabled or demoted cannot write after it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import math
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import (
    ConflictError,
    DatabaseUnavailable,
    PermissionDenied,
    StoreError,
    ValidationError,
)
from gwlib.store import Store, schema
from gwlib.store.schema_ledger import (
    app_user,
    audit_log,
    well_document,
    well_event,
    well_seal_interval,
    well_sealing,
)
from gwlib.wells.lifecycle import check_transition
from gwlib.wells.model import AbandonedWell, WellStatus

W = schema.abandoned_well
ROLES = ("viewer", "editor", "admin")
ROLE_NAMES = {"viewer": "查看者", "editor": "编辑", "admin": "管理员"}
WRITE_ROLES = ("editor", "admin")
#: Well columns a person may edit through a form or an import (not code, status, version).
EDITABLE = tuple(
    f.name for f in fields(AbandonedWell) if f.name not in ("code", "status", "deferral_reason")
)
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
CLI_PREFIX = "命令行:"
MAX_USER_CHARS = 64  # audit_log.user_name
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".docx", ".doc", ".xlsx", ".xls", ".tif")


class ReviewStatus(StrEnum):
    """Review state of an attachment (OGRRE: unreviewed/incomplete/reviewed/defective)."""

    UNREVIEWED = "未审"
    INCOMPLETE = "需补充"
    REVIEWED = "已审"
    DEFECTIVE = "有缺陷"


class DocumentKind(StrEnum):
    PHOTO = "照片"
    SEALING_RECORD = "封井记录"
    ACCEPTANCE_REPORT = "验收报告"
    OTHER = "其他"


class IntervalRole(StrEnum):
    SEAL = "封闭"
    BACKFILL = "回填"
    AQUITARD = "止水"


@dataclass(frozen=True)
class Actor:
    """Who is writing.

    ``user`` names an account in ``app_user``. The actor carries no role: every write calls
    :meth:`require_write` (or :meth:`require_admin`) on its own transaction's connection, which
    reads the account's active flag and role at that moment (on PostgreSQL with ``FOR SHARE``,
    so a concurrent disable waits for the write to finish and every later write sees it).

    A command-line operator (:meth:`command_line`) has no account: whoever can run
    ``python -m gwlib`` on the server can open the database directly. The audit log names
    the operating-system user as ``命令行:<user>``.
    """

    user: str
    local: bool = False

    @classmethod
    def command_line(cls, os_user: str, declared: str = "") -> Actor:
        """The operator of a command on the server; ``declared`` is a name they gave (e.g. the
        person who filled the spreadsheet), recorded next to theirs, never instead of it."""
        name = f"{CLI_PREFIX}{os_user}"
        if declared.strip():
            name += f"（声明为 {declared.strip()}）"
        if len(name) > MAX_USER_CHARS:
            raise ValidationError(
                "操作人", name, f"不超过 {MAX_USER_CHARS} 个字符（审计日志的操作人列宽度）"
            )
        return cls(name, local=True)

    def require_write(self, conn: Connection) -> str:
        """The account's role now if it may change data (editor, admin); else PermissionDenied."""
        return self._require(conn, WRITE_ROLES, "只能查看，不能修改")

    def require_admin(self, conn: Connection) -> str:
        """The account's role now, if it may manage users (admin); else PermissionDenied."""
        return self._require(conn, ("admin",), "不能管理用户（只有管理员能管理用户）")

    def _require(self, conn: Connection, allowed: Sequence[str], denied: str) -> str:
        if self.local:
            return "admin"
        if not self.user:
            raise PermissionDenied("请先登录")
        row = conn.execute(
            sa.select(app_user.c.role, app_user.c.active)
            .where(app_user.c.username == self.user)
            .with_for_update(read=True)
        ).one_or_none()
        if row is None or not row.active:
            raise PermissionDenied(
                f"账号「{self.user}」已停用或不存在，不能修改。请重新登录或联系管理员。"
            )
        if row.role not in allowed:
            role = ROLE_NAMES.get(row.role, row.role)
            raise PermissionDenied(f"用户 {self.user} 的角色为「{role}」，{denied}")
        return str(row.role)


@dataclass(frozen=True)
class SealInterval:
    """A depth interval of the sealing: material placed from ``top_m`` to ``bottom_m``."""

    top_m: float
    bottom_m: float
    role: IntervalRole
    material: str
    note: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.top_m < self.bottom_m <= 10_000):
            raise ValidationError(
                "深度区间(m)", f"{self.top_m}–{self.bottom_m}", "0 ≤ 顶深 < 底深 ≤ 10000"
            )
        if not self.material.strip():
            raise ValidationError("材料", self.material, "非空文本（如 粘土球、水泥浆、膨润土）")


@dataclass(frozen=True)
class SealingRecord:
    """封井回填记录 of one well (after BC GWELLS's decommission fields)."""

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    method: str = ""
    wellhead: str = ""
    aquitard_seals: str = ""
    contractor: str = ""
    cost_wan: float | None = None
    funding_source: str = ""
    acceptance_date: dt.date | None = None
    acceptance_conclusion: str = ""
    intervals: tuple[SealInterval, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError("封井完成日期", self.end_date, "不早于封井开始日期")
        if self.acceptance_date and self.end_date and self.acceptance_date < self.end_date:
            raise ValidationError("验收日期", self.acceptance_date, "不早于封井完成日期")
        if self.cost_wan is not None and (math.isnan(self.cost_wan) or self.cost_wan < 0):
            raise ValidationError("费用（万元）", self.cost_wan, "非负数")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _text(value: Any) -> str:
    """A value as the audit log shows it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _db_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def _well_row(w: AbandonedWell) -> dict[str, Any]:
    row = {f.name: _db_value(getattr(w, f.name)) for f in fields(w)}
    row["plan_type"] = row["plan_type"] or ""
    return row


def _same(a: Any, b: Any) -> bool:
    return _text(_db_value(a)) == _text(_db_value(b))


def _audit(
    conn: Connection,
    actor: Actor,
    action: str,
    entity: str,
    key: str,
    changes: Sequence[tuple[str, Any, Any]] = (),
    note: str = "",
    ts: dt.datetime | None = None,
) -> None:
    ts = ts or _now()
    rows = [
        {
            "ts_utc": ts,
            "user_name": actor.user,
            "action": action,
            "entity": entity,
            "entity_key": key,
            "field": name,
            "old_value": _text(old),
            "new_value": _text(new),
            "note": note,
        }
        for name, old, new in changes
    ] or [
        {
            "ts_utc": ts,
            "user_name": actor.user,
            "action": action,
            "entity": entity,
            "entity_key": key,
            "note": note,
        }
    ]
    conn.execute(sa.insert(audit_log), rows)


def _load_well(conn: Connection, code: str) -> dict[str, Any]:
    row = conn.execute(sa.select(W).where(W.c.code == code)).mappings().one_or_none()
    if row is None or row["deleted"]:
        raise StoreError(f"台账中没有井编码为「{code}」的井")
    return dict(row)


def _conflict(conn: Connection, code: str, expected: int, found: int) -> ConflictError:
    last = conn.execute(
        sa.select(audit_log.c.user_name, audit_log.c.ts_utc)
        .where(audit_log.c.entity_key == code)
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).one_or_none()
    who = f"（最后由 {last[0]} 于 {last[1]:%Y-%m-%d %H:%M} UTC 保存）" if last else ""
    return ConflictError(
        f"井 {code} 在您打开后已被他人修改{who}：您的修改未保存。"
        f"请刷新后重新填写（您基于第 {expected} 版，当前为第 {found} 版）。"
    )


def _write_well(
    conn: Connection, before: dict[str, Any], after: dict[str, Any], expected_version: int
) -> int:
    """UPDATE the well if it is still at ``expected_version``; return the new version."""
    code = before["code"]
    if before["version"] != expected_version:
        raise _conflict(conn, code, expected_version, before["version"])
    values = {k: after[k] for k in after if k in W.c and k not in ("id", "version", "deleted")}
    res = conn.execute(
        sa.update(W)
        .where((W.c.code == code) & (W.c.version == expected_version))
        .values(**values, version=expected_version + 1)
    )
    if res.rowcount != 1:
        raise _conflict(conn, code, expected_version, expected_version + 1)
    return expected_version + 1


def _validated(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row rebuilt through the domain object (its rules apply), back as a table row."""
    well = AbandonedWell.from_row({**row, "plan_type": row.get("plan_type") or None})
    return _well_row(well)


def well(store: Store, code: str) -> dict[str, Any]:
    """One well's row (including ``version``)."""
    with store.engine.connect() as conn:
        return _load_well(conn, code)


def update_well(
    store: Store,
    actor: Actor,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int,
    note: str = "",
) -> int:
    """Change editable fields of a well; returns the new version (same when nothing changed)."""
    bad = sorted(set(changes) - set(EDITABLE))
    if bad:
        raise ValidationError("字段", "、".join(bad), "可编辑字段（状态请用流程办理）")
    with store.transaction() as conn:
        actor.require_write(conn)
        before = _load_well(conn, code)
        after = _validated({**before, **changes})
        diff = [(k, before[k], after[k]) for k in EDITABLE if not _same(before[k], after[k])]
        if not diff:
            if before["version"] != expected_version:
                raise _conflict(conn, code, expected_version, before["version"])
            return expected_version
        version = _write_well(conn, before, after, expected_version)
        _audit(conn, actor, "update", "well", code, diff, note)
    return version


def transition_well(
    store: Store,
    actor: Actor,
    code: str,
    to: WellStatus | str,
    on: dt.date,
    expected_version: int,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
) -> int:
    """Move a well to status ``to`` on date ``on`` (with optional field changes in the same
    step), after the lifecycle rules; records the step in the well's history."""
    target = WellStatus(to)
    changes = dict(changes or {})
    bad = sorted(set(changes) - set(EDITABLE))
    if bad:
        raise ValidationError("字段", "、".join(bad), "可编辑字段")
    with store.transaction() as conn:
        actor.require_write(conn)
        before = _load_well(conn, code)
        if before["version"] != expected_version:
            raise _conflict(conn, code, expected_version, before["version"])
        merged = {**before, **changes, "status": target.value}
        if target is WellStatus.DEFERRED:
            merged["deferral_reason"] = note.strip() or before["deferral_reason"]
        else:
            merged["deferral_reason"] = ""
        seal = (
            conn.execute(sa.select(well_sealing).where(well_sealing.c.well_code == code))
            .mappings()
            .one_or_none()
        )
        if target is WellStatus.SEALED and seal and not merged.get("actual_completion"):
            merged["actual_completion"] = seal["end_date"]
        docs = conn.execute(
            sa.select(sa.func.count())
            .select_from(well_document)
            .where((well_document.c.well_code == code) & (well_document.c.deleted == sa.false()))
        ).scalar_one()
        check_transition(
            before["status"], target, merged, dict(seal) if seal else None, int(docs), note
        )
        after = _validated(merged)
        diff = [
            (k, before[k], after[k])
            for k in ("status", *EDITABLE, "deferral_reason")
            if not _same(before[k], after[k])
        ]
        version = _write_well(conn, before, after, expected_version)
        ts = _now()
        conn.execute(
            sa.insert(well_event).values(
                well_code=code,
                from_status=before["status"],
                to_status=target.value,
                event_date=on,
                user_name=actor.user,
                note=note,
                recorded_at=ts,
            )
        )
        _audit(conn, actor, "transition", "well", code, diff, note, ts)
    return version


def soft_delete_well(
    store: Store, actor: Actor, code: str, reason: str, expected_version: int
) -> None:
    """Hide a well from the ledger (kept in the database, with its reason in the audit log)."""
    if not reason.strip():
        raise ValidationError(
            "删除原因", reason, "非空文本（例如：重复登记，与 JX-FJ-0001 为同一眼井）"
        )
    with store.transaction() as conn:
        actor.require_write(conn)
        before = _load_well(conn, code)
        res = conn.execute(
            sa.update(W)
            .where((W.c.code == code) & (W.c.version == expected_version))
            .values(deleted=True, version=expected_version + 1)
        )
        if res.rowcount != 1:
            raise _conflict(conn, code, expected_version, before["version"])
        _audit(conn, actor, "delete", "well", code, [("deleted", False, True)], reason.strip())


# -- sealing record ---------------------------------------------------------------------------

SEALING_FIELDS = tuple(f.name for f in fields(SealingRecord) if f.name != "intervals")


def sealing(store: Store, code: str) -> dict[str, Any] | None:
    """The sealing record of a well (with ``version``), or None before one is saved."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(sa.select(well_sealing).where(well_sealing.c.well_code == code))
            .mappings()
            .one_or_none()
        )
    return dict(row) if row else None


def all_sealing(store: Store) -> pd.DataFrame:
    """Every sealing record (one row per well that has one), with its depth intervals as one
    text column ``intervals`` (top–bottom m role material; …)."""
    frame = store._frame(sa.select(well_sealing).order_by(well_sealing.c.well_code))
    iv = store._frame(sa.select(well_seal_interval).order_by(well_seal_interval.c.well_code,
                                                             well_seal_interval.c.top_m))
    text = {code: _interval_text(g.to_dict("records")) for code, g in iv.groupby("well_code")}
    return frame.assign(intervals=[text.get(c, "") for c in frame["well_code"]])


def save_sealing(
    store: Store,
    actor: Actor,
    code: str,
    record: SealingRecord,
    expected_version: int | None,
    note: str = "",
) -> int:
    """Create (``expected_version`` None) or update a well's sealing record and its intervals."""
    new = {k: _db_value(getattr(record, k)) for k in SEALING_FIELDS}
    with store.transaction() as conn:
        actor.require_write(conn)
        _load_well(conn, code)
        old = (
            conn.execute(sa.select(well_sealing).where(well_sealing.c.well_code == code))
            .mappings()
            .one_or_none()
        )
        if old is None:
            if expected_version is not None:
                raise ConflictError(f"井 {code} 的封井记录已被他人删除或尚未建立，请刷新。")
            conn.execute(sa.insert(well_sealing).values(well_code=code, version=1, **new))
            diff: list[tuple[str, Any, Any]] = [(k, None, v) for k, v in new.items() if _text(v)]
            version = 1
        else:
            if expected_version is None or old["version"] != expected_version:
                raise _conflict(conn, code, expected_version or 0, old["version"])
            diff = [(k, old[k], new[k]) for k in SEALING_FIELDS if not _same(old[k], new[k])]
            res = conn.execute(
                sa.update(well_sealing)
                .where(
                    (well_sealing.c.well_code == code)
                    & (well_sealing.c.version == expected_version)
                )
                .values(**new, version=expected_version + 1)
            )
            if res.rowcount != 1:
                raise _conflict(conn, code, expected_version, expected_version + 1)
            version = expected_version + 1
        old_iv = _interval_text(
            conn.execute(
                sa.select(well_seal_interval)
                .where(well_seal_interval.c.well_code == code)
                .order_by(well_seal_interval.c.top_m)
            ).mappings()
        )
        new_iv = _interval_text(
            {**{k: _db_value(getattr(i, k)) for k in ("top_m", "bottom_m", "role", "material")}}
            for i in sorted(record.intervals, key=lambda i: i.top_m)
        )
        if old_iv != new_iv:
            conn.execute(
                sa.delete(well_seal_interval).where(well_seal_interval.c.well_code == code)
            )
            if record.intervals:
                conn.execute(
                    sa.insert(well_seal_interval),
                    [
                        {
                            "well_code": code,
                            "top_m": i.top_m,
                            "bottom_m": i.bottom_m,
                            "role": i.role.value,
                            "material": i.material,
                            "note": i.note,
                        }
                        for i in record.intervals
                    ],
                )
            diff.append(("intervals", old_iv, new_iv))
        if diff:
            _audit(conn, actor, "update", "sealing", code, diff, note)
    return version


def _interval_text(rows: Any) -> str:
    return "；".join(
        f"{_text(r['top_m'])}–{_text(r['bottom_m'])} m {r['role']} {r['material']}" for r in rows
    )


def intervals(store: Store, code: str) -> pd.DataFrame:
    t = well_seal_interval
    return store._frame(
        sa.select(t.c.top_m, t.c.bottom_m, t.c.role, t.c.material, t.c.note)
        .where(t.c.well_code == code)
        .order_by(t.c.top_m)
    )


# -- documents --------------------------------------------------------------------------------


def _size_text(n: int) -> str:
    return f"{n} 字节" if n < 1024 else f"{n / 1024:.0f} KB" if n < 2**20 else f"{n / 2**20:.1f} MB"


def _attachment_error(exc: OSError, name: str, size: int, directory: Path) -> StoreError:
    """A failed attachment write as a person reads it: why, which file, where, what is left."""
    if exc.errno == errno.ENOSPC:
        why = "磁盘空间不足"
    elif exc.errno == errno.EDQUOT:
        why = "磁盘配额已用完"
    elif exc.errno == errno.EIO:
        why = "磁盘读写错误（EIO）"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "附件目录不可写（无权限或只读）"
    else:
        why = f"附件无法写入（{exc.strerror or type(exc).__name__}）"
    try:
        free = f"，该磁盘剩余 {_size_text(shutil.disk_usage(directory).free)}"
    except OSError:
        free = ""
    return StoreError(
        f"{why}：附件「{name}」（{_size_text(size)}）无法保存到附件目录 {directory}{free}。"
        "台账未登记该附件，已有附件不受影响；请清理磁盘或联系管理员后重新上传。"
    )


def _write_attachment(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` atomically (temp file, fsync, rename). On any error the temp
    file, and a folder this call created, are removed again: a failed write leaves the
    attachments directory as it was."""
    if target.exists():
        return  # content-addressed: the same bytes are already there
    made_dir = not target.parent.exists()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        if made_dir:
            with contextlib.suppress(OSError):
                target.parent.rmdir()  # only if still empty
        raise


def add_document(
    store: Store,
    actor: Actor,
    code: str,
    filename: str,
    data: bytes,
    kind: DocumentKind | str,
    attachments_dir: Path,
) -> int:
    """Store an attachment under ``attachments_dir`` (content-addressed, written atomically)
    and register it with review status 未审. Returns the document id.

    A write that fails (disk full, quota, I/O error) raises :class:`StoreError` naming the file
    and the directory; its temp file is removed and no document or audit row is written. The
    file is written before the rows: if the database then refuses the insert, the file stays as
    an unregistered, content-addressed copy. That is harmless (nothing lists it, and the next
    upload of the same bytes reuses it), whereas deleting it could pull the file from under a
    concurrent upload of the same bytes that found it already present.
    """
    kind = DocumentKind(kind)
    name = Path(filename).name.strip() or "附件"
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError("附件类型", suffix or name, "、".join(ATTACHMENT_TYPES))
    if not data or len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "附件大小", f"{len(data)} 字节", f"非空且不超过 {MAX_ATTACHMENT_BYTES // 2**20} MB"
        )
    with store.engine.connect() as conn:
        actor.require_write(conn)  # no file from someone who may not add one
        _load_well(conn, code)  # no file for a well that is not there
    digest = hashlib.sha256(data).hexdigest()
    stored = f"{digest[:2]}/{digest}{suffix}"
    try:
        _write_attachment(attachments_dir / stored, data)
    except OSError as exc:
        raise _attachment_error(exc, name, len(data), attachments_dir) from exc
    try:
        with store.transaction() as conn:
            actor.require_write(conn)
            _load_well(conn, code)
            doc_id = conn.execute(
                sa.insert(well_document)
                .values(
                    well_code=code,
                    kind=kind.value,
                    filename=name,
                    stored_name=stored,
                    sha256=digest,
                    size_bytes=len(data),
                    review_status=ReviewStatus.UNREVIEWED.value,
                    uploaded_by=actor.user,
                    uploaded_at=_now(),
                )
                .returning(well_document.c.id)
            ).scalar_one()
            _audit(
                conn, actor, "document", "well", code, [("document", None, f"{kind.value}：{name}")]
            )
    except StoreError as exc:  # Store.transaction's message for a full disk: add which file
        if isinstance(exc, DatabaseUnavailable) or not isinstance(
            exc.__cause__, sa.exc.OperationalError
        ):
            raise
        raise StoreError(
            f"{exc}。附件「{name}」未登记到台账，已有附件不受影响；清理磁盘后请重新上传。"
        ) from exc
    except sa.exc.OperationalError as exc:  # e.g. SQLite on the same, now full, disk
        why = "磁盘空间不足，" if "full" in str(exc.orig).lower() else ""
        raise StoreError(
            f"{why}数据库无法写入（{type(exc.orig).__name__}：{exc.orig}）：附件「{name}」"
            "未登记到台账，已有附件不受影响；请清理磁盘或联系管理员后重新上传。"
        ) from exc
    return int(doc_id)


def review_document(
    store: Store, actor: Actor, doc_id: int, status: ReviewStatus | str, note: str = ""
) -> None:
    status = ReviewStatus(status)
    with store.transaction() as conn:
        actor.require_write(conn)
        doc = (
            conn.execute(sa.select(well_document).where(well_document.c.id == doc_id))
            .mappings()
            .one_or_none()
        )
        if doc is None:
            raise StoreError(f"没有编号为 {doc_id} 的附件")
        conn.execute(
            sa.update(well_document)
            .where(well_document.c.id == doc_id)
            .values(review_status=status.value, review_note=note)
        )
        _audit(
            conn,
            actor,
            "review",
            "well",
            doc["well_code"],
            [(f"附件「{doc['filename']}」审核状态", doc["review_status"], status.value)],
            note,
        )


def documents(store: Store, code: str) -> pd.DataFrame:
    t = well_document
    return store._frame(
        sa.select(
            t.c.id,
            t.c.kind,
            t.c.filename,
            t.c.size_bytes,
            t.c.review_status,
            t.c.review_note,
            t.c.uploaded_by,
            t.c.uploaded_at,
            t.c.stored_name,
        )
        .where((t.c.well_code == code) & (t.c.deleted == sa.false()))
        .order_by(t.c.id)
    )


def history(store: Store, code: str) -> pd.DataFrame:
    """The well's audit trail, newest first."""
    a = audit_log
    return store._frame(
        sa.select(
            a.c.ts_utc, a.c.user_name, a.c.action, a.c.entity, a.c.field,
            a.c.old_value, a.c.new_value, a.c.note,
        )
        .where(a.c.entity_key == code)
        .order_by(a.c.id.desc())
    )  # fmt: skip


def events(store: Store, code: str | None = None) -> pd.DataFrame:
    """Status changes (one row per transition), oldest first."""
    e = well_event
    q = sa.select(
        e.c.well_code, e.c.from_status, e.c.to_status, e.c.event_date, e.c.user_name, e.c.note
    ).order_by(e.c.event_date, e.c.id)
    if code is not None:
        q = q.where(e.c.well_code == code)
    return store._frame(q)


def record_events(store: Store, rows: Sequence[Mapping[str, Any]]) -> int:
    """Bulk-insert historic status changes (demo data, migrations of old ledgers)."""
    if not rows:
        return 0
    ts = _now()
    with store.transaction() as conn:
        conn.execute(sa.insert(well_event), [{"recorded_at": ts, "note": "", **r} for r in rows])
    return len(rows)
