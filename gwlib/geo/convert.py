"""Coordinates in any accepted 坐标系 → WGS 84 lon/lat, vectorised, with an issue per problem.

The rules, in the order they are applied to each row:

1. **Degrees or metres** is told by magnitude: both values within ±180 are degrees.
   Degrees under a projected 坐标系, or metres under GCJ-02/BD-09, are errors that say which
   columns or which 坐标系 to use instead.
2. **Which value is which.** Over China, longitude (73–135.5°) and latitude (3–54°) never
   overlap, nor do a northing (3.3e5–6.2e6 m) and an easting carrying its zone number
   (1.3e7–4.6e7 m); an easting without it is 1e5–9e5 m. A pair is read whichever way round it
   fits. Chinese surveying writes **X = northing, Y = easting** (X坐标 ≈ 3.9e6 for 绛县), so for
   Gauss–Krüger the first column is expected to be the northing; GIS convention (X = easting)
   is expected for UTM and other projections, and longitude first for degrees. A pair the
   other way round is used, with a warning (one for the file when every row is swapped).
   Below about 8°N an unprefixed easting and a northing overlap; there the expected order holds.
3. **Gauss–Krüger zone.** An easting ≥ 1e7 carries its zone number (37 512 345.6 → zone 37,
   512 345.6); 3° zones are 24–45 and 6° zones 13–23, so the number alone gives the width.
   The zone comes from the 坐标系 text, else from the prefix, else from ``lon_hint`` (the
   county's longitude, with a warning saying so). A prefix that contradicts the 坐标系 is an
   error; a 坐标系 that names only a datum (``CGCS2000``) with prefixed eastings is read in the
   prefix's zone, with a warning.
4. **Datum.** CGCS2000 and WGS 84 agree within centimetres. 西安80 and 北京54 go through pyproj's
   datum transformation; neither has official nationwide parameters to WGS 84, so a warning says
   the result is approximate (up to about a hundred metres). GCJ-02 and BD-09 are undone with
   :mod:`gwlib.geo.crs`.
5. **Range.** A result outside China's lon/lat extent is an error naming the 坐标系 used.

Size: about 510 lines in one module, because the ordered rules above act on the same arrays in one
pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from gwlib.fields import LAT_RANGE, LON_RANGE
from gwlib.geo.coords import parse_column
from gwlib.geo.crs import bd09_to_wgs84, gcj02_to_wgs84
from gwlib.geo.resolve import (
    CrsKind,
    Datum,
    ResolvedCrs,
    central_meridian,
    resolve_crs,
    suggestion,
    tm_crs,
    utm_zone_of,
    width_of_zone,
    zone_of,
)
from gwlib.io.tables import Issue

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NORTHING = (300_000.0, 6_200_000.0)
EASTING = (100_000.0, 900_000.0)
ZONE_STEP = 1_000_000.0
APPROXIMATE_DATUMS = (Datum.XIAN80, Datum.BEIJING54)
FAR_DEG = 1.5  # a zone written one 3° zone off moves every point by 3° of longitude


@dataclass(frozen=True)
class Converted:
    """WGS 84 lon/lat per input row (NaN where the row has an error or no coordinates) and the
    issues: errors (row not usable), warnings (used, look at it); file-wide notes have no row."""

    lon: FloatArray
    lat: FloatArray
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> BoolArray:
        return np.isfinite(self.lon) & np.isfinite(self.lat)


@dataclass
class _Result:
    """What the core conversion found, by position; turned into Issues by the caller."""

    lon: FloatArray
    lat: FloatArray
    errors: dict[int, tuple[int, str]] = field(default_factory=dict)  # i -> (value slot, why)
    notes: list[str] = field(default_factory=list)  # file-wide warnings, in order, no repeats

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _fmt(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") if math.isfinite(v) else ""


@cache
def _to_wgs84(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


@cache
def _tm_to_wgs84(datum: Datum, cm: float, utm: bool, south: bool) -> Transformer:
    return _to_wgs84(tm_crs(datum, cm, utm, south))


def within_china(lon: FloatArray, lat: FloatArray) -> BoolArray:
    """True where lon/lat fall in China's extent (:data:`gwlib.fields.LON_RANGE`/``LAT_RANGE``)."""
    return (lon >= LON_RANGE[0]) & (lon <= LON_RANGE[1]) & (lat >= LAT_RANGE[0]) & (
        lat <= LAT_RANGE[1])  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The core: oriented values → lon/lat


def _geographic(lon: FloatArray, lat: FloatArray, r: ResolvedCrs, res: _Result,
                idx: npt.NDArray[np.intp]) -> None:  # fmt: skip
    x, y = lon[idx], lat[idx]
    if r.kind is CrsKind.GCJ02:
        x, y = gcj02_to_wgs84(x, y)
    elif r.kind is CrsKind.BD09:
        x, y = bd09_to_wgs84(x, y)
    elif r.definition or r.datum in APPROXIMATE_DATUMS:
        crs = r.crs
        assert crs is not None
        x, y = _to_wgs84(crs).transform(x, y)
        if r.datum in APPROXIMATE_DATUMS:
            res.note(_approximate(r.datum))
    res.lon[idx], res.lat[idx] = x, y


def _approximate(datum: Datum | None) -> str:
    return (f"{datum} 坐标换算到 WGS 84 没有官方参数，结果为近似值（误差可达百米量级）："
            "如有当地转换参数，请先转成 CGCS2000 坐标再导入")  # fmt: skip


def _projected(east: FloatArray, north: FloatArray, r: ResolvedCrs, res: _Result,
               idx: npt.NDArray[np.intp]) -> None:  # fmt: skip
    """Eastings/northings in metres at positions ``idx`` → lon/lat into ``res``."""
    e, n = east[idx], north[idx]
    if r.family not in ("gk", "utm") and r.kind is CrsKind.PROJECTED:
        crs = r.crs
        assert crs is not None
        x, y = _to_wgs84(crs).transform(e, n)
        res.lon[idx], res.lat[idx] = x, y
        return
    if r.datum is None:  # GCJ-02/BD-09 with metres: caught before
        raise AssertionError(r)
    prefixed = e >= 10 * ZONE_STEP
    pz = np.where(prefixed, np.floor(e / ZONE_STEP), 0).astype(np.int64)
    rel = e - pz * ZONE_STEP
    cm = np.full(len(idx), np.nan)
    bad: dict[int, tuple[int, str]] = {}
    if r.family == "utm":
        zone = r.zone
        if zone is None and r.lon_hint is not None:
            zone = utm_zone_of(r.lon_hint)
            res.note(f"坐标系「{r.text}」未写 UTM 带号：按县中心经度 {r.lon_hint:g}° 取 {zone} 带")
        if zone is None:
            why = f"坐标系「{r.text}」未写 UTM 带号：请写成如「UTM 49N」或 EPSG:32649"
            bad.update({j: (1, why) for j in range(len(idx))})
        else:
            cm[:] = 6 * zone - 183
        for k in np.flatnonzero(prefixed):
            bad[int(k)] = (1, "UTM 东坐标不带带号，应在 100000–900000 之间")
    else:
        _gk_meridians(r, pz, prefixed, cm, bad, res)
    ok = np.isfinite(cm)
    for j in bad:
        ok[j] = False
    utm = r.family == "utm"
    for meridian in np.unique(cm[ok]):
        sel = ok & (cm == meridian)
        x, y = _tm_to_wgs84(r.datum, float(meridian), utm, r.south).transform(rel[sel], n[sel])
        res.lon[idx[sel]], res.lat[idx[sel]] = x, y
    got = res.lon[idx[ok]]
    if r.lon_hint is not None and got.size:
        middle = float(np.median(got))
        if abs(middle - r.lon_hint) > FAR_DEG:
            off = abs(middle - r.lon_hint)
            res.note(f"换算后的经度（中位数 {middle:.2f}°）离县中心经度 {r.lon_hint:g}° 约 "
                     f"{off:.1f}°：坐标系的带号或中央经线可能写错了")  # fmt: skip
    if ok.any() and r.datum in APPROXIMATE_DATUMS:
        res.note(_approximate(r.datum))
    for pos, (slot, why) in bad.items():
        res.errors[int(idx[pos])] = (slot, why)


def _gk_meridians(r: ResolvedCrs, pz: npt.NDArray[np.int64], prefixed: BoolArray,
                  cm: FloatArray, bad: dict[int, tuple[int, str]],
                  res: _Result) -> None:  # fmt: skip
    """Central meridian of each Gauss–Krüger row, from the 坐标系, the prefix or the hint."""
    named = r.kind is CrsKind.PROJECTED  # else only a datum was named (``CGCS2000``)
    for zone in np.unique(pz[prefixed]):
        z = int(zone)
        rows = np.flatnonzero(prefixed & (pz == z))
        width = width_of_zone(z)
        if width is None:
            why = (f"东坐标的带号 {z} 不是中国的 3度带（24–45）或 6度带（13–23）带号：东坐标应为"
                   "不带带号的 100000–900000，或带带号如 37512345.6")  # fmt: skip
        elif r.zone_width is not None and width != r.zone_width:
            fix = suggestion(r.datum, width, z, True)
            why = (f"东坐标的带号 {z} 是 {width}度带的带号，与坐标系「{r.text}」的 "
                   f"{r.zone_width}度带不符：请写成{fix}")  # fmt: skip
        elif r.central_meridian is not None and central_meridian(z, width) != r.central_meridian:
            why = (f"东坐标的带号 {z}（中央经线 {central_meridian(z, width):g}°）与坐标系"
                   f"「{r.text}」（中央经线 {r.central_meridian:g}°）不符")  # fmt: skip
        else:
            cm[rows] = central_meridian(z, width)
            if not named:
                res.note(f"坐标系「{r.text}」只写了大地基准：按东坐标的带号 {z} 换算为"
                         f"{suggestion(r.datum, width, z, True)}")  # fmt: skip
            elif r.zone_prefix is False:
                res.note(f"坐标系「{r.text}」的东坐标本不带带号，但文件中的东坐标带有带号 {z}："
                         "已去掉带号换算")  # fmt: skip
            continue
        bad.update({int(j): (1, why) for j in rows})
    plain = np.flatnonzero(~prefixed)
    if not plain.size:
        return
    if r.central_meridian is not None:
        cm[plain] = r.central_meridian
        if r.zone_prefix:
            res.note(f"坐标系「{r.text}」的东坐标应带带号 {r.zone}，文件中的东坐标未带带号："
                     f"已按 {r.zone} 带（中央经线 {r.central_meridian:g}°）换算")  # fmt: skip
        return
    hint = r.lon_hint
    widths = [r.zone_width] if r.zone_width else [3, 6]
    if hint is not None and named:
        meridians = {central_meridian(zone_of(hint, w), w) for w in widths}
        if len(meridians) == 1:
            w = widths[0]
            zone = zone_of(hint, w)
            cm[plain] = central_meridian(zone, w)
            res.note(f"坐标系「{r.text}」未写带号，东坐标也不带带号：按县中心经度 {hint:g}° 取 "
                     f"{w}度带 {zone} 带（中央经线 {cm[plain[0]]:g}°）；如不对，请写成"
                     f"「{r.datum} {w}度带 N带」")  # fmt: skip
            return
    if named:
        head = f"坐标系「{r.text}」未写带号或中央经线，东坐标也不带带号"
    else:
        head = f"坐标系「{r.text}」是经纬度坐标系，而坐标是以米计的投影坐标，东坐标又不带带号"
    ex_w = r.zone_width or 3
    ex_zone = zone_of(hint, ex_w) if hint is not None else 37
    example = suggestion(r.datum, ex_w, ex_zone, False)
    why = f"{head}：请写成{'' if hint is not None else '如'}{example}"
    bad.update({int(j): (1, why) for j in plain})


# ---------------------------------------------------------------------------------------------
# Tables: two columns as the sheet has them


def to_wgs84(
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    crs: str | ResolvedCrs,
    *,
    labels: tuple[str, str] = ("X坐标", "Y坐标"),
    rows: Sequence[int] | None = None,
    file: str = "",
    sheet: str = "",
    lon_hint: float | None = None,
) -> Converted:
    """Two coordinate columns (floats, NaN = blank) → WGS 84 lon/lat and issues.

    ``first``/``second`` are the columns in the sheet's order: 经度/纬度, or X/Y (Chinese
    surveying: X = northing), as ``labels`` name them for the messages. ``rows`` are the
    spreadsheet row numbers (default 1, 2, …). ``crs`` is a 坐标系 text or a resolved one;
    a text that cannot be read raises :class:`gwlib.errors.ValueFormatError`.
    """
    r = resolve_crs(crs, lon_hint)
    a = np.asarray(first, dtype=np.float64).ravel()
    b = np.asarray(second, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):  # NaN and huge values are sorted out below, row by row
        return _convert(a, b, r, labels, rows, file, sheet)


def _convert(a: FloatArray, b: FloatArray, r: ResolvedCrs, labels: tuple[str, str],
             rows: Sequence[int] | None, file: str, sheet: str) -> Converted:  # fmt: skip
    count = len(a)
    row_no = list(rows) if rows is not None else list(range(1, count + 1))
    res = _Result(np.full(count, np.nan), np.full(count, np.nan))
    messages: dict[int, tuple[int, str, str]] = {}  # i -> (slot, why, severity)

    def fail(mask: BoolArray, slot: int, why: str) -> None:
        for i in np.flatnonzero(mask):
            messages.setdefault(int(i), (slot, why, "error"))

    fail(np.isinf(a), 0, "坐标应为有限的数值")
    fail(np.isinf(b), 1, "坐标应为有限的数值")
    a, b = np.where(np.isinf(a), np.nan, a), np.where(np.isinf(b), np.nan, b)
    fa, fb = np.isfinite(a), np.isfinite(b)
    fail(fa & ~fb, 1, f"只填了{labels[0]}，缺{labels[1]}")
    fail(~fa & fb, 0, f"只填了{labels[1]}，缺{labels[0]}")
    both = fa & fb
    degrees = both & (np.abs(a) <= 180) & (np.abs(b) <= 180)
    metres = both & ~degrees
    geographic = r.kind is not CrsKind.PROJECTED
    east, north = np.full(count, np.nan), np.full(count, np.nan)
    lon, lat = np.full(count, np.nan), np.full(count, np.nan)
    swapped = np.zeros(count, dtype=bool)
    east_slot = np.ones(count, dtype=np.int64)  # which column holds the easting
    if geographic:
        normal = degrees & _lon(a) & _lat(b)
        swap = degrees & _lat(a) & _lon(b)
        fail(
            degrees & ~normal & ~swap,
            0,
            f"{labels[0]}、{labels[1]}不在中国经纬度范围内（经度 "
            f"{LON_RANGE[0]:g}–{LON_RANGE[1]:g}°，纬度 {LAT_RANGE[0]:g}–{LAT_RANGE[1]:g}°）",
        )
        lon[:] = np.where(swap, b, a)
        lat[:] = np.where(swap, a, b)
        swapped |= swap
        _geographic(lon, lat, r, res, np.flatnonzero(normal | swap))
        if r.kind is not CrsKind.GEOGRAPHIC or r.datum is None:
            fail(
                metres,
                0,
                f"坐标系为 {r.label}（经纬度，单位度），而{labels[0]}、{labels[1]}"
                "是以米计的投影坐标：请写明投影坐标系，如「CGCS2000 3度带 37带」",
            )
            metres = np.zeros(count, dtype=bool)
    else:
        fail(
            degrees,
            0,
            f"坐标系为投影坐标 {r.label}（单位米），而{labels[0]}、{labels[1]}像"
            "经纬度（度）：请填到「经度」「纬度」列，或把坐标系写成「CGCS2000」",
        )
    if metres.any():
        if r.family in ("gk", "utm") or r.kind is CrsKind.GEOGRAPHIC:
            a_north = metres & _northing(a) & _easting(b)
            a_east = metres & _easting(a) & _northing(b)
            survey = r.family == "gk" or r.kind is CrsKind.GEOGRAPHIC  # X = northing expected
            use_a_north = a_north & (~a_east | survey)
            use_a_east = a_east & ~use_a_north
            fail(metres & ~a_north & ~a_east, 0, _metres_reason(labels, r))
            north[:] = np.where(use_a_north, a, b)
            east[:] = np.where(use_a_north, b, a)
            swapped |= use_a_east if survey else use_a_north
            east_slot[use_a_east] = 0
            ok = use_a_north | use_a_east
        else:  # another projection: try (E, N) and (N, E), keep the one that lands in China
            crs_obj = r.crs
            assert crs_obj is not None
            x1, y1 = _to_wgs84(crs_obj).transform(a, b)
            x2, y2 = _to_wgs84(crs_obj).transform(b, a)
            in1, in2 = metres & within_china(x1, y1), metres & within_china(x2, y2)
            swap2 = in2 & ~in1
            east[:], north[:] = np.where(swap2, b, a), np.where(swap2, a, b)
            swapped |= swap2
            ok = in1 | in2
            fail(metres & ~ok, 0, f"按坐标系 {r.label} 换算后不在中国范围内：请核对坐标系")
        _projected(east, north, r, res, np.flatnonzero(ok))
    for i, (slot, why) in res.errors.items():
        messages.setdefault(i, (int(east_slot[i]) if slot else 0, why, "error"))
    converted = np.isfinite(res.lon)
    outside = converted & ~within_china(res.lon, res.lat)
    for k in np.flatnonzero(outside):
        why = (f"按坐标系 {r.label} 换算得经度 {res.lon[k]:.5f}、纬度 {res.lat[k]:.5f}，不在中国"
               "范围内：请核对坐标系（带号、中央经线）和坐标列")  # fmt: skip
        messages.setdefault(int(k), (0, why, "error"))
    issues: list[Issue] = [Issue(file, None, "坐标系", r.text, n, "warning", sheet)
                           for n in res.notes]  # fmt: skip
    usable = converted & ~outside & ~np.isin(np.arange(count), list(messages))
    swap_ok = swapped & usable
    if swap_ok.any():
        kind = "经度、纬度" if (swap_ok & degrees).any() else "北坐标、东坐标"
        why = f"{labels[0]}与{labels[1]}的内容对调了（按数值判断{kind}）：已按对调后换算" + (
            "；测量惯例 X 为北坐标、Y 为东坐标" if r.family == "gk" else ""
        )
        if swap_ok.sum() == usable.sum() and usable.sum() > 1:
            issues.append(Issue(file, None, f"{labels[0]}/{labels[1]}", f"{int(swap_ok.sum())} 行",
                                why, "warning", sheet))  # fmt: skip
        else:
            for k in np.flatnonzero(swap_ok):
                messages[int(k)] = (0, why, "warning")
    values = (a, b)
    for i in sorted(messages):
        slot, why, severity = messages[i]
        issues.append(Issue(file, row_no[i], labels[slot], _fmt(float(values[slot][i])), why,
                            severity, sheet))  # fmt: skip
    lon_out = np.where(usable, res.lon, np.nan)
    lat_out = np.where(usable, res.lat, np.nan)
    return Converted(lon_out, lat_out, tuple(issues))


def _lon(v: FloatArray) -> BoolArray:
    return (v >= LON_RANGE[0]) & (v <= LON_RANGE[1])


def _lat(v: FloatArray) -> BoolArray:
    return (v >= LAT_RANGE[0]) & (v <= LAT_RANGE[1])


def _northing(v: FloatArray) -> BoolArray:
    return (v >= NORTHING[0]) & (v <= NORTHING[1])


def _easting(v: FloatArray) -> BoolArray:
    rel = np.where(v >= 10 * ZONE_STEP, np.mod(v, ZONE_STEP), v)
    return (v < 100 * ZONE_STEP) & (rel >= EASTING[0]) & (rel <= EASTING[1])


def _metres_reason(labels: tuple[str, str], r: ResolvedCrs) -> str:
    return (f"{labels[0]}、{labels[1]}不像 {r.label} 的投影坐标：北坐标应在 "
            f"{NORTHING[0]:.0f}–{NORTHING[1]:.0f} 米，东坐标应在 {EASTING[0]:.0f}–"
            f"{EASTING[1]:.0f} 米（或带带号，如 37512345.6）")  # fmt: skip


def columns_to_wgs84(
    first: Sequence[object],
    second: Sequence[object],
    crs: str | ResolvedCrs,
    *,
    degrees: bool,
    labels: tuple[str, str] = ("X坐标", "Y坐标"),
    rows: Sequence[int] | None = None,
    file: str = "",
    sheet: str = "",
    lon_hint: float | None = None,
) -> Converted:
    """Like :func:`to_wgs84` for two columns of cell text: ``degrees`` columns (经度/纬度) are
    read with 度分秒 (:func:`gwlib.geo.coords.parse_angle`), others as metres (which still
    accept a value written in degrees). Unreadable cells are errors on their row."""
    if degrees:
        # No axis: a latitude in the 经度 column is read, then found swapped by to_wgs84.
        a, err_a = parse_column(first)
        b, err_b = parse_column(second)
    else:
        a, err_a = parse_column(first, metres=True)
        b, err_b = parse_column(second, metres=True)
    row_no = list(rows) if rows is not None else list(range(1, len(a) + 1))
    bad = set(err_a) | set(err_b)
    a[list(bad)] = np.nan
    b[list(bad)] = np.nan
    got = to_wgs84(a, b, crs, labels=labels, rows=row_no, file=file, sheet=sheet,
                   lon_hint=lon_hint)  # fmt: skip
    first_list, second_list = list(first), list(second)
    parse_issues = [
        Issue(
            file,
            row_no[i],
            labels[slot],
            str((first_list, second_list)[slot][i])[:60],
            why,
            "error",
            sheet,
        )
        for slot, errors in ((0, err_a), (1, err_b))
        for i, why in errors.items()
    ]
    kept = [i for i in got.issues if i.row is None or i.row not in {row_no[j] for j in bad}]
    issues = sorted([*parse_issues, *kept], key=lambda i: (i.row or 0, i.severity != "error"))
    return Converted(got.lon, got.lat, tuple(issues))


# ---------------------------------------------------------------------------------------------
# Geometries (a Shapefile without .prj, read with a 坐标系 given by the user)


def geometry_to_wgs84(
    geometry: Mapping[str, Any], crs: str | ResolvedCrs, lon_hint: float | None = None
) -> tuple[dict[str, Any] | None, str, tuple[str, ...]]:
    """A GeoJSON geometry in ``crs`` → (the geometry in WGS 84 lon/lat or None, the reason it
    could not be converted, file-wide notes). GIS files store (easting, northing) or (lon, lat);
    nothing is swapped here."""
    r = resolve_crs(crs, lon_hint)
    try:
        with np.errstate(invalid="ignore"):
            geom = shape(geometry)
    except Exception:  # an invalid structure: the validator reports it
        return dict(geometry), "", ()
    xy = shapely.get_coordinates(geom)
    if not len(xy) or not np.isfinite(xy).all():  # the validator reports these too
        return dict(geometry), "", ()
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    res = _Result(np.full(len(x), np.nan), np.full(len(x), np.nan))
    every = np.arange(len(x))
    degrees = bool(np.all((np.abs(x) <= 180) & (np.abs(y) <= 180)))
    if r.kind is CrsKind.PROJECTED and degrees:
        return None, f"坐标系为投影坐标 {r.label}（米），而几何坐标是经纬度（度）：请核对坐标系", ()
    if r.kind is not CrsKind.PROJECTED and degrees:
        _geographic(x, y, r, res, every)
    elif r.kind is not CrsKind.PROJECTED and (r.kind is not CrsKind.GEOGRAPHIC or not r.datum):
        why = f"坐标系为 {r.label}（经纬度），而几何坐标是以米计的投影坐标：请写明投影坐标系"
        return None, why, ()
    else:
        _projected(x, y, r, res, every)
    if res.errors:
        return None, next(iter(res.errors.values()))[1], tuple(res.notes)
    if not np.all(within_china(res.lon, res.lat)):
        why = f"按坐标系 {r.label} 换算后不在中国范围内：请核对坐标系（带号、中央经线）"
        return None, why, tuple(res.notes)
    out = shapely.set_coordinates(geom, np.column_stack([res.lon, res.lat]))
    return dict(mapping(out)), "", tuple(res.notes)
