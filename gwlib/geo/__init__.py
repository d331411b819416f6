"""Geography: coordinate systems (GCJ-02 ↔ WGS 84, UTM 49N metres), GeoJSON helpers and the
packaged county boundaries (:mod:`gwlib.geo.counties`).

Everything gwlib stores is lon/lat in WGS 84 (≈ CGCS2000). Data taken from Chinese web maps
(高德/Amap, 腾讯) is GCJ-02 and must go through :func:`gcj02_to_wgs84` first.
"""

from __future__ import annotations

from gwlib.geo.counties import County, all_counties, county, find_counties
from gwlib.geo.crs import (
    GEOGRAPHIC_CRS,
    METRIC_CRS,
    area_km2,
    buffer_m,
    from_metric,
    gcj02_to_wgs84,
    geometry_from_metric,
    geometry_to_metric,
    in_china,
    metric_crs,
    set_metric_crs,
    to_metric,
    transform_geometry,
    utm_crs_for,
    wgs84_to_gcj02,
)

__all__ = [
    "GEOGRAPHIC_CRS",
    "METRIC_CRS",
    "County",
    "all_counties",
    "area_km2",
    "buffer_m",
    "county",
    "find_counties",
    "from_metric",
    "gcj02_to_wgs84",
    "geometry_from_metric",
    "geometry_to_metric",
    "in_china",
    "metric_crs",
    "set_metric_crs",
    "to_metric",
    "transform_geometry",
    "utm_crs_for",
    "wgs84_to_gcj02",
]
