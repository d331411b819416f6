"""The two source registers' columns: 饮用水水源地登记表 (:data:`SOURCES`) and 污染源登记表
(:data:`POLLUTION`), and the spreadsheets made from them.

Each register (:class:`RegisterSpec`) is a list of columns with Chinese headers, the domain field
each fills, how its cell is read and, for an enumeration, its values. The same list gives the
template (drop-down lists, a 填表说明 sheet), the reader (:mod:`gwlib.sources.register_io`) and
the export (:func:`register_bytes`, the template's headers, so that export → import changes
nothing).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from gwlib.sources.model import (
    DrinkingSource,
    LegalStatus,
    PollutionCategory,
    PollutionSource,
    SourceScale,
    SourceType,
    WorkStatus,
)

YES, NO = "是", "否"


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
    max_len: int | None = None  # the stored column's width; None: by kind (codes 64, text 128)

    def __post_init__(self) -> None:
        if self.enum is not None and not self.options:
            object.__setattr__(self, "options", _values(self.enum))
        if self.max_len is None:
            object.__setattr__(self, "max_len", {"code": 64, "text": 128}.get(self.kind, 0))


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
        Column("乡镇", "township", aliases=("乡镇(街道)", "所在乡镇"), max_len=64),
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
        Column("超标整治情况", "remediation_status", aliases=("整治情况", "整治进展"), max_len=0),
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
        Column("乡镇", "township", aliases=("乡镇(街道)", "所在乡镇"), max_len=64),
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
        Column("执法检查(次)", "inspections", "int",
               aliases=("执法检查次数", "执法检查", "检查次数")),
        Column("违法线索", "violations", "text", aliases=("违法问题", "违法线索及处理"),
               max_len=512),
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
        Column("风险管控措施", "risk_control", aliases=("风险管控", "管控措施"), max_len=0),
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


def shown(kind: str, value: Any) -> str:
    """A value as the sheet shows it (是/否, numbers without a trailing .0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "bool":
        return YES if bool(value) else NO
    if kind in ("float", "coord"):
        return f"{float(value):.10g}"
    return str(value)


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
