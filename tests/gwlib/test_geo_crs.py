"""GCJ-02 ↔ WGS 84 against published test vectors, round trips, and the metric helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gwlib.geo import (
    area_km2,
    bd09_to_gcj02,
    bd09_to_wgs84,
    buffer_m,
    from_metric,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    to_metric,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat). Shanghai, Shenzhen, Beijing from googollee/eviltransform
# (python/test.py and go/transform_test.go, the same three points in every language port).
EVILTRANSFORM = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]

# wandergis/coordtransform test/app.js: wgs84togcj02(116.404, 39.915) (also asserted exactly by
# hutool's CoordinateUtilTest and coordtransform_rs).
COORDTRANSFORM_FORWARD = (116.404, 39.915, 116.41024449916938, 39.91640428150164)
# Same source, gcj02towgs84(116.404, 39.915): computed there with the one-step approximation
# wgs ≈ gcj − offset(gcj), which is off by a few 1e-7 degrees from the exact inverse.
COORDTRANSFORM_INVERSE = (116.404, 39.915, 116.39775550083061, 39.91359571849836)
# hujiulong/gcoord test/unit/crs/GCJ02.spec.js: GCJ02 → WGS84 of (123, 45), checked to 5 decimals,
# and (183, 45) outside China unchanged.
GCOORD_INVERSE = (123.0, 45.0, 122.99395597, 44.99804071)
# BD-09 (百度). wandergis/coordtransform test/app.js gcj02tobd09(116.404, 39.915), asserted exactly
# by hutool's CoordinateUtilTest and coordtransform_rs; bd09togcj02(116.404, 39.915) there is the
# published one-step inverse (a few 1e-7 degrees from the exact one).
COORDTRANSFORM_BD = (116.404, 39.915, 116.41036949371029, 39.92133699351021)
COORDTRANSFORM_BD_INVERSE = (116.404, 39.915, 116.39762729119315, 39.90865673957631)
# hujiulong/gcoord test/unit/crs/BD09.spec.js: BD09 (123, 45) → GCJ02 and → WGS84, 5 decimals.
GCOORD_BD = (123.0, 45.0, 122.99363304, 44.99365430, 122.98762210, 44.99171540)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM)
def test_forward_matches_eviltransform(wlon: float, wlat: float, glon: float, glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM)
def test_inverse_recovers_eviltransform_wgs(wlon: float, wlat: float, glon: float,
                                            glat: float) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    # eviltransform's own exact-inverse test allows 0.5 m; we are far inside 1e-7 degrees.
    assert lon == pytest.approx(wlon, abs=1e-7)
    assert lat == pytest.approx(wlat, abs=1e-7)


def test_forward_matches_coordtransform() -> None:
    wlon, wlat, glon, glat = COORDTRANSFORM_FORWARD
    assert wgs84_to_gcj02(wlon, wlat) == pytest.approx((glon, glat), abs=1e-9)


def test_inverse_close_to_published_approximations() -> None:
    glon, glat, wlon, wlat = COORDTRANSFORM_INVERSE
    assert gcj02_to_wgs84(glon, glat) == pytest.approx((wlon, wlat), abs=1e-6)
    glon, glat, wlon, wlat = GCOORD_INVERSE
    assert gcj02_to_wgs84(glon, glat) == pytest.approx((wlon, wlat), abs=5e-6)


@pytest.mark.parametrize(("lon", "lat"), [
    (183.0, 45.0),  # gcoord's outside-China case
    (2.35, 48.86),  # Paris
    (-74.0, 40.7),  # New York
    (0.0, 0.0),
    (139.7, 35.7),  # Tokyo: east of the rectangle
])
def test_outside_china_is_identity(lon: float, lat: float) -> None:
    assert not in_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_offset_size_in_jiangxian() -> None:
    # Around 绛县 the offset is a few hundred metres, mostly eastward.
    lon, lat = wgs84_to_gcj02(111.6, 35.5)
    dx_m = (lon - 111.6) * 111_320 * math.cos(math.radians(35.5))
    dy_m = (lat - 35.5) * 110_950
    assert 300 < dx_m < 800
    assert abs(dy_m) < 200


def test_vectorised_matches_scalar_and_keeps_shape() -> None:
    lons = np.array([[121.5272106, 113.912316], [116.377817, 2.35]])
    lats = np.array([[31.1774276, 22.543847], [39.911954, 48.86]])
    glon, glat = wgs84_to_gcj02(lons, lats)
    assert glon.shape == lons.shape
    for i in np.ndindex(lons.shape):
        assert (glon[i], glat[i]) == wgs84_to_gcj02(float(lons[i]), float(lats[i]))
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    np.testing.assert_allclose(wlon, lons, atol=1e-9)
    np.testing.assert_allclose(wlat, lats, atol=1e-9)


def test_nan_propagates() -> None:
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 111.6]), np.array([35.5, 35.5]))
    assert np.isnan(lon[0]) and np.isfinite(lon[1])
    assert np.isfinite(lat).all()


china_lon = st.floats(min_value=73.0, max_value=135.0, allow_nan=False)
china_lat = st.floats(min_value=3.5, max_value=53.5, allow_nan=False)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_round_trip_wgs_gcj_wgs(lon: float, lat: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-7)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_round_trip_gcj_wgs_gcj(lon: float, lat: float) -> None:
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-7)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=50))
def test_round_trip_arrays(points: list[tuple[float, float]]) -> None:
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    blon, blat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    np.testing.assert_allclose(blon, lon, rtol=0, atol=1e-7)
    np.testing.assert_allclose(blat, lat, rtol=0, atol=1e-7)


def test_transform_geometry_polygon_and_feature() -> None:
    ring = [[111.5, 35.4], [111.7, 35.4], [111.7, 35.6], [111.5, 35.4]]
    poly = {"type": "MultiPolygon", "coordinates": [[ring]]}
    out = transform_geometry(poly, wgs84_to_gcj02)
    assert out["type"] == "MultiPolygon"
    assert out["coordinates"][0][0][1] == list(wgs84_to_gcj02(111.7, 35.4))
    assert poly["coordinates"][0][0][1] == [111.7, 35.4]  # input untouched
    feat = {"type": "Feature", "properties": {"a": 1},
            "geometry": {"type": "Point", "coordinates": [111.6, 35.5, 600.0]}}
    moved = transform_geometry(feat, wgs84_to_gcj02)
    assert moved["properties"] == {"a": 1}
    assert moved["geometry"]["coordinates"][2] == 600.0
    back = transform_geometry(moved, gcj02_to_wgs84)
    assert back["geometry"]["coordinates"] == pytest.approx([111.6, 35.5, 600.0], abs=1e-9)
    with pytest.raises(ValueError, match="GeoJSON"):
        transform_geometry({"type": "Circle"}, wgs84_to_gcj02)


def test_transform_geometry_ragged_polygon_with_hole() -> None:
    # Rings of different lengths make a ragged list that numpy refuses as an array.
    outer = [[111.5, 35.4], [111.7, 35.4], [111.7, 35.6], [111.5, 35.6], [111.5, 35.4]]
    hole = [[111.55, 35.45], [111.6, 35.45], [111.6, 35.5], [111.55, 35.45]]
    poly = {"type": "MultiPolygon", "coordinates": [[outer, hole], [outer[:1] + outer[2:]]]}
    out = transform_geometry(poly, wgs84_to_gcj02)
    assert [len(r) for r in out["coordinates"][0]] == [5, 4]
    assert out["coordinates"][0][1][2] == list(wgs84_to_gcj02(111.6, 35.5))
    assert out["coordinates"][1][0][0] == list(wgs84_to_gcj02(111.5, 35.4))
    line = {"type": "LineString", "coordinates": [[111.5, 35.4], [111.6, 35.5, 600.0]]}
    moved = transform_geometry(line, wgs84_to_gcj02)["coordinates"]
    assert moved == [list(wgs84_to_gcj02(111.5, 35.4)), [*wgs84_to_gcj02(111.6, 35.5), 600.0]]


def test_metric_round_trip_and_buffer() -> None:
    x, y = to_metric(111.6, 35.5)
    assert 500_000 < x < 600_000 and 3_900_000 < y < 4_000_000  # UTM 49N, east of 111°E
    assert from_metric(x, y) == pytest.approx((111.6, 35.5), abs=1e-9)
    circle = buffer_m(111.6, 35.5, 500.0)
    assert isinstance(circle, shapely.Polygon)
    assert circle.contains(shapely.Point(111.6, 35.5))
    assert area_km2(circle) == pytest.approx(math.pi * 0.25, rel=0.01)
    # 500 m is about 0.0055° of longitude at 35.5°N.
    minx, _, maxx, _ = circle.bounds
    assert (maxx - minx) / 2 == pytest.approx(500 / (111_320 * math.cos(math.radians(35.5))),
                                               rel=0.01)
    with pytest.raises(ValueError):
        buffer_m(111.6, 35.5, 0)


def test_areas_and_buffers_are_right_far_from_111_east() -> None:
    """Far from UTM 49N (乌恰县, 74°E; 尚志, 128°E) areas are geodesic and a 1 km buffer is 1 km."""
    import math

    from pyproj import Geod
    from shapely.geometry import box

    from gwlib.geo.crs import area_km2, buffer_m, utm_crs_for

    geod = Geod(ellps="WGS84")
    for lon, lat in ((75.2, 39.7), (128.0, 45.2), (111.6, 35.5)):
        cell = box(lon, lat, lon + 0.1, lat + 0.1)
        expected = abs(geod.geometry_area_perimeter(cell)[0]) / 1e6
        assert area_km2(cell) == pytest.approx(expected, rel=1e-9)
        circle = buffer_m(lon, lat, 1000.0, quad_segs=64)
        for x, y in list(circle.exterior.coords)[::16]:
            _, _, d = geod.inv(lon, lat, x, y)
            assert d == pytest.approx(1000.0, rel=1e-6)
        assert area_km2(circle) == pytest.approx(math.pi, rel=1e-3)
    assert utm_crs_for(111.57) == "EPSG:32649"
    assert utm_crs_for(75.2) == "EPSG:32643"
    assert utm_crs_for(128.0) == "EPSG:32652"


def test_bd09_against_published_vectors() -> None:
    glon, glat, blon, blat = COORDTRANSFORM_BD
    assert gcj02_to_bd09(glon, glat) == pytest.approx((blon, blat), abs=1e-12)
    blon, blat, glon, glat = COORDTRANSFORM_BD_INVERSE
    assert bd09_to_gcj02(blon, blat) == pytest.approx((glon, glat), abs=1e-6)
    blon, blat, glon, glat, wlon, wlat = GCOORD_BD
    assert bd09_to_gcj02(blon, blat) == pytest.approx((glon, glat), abs=5e-6)
    assert bd09_to_wgs84(blon, blat) == pytest.approx((wlon, wlat), abs=5e-6)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.floats(73.7, 135.0), st.floats(18.2, 53.5))
def test_bd09_round_trip(lon: float, lat: float) -> None:
    blon, blat = gcj02_to_bd09(lon, lat)
    assert bd09_to_gcj02(blon, blat) == pytest.approx((lon, lat), abs=1e-9)
    blon, blat = wgs84_to_bd09(lon, lat)
    assert bd09_to_wgs84(blon, blat) == pytest.approx((lon, lat), abs=1e-9)
    wl, wt = bd09_to_wgs84(np.array([blon, np.nan]), np.array([blat, 1.0]))
    assert wl[0] == pytest.approx(lon, abs=1e-9) and np.isnan(wl[1]) and wt.shape == (2,)
