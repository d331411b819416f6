"""监测点位登记表: a county's monitoring point register — its template, reading and checking an
import against what the store holds (nothing written here), and the export with the same headers.

Reading (:func:`plan_points`):

- Headers are those of :data:`COLUMNS` (other spellings listed there are accepted); 点位编码 is
  required, every other column optional. Unknown columns are named in one warning and ignored.
- Coordinates per row by :func:`gwlib.geo.points.point_coordinates`: 经度/纬度 in decimal degrees
  or 度分秒, or X坐标/Y坐标 with the row's 坐标系 (or the file's default, the CLI's ``--crs``):
  EPSG codes, CGCS2000 / 西安80 / 北京54 3- and 6-degree Gauss–Krüger zones with or without the
  zone number before the easting, UTM, WGS84, GCJ-02 and BD-09 from web maps. Anything ambiguous
  is an error in that cell saying what to write instead.
- Defaults for blank cells (documented in the template's 填表说明): 监测用途 区域; 目标类别 by
  点位类别 and 监测用途 (:func:`gwlib.quality.model.default_target`); 监测频次 丰枯各1次; 状态 在用;
  含水介质 孔隙 and 埋藏条件 潜水, each with a warning so that nobody takes the default for data.
- A row with any error is rejected whole (listed with file, row, column, value and reason); a
  code twice in the file rejects the later rows.
- Warnings (the row is imported): a point outside the county's boundary (with its distance to
  the boundary in km), a 乡镇 not among the county's townships, a default taken.
- Each accepted point is 新增 (code not in the store), 修改 (some field differs: listed field by
  field, old → new) or 未变. Coordinates within 1e-7° (about 1 cm) are the same.
- A column the file does not have (other than the coordinates) leaves a registered point's stored
  value as it is (:data:`KEPT_WHEN_ABSENT`): a sheet of codes and 目标类别 updates the targets and
  nothing else. A blank cell in a column the file has is a value (blank, or the default).

The store side (one transaction, import batch, audit) is :mod:`gwlib.store.points`.

Size: about 420 lines in one module, because the template, the reader and the export share the one
header table :data:`COLUMNS`; split, a header could change for import and not for export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gwlib.errors import GwlibError, InputError, Location, ValidationError
from gwlib.fields import COORD_CRS, stored_date
from gwlib.geo.points import point_coordinates
from gwlib.io.tables import Issue, find_column, read_table
from gwlib.quality.classes import QualityClass
from gwlib.quality.model import (
    AquiferMedium,
    Burial,
    FrequencyRule,
    MonitoringPoint,
    PointCategory,
    PointPurpose,
    PointStatus,
)
from gwlib.text import name_key

NEW, CHANGED, SAME = "新增", "修改", "未变"
#: (header as the template prints it, field of MonitoringPoint / the sheet, other headers accepted)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("点位编码", "code", ("点位编号", "监测点编码", "监测点编号", "井编号", "编号")),
    ("点位名称", "name", ("名称", "监测点名称", "点位")),
    ("点位类别", "category", ("类别", "点位级别", "监测网络")),
    ("监测用途", "purpose", ("用途", "点位用途")),
    ("乡镇", "township", ("乡镇(街道)", "所在乡镇", "乡(镇)")),
    ("经度", "lon", ("经度(°)", "东经")),
    ("纬度", "lat", ("纬度(°)", "北纬")),
    ("X坐标", "x", ("X", "X坐标(m)")),
    ("Y坐标", "y", ("Y", "Y坐标(m)")),
    ("坐标系", "crs", ("坐标系统", "坐标参考系")),
    ("井深(m)", "depth_m", ("井深", "井深(米)")),
    ("含水介质", "aquifer", ("含水层介质", "含水层类型")),
    ("埋藏条件", "burial", ("地下水类型", "埋藏类型")),
    ("目标类别", "target_class", ("考核目标", "考核目标类别", "目标水质类别")),
    ("监测频次", "frequency", ("频次",)),
    ("状态", "status", ("点位状态",)),
    ("备注", "note", ()),
    ("最近报备日期", "filed_on", ("报备日期", "最近一次报备日期", "最后报备日期")),
)
HEADERS = tuple(h for h, _, _ in COLUMNS)
#: Drop-down choices of the template's enum columns.
CHOICES: dict[str, tuple[str, ...]] = {
    "category": tuple(c.value for c in PointCategory),
    "purpose": tuple(p.value for p in PointPurpose),
    "aquifer": tuple(a.value for a in AquiferMedium),
    "burial": tuple(b.value for b in Burial),
    "target_class": ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"),
    "frequency": tuple(f.value for f in FrequencyRule),
    "status": tuple(s.value for s in PointStatus),
}
#: Blank cells take these (target_class: by category and purpose, see default_target).
DEFAULTS = {"purpose": "区域", "frequency": "丰枯各1次", "status": "在用",
            "aquifer": "孔隙", "burial": "潜水"}  # fmt: skip
WARN_DEFAULT = ("aquifer", "burial")  # defaults that are guesses, so said in a warning
#: Store columns compared for 修改, with the header they are shown under.
COMPARED = {
    "name": "点位名称", "category": "点位类别", "purpose": "监测用途", "township": "乡镇",
    "lon": "经度", "lat": "纬度", "input_x": "X坐标", "input_y": "Y坐标", "input_crs": "坐标系",
    "depth_m": "井深(m)", "aquifer": "含水介质", "burial": "埋藏条件",
    "target_class": "目标类别", "frequency": "监测频次", "status": "状态",
    "filed_on": "最近报备日期", "note": "备注",
}  # fmt: skip
COORD_TOLERANCE = 1e-7  # degrees (about 1 cm)
#: Columns a file may leave out: a registered point keeps its stored value for them (a new point
#: takes the blank-cell default). Coordinates are always read from the file.
KEPT_WHEN_ABSENT = ("name", "category", "purpose", "township", "depth_m", "aquifer", "burial",
                    "target_class", "frequency", "status", "filed_on", "note")
TEMPLATE_NOTES = (
    "监测点位登记表 填表说明",
    "1. 每行一个点位；「点位编码」必填且唯一，再次导入时按点位编码更新"
    "（不会重复登记，也不会删除点位）。",
    "2. 点位类别＝监测网络级别：" + "、".join(CHOICES["category"]) + "。",
    "3. 监测用途＝计划目标所依据的用途：" + "、".join(CHOICES["purpose"]) + "；不填按「区域」。",
    "4. 坐标二选一：经度/纬度（十进制度 111.5701 或度分秒 111°34'12.5\"），"
    "或 X坐标/Y坐标 加「坐标系」。",
    "   坐标系可写 EPSG:4546、EPSG:32649、CGCS2000 3度带 37带、CGCS2000 6度带 19带、"
    "西安80 3度带、WGS84、UTM 49N、GCJ-02（高德/腾讯地图）、BD-09（百度地图）；",
    "   X坐标前带不带带号都可以；经度/纬度不填坐标系时按 CGCS2000（与 WGS 84 相差厘米级）。",
    "5. 目标类别填 Ⅰ–Ⅴ（或 I–V、1–5）；不填时：饮用水源点位 Ⅲ，"
    "污染风险监控点位和国家/国考区域点位 Ⅴ，其他 Ⅳ。省级下达考核目标的，按考核目标填写。",
    "6. 监测频次不填按「丰枯各1次」；状态不填按「在用」；停用的点位保留全部历史数据。",
    "7. 含水介质不填按「孔隙」、埋藏条件不填按「潜水」，导入时会提示。",
    "8. 点位在县界外时仍会导入，并提示离县界的距离，请核对坐标。",
    "9. 最近报备日期：回灌、地热尾水点位的运营单位最近一次报备回灌水质监测的日期"
    "（如 2025-03-01、2025/3/1、2025年3月1日）；报备周期见 data/standards/requirements。"
    "其他点位可不填。",
)


@dataclass(frozen=True)
class PointsPlan:
    """What an import would do (nothing written): the accepted points, each 新增/修改/未变,
    the field changes of the 修改 ones, and every problem found."""

    file_name: str
    sha256: str
    rows_total: int
    points: tuple[MonitoringPoint, ...]
    status: dict[str, str]  # code → 新增 / 修改 / 未变
    changes: pd.DataFrame  # point, field (header), old, new
    issues: tuple[Issue, ...]
    rejected_rows: int
    rows_of: dict[str, int] = field(default_factory=dict)  # code → spreadsheet row

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for s in self.status.values() if s == k) for k in (NEW, CHANGED, SAME)}

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    def to_write(self) -> list[MonitoringPoint]:
        return [p for p in self.points if self.status[p.code] != SAME]


def _is_header(keys: Sequence[str]) -> bool:
    return name_key("点位编码") in keys or any(name_key(a) in keys for a in COLUMNS[0][2])


def _blank(v: object) -> bool:
    return v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) \
        or not str(v).strip()


def _same(old: Any, new: Any, coord: bool = False) -> bool:
    if _blank(old) and _blank(new):
        return True
    if isinstance(new, dt.date) or isinstance(old, dt.date | pd.Timestamp):
        return _day(old) == _day(new)
    if coord or isinstance(new, float):
        try:
            a, b = float(old), float(new)
        except (TypeError, ValueError):
            return False
        return abs(a - b) <= (COORD_TOLERANCE if coord else 1e-9 * max(1.0, abs(b)))
    return str(old) == str(new)


def _day(value: Any) -> str:
    """A date as stored (date, Timestamp, or ISO text from SQLite) as YYYY-MM-DD."""
    return "" if _blank(value) else str(value)[:10]


def _shown(column: str, value: Any) -> str:
    if _blank(value):
        return ""
    if column == "filed_on":
        return _day(value)
    if column == "target_class":
        return QualityClass(int(value)).roman
    if isinstance(value, float):
        return f"{value:.7f}".rstrip("0").rstrip(".") if column in ("lon", "lat") else f"{value:g}"
    return str(value)


def plan_points(
    source: str | Path | bytes,
    stored: pd.DataFrame,
    *,
    display_name: str | None = None,
    default_crs: str | None = None,
    boundary: dict[str, Any] | None = None,
    townships: Sequence[str] = (),
) -> PointsPlan:
    """Read a point register (path, or an upload's bytes named by ``display_name``) and plan its
    import against ``stored`` (Store.points()). ``boundary`` is the county's GeoJSON geometry
    (points outside it are warned about); ``townships`` the county's 乡镇 (others warned about)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = display_name or ("上传的文件" if isinstance(source, bytes) else Path(source).name)
    table = read_table(data, _is_header, name)
    frame, sheet = table.frame, table.sheet or ""
    cols = {f: find_column(list(frame.columns), [name_key(h), *map(name_key, al)])
            for h, f, al in COLUMNS}  # fmt: skip
    if cols["code"] is None:
        raise InputError(
            "找不到「点位编码」列：第一行（或表头所在行）应为 " + "、".join(HEADERS),
            where=Location(name, table.header_row),
        )
    issues: list[Issue] = []
    known = {c for c in cols.values() if c}
    extra = [c for c in frame.columns if c not in known and not str(c).startswith("第")]
    if extra:
        issues.append(Issue(name, table.header_row, "、".join(map(str, extra))[:80], "",
                            "未识别的列，已忽略；可识别的列：" + "、".join(HEADERS), "warning",
                            sheet))  # fmt: skip
    rows = table.row_numbers().tolist()

    def column(f: str) -> list[object] | None:
        c = cols[f]
        return None if c is None else frame[c].tolist()

    filed = _filing_dates(column("filed_on"))
    absent = [f for f in KEPT_WHEN_ABSENT if cols[f] is None]
    lon_hint = _centroid_lon(boundary)
    try:
        coords = point_coordinates(column("lon"), column("lat"), column("x"), column("y"),
                                   column("crs"), default_crs, rows=rows, file=name, sheet=sheet,
                                   lon_hint=lon_hint)  # fmt: skip
    except GwlibError as exc:  # the default 坐标系 itself is unreadable
        raise InputError(f"导入时指定的坐标系无法识别：{exc}", value=default_crs) from exc
    issues += coords.issues
    bad_rows = {i.row for i in coords.issues if i.severity == "error"}
    stored_by_code: dict[str, dict[str, Any]] = (
        {str(r["code"]): {str(k): v for k, v in r.items()} for r in stored.to_dict("records")}
        if len(stored) else {}
    )  # fmt: skip
    seen: dict[str, int] = {}
    accepted: list[MonitoringPoint] = []
    rows_of: dict[str, int] = {}
    town_set = {t for t in townships if t}
    for k, (_, rec) in enumerate(frame.iterrows()):
        row = rows[k]
        cell = {f: ("" if c is None else str(rec[c]).strip()) for f, c in cols.items()}
        code = cell["code"]
        row_issues: list[Issue] = []
        if not code:
            row_issues.append(Issue(name, row, "点位编码", "", "必填：每行一个点位编码", "error",
                                    sheet))  # fmt: skip
        elif code in seen:
            row_issues.append(Issue(name, row, "点位编码", code,
                                    f"与第 {seen[code]} 行重复：一个点位编码只能出现一次", "error",
                                    sheet))  # fmt: skip
        else:
            seen[code] = row
        if not math.isfinite(coords.lon[k]) and row not in bad_rows:
            row_issues.append(Issue(name, row, "经度/纬度", "",
                                    "缺少坐标：填写经度/纬度，或 X坐标/Y坐标 加坐标系", "error",
                                    sheet))  # fmt: skip
        values: dict[str, Any] = {f: cell[f] for f in cell}
        kept = stored_by_code.get(code, {})
        for f in absent:  # a column the file does not have leaves a registered point's value
            values[f] = "" if _blank(kept.get(f)) else kept[f]
        if cell["filed_on"] and filed[k] is None:
            row_issues.append(Issue(name, row, "最近报备日期", cell["filed_on"][:80],
                                    "应为日期，如 2025-03-01、2025/3/1、2025年3月1日", "error",
                                    sheet))  # fmt: skip
        values["filed_on"] = filed[k] if filed else stored_date(kept.get("filed_on"))
        for f, default in DEFAULTS.items():
            if not values[f]:
                values[f] = default
                if f in WARN_DEFAULT and code:
                    header = next(h for h, ff, _ in COLUMNS if ff == f)
                    row_issues.append(Issue(name, row, header, "", f"未填写，按「{default}」登记",
                                            "warning", sheet))  # fmt: skip
        point = None
        if not any(i.severity == "error" for i in row_issues) and row not in bad_rows:
            has_xy = not (_blank(values["x"]) and _blank(values["y"]))
            try:
                point = MonitoringPoint.from_row(
                    values | {
                        "lon": float(coords.lon[k]), "lat": float(coords.lat[k]),
                        "crs": COORD_CRS,
                        "input_x": values["x"] if has_xy else None,
                        "input_y": values["y"] if has_xy else None,
                        "input_crs": (values["crs"] or default_crs or "") if has_xy else "",
                    }
                )  # fmt: skip
            except ValidationError as exc:
                row_issues.append(Issue(name, row, exc.field, str(exc.value)[:80],
                                        f"应为{exc.expected}", "error", sheet))  # fmt: skip
            except ValueError as exc:  # a class QualityClass.parse cannot read
                row_issues.append(Issue(name, row, "目标类别", values["target_class"], str(exc),
                                        "error", sheet))  # fmt: skip
        if point is not None:
            if town_set and point.township and point.township not in town_set:
                row_issues.append(Issue(name, row, "乡镇", point.township,
                                        "不是本县已登记的乡镇（" + "、".join(sorted(town_set))[:120]
                                        + "）：请核对", "warning", sheet))  # fmt: skip
            outside = _outside_km(boundary, point.lon, point.lat)
            if outside is not None:
                row_issues.append(Issue(name, row, "经度/纬度",
                                        f"{point.lon:.6f}, {point.lat:.6f}",
                                        f"点位在县界外，离县界约 {outside:.1f} km："
                                        "已导入，请核对坐标",
                                        "warning", sheet))  # fmt: skip
        issues += row_issues
        if point is not None and not any(i.severity == "error" for i in row_issues):
            accepted.append(point)
            rows_of[point.code] = row
    status, changes = _compare(accepted, stored_by_code)
    rejected = len({i.row for i in issues if i.severity == "error" and i.row is not None
                    and i.row != table.header_row})  # fmt: skip
    return PointsPlan(
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        rows_total=len(frame),
        points=tuple(accepted),
        status=status,
        changes=changes,
        issues=tuple(sorted(issues, key=lambda i: (i.row or 0, i.severity != "error"))),
        rejected_rows=rejected,
        rows_of=rows_of,
    )


def _filing_dates(cells: list[object] | None) -> list[dt.date | None]:
    """最近报备日期 as people type it (:func:`gwlib.io.cells.parse_dates`); None where blank or
    unreadable (the caller tells the two apart)."""
    if cells is None:
        return []
    from gwlib.io.cells import parse_dates

    parsed = parse_dates(pd.Series(cells, dtype="object"))
    return [None if pd.isna(d) else d.date() for d in parsed]


def point_row(point: MonitoringPoint) -> dict[str, Any]:
    """The store columns :data:`COMPARED` of a point (enum values, class as an int)."""
    return {
        "name": point.name, "category": point.category.value, "purpose": point.purpose.value,
        "township": point.township, "lon": point.lon, "lat": point.lat,
        "input_x": point.input_x, "input_y": point.input_y, "input_crs": point.input_crs,
        "depth_m": point.depth_m, "aquifer": point.aquifer.value, "burial": point.burial.value,
        "target_class": int(point.target_class), "frequency": point.frequency.value,
        "status": point.status.value, "filed_on": point.filed_on, "note": point.note,
    }  # fmt: skip


def _compare(
    points: Sequence[MonitoringPoint], stored: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], pd.DataFrame]:
    status: dict[str, str] = {}
    changes: list[dict[str, str]] = []
    for p in points:
        old = stored.get(p.code)
        if old is None:
            status[p.code] = NEW
            continue
        diff = [
            (c, old.get(c), v)
            for c, v in point_row(p).items()
            if not _same(old.get(c), v, coord=c in ("lon", "lat"))
        ]
        status[p.code] = CHANGED if diff else SAME
        changes += [
            {"point": p.code, "field": COMPARED[c], "old": _shown(c, o), "new": _shown(c, n)}
            for c, o, n in diff
        ]
    return status, pd.DataFrame(changes, columns=["point", "field", "old", "new"])


def _centroid_lon(boundary: dict[str, Any] | None) -> float | None:
    if not boundary:
        return None
    from shapely.geometry import shape

    return float(shape(boundary).centroid.x)


def _outside_km(boundary: dict[str, Any] | None, lon: float, lat: float) -> float | None:
    """Distance (km, geodesic) from a point outside ``boundary`` to it; None when inside or when
    there is no boundary."""
    if not boundary:
        return None
    from pyproj import Geod
    from shapely.geometry import Point, shape
    from shapely.ops import nearest_points

    geom = shape(boundary)
    here = Point(lon, lat)
    if geom.covers(here):
        return None
    near = nearest_points(geom.boundary, here)[0]
    return float(Geod(ellps="WGS84").inv(lon, lat, near.x, near.y)[2]) / 1000


# -- export and template ----------------------------------------------------------------------


def register_frame(points: pd.DataFrame) -> pd.DataFrame:
    """Store.points() as the register's sheet: the template's headers, WGS 84 经度/纬度, the
    coordinates as given in X坐标/Y坐标/坐标系, classes as Ⅰ–Ⅴ."""
    if not len(points):
        return pd.DataFrame(columns=list(HEADERS))
    p = points
    out = pd.DataFrame(
        {
            "点位编码": p["code"], "点位名称": p["name"], "点位类别": p["category"],
            "监测用途": p["purpose"], "乡镇": p["township"],
            "经度": p["lon"].round(7), "纬度": p["lat"].round(7),
            "X坐标": p["input_x"], "Y坐标": p["input_y"], "坐标系": p["input_crs"],
            "井深(m)": p["depth_m"], "含水介质": p["aquifer"], "埋藏条件": p["burial"],
            "目标类别": p["target_class"].map(lambda c: QualityClass(int(c)).roman),
            "监测频次": p["frequency"], "状态": p["status"],
            "备注": p["note"],
            "最近报备日期": p["filed_on"].map(_day) if "filed_on" in p else "",
        }
    )  # fmt: skip
    return out.sort_values("点位编码", kind="stable").reset_index(drop=True)


def register_bytes(points: pd.DataFrame, suffix: str = ".xlsx") -> bytes:
    """The register export (.xlsx with drop-downs and 填表说明, or .csv), formula-safe."""
    frame = register_frame(points)
    if suffix.lower() == ".csv":
        from gwlib.io.export import csv_bytes

        return csv_bytes(frame, float_format="%.10g")
    return _workbook(frame)


def template_bytes() -> bytes:
    """The blank register template (.xlsx)."""
    return _workbook(pd.DataFrame(columns=list(HEADERS)))


def _workbook(frame: pd.DataFrame) -> bytes:
    """The register sheet (drop-downs on the enum columns) and its 填表说明, written through
    :func:`gwlib.io.export.excel_bytes` (every text cell a string cell)."""
    from gwlib.io.export import excel_bytes

    header_of = {f: h for h, f, _ in COLUMNS}
    return excel_bytes(
        {"监测点位": frame, "填表说明": pd.DataFrame({"填表说明": TEMPLATE_NOTES[1:]})},
        dropdowns={"监测点位": {header_of[f]: list(v) for f, v in CHOICES.items()}},
    )
