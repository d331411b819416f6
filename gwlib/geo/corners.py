"""拐点坐标表: the corner-point tables of a 划定方案 (Excel or CSV) → zone polygons.

A 划定方案 lists each protection or recharge zone as its corner points: a point number and X/Y
(or 经度/纬度). The layouts found in practice, all read here, also mixed:

- **a name column** (保护区名称, 区域名称, 分区, 名称 …) on every row;
- **block titles**: a row with one cell (``一级保护区`` or ``一级保护区拐点坐标``) above each block
  of points, with or without the header repeated under it;
- **one sheet per polygon**, named by the sheet (or by a title row on it).

Rows are read top to bottom. A header row is any row with X and Y (X坐标/Y坐标, 北坐标/东坐标,
纵坐标/横坐标) or 经度 and 纬度 columns. The 坐标系 comes from a cell such as ``坐标系：CGCS2000
3度带 37带`` (or a 坐标系 column); without one the ``crs`` argument applies (a different argument
gets a warning, the file wins), and without either, 经度/纬度 are CGCS2000 while X/Y are an error
asking for the 坐标系. X/Y are converted by :func:`gwlib.geo.convert.columns_to_wgs84` (zone prefix,
swapped X/Y, 度分秒).

Each polygon is closed if it is not, needs at least 3 distinct points, and is validated like any
other zone (self-intersections repaired with a warning). A blank row, a title, or a point that
closes the ring (the first point repeated) ends a ring; a name with several rings becomes one
multi-part zone, with a warning. Every problem names the file, sheet, row, column and value; a
polygon with any unusable point is not imported (nothing half-drawn).

Size: about 420 lines in one module, because the layouts above are read by one row scanner; split by
layout, the scanner would be written three times.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from gwlib.errors import InputError, ValueFormatError
from gwlib.geo.archive import open_zip
from gwlib.geo.attributes import ATTRIBUTE_FIELDS
from gwlib.geo.convert import columns_to_wgs84
from gwlib.geo.io import ImportedZone, ZoneImport, _validate
from gwlib.geo.resolve import ResolvedCrs, resolve_crs
from gwlib.io.tables import MAX_INPUT_BYTES, Issue, _cell_text, decode_text
from gwlib.text import name_key

#: Header words for each column's role (compared after :func:`gwlib.text.name_key`, units such
#: as ``(m)`` or ``(°)`` removed). X is the northing in Chinese surveying, Y the easting.
ROLES: dict[str, tuple[str, ...]] = {
    "x": ("x", "x坐标", "坐标x", "纵坐标", "纵坐标x", "北坐标", "n", "northing", "北向坐标"),
    "y": ("y", "y坐标", "坐标y", "横坐标", "横坐标y", "东坐标", "e", "easting", "东向坐标"),
    "lon": ("经度", "东经", "lon", "lng", "longitude", "经度e", "经度坐标"),
    "lat": ("纬度", "北纬", "lat", "latitude", "纬度n", "纬度坐标"),
    "point": ("序号", "拐点编号", "拐点号", "拐点序号", "拐点", "点号", "点名", "编号", "界址点号",
              "界桩号", "界桩编号", "no", "id", "point"),
    "name": ("保护区名称", "区域名称", "分区名称", "范围名称", "名称", "保护区", "区域", "分区",
             "保护区级别", "级别", "所属区域", "zone", "name"),
    "crs": ("坐标系", "坐标系统", "坐标系名称", "crs"),
    **{attr: aliases for attr, aliases in ATTRIBUTE_FIELDS.items()},
}  # fmt: skip
_UNIT = re.compile(r"\((?:m|米|°|度|dd|ddd)\)$|/(?:m|米)$")
_META = re.compile(r"^(坐标系统?|平面坐标系|投影坐标系|划定状态|批复文号|批复日期|批复时间)\s*"
                   r"(?:[:：]|为|是|采用)\s*(.*)$")  # fmt: skip
_META_KEYS = {"坐标系": "crs", "坐标系统": "crs", "平面坐标系": "crs", "投影坐标系": "crs",
              "划定状态": "status", "批复文号": "approval_no", "批复日期": "approval_date",
              "批复时间": "approval_date"}  # fmt: skip
_POINT_LABEL = re.compile(r"^(?:[A-Za-z]{0,3}|拐点|界桩|界址点|第)\s*\d+\s*[A-Za-z号]?$")
_TITLE_PREFIX = re.compile(r"^(?:附?表\s*\d+(?:[-.]\d+)*\s*[.、:：]?\s*)")
_TITLE_SUFFIX = re.compile(r"(?:的)?(?:范围|边界)?(?:拐点|界址点|界桩)?(?:坐标)?"
                           r"(?:一览表|成果表|统计表|表)?$")  # fmt: skip
_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d*$", re.IGNORECASE)


COORDINATE_ROLES = ("x", "y", "lon", "lat")


@dataclass
class _Row:
    row: int
    name: str
    coords: dict[str, str]  # x (northing), y (easting), lon, lat: the cell text
    point: str
    attrs: dict[str, str]
    new_ring: bool  # a blank row, a title or a new header came before it


@dataclass
class _Sheet:
    name: str
    rows: list[_Row] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # role → the header as written
    crs: tuple[int, str] | None = None  # (row, text) of the sheet's 坐标系
    meta: dict[str, str] = field(default_factory=dict)  # 划定状态 … written above the table

    @property
    def degrees(self) -> bool:
        """经度/纬度 when the sheet has them filled in, else X/Y."""
        if "lon" not in self.labels or "lat" not in self.labels:
            return False
        has_xy = "x" in self.labels and "y" in self.labels
        return not has_xy or any(r.coords.get("lon") for r in self.rows)

    @property
    def pair(self) -> tuple[str, str]:
        return ("lon", "lat") if self.degrees else ("x", "y")


def read_corner_table(
    data: bytes,
    filename: str,
    crs: str | ResolvedCrs | None = None,
    lon_hint: float | None = None,
) -> ZoneImport:
    """Zones from a 拐点坐标表 (``.xlsx``/``.xlsm``/``.csv``), every visible sheet."""
    issues: list[Issue] = []
    if len(data) > MAX_INPUT_BYTES:
        reason = f"文件过大（超过 {MAX_INPUT_BYTES // 2**20} MB）"
        return ZoneImport((), (Issue(filename, None, "文件", f"{len(data)} 字节", reason),))
    raw = _load(data, filename, issues)
    stem = PurePosixPath(filename).stem
    many = len(raw) > 1
    sheets = [
        _parse(name, rows, name if name and (many or not _DEFAULT_SHEET.match(name)) else stem)
        for name, rows in raw
    ]
    sheets = [s for s in sheets if s.rows]
    if raw and not sheets:
        reason = ("没有找到拐点坐标：表头应包含 X、Y（或 X坐标、Y坐标，北坐标、东坐标）或 经度、"
                  "纬度 列，每行一个拐点")  # fmt: skip
        issues.append(Issue(filename, None, "表头", "", reason))
    zones: list[ImportedZone] = []
    for sheet in sheets:
        zones += _sheet_zones(sheet, filename, crs, lon_hint, issues)
    return ZoneImport(tuple(zones), tuple(issues))


# ---------------------------------------------------------------------------------------------
# Reading the cells


def _load(data: bytes, filename: str, issues: list[Issue]) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of cell text) for every visible sheet (one unnamed sheet for a CSV);
    [] with an issue if unreadable."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".xls":
        reason = "旧版 Excel（.xls）无法读取：请在 Excel 中另存为 .xlsx 后再导入"
        issues.append(Issue(filename, None, "文件", ".xls", reason))
        return []
    if suffix in (".csv", ".txt"):
        try:
            text = decode_text(data, filename)
            return [("", list(csv.reader(io.StringIO(text, newline=""))))]
        except InputError as exc:
            issues.append(Issue(filename, None, "文件", "", exc.reason))
        except csv.Error as exc:
            issues.append(Issue(filename, None, "文件", "", f"CSV 格式错误：{exc}"))
        return []
    archive = open_zip(data, filename, issues, "Excel 文件（.xlsx）")
    if archive is None:
        return []
    archive.close()
    from openpyxl import load_workbook

    out: list[tuple[str, list[list[str]]]] = []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                if ws.sheet_state == "visible":
                    rows = [[_cell_text(c) for c in r] for r in ws.iter_rows(values_only=True)]
                    out.append((ws.title, rows))
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        issues.append(Issue(filename, None, "文件", "", f"无法打开 Excel 文件：{exc}"[:300]))
        return []
    return out


def _key(text: str) -> str:
    return _UNIT.sub("", name_key(text))


_ROLE_OF = {name_key(a): role for role, aliases in ROLES.items() for a in aliases}


def _roles(cells: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, c in enumerate(cells):
        role = _ROLE_OF.get(_key(c)) if c and not c[0].isdigit() else None
        if role is not None and role not in found:
            found[role] = j
    has_xy = "x" in found and "y" in found
    return found if has_xy or ("lon" in found and "lat" in found) else {}


def clean_title(text: str) -> str:
    """A block or sheet title as a zone name: ``表3 一级保护区拐点坐标表`` → ``一级保护区``."""
    s = _TITLE_PREFIX.sub("", text.strip())
    s = _TITLE_SUFFIX.sub("", s).strip(" ：:、，,")
    return s


def _parse(sheet_name: str, rows: list[list[str]], default: str) -> _Sheet:
    sheet = _Sheet(sheet_name)
    header: dict[str, int] = {}
    title = ""
    gap = True
    last_name = ""
    for i, raw in enumerate(rows, start=1):
        cells = [c.strip() for c in raw]
        filled = [(j, c) for j, c in enumerate(cells) if c]
        if not filled:
            gap = True
            continue
        roles = _roles(cells)
        if roles:
            header, gap = roles, True
            sheet.labels.update({r: cells[j] for r, j in roles.items() if r in COORDINATE_ROLES})
            continue
        meta = _meta(filled)
        if meta is not None:
            key, value = meta
            if key == "crs":
                sheet.crs = sheet.crs or (i, value)
            else:
                sheet.meta.setdefault(key, value)
            continue
        text = filled[0][1]
        if len(filled) == 1 and not _POINT_LABEL.match(text) and not _numeric(text):
            title, gap = clean_title(text) or title, True
            continue
        if not header:
            continue

        def cell(role: str, cells: list[str] = cells, header: dict[str, int] = header) -> str:
            j = header.get(role)
            return cells[j] if j is not None and j < len(cells) else ""

        coords = {r: cell(r) for r in COORDINATE_ROLES}
        if not any(coords.values()) and not _POINT_LABEL.match(cell("point")):
            # No point number and no coordinates: a caption such as 「一级保护区 | 面积 0.05 km²」.
            if not _numeric(text):
                title = clean_title(text) or title
            gap = True
            continue
        if "crs" in header and cell("crs") and sheet.crs is None:
            sheet.crs = (i, cell("crs"))
        attrs = {a: cell(a) for a in ATTRIBUTE_FIELDS if cell(a)}
        # A merged name cell has its text on the first row only: later rows of the block keep it.
        name = cell("name") or (last_name if "name" in header and not gap else "")
        name = name or title or default
        sheet.rows.append(_Row(i, name, coords, cell("point"), attrs, gap))
        gap, last_name = False, name
    return sheet


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _meta(filled: list[tuple[int, str]]) -> tuple[str, str] | None:
    """(key, value) of a ``坐标系：CGCS2000 3度带 37带`` row (or key and value in two cells)."""
    first = filled[0][1]
    m = _META.match(first)
    if m:
        value = m[2].strip() or (filled[1][1] if len(filled) > 1 else "")
        return (_META_KEYS[m[1]], value.rstrip("。.；;")) if value else None
    key = _META_KEYS.get(name_key(first).rstrip(":："))
    if key and len(filled) == 2:
        return key, filled[1][1]
    return None


# ---------------------------------------------------------------------------------------------
# Polygons


def _sheet_zones(sheet: _Sheet, filename: str, crs: str | ResolvedCrs | None,
                 lon_hint: float | None, issues: list[Issue]) -> list[ImportedZone]:  # fmt: skip
    def problem(row: int | None, column: str, value: str, reason: str,
                severity: str = "error") -> None:  # fmt: skip
        issues.append(Issue(filename, row, column, value[:120], reason, severity, sheet.name))

    used = _sheet_crs(sheet, crs, lon_hint, problem)
    if used is None:
        return []
    rows = sheet.rows
    a, b = sheet.pair
    got = columns_to_wgs84(
        [r.coords[a] for r in rows], [r.coords[b] for r in rows], used, degrees=sheet.degrees,
        labels=(sheet.labels[a], sheet.labels[b]), rows=[r.row for r in rows], file=filename,
        sheet=sheet.name,
    )  # fmt: skip
    issues += got.issues
    for r in rows:
        if not r.coords[a] and not r.coords[b]:
            problem(r.row, sheet.labels[a], r.point, f"拐点 {r.point} 没有填写坐标（"
                    f"{sheet.labels[a]}、{sheet.labels[b]}）")  # fmt: skip
    groups: dict[str, list[list[int]]] = {}
    for k, r in enumerate(rows):
        rings = groups.setdefault(r.name, [])
        contiguous = bool(rings) and rings[-1][-1] == k - 1
        if not contiguous or r.new_ring or _closed(rows, rings[-1], got.lon, got.lat):
            rings.append([])
        rings[-1].append(k)
    zones = []
    for name, rings in groups.items():
        zone = _polygon(name, rings, rows, got.lon, got.lat, sheet, filename, problem, issues)
        if zone is not None:
            zones.append(zone)
    return zones


def _sheet_crs(sheet: _Sheet, given: str | ResolvedCrs | None, lon_hint: float | None,
               problem: Any) -> ResolvedCrs | None:  # fmt: skip
    """The file's 坐标系 cell wins over ``given``; 经度/纬度 default to CGCS2000."""
    own = None
    if sheet.crs is not None:
        row, text = sheet.crs
        try:
            own = resolve_crs(text, lon_hint)
        except ValueFormatError as exc:
            problem(row, "坐标系", text, exc.reason)
            return None
    arg = None
    if given is not None and str(given).strip():
        try:
            arg = resolve_crs(given, lon_hint)
        except ValueFormatError as exc:
            problem(None, "坐标系", exc.value, exc.reason)
            return None
    if own is not None and arg is not None and own.label != arg.label:
        problem(sheet.crs[0] if sheet.crs else None, "坐标系", arg.text,
                f"表中写明坐标系为「{own.text}」，已按表中的坐标系换算，未使用指定的坐标系",
                "warning")  # fmt: skip
    used = own or arg
    if used is None and sheet.degrees:
        used = resolve_crs("CGCS2000", lon_hint)
    if used is None:
        problem(sheet.rows[0].row, "/".join(sheet.labels[r] for r in sheet.pair), "",
                "拐点坐标是 X/Y 投影坐标，但没有写坐标系：请在表中加一行「坐标系：CGCS2000 3度带 "
                "37带」（按实际填写），或导入时指定坐标系")  # fmt: skip
    return used


def _closed(rows: list[_Row], ring: list[int], lon: Any, lat: Any) -> bool:
    """True when the ring's last point repeats its first (by point number or by position)."""
    if len(ring) < 4:
        return False
    first, last = ring[0], ring[-1]
    if rows[first].point and rows[first].point == rows[last].point:
        return True
    same = lon[first] == lon[last] and lat[first] == lat[last]
    return bool(same and np.isfinite(lon[first]))


def _polygon(name: str, rings: list[list[int]], rows: list[_Row], lon: Any, lat: Any,
             sheet: _Sheet, filename: str, problem: Any,
             issues: list[Issue]) -> ImportedZone | None:  # fmt: skip
    span = [f"第 {rows[r[0]].row}–{rows[r[-1]].row} 行" for r in rings]
    first_row = rows[rings[0][0]].row
    bad = [rows[k].row for ring in rings for k in ring if not np.isfinite(lon[k])]
    if bad:
        shown = "、".join(str(b) for b in bad[:10]) + ("…" if len(bad) > 10 else "")
        problem(first_row, "拐点", name, f"「{name}」第 {shown} 行的拐点坐标无法使用（见这些行的"
                "问题），该区域未导入")  # fmt: skip
        return None
    coords = []
    for ring, where in zip(rings, span, strict=True):
        pts = [(float(lon[k]), float(lat[k])) for k in ring]
        pts = [p for j, p in enumerate(pts) if j == 0 or p != pts[j - 1]]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts = pts[:-1]
        if len(set(pts)) < 3:
            problem(rows[ring[0]].row, "拐点", name, f"「{name}」（{where}）只有 {len(set(pts))} "
                    "个不同的拐点：一个面至少需要 3 个")  # fmt: skip
            return None
        coords.append([[x, y] for x, y in (*pts, pts[0])])
    if len(coords) > 1:
        problem(first_row, "拐点", name, f"「{name}」有 {len(coords)} 组拐点（{'、'.join(span)}），"
                "已作为多个面合并为一个区域：如应是不同区域，请分别命名", "warning")  # fmt: skip
    geometry = (
        {"type": "Polygon", "coordinates": coords}
        if len(coords) == 1
        else {"type": "MultiPolygon", "coordinates": [[c] for c in coords]}
    )
    props: dict[str, Any] = {"name": name, "sheet": sheet.name, "first_row": first_row,
                             "last_row": rows[rings[-1][-1]].row,
                             "points": sum(len(c) - 1 for c in coords)}  # fmt: skip
    attrs = _attributes(name, rings, rows, sheet, problem)
    if attrs is None:
        return None
    props.update({ATTRIBUTE_FIELDS[a][0]: v for a, v in attrs.items()})
    before = len(issues)
    zone = _validate(filename, first_row, geometry, props, "name", issues)
    issues[before:] = [replace(i, sheet=sheet.name) for i in issues[before:]]
    return zone


def _attributes(name: str, rings: list[list[int]], rows: list[_Row], sheet: _Sheet,
                problem: Any) -> dict[str, str] | None:  # fmt: skip
    """划定状态 / 批复文号 / 批复日期 of one polygon: its rows' columns, else the sheet's cells."""
    out = dict(sheet.meta)
    seen: dict[str, tuple[int, str]] = {}
    for k in (k for ring in rings for k in ring):
        for attr, value in rows[k].attrs.items():
            if attr in seen and seen[attr][1] != value:
                label = ATTRIBUTE_FIELDS[attr][0]
                problem(rows[k].row, label, value, f"「{name}」的{label}前后不一致（第 "
                        f"{seen[attr][0]} 行为「{seen[attr][1]}」）")  # fmt: skip
                return None
            seen.setdefault(attr, (rows[k].row, value))
            out[attr] = value
    return out
