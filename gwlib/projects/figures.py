"""项目储备库 figures, as the plans set their targets.

- 资金执行率 = 已支出 / 下达资金 × 100 %, per project, per fund source (中央 / 省 / 市县: each
  source's share of a project's allocation is its share of the project's 中央+省+市县 funds, and
  so is its share of the spending) and overall (sums). A project with no allocation (下达资金 0)
  has no rate — it is not counted as 0 %.
- 开工率 = projects started (入库状态 实施中 / 已完工 / 已验收, or a 开工日期 on or before the
  as-of date) / projects that should have started (funds allocated: 已下达资金 or later) × 100 %.
- 入中央库 per year: projects of each 入库年度 whose 入库状态 is 已入中央库, or which hold central
  funds (a project funded through the central reserve keeps counting after it moves on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.projects.model import FUNDED_OR_LATER, STARTED, ReserveStatus

SOURCES = {"central_wan": "中央", "provincial_wan": "省", "local_wan": "市县"}


def execution_rate(spent: float, allocated: float) -> float | None:
    return None if not allocated else spent / allocated * 100


@dataclass(frozen=True)
class ReserveFigures:
    projects: int
    total_wan: float
    allocated_wan: float
    spent_wan: float
    execution: float | None  # 资金执行率 overall (%)
    execution_by_source: dict[str, float | None]
    started: int
    should_start: int
    start_rate: float | None  # 开工率 (%)
    central_by_year: dict[int, int]


def project_rates(projects: pd.DataFrame) -> pd.Series:
    """资金执行率 (%) per project; NaN where nothing was allocated."""
    alloc = projects["allocated_wan"].astype(float)
    return (projects["spent_wan"].astype(float) / alloc.where(alloc > 0) * 100).round(1)


def reserve_figures(projects: pd.DataFrame, as_of: dt.date) -> ReserveFigures:
    p = projects
    alloc, spent = float(p["allocated_wan"].sum()), float(p["spent_wan"].sum())
    funds = p[list(SOURCES)].astype(float)
    own = funds.sum(axis=1).replace(0, np.nan)
    by_source: dict[str, float | None] = {}
    for col, label in SOURCES.items():
        share = (funds[col] / own).fillna(0)
        a, s = float((p["allocated_wan"] * share).sum()), float((p["spent_wan"] * share).sum())
        by_source[label] = execution_rate(s, a)
    should = p[p["status"].isin(FUNDED_OR_LATER)]
    start = pd.to_datetime(should["start_date"], errors="coerce")
    started = should["status"].isin(STARTED) | (start <= pd.Timestamp(as_of))
    central = p[(p["status"] == ReserveStatus.CENTRAL.value) | (p["central_wan"] > 0)]
    return ReserveFigures(
        projects=len(p),
        total_wan=float(p["total_wan"].sum()),
        allocated_wan=alloc,
        spent_wan=spent,
        execution=execution_rate(spent, alloc),
        execution_by_source=by_source,
        started=int(started.sum()),
        should_start=len(should),
        start_rate=None if should.empty else float(started.sum()) / len(should) * 100,
        central_by_year={int(y): int(n) for y, n in zip(*np.unique(
            central["year"].astype(int).to_numpy(), return_counts=True), strict=True)},
    )
