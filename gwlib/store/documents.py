"""A well's documents (photos, 封井记录, 验收报告): the only module that writes files. Attachments
are content-addressed under the attachments directory and written atomically; each is registered
with review status 未审 and reviewed like OGRRE's (未审 / 需补充 / 已审 / 有缺陷)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import DatabaseUnavailable, StoreError, ValidationError
from gwlib.store import Store
from gwlib.store.audit import Actor, utc_now, write_audit
from gwlib.store.ledger import load_well
from gwlib.store.schema_ledger import well_document
from gwlib.wells.sealing import DocumentKind, ReviewStatus

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".docx", ".doc", ".xlsx", ".xls", ".tif")



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


@dataclass(frozen=True)
class StoredFile:
    name: str  # as uploaded (no folders)
    stored_name: str  # under the attachments directory: "ab/<sha256><suffix>"
    sha256: str
    size_bytes: int


def check_file(filename: str, data: bytes) -> str:
    """The file's name if its type and size may be attached; else ValidationError."""
    name = Path(filename).name.strip() or "附件"
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError("附件类型", suffix or name, "、".join(ATTACHMENT_TYPES))
    if not data or len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "附件大小", f"{len(data)} 字节", f"非空且不超过 {MAX_ATTACHMENT_BYTES // 2**20} MB"
        )
    return name


def save_file(attachments_dir: Path, filename: str, data: bytes) -> StoredFile:
    """Check and write a file under ``attachments_dir``, content-addressed and atomically (a
    failed write raises StoreError naming the file and leaves the directory as it was). The
    caller registers it; the ledger's documents and the 调度 填报's evidence both do."""
    name = check_file(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    stored = f"{digest[:2]}/{digest}{Path(name).suffix.lower()}"
    try:
        _write_attachment(attachments_dir / stored, data)
    except OSError as exc:
        raise _attachment_error(exc, name, len(data), attachments_dir) from exc
    return StoredFile(name, stored, digest, len(data))


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
    check_file(filename, data)
    with store.engine.connect() as conn:
        actor.require_write(conn)  # no file from someone who may not add one
        load_well(conn, code)  # no file for a well that is not there
    f = save_file(attachments_dir, filename, data)
    name, stored, digest = f.name, f.stored_name, f.sha256
    try:
        with store.transaction() as conn:
            actor.require_write(conn)
            load_well(conn, code)
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
                    uploaded_at=utc_now(),
                )
                .returning(well_document.c.id)
            ).scalar_one()
            write_audit(
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
        write_audit(
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
