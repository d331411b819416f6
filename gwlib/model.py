"""Domain objects: monitoring points and samples, abandoned wells, drinking sources and zones,
pollution sources, action plans.

Frozen dataclasses validated on construction; enumerations whose values are the official
Chinese terms (the identifier is an English gloss). Build them with ``from_row`` at the
boundary, never ``Model(**row)``: storage columns and Chinese headers stay out of the domain.
Field lists follow ``shared/domain/standards-notes.md`` §7 and ``shared/reference/peers.md`` §12.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from gwlib.errors import ValidationError
from gwlib.quality.classes import QualityClass

# China's extent, for a first sanity check of coordinates (lon/lat, CGCS2000 ≈ WGS 84).
LON_RANGE = (73.0, 135.5)
LAT_RANGE = (3.0, 54.0)
COORD_CRS = "EPSG:4490"  # CGCS2000 geographic; equal to WGS 84 within centimetres for mapping


class PointCategory(StrEnum):
    NATIONAL = "国考"
    PROVINCIAL = "省控"
    COUNTY = "县控"
    DRINKING_SOURCE = "水源地监测井"
    POLLUTION_SOURCE = "污染源监测井"
    SURVEY_NEW = "调查评估新建井"


class AquiferMedium(StrEnum):
    POROUS = "孔隙"
    FRACTURED = "裂隙"
    KARST = "岩溶"


class Burial(StrEnum):
    UNCONFINED = "潜水"
    CONFINED = "承压"


class PointStatus(StrEnum):
    ACTIVE = "在用"
    SUSPENDED = "停用"
    ABANDONED = "已废弃"


class Period(StrEnum):
    """水期 of a sample."""

    WET = "丰水期"
    NORMAL = "平水期"
    DRY = "枯水期"


class FrequencyRule(StrEnum):
    """Sampling-frequency rule of a point; ``per_year`` is the number of samples expected."""

    WET_AND_DRY = "丰枯各1次"
    ANNUAL_DRY = "每年1次"
    QUARTERLY = "每季度1次"
    ODD_MONTHS = "逢单月1次"
    MONTHLY = "每月1次"

    @property
    def per_year(self) -> int:
        return {"丰枯各1次": 2, "每年1次": 1, "每季度1次": 4, "逢单月1次": 6, "每月1次": 12}[
            self.value
        ]


class WellCategory(StrEnum):
    MINE = "矿井"
    BOREHOLE = "钻井"
    WATER_WELL = "取水井"


#: 井别 of each 类别 (codes as in the Henan-style register; standards-notes §4.1, grade M).
WELL_SUBTYPES: dict[WellCategory, tuple[str, ...]] = {
    WellCategory.MINE: ("竖井", "斜井", "平硐", "其他"),
    WellCategory.BOREHOLE: (
        "石油井",
        "天然气井",
        "瓦斯抽采与排放井",
        "地热井",
        "卤水井",
        "普通地质钻孔",
        "水文孔",
        "其他",
    ),
    WellCategory.WATER_WELL: (
        "供水井",
        "地下水监测井",
        "水文地质勘探井",
        "疏降水井",
        "农田灌溉井",
        "其他",
    ),
}


class WellStatus(StrEnum):
    """Lifecycle of an abandoned well (封井回填)."""

    REGISTERED = "已排查登记"
    ASSESSED = "已核查评估"
    PLANNED = "方案编制"
    IN_WORKS = "施工中"
    SEALED = "已封井待验收"
    ACCEPTED = "已验收销号"
    DEFERRED = "暂缓"


class PlanType(StrEnum):
    """一井一策 plan type."""

    SEAL_BACKFILL = "封填"
    PLUG_REPAIR = "封堵治理"
    KEEP_RESERVE = "封存备用"
    TO_MONITORING = "改作监测井"


class SourceScale(StrEnum):
    TOWN = "城镇级"
    THOUSAND_TONNE = "千吨万人"
    TOWNSHIP = "乡镇级"


class SourceType(StrEnum):
    POROUS = "孔隙"
    FRACTURED = "裂隙"
    KARST = "岩溶"
    RIVERSIDE = "傍河"
    SUBSURFACE_DAM = "截潜流"


class ZoneKind(StrEnum):
    FIRST = "一级保护区"
    SECOND = "二级保护区"
    QUASI = "准保护区"
    RECHARGE = "补给区"
    PROTECT = "保护类"
    CONTROL = "管控类"
    GENERAL = "一般区"


SOURCE_ZONE_KINDS = (ZoneKind.FIRST, ZoneKind.SECOND, ZoneKind.QUASI, ZoneKind.RECHARGE)
PREVENTION_ZONE_KINDS = (ZoneKind.PROTECT, ZoneKind.CONTROL, ZoneKind.GENERAL)


class LegalStatus(StrEnum):
    NOT_DELINEATED = "未划定"
    PRELIMINARY = "初步划定"
    APPROVED = "已批复"


class PollutionCategory(StrEnum):
    CHEMICAL_PLANT = "化学品生产企业"
    TAILINGS_POND = "尾矿库"
    HAZARDOUS_WASTE = "危险废物处置场"
    LANDFILL = "垃圾填埋场"
    INDUSTRIAL_CLUSTER = "工业集聚区"
    MINING_AREA = "矿山开采区"
    FUEL_STATION = "加油站"
    OTHER = "其他"

    @property
    def group(self) -> str:
        """一企一库 / 两场两区 / 加油站 / 其他."""
        return {
            "化学品生产企业": "一企一库",
            "尾矿库": "一企一库",
            "危险废物处置场": "两场两区",
            "垃圾填埋场": "两场两区",
            "工业集聚区": "两场两区",
            "矿山开采区": "两场两区",
            "加油站": "加油站",
        }.get(self.value, "其他")


class WorkStatus(StrEnum):
    """Status of a survey or an anti-seepage retrofit."""

    NOT_STARTED = "未开展"
    IN_PROGRESS = "开展中"
    DONE = "已完成"


# ---------------------------------------------------------------------------------------------
# Validation helpers


def _enum(cls: type[StrEnum], name: str, value: object) -> Any:
    if isinstance(value, cls):
        return value
    try:
        return cls(str(value).strip())
    except ValueError:
        raise ValidationError(name, value, "、".join(m.value for m in cls)) from None


def _opt_float(
    name: str, value: object, lo: float = -math.inf, hi: float = math.inf
) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(name, value, "数值") from None
    if math.isnan(x):
        return None
    if not lo <= x <= hi:
        raise ValidationError(name, value, f"{lo} 到 {hi} 之间的数值")
    return x


def _opt_date(name: str, value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(name, value, "日期 YYYY-MM-DD") from None


def _text(name: str, value: object, required: bool = False) -> str:
    s = "" if value is None else str(value).strip()
    if required and not s:
        raise ValidationError(name, value, "非空文本")
    return s


def _check_lonlat(lon: float | None, lat: float | None) -> None:
    if lon is None or lat is None:
        return
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise ValidationError("经度", lon, f"{LON_RANGE[0]}–{LON_RANGE[1]} 之间的十进制度")
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise ValidationError("纬度", lat, f"{LAT_RANGE[0]}–{LAT_RANGE[1]} 之间的十进制度")


# ---------------------------------------------------------------------------------------------
# Monitoring


@dataclass(frozen=True)
class MonitoringPoint:
    """监测点位."""

    code: str
    name: str
    category: PointCategory
    township: str
    lon: float
    lat: float
    aquifer: AquiferMedium
    burial: Burial
    target_class: QualityClass
    frequency: FrequencyRule
    depth_m: float | None = None
    screen_top_m: float | None = None
    screen_bottom_m: float | None = None
    owner: str = ""
    status: PointStatus = PointStatus.ACTIVE
    source_code: str = ""  # drinking source it watches, if any
    pollution_source_code: str = ""  # pollution source it watches, if any
    crs: str = COORD_CRS

    def __post_init__(self) -> None:
        _text("点位编码", self.code, required=True)
        _check_lonlat(self.lon, self.lat)
        if (
            self.screen_top_m is not None
            and self.screen_bottom_m is not None
            and self.screen_top_m > self.screen_bottom_m
        ):
            raise ValidationError("筛管上端埋深(m)", self.screen_top_m, "不大于筛管下端埋深")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        lon = _opt_float("经度", row.get("lon"))
        lat = _opt_float("纬度", row.get("lat"))
        if lon is None or lat is None:
            raise ValidationError("经度/纬度", (row.get("lon"), row.get("lat")), "十进制度坐标")
        return cls(
            code=_text("点位编码", row.get("code"), required=True),
            name=_text("点位名称", row.get("name")),
            category=_enum(PointCategory, "点位类别", row.get("category")),
            township=_text("乡镇", row.get("township")),
            lon=lon,
            lat=lat,
            aquifer=_enum(AquiferMedium, "含水介质", row.get("aquifer")),
            burial=_enum(Burial, "埋藏条件", row.get("burial")),
            target_class=QualityClass.parse(row.get("target_class", 3)),
            frequency=_enum(FrequencyRule, "监测频次", row.get("frequency", "丰枯各1次")),
            depth_m=_opt_float("井深(m)", row.get("depth_m"), 0, 5000),
            screen_top_m=_opt_float("筛管上端埋深(m)", row.get("screen_top_m"), 0, 5000),
            screen_bottom_m=_opt_float("筛管下端埋深(m)", row.get("screen_bottom_m"), 0, 5000),
            owner=_text("权属单位", row.get("owner")),
            status=_enum(PointStatus, "状态", row.get("status") or "在用"),
            source_code=_text("水源地编码", row.get("source_code")),
            pollution_source_code=_text("污染源编码", row.get("pollution_source_code")),
        )


@dataclass(frozen=True)
class Measurement:
    """One indicator's result in a sample, in the standard's unit."""

    indicator_code: str
    value: float | None
    unit: str
    qualifier: str = ""  # "<" non-detect (value = detection limit), ">" above range
    detection_limit: float | None = None
    quality_class: QualityClass | None = None
    censored: bool = False


@dataclass(frozen=True)
class Sample:
    """采样: a point on a date, with its comprehensive class once graded."""

    point_code: str
    date: dt.date
    period: Period | None = None
    lab: str = ""
    water_level_m: float | None = None
    quality_class: QualityClass | None = None
    limiting: tuple[str, ...] = ()
    measurements: tuple[Measurement, ...] = field(default=(), repr=False)


# ---------------------------------------------------------------------------------------------
# Abandoned wells


@dataclass(frozen=True)
class AbandonedWell:
    """报废矿井、钻井、取水井 in the 封井回填 ledger."""

    code: str
    category: WellCategory
    subtype: str
    township: str
    village: str
    lon: float | None
    lat: float | None
    status: WellStatus
    owner: str = ""
    owner_known: bool = True
    phone: str = ""
    depth_m: float | None = None
    abandon_reason: str = ""
    abandon_date: dt.date | None = None
    survey_date: dt.date | None = None
    plan_type: PlanType | None = None
    responsible_party: str = ""  # 责任主体
    lead_department: str = ""  # 牵头部门
    planned_completion: dt.date | None = None
    actual_completion: dt.date | None = None
    deferral_reason: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _text("井编码", self.code, required=True)
        _check_lonlat(self.lon, self.lat)
        if self.subtype and self.subtype not in WELL_SUBTYPES[self.category]:
            raise ValidationError(
                "井别",
                self.subtype,
                f"{self.category.value}的井别之一：" + "、".join(WELL_SUBTYPES[self.category]),
            )
        if self.status is WellStatus.DEFERRED and not self.deferral_reason:
            raise ValidationError("暂缓原因", "", "暂缓时必须说明原因")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        category = _enum(WellCategory, "井类别", row.get("category"))
        plan = row.get("plan_type")
        return cls(
            code=_text("井编码", row.get("code"), required=True),
            category=category,
            subtype=_text("井别", row.get("subtype")),
            township=_text("乡镇", row.get("township")),
            village=_text("村", row.get("village")),
            lon=_opt_float("经度", row.get("lon")),
            lat=_opt_float("纬度", row.get("lat")),
            status=_enum(WellStatus, "状态", row.get("status")),
            owner=_text("所有权人", row.get("owner")),
            owner_known=bool(row.get("owner_known", True)),
            phone=_text("联系电话", row.get("phone")),
            depth_m=_opt_float("井深(m)", row.get("depth_m"), 0, 10000),
            abandon_reason=_text("废弃原因", row.get("abandon_reason")),
            abandon_date=_opt_date("废弃时间", row.get("abandon_date")),
            survey_date=_opt_date("排查日期", row.get("survey_date")),
            plan_type=_enum(PlanType, "处置方式", plan) if plan else None,
            responsible_party=_text("责任主体", row.get("responsible_party")),
            lead_department=_text("牵头部门", row.get("lead_department")),
            planned_completion=_opt_date("计划完成日期", row.get("planned_completion")),
            actual_completion=_opt_date("实际完成日期", row.get("actual_completion")),
            deferral_reason=_text("暂缓原因", row.get("deferral_reason")),
            note=_text("备注", row.get("note")),
        )


# ---------------------------------------------------------------------------------------------
# Drinking sources, zones, pollution sources


@dataclass(frozen=True)
class DrinkingSource:
    """地下水型饮用水水源."""

    code: str
    name: str
    scale: SourceScale
    source_type: SourceType
    township: str
    lon: float
    lat: float
    population: int
    capacity_t_d: float
    zones_status: LegalStatus = LegalStatus.NOT_DELINEATED
    recharge_status: LegalStatus = LegalStatus.NOT_DELINEATED
    exceedance_cause: str = ""  # 地质背景 / 人为因素 / ""
    remediation_status: str = ""
    # 规范化建设: 标志设置, 隔离防护, 环境问题整治
    signage: WorkStatus = WorkStatus.NOT_STARTED
    fencing: WorkStatus = WorkStatus.NOT_STARTED
    rectification: WorkStatus = WorkStatus.NOT_STARTED

    def __post_init__(self) -> None:
        _text("水源编码", self.code, required=True)
        _check_lonlat(self.lon, self.lat)
        if self.population < 0 or self.capacity_t_d < 0:
            raise ValidationError("服务人口/取水量", (self.population, self.capacity_t_d), "非负数")


@dataclass(frozen=True)
class Zone:
    """A delineated area: source protection zone, 补给区, or prevention key zone.

    ``geometry`` is GeoJSON (Polygon or MultiPolygon) in lon/lat, CRS ``crs``.
    """

    code: str
    name: str
    kind: ZoneKind
    geometry: Mapping[str, Any]
    legal_status: LegalStatus = LegalStatus.PRELIMINARY
    source_code: str = ""
    basis: str = ""  # 划定依据 / 批复文件
    requirements: str = ""  # 管理要求
    crs: str = COORD_CRS

    def __post_init__(self) -> None:
        if self.geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValidationError("几何", self.geometry.get("type"), "Polygon 或 MultiPolygon")


@dataclass(frozen=True)
class PollutionSource:
    """地下水污染源 (一企一库、两场两区、加油站 …)."""

    code: str
    name: str
    category: PollutionCategory
    township: str
    lon: float
    lat: float
    key_discharger: bool = False  # 地下水污染防治重点排污单位名录
    networked: bool = False  # 自动监测设备联网
    seepage_status: WorkStatus = WorkStatus.NOT_STARTED  # 防渗改造
    survey_status: WorkStatus = WorkStatus.NOT_STARTED  # 地下水环境状况调查评估
    risk_control: str = ""
    monitoring_wells: int = 0

    def __post_init__(self) -> None:
        _text("污染源编码", self.code, required=True)
        _check_lonlat(self.lon, self.lat)


# ---------------------------------------------------------------------------------------------
# Action plans


@dataclass(frozen=True)
class PlanTask:
    number: int
    section: str
    title: str
    text: str
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()  # ISO dates where resolvable, else the original words


@dataclass(frozen=True)
class ActionPlan:
    year: int
    region: str
    title: str
    goals: str = ""
    tasks: tuple[PlanTask, ...] = ()

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100:
            raise ValidationError("年度", self.year, "2000–2100 之间的年份")
