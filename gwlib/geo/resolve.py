"""坐标系 as people write it → one :class:`ResolvedCrs`.

Accepted, in any case, with full-width characters, spaces, ``_``, ``-`` or ``/`` between words:

- EPSG codes: ``EPSG:4546``, ``epsg 32649``, ``4490``; WKT (the text of a ``.prj``).
- Geographic: ``CGCS2000``, ``国家2000``, ``2000国家大地坐标系``, ``WGS84``, ``WGS 84``, ``GPS``,
  ``西安80``/``Xian 1980``, ``北京54``/``Beijing 1954``.
- Gauss–Krüger (高斯-克吕格) on those datums: ``CGCS2000 3度带 37带``, ``CGCS2000 3°带
  中央经线111°``, ``CGCS2000 / 3-degree Gauss-Kruger CM 111E``, ``CGCS2000 6度带 19带``,
  ``CGCS2000_3_Degree_GK_Zone_37`` (the ESRI name), ``西安80 3度带 37带``, ``北京54 6度带``.
  The zone may be left out (then it comes from the easting's zone prefix, or from the county's
  longitude with a warning, see :mod:`gwlib.geo.convert`).
- UTM: ``UTM 49N``, ``WGS84 UTM 49``, ``WGS 84 / UTM zone 49N``.
- Web-map datums: ``GCJ-02``, ``火星坐标``, ``高德``, ``腾讯``; ``BD-09``, ``百度``.

Zone numbering (GB/T 17798 / the EPSG definitions): a 3° zone *n* has central meridian 3n°
(zones 24–45 cover China), a 6° zone *n* has central meridian 6n − 3° (zones 13–23). The two
ranges do not overlap, so a zone number alone says which width is meant. The false easting is
500 000 m; "with zone prefix" means the zone number is written in front of the easting
(37 512 345.6 m = zone 37, 12 345.6 m east of the false origin's 500 km line, i.e. 512 345.6).

Anything that cannot be read, or that contradicts itself (``3度带 19带``: zone 19 is a 6° zone;
``37带 中央经线114°``), is a :class:`gwlib.errors.ValueFormatError` that says what to write.

Size: about 410 lines in one module, because the table of accepted names and the parser that reads
them stay together; split, a spelling could be listed in one place and read in another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Any

from pyproj import CRS
from pyproj.crs import GeographicCRS, ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion
from pyproj.exceptions import CRSError

from gwlib.errors import ValueFormatError
from gwlib.text import nfkc

EXAMPLES = (
    "可写 EPSG 代码（如 EPSG:4546、EPSG:32649、EPSG:4490）或名称，如「CGCS2000」「WGS84」"
    "「CGCS2000 3度带 37带」「CGCS2000 3度带 中央经线111°」「CGCS2000 6度带 19带」"
    "「西安80 3度带 37带」「北京54 6度带 19带」「UTM 49N」「GCJ-02」「BD-09」"
)
ZONES_3 = range(24, 46)  # 3° zones over China: central meridians 72°–135°
ZONES_6 = range(13, 24)  # 6° zones over China: central meridians 75°–135°


class CrsKind(StrEnum):
    GEOGRAPHIC = "geographic"  # lon/lat in degrees on a datum
    PROJECTED = "projected"  # metres: Gauss–Krüger, UTM, or another pyproj-known projection
    GCJ02 = "gcj02"  # lon/lat offset by the 国测局 formula (高德, 腾讯)
    BD09 = "bd09"  # lon/lat offset again by Baidu (百度)


class Datum(StrEnum):
    CGCS2000 = "CGCS2000"
    WGS84 = "WGS 84"
    XIAN80 = "西安80"
    BEIJING54 = "北京54"


#: EPSG code of each datum's geographic CRS.
GEODETIC_EPSG = {Datum.CGCS2000: 4490, Datum.WGS84: 4326, Datum.XIAN80: 4610,
                 Datum.BEIJING54: 4214}  # fmt: skip
#: First EPSG code of each Gauss–Krüger series (datum, width, prefixed): zone 25 / 13 or CM 75°E.
_GK_SERIES = {
    (Datum.CGCS2000, 3, True): 4513, (Datum.CGCS2000, 3, False): 4534,
    (Datum.CGCS2000, 6, True): 4491, (Datum.CGCS2000, 6, False): 4502,
    (Datum.XIAN80, 3, True): 2349, (Datum.XIAN80, 3, False): 2370,
    (Datum.XIAN80, 6, True): 2327, (Datum.XIAN80, 6, False): 2338,
    (Datum.BEIJING54, 3, True): 2401, (Datum.BEIJING54, 3, False): 2422,
    (Datum.BEIJING54, 6, True): 21413, (Datum.BEIJING54, 6, False): 21453,
}  # fmt: skip

_DATUM_WORDS: tuple[tuple[Datum, tuple[str, ...]], ...] = (
    (Datum.CGCS2000, ("cgcs2000", "cgcs", "国家2000", "2000国家", "2000大地", "2000坐标",
                      "china2000", "chinageodeticcoordinatesystem2000", "中国2000")),
    (Datum.XIAN80, ("西安80", "西安1980", "1980西安", "80西安", "西安坐标", "xian80",
                    "xian1980", "c80")),
    (Datum.BEIJING54, ("北京54", "北京1954", "1954北京", "54北京", "北京坐标", "beijing54",
                       "beijing1954", "p54")),
    (Datum.WGS84, ("wgs84", "wgs1984", "worldgeodeticsystem1984", "gps")),
)  # fmt: skip
_GCJ_WORDS = ("gcj02", "gcj", "火星", "高德", "腾讯", "国测局", "amap")
_BD_WORDS = ("bd09", "百度", "baidu")
_BD_MERCATOR = ("bd09mc", "百度墨卡托", "baidumercator")
_GK_WORDS = ("高斯", "克吕格", "gauss", "kruger", "gk", "横轴墨卡托", "transversemercator")

_SEPARATORS = re.compile(r"[\s_/\\,，、;；:()\[\]【】{}\-]+")
_EPSG = re.compile(r"^(?:urn ogc def crs )?(?:epsg\s*)?(\d{4,6})$")
_WIDTH = re.compile(r"(?<![\d.])([36]|三|六)\s*(?:°|度)\s*分?\s*带|(?<![\d.])([36]) degree")
_ZONE = re.compile(
    r"第?\s*(\d{1,2})\s*号?\s*带(?!号)|带号\s*(?:为|是)?\s*(\d{1,2})|zone\s*(\d{1,2})(?![\d.])"
)
_CM = re.compile(
    r"(?:中央经线|中央子午线|中央经度|central meridian|(?<![a-z])cm|(?<![a-z])l0|lon 0)"
    r"\s*(?:为|是|=)?\s*(\d{2,3}(?:\.\d+)?)"
)
_UTM = re.compile(r"utm\s*(?:zone\s*)?(\d{1,2})?\s*([ns](?![a-z]))?")


@dataclass(frozen=True)
class ResolvedCrs:
    """What a 坐标系 text means. For Gauss–Krüger and UTM, ``zone``/``central_meridian`` may be
    unknown (None) and ``zone_prefix`` None when the text does not say whether eastings carry
    the zone number; :mod:`gwlib.geo.convert` settles those from the coordinates."""

    text: str
    kind: CrsKind
    datum: Datum | None = None
    family: str = ""  # "gk" (Gauss–Krüger), "utm", or "" (geographic / another projection)
    zone_width: int | None = None  # 3 or 6
    zone: int | None = None
    central_meridian: float | None = None
    zone_prefix: bool | None = None  # True: 37512345.6; False: 512345.6; None: not said
    south: bool = False  # UTM southern hemisphere
    epsg: int | None = None  # the EPSG code given, or the code of exactly this system
    definition: str = ""  # pyproj input for a projection outside the GK/UTM model
    lon_hint: float | None = None  # the county's longitude, to pick a zone nobody wrote

    @property
    def label(self) -> str:
        """A short Chinese description, as messages and the preview show it."""
        if self.kind is CrsKind.GCJ02:
            return "GCJ-02（火星坐标：高德、腾讯地图）"
        if self.kind is CrsKind.BD09:
            return "BD-09（百度坐标）"
        if self.family == "utm":
            zone = f"{self.zone}{'S' if self.south else 'N'}" if self.zone else "（未写带号）"
            return f"{self.datum or Datum.WGS84} / UTM {zone}"
        if self.family == "gk":
            parts = [str(self.datum), f"{self.zone_width}度带" if self.zone_width else "高斯投影"]
            if self.zone:
                parts.append(f"{self.zone}带")
            if self.central_meridian is not None:
                parts.append(f"中央经线 {self.central_meridian:g}°E")
            elif not self.zone:
                parts.append("（未写带号）")
            return " ".join(parts)
        if self.kind is CrsKind.GEOGRAPHIC and self.datum:
            return f"{self.datum} 经纬度"
        return self.definition[:80] if not self.epsg else f"EPSG:{self.epsg}"

    @property
    def crs(self) -> CRS | None:
        """The pyproj CRS, when the text fixes one (a zone or central meridian is known)."""
        if self.kind in (CrsKind.GCJ02, CrsKind.BD09):
            return None
        if self.definition:
            return CRS.from_user_input(self.definition)
        if self.kind is CrsKind.GEOGRAPHIC and self.datum:
            return CRS.from_epsg(GEODETIC_EPSG[self.datum])
        if self.central_meridian is None or self.datum is None:
            return None
        offset = (self.zone or 0) * 1_000_000 if self.zone_prefix else 0
        return tm_crs(self.datum, self.central_meridian, self.family == "utm", self.south, offset)


def central_meridian(zone: int, width: int) -> float:
    return float(3 * zone if width == 3 else 6 * zone - 3)


def zone_of(lon: float, width: int) -> int:
    """The Gauss–Krüger zone (3° or 6°) whose central meridian is nearest to ``lon``."""
    return round(lon / 3) if width == 3 else int(lon // 6) + 1


def utm_zone_of(lon: float) -> int:
    return int((lon + 180) // 6) % 60 + 1


def width_of_zone(zone: int) -> int | None:
    return 3 if zone in ZONES_3 else 6 if zone in ZONES_6 else None


def gk_epsg(datum: Datum, width: int, zone: int, prefix: bool) -> int | None:
    """The EPSG code of a Chinese Gauss–Krüger system, or None outside the EPSG series."""
    first = _GK_SERIES.get((datum, width, prefix))
    if first is None:
        return None
    if prefix:
        lo = 25 if width == 3 else 13
        return first + zone - lo if lo <= zone <= (45 if width == 3 else 23) else None
    cm = central_meridian(zone, width)
    step = width
    return first + int((cm - 75) // step) if 75 <= cm <= 135 else None


@cache
def tm_crs(datum: Datum, cm: float, utm: bool = False, south: bool = False,
           easting_offset: float = 0.0) -> CRS:  # fmt: skip
    """Transverse Mercator on ``datum``: Gauss–Krüger (scale 1) or UTM (0.9996), false easting
    500 000 m plus ``easting_offset`` (the zone prefix)."""
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=0.0,
        longitude_natural_origin=cm,
        false_easting=500_000.0 + easting_offset,
        false_northing=10_000_000.0 if south else 0.0,
        scale_factor_natural_origin=0.9996 if utm else 1.0,
    )
    base = CRS.from_epsg(GEODETIC_EPSG[datum])
    name = f"{datum} / {'UTM' if utm else 'Gauss-Kruger'} CM {cm:g}E"
    return ProjectedCRS(conversion=conversion, geodetic_crs=GeographicCRS.from_user_input(base),
                        name=name)  # fmt: skip


def suggestion(datum: Datum | None, width: int, zone: int, prefix: bool | None = None) -> str:
    """How to write a Gauss–Krüger system unambiguously, with its EPSG code(s): the one for
    eastings with the zone prefix, without it, or both when ``prefix`` is None."""
    d = datum or Datum.CGCS2000
    forms = (True, False) if prefix is None else (prefix,)
    codes = [(p, gk_epsg(d, width, zone, p)) for p in forms]
    if prefix is None:
        epsg = "、".join(f"EPSG:{c}（东坐标{'带' if p else '不带'}带号）" for p, c in codes if c)
    else:
        epsg = "、".join(f"EPSG:{c}" for _, c in codes if c)
    return f"「{d} {width}度带 {zone}带」" + (f"或 {epsg}" if epsg else "")


# ---------------------------------------------------------------------------------------------


def resolve_crs(text: str | ResolvedCrs, lon_hint: float | None = None) -> ResolvedCrs:
    """Read a 坐标系 text. ``lon_hint`` (the county centre's longitude) is kept on the result, to
    pick a Gauss–Krüger or UTM zone that neither the text nor the coordinates give."""
    if isinstance(text, ResolvedCrs):
        return text if lon_hint is None else replace(text, lon_hint=lon_hint)
    raw = str(text).strip()
    if raw[:10].upper().lstrip().startswith(("PROJCS[", "GEOGCS[", "PROJCRS[", "GEOGCRS[",
                                              "GEODCRS[", "COMPD")):  # fmt: skip
        try:
            return replace(_from_pyproj(CRS.from_wkt(raw), raw), lon_hint=lon_hint)
        except CRSError as exc:
            raise ValueFormatError(f"无法识别的 WKT 坐标系：{exc}", value=raw[:80]) from None
    s = _SEPARATORS.sub(" ", nfkc(raw.replace("º", "°").replace("˚", "°")).casefold()).strip()
    if not s:
        raise ValueFormatError("坐标系为空：" + EXAMPLES, value=raw)
    m = _EPSG.match(s) or re.search(r"epsg\s*(\d{4,6})$", s)
    if m:
        try:
            crs = CRS.from_epsg(int(m[1]))
        except CRSError:
            raise ValueFormatError(f"EPSG:{m[1]} 不是已知的坐标系代码：" + EXAMPLES,
                                   value=raw) from None  # fmt: skip
        return replace(_from_pyproj(crs, raw), lon_hint=lon_hint)
    return replace(_from_name(s, raw), lon_hint=lon_hint)


def _from_name(s: str, raw: str) -> ResolvedCrs:
    compact = s.replace(" ", "")
    if any(w in compact for w in _BD_MERCATOR):
        raise ValueFormatError("不支持百度墨卡托（BD-09MC）平面坐标：请改用百度经纬度（BD-09）"
                               "或 WGS84 经纬度", value=raw)  # fmt: skip
    if any(w in compact for w in _BD_WORDS):
        return ResolvedCrs(raw, CrsKind.BD09)
    if any(w in compact for w in _GCJ_WORDS):
        return ResolvedCrs(raw, CrsKind.GCJ02)
    datums = {d for d, words in _DATUM_WORDS if any(w in compact for w in words)}
    if len(datums) > 1:
        names = "、".join(sorted(str(d) for d in datums))
        raise ValueFormatError(f"坐标系同时写了 {names}：只能是其中一个。" + EXAMPLES, value=raw)
    datum = datums.pop() if datums else None
    # Keep datum words from lending their digits to a zone (CGCS20003度带 → CGCS2000 3度带).
    s = re.sub(r"(cgcs2000|国家2000|wgs ?84|西安80|北京54|xian ?1980|beijing ?1954)", r" \1 ", s)
    utm = _UTM.search(s)
    if utm:
        zone = int(utm[1]) if utm[1] else None
        if zone is not None and not 1 <= zone <= 60:
            raise ValueFormatError(f"UTM 带号应为 1–60，而不是 {zone}", value=raw)
        south = utm[2] == "s"
        d = datum or Datum.WGS84
        epsg = (32700 if south else 32600) + zone if zone and d is Datum.WGS84 else None
        cm = float(6 * zone - 183) if zone else None
        return ResolvedCrs(raw, CrsKind.PROJECTED, d, "utm", 6, zone, cm, False, south, epsg)
    width_m = _WIDTH.search(s)
    width = None
    if width_m:
        width = 3 if (width_m[1] or width_m[2]) in ("3", "三") else 6
    zone_m = _ZONE.search(s)
    zone = int(next(g for g in zone_m.groups() if g)) if zone_m else None
    cm_m = _CM.search(s)
    cm = float(cm_m[1]) if cm_m else None
    gk_words = any(w in compact for w in _GK_WORDS)
    if width is None and zone is None and cm is None and not gk_words:
        if datum is None:
            raise ValueFormatError("无法识别的坐标系。" + EXAMPLES, value=raw)
        return ResolvedCrs(raw, CrsKind.GEOGRAPHIC, datum, epsg=GEODETIC_EPSG[datum])
    if datum is None:
        example = suggestion(Datum.CGCS2000, width or 3, zone or 37)
        raise ValueFormatError(
            f"坐标系没有写大地基准（CGCS2000、西安80 还是北京54？）：请写成如{example}", value=raw
        )
    return _gk(raw, datum, width, zone, cm)


def _gk(raw: str, datum: Datum, width: int | None, zone: int | None,
        cm: float | None) -> ResolvedCrs:  # fmt: skip
    if zone is not None:
        zw = width_of_zone(zone)
        if zw is None:
            raise ValueFormatError(
                f"带号 {zone} 不在中国范围内：3度带为 {ZONES_3.start}–{ZONES_3.stop - 1} 带，"
                f"6度带为 {ZONES_6.start}–{ZONES_6.stop - 1} 带", value=raw)  # fmt: skip
        if width is not None and zw != width:
            other = central_meridian(zone, zw)
            raise ValueFormatError(
                f"{width}度带没有第 {zone} 带（{zone} 是 {zw}度带的带号，中央经线 {other:g}°）："
                f"请写成{suggestion(datum, zw, zone)}", value=raw)  # fmt: skip
        width = zw
        zone_cm = central_meridian(zone, zw)
        if cm is not None and cm != zone_cm:
            raise ValueFormatError(
                f"{zw}度带第 {zone} 带的中央经线是 {zone_cm:g}°，不是 {cm:g}°：请只写其一",
                value=raw,
            )
        cm = zone_cm
    elif cm is not None and width is not None:
        if width == 3 and cm % 3 == 0:
            zone = int(cm // 3)
        elif width == 6 and (cm + 3) % 6 == 0:
            zone = int((cm + 3) // 6)
        else:
            step = "3 的倍数" if width == 3 else "6 的倍数减 3（如 105、111、117）"
            raise ValueFormatError(f"{width}度带的中央经线应为{step}，而不是 {cm:g}°", value=raw)
    if cm is not None and not 60 <= cm <= 150:
        raise ValueFormatError(f"中央经线 {cm:g}° 不在中国范围内（约 72°–135°E）", value=raw)
    return ResolvedCrs(raw, CrsKind.PROJECTED, datum, "gk", width, zone, cm)


def _param(params: list[Any], *names: str) -> float | None:
    for p in params:
        if p.name in names:
            return float(p.value)
    return None


def _datum_of(crs: CRS) -> Datum | None:
    base = crs.geodetic_crs
    code = base.to_epsg() if base is not None else None
    for datum, epsg in GEODETIC_EPSG.items():
        if code == epsg:
            return datum
    name = (crs.datum.name if crs.datum else "").casefold()
    for datum, words in (
        (Datum.CGCS2000, ("china 2000", "china_2000", "cgcs2000")),
        (Datum.XIAN80, ("xian 1980", "xian_1980")),
        (Datum.BEIJING54, ("beijing 1954", "beijing_1954")),
        (Datum.WGS84, ("world geodetic system 1984", "wgs_1984", "wgs 84")),
    ):
        if any(w in name for w in words):
            return datum
    return None


def _from_pyproj(crs: CRS, raw: str) -> ResolvedCrs:
    """Fit a pyproj CRS into the model; other projections keep their definition for pyproj."""
    epsg = crs.to_epsg()
    definition = f"EPSG:{epsg}" if epsg else crs.to_wkt()
    datum = _datum_of(crs)
    if crs.is_geographic:
        if datum is None:
            return ResolvedCrs(raw, CrsKind.GEOGRAPHIC, epsg=epsg, definition=definition)
        return ResolvedCrs(raw, CrsKind.GEOGRAPHIC, datum, epsg=epsg)
    op = crs.coordinate_operation
    if (
        not crs.is_projected
        or op is None
        or datum is None
        or "Transverse Mercator" not in (op.method_name or "")
    ):
        return ResolvedCrs(raw, CrsKind.PROJECTED, datum, epsg=epsg, definition=definition)
    params = list(op.params)
    lon0 = _param(params, "Longitude of natural origin")
    x0 = _param(params, "False easting")
    y0 = _param(params, "False northing") or 0.0
    k = _param(params, "Scale factor at natural origin")
    lat0 = _param(params, "Latitude of natural origin") or 0.0
    if lon0 is None or x0 is None or k is None or lat0 != 0.0 or (x0 - 500_000) % 1_000_000:
        return ResolvedCrs(raw, CrsKind.PROJECTED, datum, epsg=epsg, definition=definition)
    prefix_zone = int((x0 - 500_000) // 1_000_000)
    if abs(k - 0.9996) < 1e-9 and not prefix_zone:
        utm_zone = int((lon0 + 183) // 6)
        return ResolvedCrs(raw, CrsKind.PROJECTED, datum, "utm", 6, utm_zone, lon0, False,
                           y0 == 10_000_000.0, epsg)  # fmt: skip
    if k != 1.0 or y0 != 0.0:
        return ResolvedCrs(raw, CrsKind.PROJECTED, datum, epsg=epsg, definition=definition)
    name = crs.name.casefold()
    if prefix_zone:
        width = width_of_zone(prefix_zone)
        if width is None or central_meridian(prefix_zone, width) != lon0:
            return ResolvedCrs(raw, CrsKind.PROJECTED, datum, epsg=epsg, definition=definition)
        return ResolvedCrs(raw, CrsKind.PROJECTED, datum, "gk", width, prefix_zone, lon0, True,
                           epsg=epsg)  # fmt: skip
    named_width = 3 if "3 degree" in name or "3-degree" in name or "3_degree" in name else None
    if named_width is None and ("gauss" in name or "_gk_" in name) and (lon0 + 3) % 6 == 0:
        named_width = 6
    zone: int | None = None
    if named_width == 3 and lon0 % 3 == 0:
        zone = int(lon0 // 3)
    elif named_width == 6 and (lon0 + 3) % 6 == 0:
        zone = int((lon0 + 3) // 6)
    return ResolvedCrs(raw, CrsKind.PROJECTED, datum, "gk", named_width, zone, lon0, False,
                       epsg=epsg)  # fmt: skip
