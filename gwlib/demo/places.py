"""Where things are in the demo: the real county outline, synthetic townships, random places.

The county polygon is real (``data/boundaries/jiangxian_140826.geojson``, WGS 84; see its
PROVENANCE.md). The ten township names are from recollection; their polygons are SYNTHETIC —
a Voronoi partition of the county from seeded generator points, clipped to the county. 古绛镇
(the county seat) has its generator at the approximate county town; the other nine generators
are random (at least 6 km apart) and named west to east in an order that puts the 中条山
townships (陈村、安峪、冷口) in the east. Nothing here is a legal boundary.

The demo's hydrogeology is deliberately simple: the west and centre are the loess/alluvial
basin (孔隙水), the east is 中条山 bedrock (裂隙水/岩溶水), split at :data:`MOUNTAIN_FROM` of the
county's west–east extent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from gwlib.config import REFERENCE_DIR
from gwlib.geo import from_metric, geometry_from_metric, geometry_to_metric, to_metric

COUNTY_FILE = REFERENCE_DIR / "boundaries" / "jiangxian_140826.geojson"
COUNTY_CODE = "140826"
COUNTY_NAME = "绛县"
COUNTY_SEAT = (111.568, 35.491)  # 古绛镇, approximate (WGS 84)
TOWNSHIP_SOURCE = "模拟：示意范围，非法定界线"
#: Township names west → east after 古绛镇 (order from recollection; polygons synthetic).
TOWNSHIPS_WEST_TO_EAST = ("横水镇", "卫庄镇", "宋村乡", "郝庄乡", "南樊镇", "大交镇", "陈村镇",
                          "安峪镇", "冷口乡")
TOWNSHIP_ORDER = ("古绛镇", "横水镇", "陈村镇", "卫庄镇", "南樊镇", "安峪镇", "大交镇", "冷口乡",
                  "郝庄乡", "宋村乡")
MOUNTAIN_FROM = 0.56  # share of the west–east extent where 中条山 begins
INSET_M = 250.0  # keep generated places this far inside the county line
PRECISION_DEG = 1e-6

#: Village name parts for fictional places (combinations are made up; labelled 模拟 where shown).
VILLAGE_FIRST = ("东", "西", "南", "北", "上", "下", "前", "后", "大", "小", "新", "老", "中", "王",
                 "李", "张", "赵", "刘", "杨", "吴")
VILLAGE_SECOND = ("庄", "堡", "峪", "沟", "坡", "家", "寨", "营", "店", "河", "原", "岭", "头",
                  "窑")


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    polygon: shapely.Geometry  # lon/lat


@dataclass(frozen=True)
class County:
    geometry: dict[str, Any]  # GeoJSON as stored
    polygon: shapely.Geometry  # lon/lat
    metric: shapely.Geometry  # UTM 49N
    inner: shapely.Geometry  # lon/lat, shrunk by INSET_M: where generated places go
    source: str
    townships: tuple[Township, ...]

    def township_of(self, lon: float, lat: float) -> str:
        """Name of the township containing (lon, lat); the nearest one on a seam."""
        p = shapely.Point(lon, lat)
        for t in self.townships:
            if t.polygon.covers(p):
                return t.name
        return min(self.townships, key=lambda t: t.polygon.distance(p)).name

    def township(self, name: str) -> Township:
        return next(t for t in self.townships if t.name == name)

    def is_mountain(self, lon: float | np.ndarray, lat: float | np.ndarray) -> Any:
        """True in the eastern 中条山 part of the county (demo hydrogeology)."""
        minx, _, maxx, _ = self.polygon.bounds
        return (np.asarray(lon) - minx) / (maxx - minx) >= MOUNTAIN_FROM

    def mountain_area(self) -> shapely.Geometry:
        minx, miny, maxx, maxy = self.polygon.bounds
        cut = minx + MOUNTAIN_FROM * (maxx - minx)
        return self.inner.intersection(shapely.box(cut, miny, maxx, maxy))

    def basin_area(self) -> shapely.Geometry:
        minx, miny, maxx, maxy = self.polygon.bounds
        cut = minx + MOUNTAIN_FROM * (maxx - minx)
        return self.inner.intersection(shapely.box(minx, miny, cut, maxy))


@cache
def county_feature() -> dict[str, Any]:
    """The county boundary Feature from the data file (WGS 84)."""
    with COUNTY_FILE.open(encoding="utf-8") as fh:
        feature: dict[str, Any] = json.load(fh)
    return feature


def to_geojson(geom: shapely.Geometry) -> dict[str, Any]:
    """Polygon/MultiPolygon as a GeoJSON dict with coordinates rounded to ~0.1 m."""
    g = shapely.set_precision(geom, PRECISION_DEG)
    out: dict[str, Any] = json.loads(json.dumps(mapping(g)))
    return out


def polygons_only(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a geometry (drops slivers of lower dimension)."""
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom))
             if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def random_points(rng: np.random.Generator, area: shapely.Geometry, n: int,
                  avoid: shapely.Geometry | None = None) -> list[tuple[float, float]]:
    """``n`` uniform random points (lon, lat) inside ``area`` and outside ``avoid``."""
    if area.is_empty:
        raise ValueError("模拟数据：没有可放置点位的区域")
    minx, miny, maxx, maxy = area.bounds
    out: list[tuple[float, float]] = []
    shapely.prepare(area)
    for _ in range(10_000):
        if len(out) >= n:
            break
        x = rng.uniform(minx, maxx, size=4 * (n - len(out)) + 8)
        y = rng.uniform(miny, maxy, size=x.size)
        ok = shapely.contains_xy(area, x, y)
        if avoid is not None and not avoid.is_empty:
            ok &= ~shapely.intersects_xy(avoid, x, y)
        out.extend((round(float(a), 6), round(float(b), 6)) for a, b in zip(x[ok], y[ok],
                                                                           strict=True))
    if len(out) < n:
        raise ValueError("模拟数据：区域太小，无法放置点位")
    return out[:n]


def offset_m(lon: float, lat: float, distance_m: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``distance_m`` metres from (lon, lat) towards ``bearing_deg`` (0 = north)."""
    x, y = to_metric(lon, lat)
    b = np.radians(bearing_deg)
    lon2, lat2 = from_metric(x + distance_m * np.sin(b), y + distance_m * np.cos(b))
    return round(float(lon2), 6), round(float(lat2), 6)


def village_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct made-up village names (``东庄村`` style)."""
    combos = [a + b for a in VILLAGE_FIRST for b in VILLAGE_SECOND]
    picks = rng.choice(len(combos), size=min(n, len(combos)), replace=False)
    return [combos[i] + "村" for i in picks]


def _townships(rng: np.random.Generator, polygon: shapely.Geometry,
               metric: shapely.Geometry) -> tuple[Township, ...]:
    """Voronoi partition of the county from 10 seeded generators (≥ 6 km apart)."""
    inner = geometry_from_metric(metric.buffer(-2000.0))
    seat = to_metric(*COUNTY_SEAT)
    gens = [seat]
    while len(gens) < len(TOWNSHIP_ORDER):
        lon, lat = random_points(rng, inner, 1)[0]
        p = to_metric(lon, lat)
        if min(np.hypot(p[0] - g[0], p[1] - g[1]) for g in gens) >= 6000.0:
            gens.append(p)
    rest = sorted(gens[1:], key=lambda g: g[0])
    named = dict(zip(("古绛镇", *TOWNSHIPS_WEST_TO_EAST), [gens[0], *rest], strict=True))
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.MultiPoint(list(named.values())), extend_to=metric.envelope.buffer(5000.0)))
    out = []
    for k, name in enumerate(TOWNSHIP_ORDER, start=1):
        g = shapely.Point(named[name])
        cell = next(c for c in cells if c.covers(g))
        clipped = polygons_only(cell.intersection(metric))
        out.append(Township(f"{COUNTY_CODE}-{k:02d}", name,
                            shapely.set_precision(geometry_from_metric(clipped), PRECISION_DEG)))
    return tuple(out)


def load_county(rng: np.random.Generator) -> County:
    """The real county outline and seeded synthetic townships."""
    feature = county_feature()
    polygon = shape(feature["geometry"])
    metric = geometry_to_metric(polygon)
    return County(
        geometry=feature["geometry"],
        polygon=polygon,
        metric=metric,
        inner=geometry_from_metric(metric.buffer(-INSET_M)),
        source=str(feature["properties"].get("source", "")),
        townships=_townships(rng, polygon, metric),
    )
