"""Coordinate reference systems: GCJ-02 ↔ WGS 84, GeoJSON coordinate mapping, metric helpers.

GCJ-02 (国测局坐标, "火星坐标") is the obfuscated datum of maps published in China (高德/Amap,
腾讯, and data derived from them). It is WGS 84 plus a smooth, position-dependent offset of a
few hundred metres, defined by a published closed-form formula on the Krasovsky 1940 ellipsoid
(a = 6378245.0 m, e² = 0.00669342162296594323). The forward direction is exact; there is no
closed-form inverse, so :func:`gcj02_to_wgs84` solves ``wgs + offset(wgs) = gcj`` by fixed-point
iteration (the offset changes by less than 1e-4 of a degree per degree, so each step gains
about four digits). Outside China's bounding box the offset is zero.

CGCS2000 (EPSG:4490) and WGS 84 (EPSG:4326) agree within centimetres for mapping, so lon/lat
converted out of GCJ-02 is stored as WGS 84 ≈ CGCS2000.

BD-09 (百度) is GCJ-02 offset once more by Baidu's published formula (a rotation and scaling
about the origin plus a shift of 0.0065°/0.006°). The forward direction is exact; the inverse
is solved by the same fixed-point iteration as GCJ-02 (the published one-step inverse is off by
up to about 1e-6°, ~0.1 m), so BD-09 → WGS 84 is BD-09 → GCJ-02 → WGS 84.

Distances and overlays are computed in the working UTM zone: the zone of the county the database
is set up for (:func:`set_metric_crs`; UTM 49N, EPSG:32649, for 运城/绛县 until a store says
otherwise). Areas are geodesic and buffers centred on their point, so both are exact anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point

FloatArray = npt.NDArray[np.float64]
ArrayLike = float | npt.ArrayLike
CoordFunc = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323

# Rectangle in which the offset applies (lon/lat); the usual published bounds.
CHINA_LON = (72.004, 137.8347)
CHINA_LAT = (0.8293, 55.8271)

INVERSE_TOL_DEG = 1e-10
INVERSE_MAX_ITER = 30

GEOGRAPHIC_CRS = "EPSG:4326"  # WGS 84 lon/lat (≈ CGCS2000, EPSG:4490)
METRIC_CRS = "EPSG:32649"  # WGS 84 / UTM zone 49N


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x, y = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return x.astype(np.float64, copy=True), y.astype(np.float64, copy=True)


def in_china(lon: ArrayLike, lat: ArrayLike) -> npt.NDArray[np.bool_]:
    """True where the GCJ-02 offset applies (inside China's bounding rectangle)."""
    x, y = _arrays(lon, lat)
    return (x >= CHINA_LON[0]) & (x <= CHINA_LON[1]) & (y >= CHINA_LAT[0]) & (y <= CHINA_LAT[1])


def _offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS 84 position (lon, lat); zero outside China."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    # Shared high-frequency term of the published formula.
    wave = (20.0 * np.sin(6.0 * pi * x) + 20.0 * np.sin(2.0 * pi * x)) * 2.0 / 3.0
    root = np.sqrt(np.abs(x))
    north = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root + wave
             + (20.0 * np.sin(pi * y) + 40.0 * np.sin(pi * y / 3.0)) * 2.0 / 3.0
             + (160.0 * np.sin(pi * y / 12.0) + 320.0 * np.sin(pi * y / 30.0)) * 2.0 / 3.0)
    east = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + wave
            + (20.0 * np.sin(pi * x) + 40.0 * np.sin(pi * x / 3.0)) * 2.0 / 3.0
            + (150.0 * np.sin(pi * x / 12.0) + 300.0 * np.sin(pi * x / 30.0)) * 2.0 / 3.0)
    # ``north``/``east`` are metres on the Krasovsky ellipsoid: turn them into degrees with the
    # meridional and prime-vertical radii of curvature at this latitude.
    phi = np.radians(lat)
    w2 = 1.0 - KRASOVSKY_EE * np.sin(phi) ** 2
    meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w2 * np.sqrt(w2))
    normal_radius = KRASOVSKY_A / np.sqrt(w2)
    dlat = np.degrees(north / meridian_radius)
    dlon = np.degrees(east / (normal_radius * np.cos(phi)))
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _result(x: FloatArray, y: FloatArray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(x), float(y)
    return x, y


def _is_scalar(lon: ArrayLike, lat: ArrayLike) -> bool:
    return bool(np.ndim(lon) == 0 and np.ndim(lat) == 0)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS 84 → GCJ-02. Scalars in, floats out; arrays in, arrays out (broadcast)."""
    x, y = _arrays(lon, lat)
    dlon, dlat = _offset(x, y)
    return _result(x + dlon, y + dlat, _is_scalar(lon, lat))


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 → WGS 84 by fixed-point iteration until every step is below 1e-10 degrees.

    The result maps back onto the input with :func:`wgs84_to_gcj02` to better than 1e-9 degrees
    (about 0.1 mm). NaN stays NaN; positions outside China are returned unchanged.
    """
    gx, gy = _arrays(lon, lat)
    wx, wy = gx.copy(), gy.copy()
    for _ in range(INVERSE_MAX_ITER):
        dlon, dlat = _offset(wx, wy)
        nx, ny = gx - dlon, gy - dlat
        with np.errstate(invalid="ignore"):
            step = np.fmax(np.abs(nx - wx), np.abs(ny - wy))
        wx, wy = nx, ny
        if not np.any(step > INVERSE_TOL_DEG):
            break
    return _result(wx, wy, _is_scalar(lon, lat))


_BD_X_PI = np.pi * 3000.0 / 180.0


def _bd_forward(gx: FloatArray, gy: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(gx * gx + gy * gy) + 0.00002 * np.sin(gy * _BD_X_PI)
    theta = np.arctan2(gy, gx) + 0.000003 * np.cos(gx * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 → BD-09 (百度), Baidu's published formula. Scalars or arrays, as above."""
    x, y = _arrays(lon, lat)
    bx, by = _bd_forward(x, y)
    return _result(bx, by, _is_scalar(lon, lat))


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """BD-09 → GCJ-02 by fixed-point iteration until every step is below 1e-10 degrees."""
    bx, by = _arrays(lon, lat)
    gx, gy = bx - 0.0065, by - 0.006
    for _ in range(INVERSE_MAX_ITER):
        fx, fy = _bd_forward(gx, gy)
        nx, ny = gx + (bx - fx), gy + (by - fy)
        with np.errstate(invalid="ignore"):
            step = np.fmax(np.abs(nx - gx), np.abs(ny - gy))
        gx, gy = nx, ny
        if not np.any(step > INVERSE_TOL_DEG):
            break
    return _result(gx, gy, _is_scalar(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """BD-09 → GCJ-02 → WGS 84."""
    gx, gy = bd09_to_gcj02(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    wx, wy = gcj02_to_wgs84(gx, gy)
    return _result(np.asarray(wx), np.asarray(wy), _is_scalar(lon, lat))


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS 84 → GCJ-02 → BD-09."""
    gx, gy = wgs84_to_gcj02(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    bx, by = gcj02_to_bd09(gx, gy)
    return _result(np.asarray(bx), np.asarray(by), _is_scalar(lon, lat))


# ---------------------------------------------------------------------------------------------
# GeoJSON


def _map_coords(coords: Any, func: CoordFunc) -> Any:
    """Apply ``func`` to a (nested) GeoJSON coordinate list, keeping any third dimension.

    The nesting depth is read from the structure, not from ``np.asarray``: a polygon whose
    rings have different lengths (any polygon with a hole) is ragged, which numpy refuses."""
    if not coords:
        return []
    if isinstance(coords[0], (int, float)):  # one position
        arr = np.asarray(coords, dtype=np.float64)
        x, y = func(arr[:1], arr[1:2])
        return [float(x[0]), float(y[0]), *arr[2:].tolist()]
    if isinstance(coords[0][0], (int, float)) and len({len(p) for p in coords}) == 1:
        arr = np.asarray(coords, dtype=np.float64)  # a ring or a line: one vectorised call
        x, y = func(arr[:, 0].copy(), arr[:, 1].copy())
        out = arr.copy()
        out[:, 0], out[:, 1] = x, y
        return out.tolist()
    return [_map_coords(c, func) for c in coords]  # polygons, multi-*, mixed 2-D/3-D lines


def transform_geometry(geom: Mapping[str, Any], func: CoordFunc) -> dict[str, Any]:
    """A copy of a GeoJSON geometry (or Feature / FeatureCollection) with ``func`` applied to
    every position. ``func(lon_array, lat_array) -> (lon_array, lat_array)``, e.g.
    :func:`gcj02_to_wgs84`."""
    kind = geom.get("type")
    if kind == "FeatureCollection":
        return {**geom, "features": [transform_geometry(f, func) for f in geom["features"]]}
    if kind == "Feature":
        inner = geom.get("geometry")
        return {**geom, "geometry": None if inner is None else transform_geometry(inner, func)}
    if kind == "GeometryCollection":
        return {**geom, "geometries": [transform_geometry(g, func) for g in geom["geometries"]]}
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                "MultiPolygon"):
        return {**geom, "coordinates": _map_coords(geom["coordinates"], func)}
    raise ValueError(f"不是 GeoJSON 几何类型：{kind!r}")


# ---------------------------------------------------------------------------------------------
# Metric helpers. Distances and overlays of one data set are computed in one working UTM zone:
# the zone of the county the database is set up for (``set_metric_crs``, called with the meta
# ``metric_crs`` when a store opens; UTM 49N, 运城/绛县's, until then). Areas are geodesic and
# buffers are drawn in a projection centred on the point, so both are right at any longitude.

_METRIC = [METRIC_CRS]


def utm_crs_for(lon: float, lat: float = 30.0) -> str:
    """The WGS 84 UTM zone CRS that contains (lon, lat), e.g. 111.5°E → ``EPSG:32649``."""
    zone = min(60, max(1, int((lon + 180.0) // 6) + 1))
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def set_metric_crs(crs: str) -> None:
    """Use ``crs`` (a projected CRS in metres) for :func:`to_metric` and the metric helpers."""
    _METRIC[0] = crs


def metric_crs() -> str:
    """The working metric CRS."""
    return _METRIC[0]


@cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS 84 (≈ CGCS2000) lon/lat → easting/northing in metres (the working UTM zone)."""
    x, y = _transformer(GEOGRAPHIC_CRS, _METRIC[0]).transform(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return _result(np.asarray(x), np.asarray(y), _is_scalar(lon, lat))


def from_metric(x: ArrayLike, y: ArrayLike) -> tuple[Any, Any]:
    """Easting/northing in metres (the working UTM zone) → WGS 84 lon/lat."""
    lon, lat = _transformer(_METRIC[0], GEOGRAPHIC_CRS).transform(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return _result(np.asarray(lon), np.asarray(lat), _is_scalar(x, y))


def _apply_xy(geom: shapely.Geometry, func: CoordFunc) -> shapely.Geometry:
    def xy(coords: FloatArray) -> FloatArray:
        a, b = func(coords[:, 0], coords[:, 1])
        return np.column_stack([a, b])

    return shapely.transform(geom, xy)


def geometry_to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    """A shapely geometry in lon/lat → the same geometry in metres (the working UTM zone)."""
    return _apply_xy(geom, to_metric)


def geometry_from_metric(geom: shapely.Geometry) -> shapely.Geometry:
    """A shapely geometry in metres (the working UTM zone) → lon/lat."""
    return _apply_xy(geom, from_metric)


def buffer_m(lon: float, lat: float, radius_m: float, quad_segs: int = 16) -> shapely.Polygon:
    """A circle of ``radius_m`` metres around (lon, lat), as a polygon in lon/lat (drawn in an
    azimuthal equidistant projection centred on the point: exact distances anywhere)."""
    if radius_m <= 0:
        raise ValueError(f"半径应为正数（米），而不是 {radius_m!r}")
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    circle = Point(0.0, 0.0).buffer(radius_m, quad_segs=quad_segs)
    back = _transformer(local, GEOGRAPHIC_CRS)

    def xy(coords: FloatArray) -> FloatArray:
        a, b = back.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([a, b])

    return shapely.transform(circle, xy)


_GEOD = Geod(ellps="WGS84")


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a lon/lat geometry in km², geodesic on the WGS 84 ellipsoid."""
    area, _ = _GEOD.geometry_area_perimeter(geom)
    return abs(float(area)) / 1e6
