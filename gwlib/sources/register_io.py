"""The two source registers as spreadsheets: 饮用水水源地登记表 and 污染源登记表.

Each register (:class:`RegisterSpec`) is a list of columns with Chinese headers; the same list
gives the template (drop-down lists for the enumerations, a 填表说明 sheet), the reader and the
export, so that export → import changes nothing.

The reader (:func:`read_register`) takes the file as people fill it in and checks every row:

- codes, names and the required enumerations must be filled; enumerations must be one of their
  values (是/否 also as Y/N, √/×, 1/0); numbers must be non-negative;
- coordinates as 经度/纬度 (decimal degrees or 度分秒) or X坐标/Y坐标 with a 坐标系, per row
  (:func:`gwlib.geo.points.point_coordinates`); a row needs one of the two;
- a code given twice: every later row is rejected, naming the first;
- a 乡镇 that is not one of the county's townships (when township boundaries are stored) is a
  warning, not an error.

Every problem is an :class:`~gwlib.io.tables.Issue` naming file, row, column, value and what was
expected; a row with any error is rejected whole. Blank optional cells take the documented
default (the model's: 未划定, 未开展, 否, 0); a column the file does not have leaves the stored
records' field as it is.

:func:`plan_register` compares the good rows with the stored records by code: 新增, 修改 (each
changed field old → new) or 未变. The store writes a plan in one transaction
(:mod:`gwlib.store.registers`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gwlib.errors import InputError, Location, ValidationError
from gwlib.geo.overlay import distance_to_area_m
from gwlib.geo.points import point_coordinates
from gwlib.io.tables import Issue, find_column, read_table
from gwlib.sources.model import (
    DrinkingSource,
    LegalStatus,
    PollutionCategory,
    PollutionSource,
    SourceScale,
    SourceType,
    WorkStatus,
)
from gwlib.text import name_key, nfkc

NEW, CHANGED, UNCHANGED = "新增", "修改", "未变"
YES, NO = "是", "否"
_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "已联网"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "无", "未联网"}
#: A record farther than this outside the county boundary is warned about (metres).
OUTSIDE_M = 1.0
#: Stored and re-read coordinates closer than this (degrees, about 1 cm) are the same.
COORD_TOL = 1e-7
_NUMBER_UNIT = re.compile(r"\s*(?:人|t/d|吨/日|吨/天|眼|口|个)$", re.IGNORECASE)


def _values(cls: type[Enum]) -> tuple[str, ...]:
    return tuple(str(m.value) for m in cls)


@dataclass(frozen=True)
class Column:
    """One column of a register: the header the template prints, the model field, how the cell
    is read (``code`` | ``text`` | ``enum`` | ``int`` | ``float`` | ``bool``), whether it must be
    filled, the allowed values of an enumeration and other headers accepted for it."""

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    options: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    enum: type[Enum] | None = None  # the domain enumeration a cell's text becomes

    def __post_init__(self) -> None:
        if self.enum is not None and not self.options:
            object.__setattr__(self, "options", _values(self.enum))


#: The coordinate columns every register has (read by :func:`point_coordinates`).
COORDINATES: tuple[Column, ...] = (
    Column("经度", "lon", "coord", aliases=("经度(°)", "东经")),
    Column("纬度", "lat", "coord", aliases=("纬度(°)", "北纬")),
    Column("X坐标", "x", "coord", aliases=("X", "X坐标(m)", "横坐标")),
    Column("Y坐标", "y", "coord", aliases=("Y", "Y坐标(m)", "纵坐标")),
    Column("坐标系", "crs", "coord", aliases=("坐标系统", "投影")),
)


@dataclass(frozen=True)
class RegisterSpec:
    """A register: its import-batch kind, titles, columns, the domain type its rows become and
    the 填表说明 lines."""

    kind: str  # import_batch.kind: "sources" / "pollution"
    title: str  # 饮用水水源地登记表
    sheet: str
    entity: str  # audit_log.entity
    columns: tuple[Column, ...]  # without the coordinates, which follow the township
    build: type[Any]
    notes: tuple[str, ...]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        at = [c.field for c in self.columns].index("township") + 1
        return (*self.columns[:at], *COORDINATES, *self.columns[at:])

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.all_columns)

    def label(self, fld: str) -> str:
        return next((c.header for c in self.all_columns if c.field == fld), fld)

    @property
    def model_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self.build))


_COMMON_NOTES = (
    "{code}唯一：再次导入时按{code}更新，不会重复登记；内容相同的行不作改动，改动的字段逐项记入审计日志。",
    "坐标二选一：填「经度」「纬度」（十进制度如 111.5701，或度分秒如 111°34'12.5\"），"
    "或填「X坐标」「Y坐标」并在「坐标系」写明坐标系（如 CGCS2000 3度带 37带、EPSG:4546、"
    "WGS84 UTM 49N）。经纬度不写坐标系时按 CGCS2000。",
    "带下拉列表的列请从列表中选择；留空时取默认值（写在各列说明中）；文件中没有的列，"
    "已登记的记录保持原值。",
    "乡镇应与本县乡镇名称一致（导入了乡镇边界时，不一致的会提示）。",
    "有任何错误的行整行不导入，并列出文件、行号、列、值和原因；其余行在一个事务中写入。",
)

SOURCES = RegisterSpec(
    kind="sources",
    title="饮用水水源地登记表",
    sheet="饮用水水源地",
    entity="drinking_source",
    columns=(
        Column("水源编码", "code", "code", True, aliases=("水源地编码", "编码", "水源地编号")),
        Column("水源名称", "name", "text", True, aliases=("水源地名称", "名称")),
        Column("水源规模", "scale", "enum", True, enum=SourceScale, aliases=("规模",)),
        Column(
            "水源类型",
            "source_type",
            "enum",
            True,
            enum=SourceType,
            aliases=("类型", "含水层类型", "水源地类型"),
        ),
        Column("乡镇", "township", aliases=("乡镇(街道)", "所在乡镇")),
        Column("服务人口(人)", "population", "int", aliases=("服务人口", "供水人口")),
        Column(
            "取水量(t/d)",
            "capacity_t_d",
            "float",
            aliases=("取水量", "日取水量", "取水量(吨/日)", "设计取水量(t/d)"),
        ),
        Column(
            "保护区划定状态",
            "zones_status",
            "enum",
            enum=LegalStatus,
            aliases=("保护区划定",),
        ),
        Column(
            "补给区划定状态",
            "recharge_status",
            "enum",
            enum=LegalStatus,
            aliases=("补给区划定",),
        ),
        Column("超标成因", "exceedance_cause", "enum", options=("地质背景", "人为因素")),
        Column("超标整治情况", "remediation_status", aliases=("整治情况", "整治进展")),
        Column("标志设置", "signage", "enum", enum=WorkStatus),
        Column("隔离防护", "fencing", "enum", enum=WorkStatus),
        Column("环境问题整治", "rectification", "enum", enum=WorkStatus),
    ),
    build=DrinkingSource,
    notes=(
        "饮用水水源地登记表 填表说明（每行一个地下水型饮用水水源）",
        *(n.format(code="「水源编码」") for n in _COMMON_NOTES),
        "水源规模：城镇级 / 千吨万人 / 乡镇级；城镇级和千吨万人水源须划定补给区。",
        "水源类型：孔隙 / 裂隙 / 岩溶 / 傍河 / 截潜流。",
        "服务人口(人)、取水量(t/d)：非负数，留空按 0。",
        "保护区划定状态、补给区划定状态：未划定 / 初步划定 / 已批复，留空为未划定。",
        "超标成因：水质劣于Ⅲ类时填 地质背景 或 人为因素；超标整治情况写明措施和进展。",
        "规范化建设（标志设置、隔离防护、环境问题整治）：未开展 / 开展中 / 已完成，留空为未开展。",
    ),
)

POLLUTION = RegisterSpec(
    kind="pollution",
    title="污染源登记表",
    sheet="污染源",
    entity="pollution_source",
    columns=(
        Column("污染源编码", "code", "code", True, aliases=("编码", "污染源编号", "企业编码")),
        Column("污染源名称", "name", "text", True, aliases=("名称", "企业名称", "单位名称")),
        Column(
            "污染源类别",
            "category",
            "enum",
            True,
            enum=PollutionCategory,
            aliases=("类别", "污染源类型"),
        ),
        Column("乡镇", "township", aliases=("乡镇(街道)", "所在乡镇")),
        Column(
            "重点排污单位",
            "key_discharger",
            "bool",
            options=(YES, NO),
            aliases=("是否重点排污单位", "地下水重点排污单位"),
        ),
        Column("排污许可证编号", "permit_no", "code", aliases=("排污许可证号", "排污许可")),
        Column(
            "自行监测",
            "self_monitoring",
            "bool",
            options=(YES, NO),
            aliases=("开展自行监测", "是否开展自行监测", "地下水自行监测"),
        ),
        Column("监测井数(眼)", "monitoring_wells", "int", aliases=("监测井数", "监测井(眼)")),
        Column(
            "自动监测联网", "networked", "bool", options=(YES, NO), aliases=("是否联网", "联网")
        ),
        Column(
            "防渗改造",
            "seepage_status",
            "enum",
            enum=WorkStatus,
            aliases=("防渗", "防渗改造情况"),
        ),
        Column(
            "调查评估",
            "survey_status",
            "enum",
            enum=WorkStatus,
            aliases=("环境状况调查评估", "地下水环境状况调查评估"),
        ),
        Column("风险管控措施", "risk_control", aliases=("风险管控", "管控措施")),
    ),
    build=PollutionSource,
    notes=(
        "污染源登记表 填表说明（每行一个地下水污染源：一企一库、两场两区、加油站等）",
        *(n.format(code="「污染源编码」") for n in _COMMON_NOTES),
        "污染源类别：化学品生产企业、尾矿库（一企一库）；危险废物处置场、垃圾填埋场、"
        "工业集聚区、矿山开采区（两场两区）；加油站；其他。",
        "重点排污单位：是否列入地下水污染防治重点排污单位名录，是 / 否，留空为否。",
        "排污许可证编号：按许可证填写，没有的留空。",
        "自行监测：是否开展地下水自行监测，是 / 否，留空为否；监测井数(眼)：非负整数，留空按 0。",
        "自动监测联网：是 / 否，留空为否。",
        "防渗改造、调查评估（地下水环境状况调查评估）：未开展 / 开展中 / 已完成，留空为未开展。",
    ),
)

REGISTERS = {SOURCES.kind: SOURCES, POLLUTION.kind: POLLUTION}


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRows:
    """What a register file gave: the domain record of each good row with its row number, every
    issue, and the number of data rows (blank rows are not rows)."""

    spec: RegisterSpec
    file: str
    sha256: str
    records: tuple[tuple[int, Any], ...]
    issues: tuple[Issue, ...]
    total: int
    given: frozenset[str] = frozenset()  # model fields the file has a column for

    @property
    def rejected_rows(self) -> int:
        return len({i.row for i in self.issues if i.severity == "error" and i.row is not None})


def _is_header(spec: RegisterSpec) -> Callable[[Sequence[str]], bool]:
    code = spec.columns[0]
    keys = {name_key(h) for h in (code.header, *code.aliases)}
    return lambda row: any(k in keys for k in row) and len([k for k in row if k]) >= 3


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    return True if t in _TRUE else (False if t in _FALSE else None)


def _number(text: str, kind: str) -> float | int | None:
    t = _NUMBER_UNIT.sub("", text.replace(",", "").replace("，", "")).strip()
    try:
        x = float(t)
    except ValueError:
        return None
    if not math.isfinite(x) or x < 0 or (kind == "int" and not x.is_integer()):
        return None
    return int(x) if kind == "int" else x


def read_register(
    spec: RegisterSpec,
    source: str | Path | bytes,
    display_name: str | None = None,
    townships: Sequence[str] = (),
    default_crs: str | None = None,
    county: shapely.Geometry | None = None,
) -> RegisterRows:
    """Read and check a register file (a path, or an upload's bytes named by
    ``display_name``). ``townships``: the county's 乡镇 (empty: not checked); ``county``: its
    boundary in lon/lat (a record outside it is imported with a warning giving the distance;
    its centre also picks the Gauss–Krüger zone of a 坐标系 written without one)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = display_name or ("上传的文件" if isinstance(source, bytes) else Path(source).name)
    table = read_table(data, is_header=_is_header(spec), display_name=name)
    frame, row_no = table.frame, table.row_numbers()
    present: dict[str, str] = {}
    for col in spec.all_columns:
        got = find_column(list(frame.columns), [name_key(h) for h in (col.header, *col.aliases)])
        if got is not None and got not in present.values():
            present[col.field] = got
    missing = [c.header for c in spec.columns if c.required and c.field not in present]
    if missing:
        raise InputError(
            "找不到必填列「"
            + "」「".join(missing)
            + "」：表头应为 "
            + "、".join(spec.headers[:6])
            + " 等（可下载模板对照）",
            where=Location(name, table.header_row),
        )
    if not ({"lon", "lat"} <= set(present) or {"x", "y"} <= set(present)):
        raise InputError(
            "找不到坐标列：应有「经度」「纬度」，或「X坐标」「Y坐标」（和「坐标系」）",
            where=Location(name, table.header_row),
        )
    issues: list[Issue] = []
    fields: dict[Any, dict[str, Any]] = {i: {} for i in frame.index}

    def err(idx: Any, fld: str, value: str, reason: str, severity: str = "error") -> None:
        issues.append(
            Issue(
                name,
                int(row_no[idx]),
                present.get(fld, spec.label(fld)),
                value[:80],
                reason,
                severity,
            )
        )

    for col in spec.columns:
        if col.field not in present:
            continue
        raw = frame[present[col.field]].fillna("")
        for idx, cell in raw.items():
            text = cell.strip() if col.kind == "text" else nfkc(cell).strip()
            if not text:
                if col.required:
                    err(idx, col.field, "", f"「{col.header}」必须填写")
                continue
            if col.kind == "enum":
                if text not in col.options:
                    err(idx, col.field, text, "应为以下之一：" + "、".join(col.options))
                else:
                    fields[idx][col.field] = text
            elif col.kind == "bool":
                b = _bool(text)
                if b is None:
                    err(idx, col.field, text, "应为 是 或 否")
                else:
                    fields[idx][col.field] = b
            elif col.kind in ("int", "float"):
                n = _number(text, col.kind)
                if n is None:
                    what = "非负整数" if col.kind == "int" else "非负数"
                    err(idx, col.field, text, f"应为{what}")
                else:
                    fields[idx][col.field] = n
            else:
                fields[idx][col.field] = text

    def column(fld: str) -> list[object] | None:
        return frame[present[fld]].tolist() if fld in present else None

    hint = None if county is None or county.is_empty else float(county.centroid.x)
    conv = point_coordinates(
        column("lon"),
        column("lat"),
        column("x"),
        column("y"),
        column("crs"),
        default_crs,
        rows=row_no.tolist(),
        file=name,
        lon_hint=hint,
    )
    issues += conv.issues
    for pos, idx in enumerate(frame.index):
        lon, lat = float(conv.lon[pos]), float(conv.lat[pos])
        if np.isfinite(lon) and np.isfinite(lat):
            fields[idx]["lon"], fields[idx]["lat"] = lon, lat
    bad = {i.row for i in issues if i.severity == "error"}
    for idx in frame.index:
        if int(row_no[idx]) not in bad and "lon" not in fields[idx]:
            err(idx, "lon", "", "没有坐标：填「经度」「纬度」，或「X坐标」「Y坐标」和「坐标系」")

    if hint is not None and county is not None:
        issues += _outside(county, frame, fields, row_no, present, name)
    code_col = frame[present["code"]].fillna("").map(nfkc).str.strip()
    first: dict[str, int] = {}
    for idx, code in zip(frame.index, code_col, strict=True):
        if not code:
            continue
        if code in first:
            err(idx, "code", code, f"{spec.label('code')}与第 {first[code]} 行重复")
        else:
            first[code] = int(row_no[idx])
    known = {t.strip() for t in townships if t and t.strip()}
    if known and "township" in present:
        for idx, f in fields.items():
            t = f.get("township", "")
            if t and t not in known:
                err(
                    idx,
                    "township",
                    t,
                    "不是本县的乡镇（已导入的乡镇边界中没有）："
                    + "、".join(sorted(known)[:12])
                    + ("…" if len(known) > 12 else ""),
                    severity="warning",
                )

    records: list[tuple[int, Any]] = []
    bad = {i.row for i in issues if i.severity == "error"}
    for idx in frame.index:
        r = int(row_no[idx])
        if r in bad:
            continue
        kwargs = _with_defaults(spec, fields[idx])
        try:
            records.append((r, spec.build(**kwargs)))
        except ValidationError as exc:
            err(idx, _field_of(spec, exc.field), str(exc.value), f"应为{exc.expected}")
    issues.sort(key=lambda i: (i.row or 0, i.severity != "error"))
    given = frozenset(present) - {"x", "y", "crs"} | {"lon", "lat"}
    return RegisterRows(spec, name, hashlib.sha256(data).hexdigest(), tuple(records),
                        tuple(issues), len(frame), given)  # fmt: skip


def _outside(county: shapely.Geometry, frame: pd.DataFrame, fields: dict[Any, dict[str, Any]],
             row_no: pd.Series, present: dict[str, str], name: str) -> list[Issue]:  # fmt: skip
    """A warning for each record outside the county, with its distance to the boundary."""
    placed = [idx for idx in frame.index if "lon" in fields[idx]]
    if not placed:
        return []
    dist = distance_to_area_m([fields[i]["lon"] for i in placed],
                              [fields[i]["lat"] for i in placed], county)  # fmt: skip
    out = []
    for idx, d in zip(placed, dist, strict=True):
        if d > OUTSIDE_M:
            by_ll = "lon" in present and str(frame.at[idx, present["lon"]]).strip() != ""
            col = present["lon"] if by_ll else present.get("x", "X坐标")
            out.append(Issue(name, int(row_no[idx]), col, str(frame.at[idx, col])[:40],
                             f"位于县界之外，距县界约 {d / 1000:,.1f} km：已导入，请核对坐标"
                             "和坐标系", "warning"))  # fmt: skip
    return out


def _with_defaults(spec: RegisterSpec, given: dict[str, Any]) -> dict[str, Any]:
    """The model's fields: what the row gives (enumerations as their members), else the
    documented default (the model's; 乡镇 blank, 服务人口 and 取水量 0)."""
    enums = {c.field: c.enum for c in spec.all_columns if c.enum is not None}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(spec.build):
        if f.name in given:
            v = given[f.name]
            out[f.name] = enums[f.name](v) if f.name in enums else v
        elif f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        else:  # required by the model, optional in the sheet
            out[f.name] = SHEET_DEFAULTS[f.name]
    return out


#: Defaults of the fields the model requires but the sheet may leave blank.
SHEET_DEFAULTS: dict[str, Any] = {"township": "", "population": 0, "capacity_t_d": 0.0}


def _field_of(spec: RegisterSpec, label: str) -> str:
    """The column of a field a model error names in Chinese (服务人口/取水量 → 服务人口)."""
    for c in spec.all_columns:
        if label in (c.header, c.field) or c.header.startswith(label.split("/")[0]):
            return c.field
    return "code"


# -- planning ---------------------------------------------------------------------------------


def record_row(obj: Any) -> dict[str, Any]:
    """A record as the table stores it (enums as their values)."""
    return {
        f.name: (
            getattr(obj, f.name).value
            if isinstance(getattr(obj, f.name), Enum)
            else getattr(obj, f.name)
        )
        for f in dataclasses.fields(obj)
    }


def _same(kind: str, old: Any, new: Any) -> bool:
    if old is None or (isinstance(old, float) and math.isnan(old)):
        old = None
    if kind == "coord":
        return old is not None and abs(float(old) - float(new)) <= COORD_TOL
    if kind == "float":
        return old is not None and math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-9)
    if kind == "int":
        return old is not None and int(old) == int(new)
    if kind == "bool":
        return old is not None and bool(old) == bool(new)
    return ("" if old is None else str(old)) == ("" if new is None else str(new))


def shown(kind: str, value: Any) -> str:
    """A value as the sheet shows it (是/否, numbers without a trailing .0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "bool":
        return YES if bool(value) else NO
    if kind in ("float", "coord"):
        return f"{float(value):.10g}"
    return str(value)


@dataclass
class RegisterPlan:
    """What importing one register file would do. ``records``: each good row's record with its
    row and status (新增/修改/未变); ``changes``: one row per changed field (code, field, old,
    new)."""

    rows: RegisterRows
    records: list[tuple[int, Any, str]]
    changes: pd.DataFrame

    @property
    def spec(self) -> RegisterSpec:
        return self.rows.spec

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.rows.issues

    @property
    def counts(self) -> dict[str, int]:
        out = {NEW: 0, CHANGED: 0, UNCHANGED: 0}
        for _, _, status in self.records:
            out[status] += 1
        return out

    @property
    def rejected_rows(self) -> int:
        return self.rows.rejected_rows

    def summary(self, dry_run: bool = False) -> str:
        """The CLI's last line (records; input rows rejected)."""
        c = self.counts
        return (
            f"imported {c[NEW]}, updated {c[CHANGED]}, unchanged {c[UNCHANGED]}, "
            f"rejected {self.rejected_rows}"
        )

    def rejected_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "row": i.row,
                    "column": i.column,
                    "value": i.value,
                    "reason": i.reason,
                    "severity": "错误" if i.severity == "error" else "提示",
                }
                for i in self.issues
            ],
            columns=["row", "column", "value", "reason", "severity"],
        )


def plan_register(rows: RegisterRows, stored: pd.DataFrame) -> RegisterPlan:
    """Compare the file's records with ``stored`` (the register's table) by code. A field the
    file has no column for is left as stored (a blank cell in a column it has is the default)."""
    spec = rows.spec
    kinds = {c.field: c.kind for c in spec.all_columns}
    by_code = {str(r["code"]): r for r in stored.to_dict("records")} if len(stored) else {}
    records: list[tuple[int, Any, str]] = []
    changes: list[dict[str, Any]] = []
    for row, rec in rows.records:
        old = by_code.get(rec.code)
        if old is None:
            records.append((row, rec, NEW))
            continue
        diff = []
        for k, v in record_row(rec).items():
            kind = kinds.get(k, "text")
            if k in rows.given and not _same(kind, old.get(k), v):
                diff.append(
                    {
                        "code": rec.code,
                        "name": rec.name,
                        "field": spec.label(k),
                        "old": shown(kind, old.get(k)),
                        "new": shown(kind, v),
                        "column": k,
                    }
                )
        changes += diff
        records.append((row, rec, CHANGED if diff else UNCHANGED))
    frame = pd.DataFrame(changes, columns=["code", "name", "field", "old", "new", "column"])
    return RegisterPlan(rows, records, frame)


# -- writing ----------------------------------------------------------------------------------


def register_frame(spec: RegisterSpec, stored: pd.DataFrame) -> pd.DataFrame:
    """Stored records under the template's headers (经度/纬度 in WGS 84; X/Y and 坐标系 blank),
    so that the export re-imports unchanged. With no rows: the blank template."""
    out: dict[str, list[Any]] = {}
    n = len(stored)
    for c in spec.all_columns:
        if c.field in ("x", "y", "crs") or c.field not in stored.columns:
            out[c.header] = [""] * n if c.kind != "coord" or c.field == "crs" else [None] * n
            continue
        values = stored[c.field].tolist()
        if c.kind == "bool":
            out[c.header] = [shown("bool", v) for v in values]
        elif c.kind == "int":
            out[c.header] = [int(v) for v in values]
        elif c.kind in ("float", "coord"):
            out[c.header] = [float(v) for v in values]
        else:
            out[c.header] = ["" if v is None else str(v) for v in values]
    return pd.DataFrame(out, columns=list(spec.headers))


def dropdowns(spec: RegisterSpec) -> dict[str, dict[str, tuple[str, ...]]]:
    return {spec.sheet: {c.header: c.options for c in spec.all_columns if c.options}}


def template_bytes(spec: RegisterSpec) -> bytes:
    """The blank template (.xlsx): the register sheet with drop-down lists and 填表说明."""
    return register_bytes(spec, pd.DataFrame(), ".xlsx")


def register_bytes(spec: RegisterSpec, stored: pd.DataFrame, suffix: str = ".xlsx") -> bytes:
    """The register (stored records, or the blank template) as .xlsx or .csv bytes."""
    from gwlib.io.export import csv_bytes, excel_bytes

    frame = register_frame(spec, stored)
    if suffix.lower() == ".csv":
        return csv_bytes(frame, float_format="%.12g")
    notes = pd.DataFrame({"填表说明": list(spec.notes)})
    return excel_bytes({spec.sheet: frame, "填表说明": notes}, dropdowns=dropdowns(spec))
