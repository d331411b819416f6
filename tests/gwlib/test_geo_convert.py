"""Projected X/Y, lon/lat and web-map coordinates → WGS 84, against independent oracles:
pyproj with explicit EPSG codes, and the Gauss–Krüger series worked by hand."""

from __future__ import annotations

import math
import time
from functools import cache

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from scipy.integrate import quad

from gwlib.geo.convert import columns_to_wgs84, geometry_to_wgs84, to_wgs84
from gwlib.geo.crs import bd09_to_wgs84, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from gwlib.geo.overlay import distance_to_area_m

# Points of 绛县 (about 111.4–111.9°E, 35.3–35.7°N) and one far from its zone's meridian.
JX_LON = np.array([111.57, 111.45, 111.70, 111.82, 111.5])
JX_LAT = np.array([35.49, 35.40, 35.60, 35.33, 35.71])


@cache
def _forward(code: int) -> Transformer:
    return Transformer.from_crs("EPSG:4326", f"EPSG:{code}", always_xy=True)


def _project(code: int, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(easting, northing) in EPSG ``code``, by pyproj directly."""
    e, n = _forward(code).transform(lon, lat)
    return np.asarray(e), np.asarray(n)


def _errors(c: object) -> list[str]:
    return [i.reason for i in c.issues if i.severity == "error"]  # type: ignore[attr-defined]


def _warnings(c: object) -> list[str]:
    return [i.reason for i in c.issues if i.severity == "warning"]  # type: ignore[attr-defined]


# (坐标系 as written, EPSG code of the oracle, lon, lat): X = northing, Y = easting as the
# oracle's eastings come (with the zone prefix for the "zone N" codes).
ORACLES = [
    ("EPSG:4546", 4546, JX_LON, JX_LAT),
    ("CGCS2000 3度带 37带", 4546, JX_LON, JX_LAT),
    ("CGCS2000 3度带 37带", 4525, JX_LON, JX_LAT),  # easting with the prefix
    ("EPSG:4525", 4525, JX_LON, JX_LAT),
    ("CGCS2000 3度带", 4525, JX_LON, JX_LAT),  # zone from the prefix
    ("CGCS2000 3°带 中央经线111°", 4546, JX_LON, JX_LAT),
    ("CGCS2000 / 3-degree Gauss-Kruger CM 111E", 4546, JX_LON, JX_LAT),
    ("CGCS2000 6度带 19带", 4508, JX_LON, JX_LAT),
    ("CGCS2000 6度带", 4497, JX_LON, JX_LAT),
    ("国家2000 3度带 38带", 4547, np.array([114.51, 113.9]), np.array([38.04, 37.5])),  # 石家庄
    ("CGCS2000 3度带", 4532, np.array([130.5]), np.array([45.8])),  # zone 44, 黑龙江
    ("UTM 49N", 32649, JX_LON, JX_LAT),
    ("EPSG:32650", 32650, np.array([116.4]), np.array([39.9])),
    ("北京54 3度带 37带", 2434, JX_LON, JX_LAT),
    ("Beijing 1954 3度带", 2413, JX_LON, JX_LAT),
    ("西安80 3度带 37带", 2382, JX_LON, JX_LAT),
    ("Xian 1980 / 6-degree Gauss-Kruger zone 19", 2333, JX_LON, JX_LAT),
]


@pytest.mark.parametrize(("text", "code", "lon", "lat"), ORACLES)
def test_projected_matches_pyproj_with_explicit_epsg(text: str, code: int, lon: np.ndarray,
                                                     lat: np.ndarray) -> None:  # fmt: skip
    east, north = _project(code, lon, lat)
    got = to_wgs84(north, east, text)  # Chinese surveying: X = northing, Y = easting
    assert not _errors(got)
    np.testing.assert_allclose(got.lon, lon, atol=1e-9)
    np.testing.assert_allclose(got.lat, lat, atol=1e-9)
    if "utm" in text.lower() or code > 32000:
        first = to_wgs84(east, north, text)  # GIS order for UTM: no warning either way round
        np.testing.assert_allclose(first.lon, lon, atol=1e-9)


def _meridian_arc(lat: float, a: float, e2: float) -> float:
    return quad(lambda p: a * (1 - e2) / (1 - e2 * math.sin(p) ** 2) ** 1.5, 0.0, lat,
                epsabs=1e-4, epsrel=1e-13)[0]  # fmt: skip


def _gauss_kruger(lon: float, lat: float, cm: float) -> tuple[float, float]:
    """(X northing, Y easting without prefix) on the CGCS2000 ellipsoid by the textbook series
    (孔祥元《大地测量学基础》, to l⁶), independent of PROJ."""
    a, f = 6378137.0, 1 / 298.257222101
    e2 = 2 * f - f * f
    ep2 = e2 / (1 - e2)
    b, l = math.radians(lat), math.radians(lon - cm)  # noqa: E741
    n = a / math.sqrt(1 - e2 * math.sin(b) ** 2)
    t, c = math.tan(b), math.cos(b)
    eta2 = ep2 * c * c
    x = (_meridian_arc(b, a, e2) + n / 2 * t * c**2 * l**2
         + n / 24 * t * (5 - t**2 + 9 * eta2 + 4 * eta2**2) * c**4 * l**4
         + n / 720 * t * (61 - 58 * t**2 + t**4) * c**6 * l**6)  # fmt: skip
    y = (n * c * l + n / 6 * (1 - t**2 + eta2) * c**3 * l**3
         + n / 120 * (5 - 18 * t**2 + t**4 + 14 * eta2 - 58 * eta2 * t**2) * c**5 * l**5)
    return x, y + 500_000.0


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(111.57, 35.49), (111.0, 35.49), (111.43, 35.62), (111.88, 35.31)],
)
def test_jiangxian_points_by_hand(lon: float, lat: float) -> None:
    x, y = _gauss_kruger(lon, lat, 111.0)
    assert 3.9e6 < x < 3.96e6  # X坐标 of 绛县 is about 3.93e6 m
    if lon == 111.0:
        assert y == 500_000.0  # on the central meridian
    for easting, crs in ((y, "CGCS2000 3度带 37带"), (y + 37e6, "CGCS2000 3度带")):
        got = to_wgs84([x], [easting], crs)
        assert not got.issues
        assert got.lon[0] == pytest.approx(lon, abs=2e-8)  # 2 mm
        assert got.lat[0] == pytest.approx(lat, abs=2e-8)


@settings(max_examples=80, derandomize=True, deadline=None)
@given(st.floats(74.0, 134.0), st.floats(18.0, 53.0), st.sampled_from([3, 6]), st.booleans(),
       st.booleans(), st.booleans())  # fmt: skip
def test_any_point_any_zone_either_order(lon: float, lat: float, width: int, prefix: bool,
                                         swap: bool, named_zone: bool) -> None:  # fmt: skip
    """Property: a point projected in its own zone comes back whatever way it is written."""
    zone = round(lon / 3) if width == 3 else int(lon // 6) + 1
    cm = 3 * zone if width == 3 else 6 * zone - 3
    code_first = 4534 if width == 3 else 4502  # CGCS2000 CM series, no prefix
    code = code_first + (cm - 75) // width
    if not 75 <= cm <= 135:
        return
    east, north = _project(code, np.array([lon]), np.array([lat]))
    if prefix:
        east = east + zone * 1e6
    text = f"CGCS2000 {width}度带" + (f" {zone}带" if named_zone else "")
    a, b = (east, north) if swap else (north, east)
    got = to_wgs84(a, b, text, lon_hint=lon)
    assert not _errors(got), got.issues
    assert got.lon[0] == pytest.approx(lon, abs=1e-8) and got.lat[0] == pytest.approx(lat, abs=1e-8)
    if swap:
        assert any("对调" in w for w in _warnings(got))
    if not prefix and not named_zone:
        assert any("按县中心经度" in w for w in _warnings(got))


# ---------------------------------------------------------------------------------------------
# Swaps and ambiguity


def test_swap_of_every_row_is_one_file_warning() -> None:
    east, north = _project(4546, JX_LON, JX_LAT)
    got = to_wgs84(east, north, "CGCS2000 3度带 37带", rows=range(2, 7), file="点位.xlsx")
    np.testing.assert_allclose(got.lon, JX_LON, atol=1e-9)
    (issue,) = got.issues
    assert (issue.severity, issue.row, issue.value) == ("warning", None, "5 行")
    assert "X 为北坐标、Y 为东坐标" in issue.reason


def test_swap_of_some_rows_is_named_per_row() -> None:
    east, north = _project(4546, JX_LON, JX_LAT)
    x, y = north.copy(), east.copy()
    x[2], y[2] = east[2], north[2]
    got = to_wgs84(x, y, "CGCS2000 3度带 37带", rows=range(2, 7))
    np.testing.assert_allclose(got.lon, JX_LON, atol=1e-9)
    (issue,) = got.issues
    assert (issue.row, issue.column, issue.severity) == (4, "X坐标", "warning")


def test_lon_lat_swapped() -> None:
    got = to_wgs84(JX_LAT, JX_LON, "CGCS2000", labels=("经度", "纬度"))
    np.testing.assert_allclose(got.lon, JX_LON)
    assert "经度与纬度的内容对调了" in got.issues[0].reason


@pytest.mark.parametrize(
    ("crs", "east_offset", "hint", "reason"),
    [
        ("CGCS2000 3度带", 0, None, "未写带号或中央经线，东坐标也不带带号：请写成如「CGCS2000 3度带 37带」或 EPSG:4546"),
        ("CGCS2000 6度带", 0, None, "请写成如「CGCS2000 6度带 37带」"),
        ("CGCS2000", 0, None, "是经纬度坐标系，而坐标是以米计的投影坐标"),
        ("CGCS2000", 0, 111.57, "请写成「CGCS2000 3度带 37带」或 EPSG:4546"),
        ("CGCS2000 3度带 37带", 38e6, None, "东坐标的带号 38（中央经线 114°）与坐标系"),
        ("CGCS2000 3度带", 19e6, None, "19 是 6度带的带号"),
        ("CGCS2000 3度带", 12e6, None, "带号 12 不是中国的 3度带"),
        ("EPSG:4546", 38e6, None, "与坐标系「EPSG:4546」（中央经线 111°）不符"),
        ("GCJ-02", 0, None, "是以米计的投影坐标：请写明投影坐标系"),
        ("WGS84 UTM", 0, None, "未写 UTM 带号：请写成如「UTM 49N」"),
        ("UTM 49N", 37e6, None, "UTM 东坐标不带带号，应在 100000–900000 之间"),
        ("UTM 49N", 200e6, None, "不像 WGS 84 / UTM 49N 的投影坐标"),
    ],
)
def test_ambiguous_is_an_error_saying_what_to_write(crs: str, east_offset: float,
                                                   hint: float | None, reason: str) -> None:  # fmt: skip
    east, north = _project(4546, JX_LON[:2], JX_LAT[:2])
    got = to_wgs84(north, east + east_offset, crs, rows=[5, 6], file="点位.xlsx", lon_hint=hint)
    assert np.isnan(got.lon).all()
    errors = [i for i in got.issues if i.severity == "error"]
    assert [i.row for i in errors] == [5, 6]
    assert all(reason in i.reason for i in errors), errors[0].reason
    assert errors[0].file == "点位.xlsx" and errors[0].value


def test_zone_from_county_longitude_is_a_warning() -> None:
    east, north = _project(4546, JX_LON, JX_LAT)
    got = to_wgs84(north, east, "CGCS2000 3度带", lon_hint=111.57)
    np.testing.assert_allclose(got.lon, JX_LON, atol=1e-9)
    (w,) = got.issues
    assert w.row is None and "按县中心经度 111.57° 取 3度带 37 带（中央经线 111°）" in w.reason
    # A 6° width is just as good here: zone 19 has the same central meridian, 111°.
    assert not _errors(to_wgs84(north, east, "CGCS2000 高斯投影", lon_hint=111.57))
    # At 112.6°E the 3° and 6° zones differ (114° vs 111°): that is ambiguous.
    assert _errors(to_wgs84(north, east, "CGCS2000 高斯投影", lon_hint=112.6))


def test_datum_only_with_prefix_reads_the_zone_and_says_so() -> None:
    east, north = _project(4525, JX_LON, JX_LAT)
    got = to_wgs84(north, east, "国家2000")
    np.testing.assert_allclose(got.lon, JX_LON, atol=1e-9)
    assert "按东坐标的带号 37 换算为「CGCS2000 3度带 37带」或 EPSG:4525" in got.issues[0].reason


def test_degrees_under_a_projected_crs_and_a_wrong_zone() -> None:
    got = to_wgs84(JX_LON, JX_LAT, "CGCS2000 3度带 37带")
    assert "请填到「经度」「纬度」列" in _errors(got)[0]
    east, north = _project(4547, JX_LON, JX_LAT)  # the neighbouring zone 38 is fine
    near = to_wgs84(north, east, "CGCS2000 3度带 38带", lon_hint=111.57)
    np.testing.assert_allclose(near.lon, JX_LON, atol=1e-9)
    assert not near.issues
    east, north = _project(4546, JX_LON, JX_LAT)  # zone 37 coordinates said to be zone 38
    far = to_wgs84(north, east, "CGCS2000 3度带 38带", lon_hint=111.57)
    assert not _errors(far)
    assert "离县中心经度 111.57° 约 3.0°：坐标系的带号或中央经线可能写错了" in _warnings(far)[0]


def test_outside_china_after_conversion() -> None:
    east, north = _project(4546, JX_LON[:1], JX_LAT[:1])
    got = to_wgs84(north, east, "CGCS2000 3度带 45带")  # 135°E + 0.57° is past the border
    assert "不在中国范围内" in _errors(got)[0]


def test_half_rows_blank_rows_and_datum_warnings() -> None:
    got = to_wgs84([35.49, np.nan, np.nan], [np.nan, 111.57, np.nan], "WGS84",
                   labels=("经度", "纬度"), rows=[2, 3, 4])  # fmt: skip
    assert [(i.row, i.column, i.reason) for i in got.issues] == [
        (2, "纬度", "只填了经度，缺纬度"),
        (3, "经度", "只填了纬度，缺经度"),
    ]
    east, north = _project(2382, JX_LON, JX_LAT)
    xian = to_wgs84(north, east, "西安80 3度带 37带")
    assert "近似值" in _warnings(xian)[0] and len(xian.issues) == 1


def test_web_map_datums() -> None:
    glon, glat = wgs84_to_gcj02(JX_LON, JX_LAT)
    got = to_wgs84(glon, glat, "高德", labels=("经度", "纬度"))
    np.testing.assert_allclose(got.lon, gcj02_to_wgs84(glon, glat)[0])
    np.testing.assert_allclose(got.lon, JX_LON, atol=1e-9)
    blon, blat = wgs84_to_bd09(JX_LON, JX_LAT)
    got = to_wgs84(blon, blat, "百度", labels=("经度", "纬度"))
    np.testing.assert_allclose(got.lat, JX_LAT, atol=1e-9)
    np.testing.assert_allclose(got.lat, bd09_to_wgs84(blon, blat)[1])


def test_text_columns_name_cell_and_reason() -> None:
    got = columns_to_wgs84(
        ["111°34'12\"", "abc", "35.49", "111°75'"],
        ["35°29'24\"", "35.4", "111.57", "35.5"],
        "CGCS2000",
        degrees=True,
        labels=("经度", "纬度"),
        rows=[2, 3, 4, 5],
        file="点位.xlsx",
    )
    assert got.lon[0] == pytest.approx(111 + 34 / 60 + 12 / 3600)
    assert got.lon[2] == pytest.approx(111.57)  # swapped row, read anyway
    assert [(i.row, i.column, i.value, i.severity) for i in got.issues] == [
        (3, "经度", "abc", "error"),
        (4, "经度", "35.49", "warning"),
        (5, "经度", "111°75'", "error"),
    ]
    assert "分应小于 60" in got.issues[2].message() and "第 5 行" in got.issues[2].message()
    east, north = _project(4525, JX_LON[:2], JX_LAT[:2])
    metres = columns_to_wgs84([f"{n:,.3f}" for n in north], [f"{e:.3f}m" for e in east],
                              "CGCS2000 3度带", degrees=False)  # fmt: skip
    np.testing.assert_allclose(metres.lon, JX_LON[:2], atol=1e-8)


def test_ten_thousand_rows_are_fast() -> None:
    rng = np.random.default_rng(12)
    lon, lat = rng.uniform(111.4, 111.9, 10_000), rng.uniform(35.3, 35.7, 10_000)
    east, north = _project(4525, lon, lat)
    text_x, text_y = [f"{v:.3f}" for v in north], [f"{v:.3f}" for v in east]
    start = time.perf_counter()
    got = columns_to_wgs84(text_x, text_y, "CGCS2000 3度带", degrees=False)
    elapsed = time.perf_counter() - start
    assert not got.issues and got.ok.all()
    np.testing.assert_allclose(got.lon, lon, atol=1e-7)
    assert elapsed < 2.0, elapsed  # about 0.03 s on the development machine


def test_geometry_without_prj_given_a_crs() -> None:
    east, north = _project(4525, JX_LON[:4], JX_LAT[:4])
    ring = [[float(e), float(n)] for e, n in zip(east, north, strict=True)]
    geom = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    out, why, notes = geometry_to_wgs84(geom, "CGCS2000 3度带")
    assert out is not None and not why and not notes
    back = np.array(out["coordinates"][0])[:4]
    np.testing.assert_allclose(back[:, 0], JX_LON[:4], atol=1e-9)
    out, why, _ = geometry_to_wgs84(geom, "CGCS2000 6度带")
    assert out is None and "东坐标的带号 37 是 3度带的带号" in why


# ---------------------------------------------------------------------------------------------
# Distance to a boundary


def test_distance_to_area_against_geodesic() -> None:
    square = shapely.box(111.5, 35.4, 111.6, 35.5)
    geod = Geod(ellps="WGS84")
    west = geod.inv(111.4, 35.45, 111.5, 35.45)[2]
    north = geod.inv(111.55, 35.6, 111.55, 35.5)[2]
    got = distance_to_area_m([111.4, 111.55, 111.55, 111.5, np.nan], [35.45, 35.6, 35.45, 35.4, 1],
                             square)  # fmt: skip
    assert got[0] == pytest.approx(west, rel=2e-3)  # ~9.07 km
    assert got[1] == pytest.approx(north, rel=2e-3)  # ~11.1 km
    assert got[2] == 0 and got[3] == 0 and np.isnan(got[4])


# ---------------------------------------------------------------------------------------------
# A register's rows: 经度/纬度 or X/Y, each with its own 坐标系


def test_register_rows_each_with_their_own_crs() -> None:
    from gwlib.geo.points import point_coordinates

    e37, n37 = _project(4525, JX_LON, JX_LAT)
    e_xian, n_xian = _project(2382, JX_LON, JX_LAT)
    glon, glat = wgs84_to_gcj02(JX_LON, JX_LAT)
    blank = ""
    lon = ["111°34'12\"", f"{glon[1]:.9f}", blank, blank, blank, "111.70", blank, blank]
    lat = ["35°29'24\"", f"{glat[1]:.9f}", blank, blank, blank, "35.60", blank, blank]
    x = [blank, blank, f"{n37[2]:.3f}", f"{n_xian[3]:.3f}", f"{n37[4]:.3f}", f"{n37[0]:.3f}",
         "3929105", blank]
    y = [blank, blank, f"{e37[2]:.3f}", f"{e_xian[3]:.3f}", f"{e37[4]:.3f}", f"{e37[0]:.3f}",
         "551722", blank]
    crs = [blank, "高德", blank, "西安80 3度带 37带", "3度带 37带", blank, "bogus", blank]
    got = point_coordinates(lon, lat, x, y, crs, "CGCS2000 3度带", rows=range(2, 10),
                            file="点位.xlsx", lon_hint=111.57)  # fmt: skip
    assert got.lon[0] == pytest.approx(111 + 34 / 60 + 12 / 3600)  # 经度/纬度 in 度分秒
    assert got.lon[1] == pytest.approx(JX_LON[1], abs=1e-8)  # the row's GCJ-02
    assert got.lon[2] == pytest.approx(JX_LON[2], abs=1e-8)  # default: zone from the prefix
    assert got.lon[3] == pytest.approx(JX_LON[3], abs=1e-8)  # the row's 西安80
    assert np.isnan(got.lon[4]) and np.isnan(got.lon[6]) and np.isnan(got.lon[7])
    assert got.lon[5] == pytest.approx(111.70)  # both given: 经度/纬度 used
    by_row = {(i.row, i.column, i.severity): i.reason for i in got.issues}
    assert "没有写大地基准" in by_row[(6, "坐标系", "error")]
    assert "无法识别的坐标系" in by_row[(8, "坐标系", "error")]
    assert "相距" not in str(by_row) and "约 " in by_row[(7, "X坐标", "warning")]
    assert "近似值" in by_row[(None, "坐标系", "warning")]
    assert len(got.issues) == 4  # and row 9 (nothing filled) is not a problem here


def test_register_xy_without_any_crs() -> None:
    from gwlib.geo.points import point_coordinates

    got = point_coordinates(None, None, ["3929105"], ["37551722"], rows=[5])
    (issue,) = got.issues
    assert (issue.row, issue.column) == (5, "坐标系") and "没有坐标系" in issue.reason
    plain = point_coordinates(["111.57"], ["35.49"])  # 经度/纬度 alone: CGCS2000
    assert plain.lon[0] == 111.57 and not plain.issues
