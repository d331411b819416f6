"""项目储备库 records: a project with its type, 入库状态, year, funds (万元) and dates, and the
wells, sources, zones or pollution sources it works on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ProjectType(StrEnum):
    SURVEY = "调查评估"
    RISK_CONTROL = "风险管控"
    REMEDIATION = "修复"
    SEALING = "封井回填"
    MONITORING = "监测能力建设"
    SEEPAGE = "防渗改造"
    OTHER = "其他"


class ReserveStatus(StrEnum):
    """入库状态, in the order a project moves through them."""

    PLANNING = "谋划"
    APPLIED = "申报"
    CENTRAL = "已入中央库"
    PROVINCIAL = "已入省库"
    FUNDED = "已下达资金"
    UNDERWAY = "实施中"
    FINISHED = "已完工"
    ACCEPTED = "已验收"


#: Statuses of a project that has started work (开工).
STARTED = (ReserveStatus.UNDERWAY.value, ReserveStatus.FINISHED.value,
           ReserveStatus.ACCEPTED.value)  # fmt: skip
#: Statuses at which funds have been allocated (下达).
FUNDED_OR_LATER = (ReserveStatus.FUNDED.value, *STARTED)


@dataclass(frozen=True)
class Project:
    code: str
    name: str
    kind: ProjectType
    township: str
    status: ReserveStatus
    year: int  # 入库年度
    total_wan: float  # 总投资（万元）
    central_wan: float = 0.0
    provincial_wan: float = 0.0
    local_wan: float = 0.0  # 市县
    allocated_wan: float = 0.0  # 下达资金
    spent_wan: float = 0.0  # 已支出
    start_date: dt.date | None = None
    finish_date: dt.date | None = None
    wells: str = ""  # linked codes, 、-separated
    sources: str = ""
    pollution_sources: str = ""
    note: str = ""
