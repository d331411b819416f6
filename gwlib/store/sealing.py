"""Reading and writing a well's 封井回填记录 and its depth intervals (versioned and audited like
the ledger's wells; see :mod:`gwlib.store.ledger`)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import ConflictError
from gwlib.store import Store
from gwlib.store.audit import Actor, audit_text, db_value, same_value, write_audit
from gwlib.store.ledger import conflict, load_well
from gwlib.store.schema_ledger import well_seal_interval, well_sealing
from gwlib.wells.sealing import SealingRecord

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
    new = {k: db_value(getattr(record, k)) for k in SEALING_FIELDS}
    with store.transaction() as conn:
        actor.require_write(conn)
        load_well(conn, code)
        old = (
            conn.execute(sa.select(well_sealing).where(well_sealing.c.well_code == code))
            .mappings()
            .one_or_none()
        )
        if old is None:
            if expected_version is not None:
                raise ConflictError(f"井 {code} 的封井记录已被他人删除或尚未建立，请刷新。")
            conn.execute(sa.insert(well_sealing).values(well_code=code, version=1, **new))
            diff: list[tuple[str, Any, Any]] = [
                (k, None, v) for k, v in new.items() if audit_text(v)
            ]
            version = 1
        else:
            if expected_version is None or old["version"] != expected_version:
                raise conflict(conn, code, expected_version or 0, old["version"])
            diff = [(k, old[k], new[k]) for k in SEALING_FIELDS if not same_value(old[k], new[k])]
            res = conn.execute(
                sa.update(well_sealing)
                .where(
                    (well_sealing.c.well_code == code)
                    & (well_sealing.c.version == expected_version)
                )
                .values(**new, version=expected_version + 1)
            )
            if res.rowcount != 1:
                raise conflict(conn, code, expected_version, expected_version + 1)
            version = expected_version + 1
        old_iv = _interval_text(
            conn.execute(
                sa.select(well_seal_interval)
                .where(well_seal_interval.c.well_code == code)
                .order_by(well_seal_interval.c.top_m)
            ).mappings()
        )
        new_iv = _interval_text(
            {**{k: db_value(getattr(i, k)) for k in ("top_m", "bottom_m", "role", "material")}}
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
            write_audit(conn, actor, "update", "sealing", code, diff, note)
    return version


def _interval_text(rows: Any) -> str:
    return "；".join(
        f"{audit_text(r['top_m'])}–{audit_text(r['bottom_m'])} m {r['role']} {r['material']}"
        for r in rows
    )


def intervals(store: Store, code: str) -> pd.DataFrame:
    t = well_seal_interval
    return store._frame(
        sa.select(t.c.top_m, t.c.bottom_m, t.c.role, t.c.material, t.c.note)
        .where(t.c.well_code == code)
        .order_by(t.c.top_m)
    )
