"""Writing a monitoring point register (:mod:`gwlib.quality.register` plans it): one
transaction with the editor check, an ``import_batch`` row (kind ``points``), points inserted or
updated by 点位编码 (never deleted: a 停用 point keeps every sample), and one audit row per
changed field, old → new. A single point saved from the page's form goes the same way.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from gwlib.quality.model import MonitoringPoint
from gwlib.quality.register import CHANGED, COMPARED, NEW, SAME, PointsPlan, _shown, point_row
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit
from gwlib.store.bulk import row_of
from gwlib.store.imports import ImportResult, open_batch
from gwlib.store.summaries import POINT_SUMMARIES, refresh


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _write(conn: sa.Connection, points: list[MonitoringPoint], actor: Actor, note: str,
           now: dt.datetime) -> None:  # fmt: skip
    mp = schema.monitoring_point
    stored = {
        str(r["code"]): dict(r)
        for r in conn.execute(
            sa.select(mp).where(mp.c.code.in_([p.code for p in points]))
        ).mappings()
    } if points else {}  # fmt: skip
    for p in points:
        row = row_of(p)
        old = stored.get(p.code)
        if old is None:
            conn.execute(sa.insert(mp).values(**row))
            write_audit(conn, actor, "create", "point", p.code[:64],
                   [(COMPARED[c], "", _shown(c, v)) for c, v in point_row(p).items()
                    if _shown(c, v)], note, now)  # fmt: skip
            continue
        new = point_row(p)
        changes = [(COMPARED[c], _shown(c, old.get(c)), _shown(c, v)) for c, v in new.items()
                   if _shown(c, old.get(c)) != _shown(c, v)]  # fmt: skip
        # Only what the register and the form carry: 权属单位, 水源地/污染源编码, 筛管 and 建井日期
        # have no column there and keep their stored values.
        conn.execute(sa.update(mp).where(mp.c.id == old["id"]).values(crs=row["crs"], **new))
        if changes:
            write_audit(conn, actor, "update", "point", p.code[:64], changes, note, now)


def commit_points(store: Store, plan: PointsPlan, actor: Actor) -> ImportResult:
    """Write ``plan`` in one transaction (module docstring)."""
    counts = plan.counts
    now = _now()
    with store.transaction() as conn:
        actor.require_write(conn)
        batch_id = open_batch(conn, "points", plan.file_name, plan.sha256, actor, now,
                              plan.rows_total, plan.rejected_rows,
                              (counts[NEW], counts[CHANGED], counts[SAME]))  # fmt: skip
        note = f"点位登记表导入批次 {batch_id}（{plan.file_name}）"
        _write(conn, plan.to_write(), actor, note, now)
        write_audit(conn, actor, "import", "batch", str(batch_id),
               [("新增点位", "", counts[NEW]), ("修改点位", "", counts[CHANGED]),
                ("未变点位", "", counts[SAME]), ("拒收行", "", plan.rejected_rows)],
               f"{plan.file_name}（SHA-256 {plan.sha256[:12]}…）", now)  # fmt: skip
    refresh(store, POINT_SUMMARIES)
    return ImportResult(batch_id, counts[NEW], counts[CHANGED], counts[SAME], plan.rejected_rows)


def save_point(store: Store, point: MonitoringPoint, actor: Actor, note: str = "表单编辑") -> None:
    """Add or edit one point (the page's form), with the same check and audit as an import."""
    with store.transaction() as conn:
        actor.require_write(conn)
        _write(conn, [point], actor, note, _now())
    refresh(store, POINT_SUMMARIES)


def plan_from_store(
    store: Store, source: str | bytes, display_name: str | None = None,
    default_crs: str | None = None,
) -> PointsPlan:  # fmt: skip
    """:func:`gwlib.quality.register.plan_points` against this store: its points, the county
    boundary (points outside are warned about) and its 乡镇."""
    import json
    from pathlib import Path

    from gwlib.quality.register import plan_points
    from gwlib.store.county import county_boundary, townships

    bounds = county_boundary(store)
    boundary = json.loads(bounds["geometry"].iloc[0]) if len(bounds) else None
    return plan_points(
        source if isinstance(source, bytes) else Path(source), store.points(),
        display_name=display_name, default_crs=default_crs, boundary=boundary,
        townships=townships(store),
    )  # fmt: skip
