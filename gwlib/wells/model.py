"""Abandoned wells (报废矿井、钻井、取水井) in the 封井回填 ledger: category, 井别,
lifecycle status, 一井一策 plan type, and the well record itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from gwlib.errors import ValidationError
from gwlib.fields import check_lonlat, enum_field, opt_date, opt_float, text_field


class WellCategory(StrEnum):
    MINE = "矿井"
    BOREHOLE = "钻井"
    WATER_WELL = "取水井"


#: 井别 of each 类别 (as on the provincial registration forms; docs/sources.md, Field lists).
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
        text_field("井编码", self.code, required=True)
        check_lonlat(self.lon, self.lat)
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
        category = enum_field(WellCategory, "井类别", row.get("category"))
        plan = row.get("plan_type")
        return cls(
            code=text_field("井编码", row.get("code"), required=True),
            category=category,
            subtype=text_field("井别", row.get("subtype")),
            township=text_field("乡镇", row.get("township")),
            village=text_field("村", row.get("village")),
            lon=opt_float("经度", row.get("lon")),
            lat=opt_float("纬度", row.get("lat")),
            status=enum_field(WellStatus, "状态", row.get("status")),
            owner=text_field("所有权人", row.get("owner")),
            owner_known=bool(row.get("owner_known", True)),
            phone=text_field("联系电话", row.get("phone")),
            depth_m=opt_float("井深(m)", row.get("depth_m"), 0, 10000),
            abandon_reason=text_field("废弃原因", row.get("abandon_reason")),
            abandon_date=opt_date("废弃时间", row.get("abandon_date")),
            survey_date=opt_date("排查日期", row.get("survey_date")),
            plan_type=enum_field(PlanType, "处置方式", plan) if plan else None,
            responsible_party=text_field("责任主体", row.get("responsible_party")),
            lead_department=text_field("牵头部门", row.get("lead_department")),
            planned_completion=opt_date("计划完成日期", row.get("planned_completion")),
            actual_completion=opt_date("实际完成日期", row.get("actual_completion")),
            deferral_reason=text_field("暂缓原因", row.get("deferral_reason")),
            note=text_field("备注", row.get("note")),
        )
