"""Writing a zone import (:mod:`gwlib.sources.zone_import` plans it): one transaction with the
editor check, an ``import_batch`` row (kind ``zones``), zones inserted or updated by 编码 (or
乡镇 boundaries by name), one audit row per changed field. Zones are never deleted by an import.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from gwlib.fields import COORD_CRS
from gwlib.sources.zone_import import CHANGED, NEW, SAME, TOWNSHIP, ZonesPlan, plan_zones
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit
from gwlib.store.imports import ImportResult, open_batch


def stored_zones(store: Store, kind: str) -> object:
    """What a plan of ``kind`` compares against: the zones, or the 乡镇 boundaries by name."""
    if kind == TOWNSHIP:
        b = store.boundaries()
        return b[b["level"] == TOWNSHIP].assign(code=lambda f: f["name"]) if len(b) else b
    return store.zones()


def prepare_zones(
    store: Store, data: bytes, filename: str, kind: str, source: str = "",
    crs: str | None = None,
) -> ZonesPlan:  # fmt: skip
    """Plan an import against this store (its sources, zones or townships, the county's
    longitude for a Gauss–Krüger zone nobody wrote)."""
    import pandas as pd

    from gwlib.store.county import county_boundary

    bounds = county_boundary(store)
    lon_hint = None
    if len(bounds):
        from shapely.geometry import shape

        lon_hint = float(shape(json.loads(bounds["geometry"].iloc[0])).centroid.x)
    sources = store.drinking_sources()
    stored = stored_zones(store, kind)
    assert isinstance(stored, pd.DataFrame)
    return plan_zones(data, filename, kind, stored, source=source,
                      sources=[str(c) for c in sources["code"]] if len(sources) else [],
                      crs=crs, lon_hint=lon_hint)  # fmt: skip


def commit_zones(store: Store, plan: ZonesPlan, actor: Actor) -> ImportResult:
    counts = plan.counts
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    z, b = schema.zone, schema.boundary
    with store.transaction() as conn:
        actor.require_write(conn)
        batch_id = open_batch(conn, "zones", plan.file_name, plan.sha256, actor, now,
                              plan.features_total, plan.rejected,
                              (counts[NEW], counts[CHANGED], counts[SAME]))  # fmt: skip
        note = f"{plan.kind}导入批次 {batch_id}（{plan.file_name}）"
        changed = plan.changes.groupby("code") if len(plan.changes) else None
        for pz in plan.zones:
            if pz.status == SAME:
                continue
            geometry = json.dumps(pz.geometry)
            row: dict[str, object]
            if plan.kind == TOWNSHIP:
                row = {"name": pz.name, "level": TOWNSHIP, "geometry": geometry,
                       "crs": COORD_CRS, "source": plan.file_name[:200]}  # fmt: skip
                if pz.status == NEW:
                    conn.execute(sa.insert(b).values(code=pz.code, **row))
                else:
                    conn.execute(sa.update(b).where(b.c.code == pz.code).values(**row))
            else:
                row = {"name": pz.name, "kind": plan.kind, "source_code": plan.source_code,
                       "legal_status": pz.legal_status, "geometry": geometry,
                       "crs": COORD_CRS, "approval_no": pz.approval_no,
                       "approval_date": pz.approval_date}  # fmt: skip
                if pz.status == NEW:
                    conn.execute(sa.insert(z).values(code=pz.code, **row))
                else:
                    conn.execute(sa.update(z).where(z.c.code == pz.code).values(**row))
            fields = (
                [(r["field"], r["old"], r["new"]) for r in
                 changed.get_group(pz.code).to_dict("records")]
                if changed is not None and pz.code in changed.groups
                else [("面积(km²)", "", f"{pz.area_km2:.3f}")]
            )  # fmt: skip
            write_audit(conn, actor, "create" if pz.status == NEW else "update",
                   "boundary" if plan.kind == TOWNSHIP else "zone", pz.code[:64], fields, note,
                   now)  # fmt: skip
        write_audit(conn, actor, "import", "batch", str(batch_id),
               [("新增", "", counts[NEW]), ("修改", "", counts[CHANGED]),
                ("未变", "", counts[SAME]), ("拒收要素", "", plan.rejected)],
               f"{plan.file_name}（SHA-256 {plan.sha256[:12]}…）", now)  # fmt: skip
    return ImportResult(batch_id, counts[NEW], counts[CHANGED], counts[SAME], plan.rejected)
