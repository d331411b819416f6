# ruff: noqa: RUF001  (the prime marks in coordinates are what staff type)
"""Coordinate cells (度分秒 in every notation) and 坐标系 names → a resolved CRS."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Transformer

from gwlib.errors import ValueFormatError
from gwlib.geo.coords import parse_angle, parse_column, parse_number
from gwlib.geo.resolve import (
    ZONES_3,
    ZONES_6,
    CrsKind,
    Datum,
    central_meridian,
    gk_epsg,
    resolve_crs,
    zone_of,
)
from gwlib.io.wells import parse_coordinate

DMS = 111 + 34 / 60 + 12.5 / 3600  # 111°34'12.5"


def _wide(text: str) -> str:
    """The full-width form of ASCII letters, digits and spaces, as Chinese IMEs type them."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in text)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("111.5701", 111.5701),
        ("-111.5701", -111.5701),
        ("111.5701°", 111.5701),
        ("E111.5701", 111.5701),
        ("111.5701E", 111.5701),
        ("111°34'12.5\"", DMS),
        ("111°34′12.5″", DMS),  # primes
        ("111°34’12.5”", DMS),  # typographic quotes, as Word turns them
        ("111°34'12.5''", DMS),  # two apostrophes for seconds
        ("111º34'12.5\"", DMS),  # masculine ordinal for the degree sign
        ("111度34分12.5秒", DMS),
        ("111度34分12.5", DMS),  # the last unit left out
        ("111 34 12.5", DMS),
        ("111:34:12.5", DMS),
        ("111° 34′ 12.5″", DMS),
        ("111°34.2083'", 111 + 34.2083 / 60),
        ("111度34.2083分", 111 + 34.2083 / 60),
        ("111 34.2083", 111 + 34.2083 / 60),
        ("东经111°34'12.5\"", DMS),
        ("111°34'12.5\"E", DMS),
        ("E 111°34'12.5\"", DMS),
        ("东经111°34'12.5\"E", DMS),  # the same hemisphere twice is fine
        ("１１１°３４′１２．５″", DMS),  # full width
        (_wide("E111.5701"), 111.5701),
        ("北纬35°29'24\"", 35.49),
        ("N35°29′24″", 35.49),
        ("35°29'24\"N", 35.49),
        ("35°30′", 35.5),
        ("西经73°30′", -73.5),
        ("S35.5", -35.5),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_angles_as_people_write_them(text: str | None, value: float | None) -> None:
    got = parse_angle(text)
    assert got == (pytest.approx(value, abs=1e-12) if value is not None else None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("111°75'12\"", "分应小于 60，此处为 75"),
        ("111°34'75\"", "秒应小于 60，此处为 75"),
        ("111度60分", "分应小于 60"),
        ("111.5°34'", "只有最后一部分可以带小数"),
        ("111°34.5'12\"", "只有最后一部分可以带小数"),
        ("34'12\"", "缺少度数"),
        ("111\"34'", "顺序不对"),
        ("N111°E", "方位标记自相矛盾"),
        ("东经35°北纬", "方位标记自相矛盾"),
        ("200°", "超出范围"),
        ("E-111.5", "负号与方位标记不能同时使用"),
        ("abc", "应为十进制度"),
        ("111.5.3", "应为十进制度"),
        ("1e309", "应为十进制度"),
        ("E", "应为十进制度"),
    ],
)
def test_unreadable_angles_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueFormatError) as err:
        parse_angle(text)
    assert reason in err.value.reason
    assert err.value.value == text


def test_axis_checks_range_and_hemisphere() -> None:
    assert parse_angle("111.5", "lon") == 111.5
    with pytest.raises(ValueFormatError, match="纬度超出范围"):
        parse_angle("111.5", "lat")
    with pytest.raises(ValueFormatError, match="经度不应标北纬"):
        parse_angle("N35.5", "lon")
    with pytest.raises(ValueFormatError, match="纬度不应标东经"):
        parse_angle("东经111°", "lat")
    assert parse_angle("3934567.8") == 3934567.8  # no axis: a plain number passes through


def test_ledger_parse_coordinate_is_the_same_reader() -> None:
    assert parse_coordinate("111 34 12.5") == pytest.approx(DMS)  # a form the old copy refused
    with pytest.raises(ValueError, match="分应小于 60"):
        parse_coordinate("111°75′")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3934567.8", 3934567.8),
        ("3,934,567.8", 3934567.8),
        ("３９３４５６７．８", 3934567.8),
        ("3934567.8m", 3934567.8),
        ("3934567.8 米", 3934567.8),
        ("37512345.6", 37512345.6),
        ("111°34'12.5\"", DMS),  # an angle in a metres column is read as degrees
        ("", None),
    ],
)
def test_numbers_in_metres(text: str, value: float | None) -> None:
    assert parse_number(text) == (pytest.approx(value) if value is not None else None)


def test_number_errors() -> None:
    for bad in ("1e309", "inf", "3,93,4567", "abc"):
        with pytest.raises(ValueFormatError):
            parse_number(bad)


def test_column_parse_reports_positions_once_per_text() -> None:
    values, errors = parse_column(["111.5", "x", "", None, "111°30′", "x"], axis="lon")
    assert values[0] == 111.5 and values[4] == 111.5
    assert set(errors) == {1, 5} and "应为十进制度" in errors[1]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.integers(0, 179), st.integers(0, 59), st.integers(0, 5999), st.sampled_from(
    ["{d}°{m}'{s}\"", "{d}°{m}′{s}″", "{d}度{m}分{s}秒", "{d} {m} {s}", "E{d}°{m}'{s}\""]))
def test_dms_round_trip(d: int, m: int, centi: int, form: str) -> None:
    s = centi / 100
    text = form.format(d=d, m=m, s=f"{s:.2f}")
    assert parse_angle(text) == pytest.approx(d + m / 60 + s / 3600, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# 坐标系 names

G, P = CrsKind.GEOGRAPHIC, CrsKind.PROJECTED
C, X, B, W = Datum.CGCS2000, Datum.XIAN80, Datum.BEIJING54, Datum.WGS84


@pytest.mark.parametrize(
    ("text", "kind", "datum", "family", "width", "zone", "cm", "prefix", "epsg"),
    [
        ("EPSG:4546", P, C, "gk", 3, 37, 111, False, 4546),
        ("epsg 32649", P, W, "utm", 6, 49, 111, False, 32649),
        ("4490", G, C, "", None, None, None, None, 4490),
        ("EPSG：4525", P, C, "gk", 3, 37, 111, True, 4525),
        ("EPSG:4497", P, C, "gk", 6, 19, 111, True, 4497),
        ("urn:ogc:def:crs:EPSG::4547", P, C, "gk", 3, 38, 114, False, 4547),
        ("CGCS2000", G, C, "", None, None, None, None, 4490),
        ("国家2000", G, C, "", None, None, None, None, 4490),
        ("2000国家大地坐标系", G, C, "", None, None, None, None, 4490),
        ("CGCS2000 3度带 37带", P, C, "gk", 3, 37, 111, None, None),
        ("CGCS2000 3°带 中央经线111°", P, C, "gk", 3, 37, 111, None, None),
        ("CGCS2000 / 3-degree Gauss-Kruger CM 111E", P, C, "gk", 3, 37, 111, None, None),
        ("CGCS2000_3_Degree_GK_Zone_37", P, C, "gk", 3, 37, 111, None, None),
        ("CGCS2000 6度带 19带", P, C, "gk", 6, 19, 111, None, None),
        ("国家2000坐标系 三度带 第37带", P, C, "gk", 3, 37, 111, None, None),
        ("2000国家大地坐标系，3度分带，带号37", P, C, "gk", 3, 37, 111, None, None),
        ("CGCS20003度带37带", P, C, "gk", 3, 37, 111, None, None),
        (_wide("CGCS2000 3度带 37带"), P, C, "gk", 3, 37, 111, None, None),
        ("CGCS2000 3度带", P, C, "gk", 3, None, None, None, None),
        ("CGCS2000 37带", P, C, "gk", 3, 37, 111, None, None),  # zone 37 can only be 3°
        ("CGCS2000 高斯投影 中央经线111", P, C, "gk", None, None, 111, None, None),
        ("西安80", G, X, "", None, None, None, None, 4610),
        ("Xian 1980", G, X, "", None, None, None, None, 4610),
        ("1980西安坐标系 3度带 37带", P, X, "gk", 3, 37, 111, None, None),
        ("Xian 1980 / 3-degree Gauss-Kruger zone 37", P, X, "gk", 3, 37, 111, None, None),
        ("北京54", G, B, "", None, None, None, None, 4214),
        ("Beijing 1954", G, B, "", None, None, None, None, 4214),
        ("北京54 6度带 19带", P, B, "gk", 6, 19, 111, None, None),
        ("Beijing 1954 / Gauss-Kruger zone 19", P, B, "gk", 6, 19, 111, None, None),
        ("UTM 49N", P, W, "utm", 6, 49, 111, False, 32649),
        ("WGS84 UTM 49", P, W, "utm", 6, 49, 111, False, 32649),
        ("WGS 84 / UTM zone 49N", P, W, "utm", 6, 49, 111, False, 32649),
        ("WGS_1984_UTM_Zone_50N", P, W, "utm", 6, 50, 117, False, 32650),
        ("WGS84", G, W, "", None, None, None, None, 4326),
        ("WGS 84", G, W, "", None, None, None, None, 4326),
        ("wgs-84", G, W, "", None, None, None, None, 4326),
        ("GCJ-02", CrsKind.GCJ02, None, "", None, None, None, None, None),
        ("火星坐标", CrsKind.GCJ02, None, "", None, None, None, None, None),
        ("高德", CrsKind.GCJ02, None, "", None, None, None, None, None),
        ("腾讯地图坐标", CrsKind.GCJ02, None, "", None, None, None, None, None),
        ("BD-09", CrsKind.BD09, None, "", None, None, None, None, None),
        ("百度", CrsKind.BD09, None, "", None, None, None, None, None),
        ("bd09ll", CrsKind.BD09, None, "", None, None, None, None, None),
    ],
)
def test_crs_names_people_write(text: str, kind: CrsKind, datum: Datum | None, family: str,
                                width: int | None, zone: int | None, cm: float | None,
                                prefix: bool | None, epsg: int | None) -> None:  # fmt: skip
    r = resolve_crs(text)
    got = (r.kind, r.datum, r.family, r.zone_width, r.zone, r.central_meridian, r.zone_prefix,
           r.epsg)  # fmt: skip
    assert got == (kind, datum, family, width, zone, cm, prefix, epsg)
    assert r.text == text and r.label


def test_wkt_from_a_prj_file() -> None:
    esri = CRS.from_epsg(4525).to_wkt("WKT1_ESRI")
    r = resolve_crs(esri)
    assert (r.datum, r.zone_width, r.zone, r.zone_prefix) == (C, 3, 37, True)
    other = resolve_crs("EPSG:3857")  # a projection outside the GK/UTM model keeps pyproj's
    assert other.family == "" and other.crs is not None and other.crs.to_epsg() == 3857


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "坐标系为空"),
        ("abc", "无法识别的坐标系"),
        ("EPSG:99999", "不是已知的坐标系代码"),
        ("3度带 37带", "没有写大地基准"),
        ("3度带 37带", "「CGCS2000 3度带 37带」或 EPSG:4525（东坐标带带号）、EPSG:4546"),
        ("CGCS2000 3度带 19带", "19 是 6度带的带号"),
        ("CGCS2000 3度带 19带", "「CGCS2000 6度带 19带」"),
        ("CGCS2000 6度带 37带", "37 是 3度带的带号"),
        ("CGCS2000 37带 中央经线114°", "中央经线是 111°，不是 114°"),
        ("CGCS2000 3度带 中央经线112", "3度带的中央经线应为3 的倍数"),
        ("CGCS2000 6度带 中央经线114", "6度带的中央经线应为6 的倍数减 3"),
        ("CGCS2000 3带", "带号 3 不在中国范围内"),
        ("CGCS2000 WGS84", "只能是其中一个"),
        ("UTM 61N", "UTM 带号应为 1–60"),
        ("百度墨卡托", "不支持百度墨卡托"),
        ("PROJCS[broken", "无法识别的 WKT"),
    ],
)
def test_crs_errors_say_what_to_write(text: str, reason: str) -> None:
    with pytest.raises(ValueFormatError) as err:
        resolve_crs(text)
    assert reason in err.value.reason


@pytest.mark.parametrize("text", ["EPSG:4525", "EPSG:4546", "CGCS2000 6度带 19带", "北京54 3度带 37带",
                                  "UTM 49N"])
def test_resolved_pyproj_crs_projects_like_the_epsg_definition(text: str) -> None:
    """``ResolvedCrs.crs`` (built from datum and central meridian) agrees with EPSG's own."""
    oracle = {"EPSG:4525": 4525, "EPSG:4546": 4546, "CGCS2000 6度带 19带": 4508,
              "北京54 3度带 37带": 2434, "UTM 49N": 32649}[text]  # fmt: skip
    crs = resolve_crs(text).crs
    assert crs is not None
    ours = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True).transform(111.57, 35.49)
    epsg = CRS.from_epsg(oracle)
    want = Transformer.from_crs(epsg.geodetic_crs, epsg, always_xy=True).transform(111.57, 35.49)
    assert ours == pytest.approx(want, abs=1e-6)
    assert resolve_crs("CGCS2000 3度带").crs is None  # no zone: not one CRS yet
    assert resolve_crs("GCJ-02").crs is None


def test_lon_hint_is_kept() -> None:
    assert resolve_crs("CGCS2000 3度带", lon_hint=111.57).lon_hint == 111.57
    r = resolve_crs("CGCS2000 3度带")
    assert resolve_crs(r) is r and resolve_crs(r, 111.5).lon_hint == 111.5


@pytest.mark.parametrize("datum", [C, X, B])
@pytest.mark.parametrize("width", [3, 6])
@pytest.mark.parametrize("prefix", [True, False])
def test_epsg_series_match_pyproj(datum: Datum, width: int, prefix: bool) -> None:
    """Every code of the twelve Chinese Gauss–Krüger series has the central meridian and false
    easting its zone implies, and the name says the datum (pyproj's EPSG database as oracle)."""
    zones = [z for z in (ZONES_3 if width == 3 else ZONES_6) if gk_epsg(datum, width, z, prefix)]
    assert len(zones) >= 11
    names = {C: "CGCS2000", X: "Xian 1980", B: "Beijing 1954"}
    for zone in zones:
        code = gk_epsg(datum, width, zone, prefix)
        assert code is not None
        crs = CRS.from_epsg(code)
        params = {p.name: p.value for p in crs.coordinate_operation.params}
        assert params["Longitude of natural origin"] == central_meridian(zone, width)
        assert params["False easting"] == 500_000 + (zone * 1_000_000 if prefix else 0)
        assert crs.name.startswith(names[datum])
        assert ("3-degree" in crs.name) == (width == 3)
        back = resolve_crs(f"EPSG:{code}")
        assert (back.datum, back.zone_width, back.zone_prefix) == (datum, width, prefix)
        assert back.central_meridian == central_meridian(zone, width)


def test_zone_of_longitude() -> None:
    assert zone_of(111.57, 3) == 37 and zone_of(111.57, 6) == 19
    assert zone_of(112.6, 3) == 38 and zone_of(114.0, 6) == 20
