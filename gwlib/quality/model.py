"""Monitoring points (监测点位), samples (采样) and measurements (监测值).

Frozen dataclasses validated on construction; enumerations whose values are the official Chinese
terms (the identifier is an English gloss). Build them with ``from_row`` at the boundary, never
``Model(**row)``: storage columns and Chinese headers stay out of the domain. Field lists follow the
agency forms listed in ``docs/sources.md`` (Field lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from gwlib.errors import ValidationError
from gwlib.fields import COORD_CRS, check_lonlat, enum_field, opt_date, opt_float, text_field
from gwlib.quality.classes import QualityClass


class PointCategory(StrEnum):
    """点位类别: the monitoring network a point belongs to (who runs it, whom it reports to)."""

    NGMP = "国家地下水监测工程"
    NATIONAL = "国考"
    PROVINCIAL = "省控"
    CITY = "市控"
    COUNTY = "县控"
    SELF_MONITORING = "自行监测"
    SURVEY_NEW = "调查评估新建井"
    OTHER = "其他"


class PointPurpose(StrEnum):
    """监测用途: what the point watches — the plans set their targets by it (区域 points not worse
    than Ⅴ, 饮用水源 points at or better than Ⅲ, 污染风险监控 points not worse than Ⅴ)."""

    REGIONAL = "区域"
    DRINKING = "饮用水源"
    POLLUTION_RISK = "污染风险监控"
    IRRIGATION = "农田灌溉"
    RECHARGE = "回灌"
    GEOTHERMAL_TAIL = "地热尾水"

    @property
    def ambient(self) -> bool:
        """Whether the point's samples are the aquifer's own water. 回灌 and 地热尾水 points
        sample the water put into the ground: it is judged against its requirement
        (:mod:`gwlib.quality.requirements`) and never counted in the groundwater's quality
        figures (annual classes, class shares, targets)."""
        return self not in (PointPurpose.RECHARGE, PointPurpose.GEOTHERMAL_TAIL)


#: 监测用途 whose samples are not the aquifer's own water (see :attr:`PointPurpose.ambient`).
NOT_AMBIENT = tuple(p.value for p in PointPurpose if not p.ambient)


#: 目标类别 when the register leaves it blank: 饮用水源 points Ⅲ (GB/T 14848 Ⅲ is the
#: drinking-water class); 污染风险监控 points Ⅴ and 国家/国考 区域 points Ⅴ (the plans' "not worse
#: than Ⅴ"); other points Ⅳ. A province's issued 考核目标 replaces this, point by point.
def default_target(category: PointCategory, purpose: PointPurpose) -> QualityClass:
    if purpose is PointPurpose.DRINKING:
        return QualityClass.III
    if purpose is PointPurpose.POLLUTION_RISK or category in (
        PointCategory.NGMP,
        PointCategory.NATIONAL,
    ):
        return QualityClass.V
    return QualityClass.IV


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

    @property
    def periods(self) -> tuple[str, ...]:
        """The 水期 the rule asks a sample in (丰枯各1次: 丰水期 and 枯水期; 每年1次: 枯水期, as its
        name in the plans, 枯水期每年1次); empty for the rules counted by calendar month."""
        return {"丰枯各1次": ("丰水期", "枯水期"), "每年1次": ("枯水期",)}.get(self.value, ())

    @property
    def months(self) -> tuple[int, ...]:
        """Calendar months that count for a calendar rule (逢单月: the odd months)."""
        return {"逢单月1次": (1, 3, 5, 7, 9, 11)}.get(self.value, tuple(range(1, 13)))

    def slot(self, month: int, period: str) -> str | None:
        """Which of the year's expected samples a sample of ``month`` and ``period`` counts as,
        or None when it counts for none (a 丰水期 sample for a 枯水期 rule, an even month for
        逢单月). A sample with no 水期 recorded counts for the first seasonal slot still open
        (see :func:`gwlib.quality.annual.completeness`)."""
        if self.periods:
            if not period:
                return ""
            return period if period in self.periods else None
        if month not in self.months:
            return None
        if self is FrequencyRule.QUARTERLY:
            return f"Q{(month - 1) // 3 + 1}"
        return f"M{month:02d}"


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
    purpose: PointPurpose = PointPurpose.REGIONAL
    note: str = ""
    established: dt.date | None = None  # 建井日期: samples before it are suspicious
    # The coordinates as the register gave them (projected X/Y and its 坐标系), kept for checking.
    input_x: float | None = None
    input_y: float | None = None
    input_crs: str = ""
    # 最近报备日期: when the point's operator last reported (报备) its recharge or tail-water
    # monitoring; the requirement of its 监测用途 says how often (gwlib.quality.requirements).
    filed_on: dt.date | None = None

    def __post_init__(self) -> None:
        text_field("点位编码", self.code, required=True)
        check_lonlat(self.lon, self.lat)
        if (
            self.screen_top_m is not None
            and self.screen_bottom_m is not None
            and self.screen_top_m > self.screen_bottom_m
        ):
            raise ValidationError("筛管上端埋深(m)", self.screen_top_m, "不大于筛管下端埋深")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        lon = opt_float("经度", row.get("lon"))
        lat = opt_float("纬度", row.get("lat"))
        if lon is None or lat is None:
            raise ValidationError("经度/纬度", (row.get("lon"), row.get("lat")), "十进制度坐标")
        category = enum_field(PointCategory, "点位类别", row.get("category"))
        purpose = enum_field(PointPurpose, "监测用途", row.get("purpose") or "区域")
        target = row.get("target_class")
        return cls(
            code=text_field("点位编码", row.get("code"), required=True),
            name=text_field("点位名称", row.get("name")),
            category=category,
            purpose=purpose,
            township=text_field("乡镇", row.get("township")),
            lon=lon,
            lat=lat,
            aquifer=enum_field(AquiferMedium, "含水介质", row.get("aquifer")),
            burial=enum_field(Burial, "埋藏条件", row.get("burial")),
            target_class=(
                QualityClass.parse(target)
                if target not in (None, "") and target == target
                else default_target(category, purpose)
            ),
            frequency=enum_field(FrequencyRule, "监测频次", row.get("frequency", "丰枯各1次")),
            depth_m=opt_float("井深(m)", row.get("depth_m"), 0, 5000),
            screen_top_m=opt_float("筛管上端埋深(m)", row.get("screen_top_m"), 0, 5000),
            screen_bottom_m=opt_float("筛管下端埋深(m)", row.get("screen_bottom_m"), 0, 5000),
            owner=text_field("权属单位", row.get("owner")),
            status=enum_field(PointStatus, "状态", row.get("status") or "在用"),
            source_code=text_field("水源地编码", row.get("source_code")),
            pollution_source_code=text_field("污染源编码", row.get("pollution_source_code")),
            note=text_field("备注", row.get("note")),
            established=opt_date("建井日期", row.get("established")),
            input_x=opt_float("X坐标", row.get("input_x")),
            input_y=opt_float("Y坐标", row.get("input_y")),
            input_crs=text_field("坐标系", row.get("input_crs")),
            filed_on=opt_date("最近报备日期", row.get("filed_on")),
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
