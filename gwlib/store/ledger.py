"""Writing the 封井回填 ledger safely: every change checked, versioned and audited.

* **Validation in gwlib**: a changed well is rebuilt as an :class:`~gwlib.wells.model.AbandonedWell`
  (field rules) and status changes go through :func:`gwlib.wells.lifecycle.check_transition`.
* **Optimistic concurrency**: each write names the ``version`` it was based on; the UPDATE only
  matches that version, so a second editor gets :class:`~gwlib.errors.ConflictError` and nothing
  of theirs is written.
* **Audit**: one ``audit_log`` row per changed field (who, when, field, old → new), written in
  the same transaction as the change (:mod:`gwlib.store.audit`).
* **Nothing deleted for real**: wells and documents are soft-deleted with a reason.
* **Roles** are checked here, at the time of the write (not only by hiding buttons): every
  write reads the writer's account again inside its own transaction (:meth:`Actor.require_write`),
  so a session opened before the account was disabled or demoted cannot write after it.

The sealing record lives in :mod:`gwlib.store.sealing`, documents in :mod:`gwlib.store.documents`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import ConflictError, StoreError, ValidationError
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, db_value, same_value, utc_now, write_audit
from gwlib.store.schema_ledger import audit_log, well_document, well_event, well_sealing
from gwlib.store.summaries import WELL_SUMMARIES, refresh
from gwlib.wells.lifecycle import check_transition
from gwlib.wells.model import AbandonedWell, WellStatus

W = schema.abandoned_well
#: Well columns a person may edit through a form or an import (not code, status, version).
EDITABLE = tuple(
    f.name for f in fields(AbandonedWell) if f.name not in ("code", "status", "deferral_reason")
)


def well_row(w: AbandonedWell) -> dict[str, Any]:
    row = {f.name: db_value(getattr(w, f.name)) for f in fields(w)}
    row["plan_type"] = row["plan_type"] or ""
    return row


def load_well(conn: Connection, code: str) -> dict[str, Any]:
    row = conn.execute(sa.select(W).where(W.c.code == code)).mappings().one_or_none()
    if row is None or row["deleted"]:
        raise StoreError(f"台账中没有井编码为「{code}」的井")
    return dict(row)


def conflict(conn: Connection, code: str, expected: int, found: int) -> ConflictError:
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
        raise conflict(conn, code, expected_version, before["version"])
    values = {k: after[k] for k in after if k in W.c and k not in ("id", "version", "deleted")}
    res = conn.execute(
        sa.update(W)
        .where((W.c.code == code) & (W.c.version == expected_version))
        .values(**values, version=expected_version + 1)
    )
    if res.rowcount != 1:
        raise conflict(conn, code, expected_version, expected_version + 1)
    return expected_version + 1


def _validated(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row rebuilt through the domain object (its rules apply), back as a table row."""
    well = AbandonedWell.from_row({**row, "plan_type": row.get("plan_type") or None})
    return well_row(well)


def well(store: Store, code: str) -> dict[str, Any]:
    """One well's row (including ``version``)."""
    with store.engine.connect() as conn:
        return load_well(conn, code)


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
        before = load_well(conn, code)
        after = _validated({**before, **changes})
        diff = [(k, before[k], after[k]) for k in EDITABLE if not same_value(before[k], after[k])]
        if not diff:
            if before["version"] != expected_version:
                raise conflict(conn, code, expected_version, before["version"])
            return expected_version
        version = _write_well(conn, before, after, expected_version)
        write_audit(conn, actor, "update", "well", code, diff, note)
    refresh(store, WELL_SUMMARIES)
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
        before = load_well(conn, code)
        if before["version"] != expected_version:
            raise conflict(conn, code, expected_version, before["version"])
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
            if not same_value(before[k], after[k])
        ]
        version = _write_well(conn, before, after, expected_version)
        ts = utc_now()
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
        write_audit(conn, actor, "transition", "well", code, diff, note, ts)
    refresh(store, WELL_SUMMARIES)
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
        before = load_well(conn, code)
        res = conn.execute(
            sa.update(W)
            .where((W.c.code == code) & (W.c.version == expected_version))
            .values(deleted=True, version=expected_version + 1)
        )
        if res.rowcount != 1:
            raise conflict(conn, code, expected_version, before["version"])
        write_audit(conn, actor, "delete", "well", code, [("deleted", False, True)], reason.strip())
    refresh(store, WELL_SUMMARIES)


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
    ts = utc_now()
    with store.transaction() as conn:
        conn.execute(sa.insert(well_event), [{"recorded_at": ts, "note": "", **r} for r in rows])
    return len(rows)
