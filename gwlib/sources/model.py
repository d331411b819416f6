"""Drinking-water sources (地下水型饮用水水源), delineated zones (保护区、补给区、防治分区) and
pollution sources (一企一库、两场两区、加油站 …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gwlib.errors import ValidationError
from gwlib.fields import COORD_CRS, check_lonlat, text_field


class SourceScale(StrEnum):
    TOWN = "城镇级"
    THOUSAND_TONNE = "千吨万人"
    TOWNSHIP = "乡镇级"


#: Sources large enough that the plan asks for their 补给区 to be delineated (城镇级 and 千吨万人).
LARGE_SCALES: tuple[str, ...] = (SourceScale.TOWN.value, SourceScale.THOUSAND_TONNE.value)


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
        text_field("水源编码", self.code, required=True)
        check_lonlat(self.lon, self.lat)
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
    approval_no: str = ""  # 批复文号
    approval_date: dt.date | None = None  # 批复日期

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
    permit_no: str = ""  # 排污许可证编号
    self_monitoring: bool = False  # 开展地下水自行监测
    inspections: int = 0  # 本年执法检查（次）
    violations: str = ""  # 违法线索（发现的问题、立案情况）

    def __post_init__(self) -> None:
        text_field("污染源编码", self.code, required=True)
        check_lonlat(self.lon, self.lat)
        if self.monitoring_wells < 0:
            raise ValidationError("监测井数", self.monitoring_wells, "非负整数")
