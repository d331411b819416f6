"""Geography: coordinate systems (GCJ-02/BD-09 ↔ WGS 84, the working UTM zone), coordinates as
people write them (度分秒, 坐标系 names, Gauss–Krüger X/Y), GeoJSON helpers and the packaged
county boundaries (:mod:`gwlib.geo.counties`).

Everything gwlib stores is lon/lat in WGS 84 (≈ CGCS2000). Data taken from Chinese web maps
(高德/Amap, 腾讯) is GCJ-02 and must go through :func:`gcj02_to_wgs84` first; 百度 is BD-09.
Coordinates from a sheet go through :func:`columns_to_wgs84` (or :func:`to_wgs84` for numbers)
with a 坐标系 read by :func:`resolve_crs`; a register's rows, each with 经度/纬度 or X/Y and its
own 坐标系, through :func:`point_coordinates`.
"""

from __future__ import annotations

from gwlib.geo.convert import Converted, columns_to_wgs84, geometry_to_wgs84, to_wgs84
from gwlib.geo.coords import parse_angle, parse_number
from gwlib.geo.counties import County, all_counties, county, find_counties
from gwlib.geo.crs import (
    GEOGRAPHIC_CRS,
    METRIC_CRS,
    area_km2,
    bd09_to_gcj02,
    bd09_to_wgs84,
    buffer_m,
    from_metric,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometry_from_metric,
    geometry_to_metric,
    in_china,
    metric_crs,
    set_metric_crs,
    to_metric,
    transform_geometry,
    utm_crs_for,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from gwlib.geo.overlay import distance_to_area_m
from gwlib.geo.points import point_coordinates
from gwlib.geo.resolve import CrsKind, Datum, ResolvedCrs, resolve_crs

__all__ = [
    "GEOGRAPHIC_CRS",
    "METRIC_CRS",
    "Converted",
    "County",
    "CrsKind",
    "Datum",
    "ResolvedCrs",
    "all_counties",
    "area_km2",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "buffer_m",
    "columns_to_wgs84",
    "county",
    "distance_to_area_m",
    "find_counties",
    "from_metric",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geometry_from_metric",
    "geometry_to_metric",
    "geometry_to_wgs84",
    "in_china",
    "metric_crs",
    "parse_angle",
    "parse_number",
    "point_coordinates",
    "resolve_crs",
    "set_metric_crs",
    "to_metric",
    "to_wgs84",
    "transform_geometry",
    "utm_crs_for",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
