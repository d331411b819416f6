"""Demo 项目储备库: three dozen groundwater projects of 2021–2025 (模拟数据), each a row of the
register's own template, so the demo loads them through the import every county uses.

The projects follow the plans' asks: 封井回填 batches that name
the ledger's wells (sealed ones once work started), 防渗改造
of 加油站 and 调查评估 of 一企一库/两场两区 sites that name their pollution source, 监测能力建设 and
source-protection work; a project's funds, dates and 入库状态 agree with one another (no spending
before funds are allocated, no 完工日期 before work is finished, nothing after the demo's "today").
Quarterly progress entries go with the projects that have started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.demo.base import AS_OF
from gwlib.plans.rounds import RoundCode
from gwlib.projects.model import FUNDED_OR_LATER, STARTED, ProjectType, ReserveStatus
from gwlib.projects.register import COLUMNS
from gwlib.sources.model import DrinkingSource, PollutionCategory, PollutionSource
from gwlib.wells.lifecycle import SEALED_STAGES
from gwlib.wells.model import AbandonedWell

N_PROJECTS = 36
FIRST_YEAR = 2021
SEALING_FROM = 2023
NOTE = "模拟数据"
#: Share of 总投资 from each fund (中央, 省级, 市县) by the status it reached.
CENTRAL_SHARE = (0.6, 0.25, 0.15)
PROVINCIAL_SHARE = (0.0, 0.6, 0.4)
LOCAL_SHARE = (0.0, 0.0, 1.0)
#: 已支出 as a share of 下达资金, by status.
SPENT = {ReserveStatus.FUNDED: (0.0, 0.15), ReserveStatus.UNDERWAY: (0.25, 0.85),
         ReserveStatus.FINISHED: (0.85, 0.98), ReserveStatus.ACCEPTED: (1.0, 1.0)}  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """One quarterly progress entry of a demo project."""

    code: str
    quarter: str  # 2025Q3
    text: str
    spent_wan: float
    recorded_at: dt.datetime


def _status(rng: np.random.Generator, year: int) -> ReserveStatus:
    """Older projects have moved further along."""
    age = AS_OF.year - year
    order = list(ReserveStatus)
    weights = np.array([max(0.2, 1.0 - abs(k - (1 + 1.6 * age))) for k in range(len(order))])
    return order[int(rng.choice(len(order), p=weights / weights.sum()))]


def _day(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=int(rng.integers((end - start).days + 1)))


def _round(x: float) -> float:
    return float(round(x, 1))


def _subjects(
    wells: Sequence[AbandonedWell], pollution: Sequence[PollutionSource],
    sources: Sequence[DrinkingSource], townships: Sequence[str],
) -> list[tuple[ProjectType, str, str, dict[str, str]]]:
    """(type, 乡镇, 项目名称, links) of each demo project, before its status and funds."""
    out: list[tuple[ProjectType, str, str, dict[str, str]]] = []
    # 封井回填 batches: the townships with most wells on the ledger; the wells are named once
    # the project's status is known (sealed wells for one at work, open ones for one planned).
    counts: dict[str, int] = {}
    for w in wells:
        counts[w.township] = counts.get(w.township, 0) + 1
    for town in sorted(counts, key=lambda t: (-counts[t], t))[:10]:
        out.append((ProjectType.SEALING, town, f"{town}报废机井封井回填工程", {}))
    fuel = [p for p in pollution if p.category == PollutionCategory.FUEL_STATION]
    for p in fuel[:8]:
        out.append((ProjectType.SEEPAGE, p.township, f"{p.name}地下油罐防渗改造",
                    {"pollution_sources": p.code}))  # fmt: skip
    sites = [p for p in pollution if p.category.group in ("一企一库", "两场两区")]
    for p in sites[:7]:
        out.append((ProjectType.SURVEY, p.township, f"{p.name}地下水环境状况调查评估",
                    {"pollution_sources": p.code}))  # fmt: skip
    for p in sites[7:10]:
        out.append((ProjectType.RISK_CONTROL, p.township, f"{p.name}地下水污染风险管控",
                    {"pollution_sources": p.code}))  # fmt: skip
    for s in sources[:3]:
        out.append((ProjectType.OTHER, s.township, f"{s.name}保护区规范化建设",
                    {"sources": s.code}))  # fmt: skip
    towns = list(townships)
    out.append((ProjectType.MONITORING, towns[0], "县域地下水环境监测井建设（一期）", {}))
    out.append((ProjectType.MONITORING, towns[0], "县域地下水环境监测井建设（二期）", {}))
    out.append((ProjectType.MONITORING, towns[0], "地下水型饮用水水源地水质自动监测站建设", {}))
    if sites:
        p = sites[0]
        out.append((ProjectType.REMEDIATION, p.township, f"{p.name}周边地下水污染修复试点",
                    {"pollution_sources": p.code}))  # fmt: skip
    return out[:N_PROJECTS]


def demo_projects(
    rng: np.random.Generator, wells: Sequence[AbandonedWell],
    pollution: Sequence[PollutionSource], sources: Sequence[DrinkingSource],
    townships: Sequence[str],
) -> tuple[pd.DataFrame, list[Progress]]:
    """The register (the template's headers) and the quarterly progress entries."""
    rows: list[dict[str, object]] = []
    progress: list[Progress] = []
    for n, (kind, town, name, links) in enumerate(_subjects(wells, pollution, sources, townships)):
        # The ledger was drawn up in 2023 (plan task 8): sealing projects start from then.
        first_year = SEALING_FROM if kind == ProjectType.SEALING else FIRST_YEAR
        year = int(rng.integers(first_year, AS_OF.year + 1))
        status = _status(rng, year)
        if kind == ProjectType.SEALING:
            at_work = status.value in STARTED
            mine = sorted((w for w in wells if w.township == town
                           and (w.status in SEALED_STAGES) == at_work), key=lambda w: w.code)
            links = {"wells": "、".join(w.code for w in mine[:8])}
        scale = {ProjectType.SEALING: (40, 260), ProjectType.SEEPAGE: (30, 120),
                 ProjectType.SURVEY: (40, 180), ProjectType.RISK_CONTROL: (200, 900),
                 ProjectType.REMEDIATION: (600, 1800), ProjectType.MONITORING: (150, 700),
                 ProjectType.OTHER: (60, 300)}[kind]  # fmt: skip
        total = _round(rng.uniform(*scale))
        into_central = status not in (ReserveStatus.PLANNING, ReserveStatus.APPLIED,
                                      ReserveStatus.PROVINCIAL) and rng.random() < 0.55
        if status == ReserveStatus.CENTRAL:
            into_central = True
        shares = (CENTRAL_SHARE if into_central else
                  PROVINCIAL_SHARE if status != ReserveStatus.PLANNING else LOCAL_SHARE)
        central, provincial = _round(total * shares[0]), _round(total * shares[1])
        local = _round(total - central - provincial)
        funded = status.value in FUNDED_OR_LATER
        allocated = _round(total * rng.uniform(0.6, 1.0)) if funded else 0.0
        lo, hi = SPENT.get(status, (0.0, 0.0))
        spent = _round(allocated * rng.uniform(lo, hi))
        first = max(dt.date(year, 3, 1), dt.date(FIRST_YEAR, 3, 1))
        start = finish = None
        if status.value in STARTED:
            start = _day(rng, first, min(dt.date(year + 1, 6, 30), AS_OF - dt.timedelta(days=120)))
        if status in (ReserveStatus.FINISHED, ReserveStatus.ACCEPTED):
            assert start is not None
            finish = _day(rng, start + dt.timedelta(days=90), AS_OF - dt.timedelta(days=20))
        code = f"JX-XM-{year}-{n + 1:03d}"
        rows.append({"code": code, "name": name, "kind": kind.value, "township": town,
                     "status": status.value, "year": year, "total_wan": total,
                     "central_wan": central, "provincial_wan": provincial, "local_wan": local,
                     "allocated_wan": allocated, "spent_wan": spent, "start_date": start,
                     "finish_date": finish, "wells": links.get("wells", ""),
                     "sources": links.get("sources", ""),
                     "pollution_sources": links.get("pollution_sources", ""),
                     "note": NOTE})  # fmt: skip
        if start is not None:
            progress += _progress(code, kind, start, finish, spent)
    frame = pd.DataFrame(rows)
    sealing = frame[frame["kind"] == ProjectType.SEALING.value].sort_values(["year", "code"])
    for k, i in enumerate(sealing.index, 1):  # 第N批 in the order the batches entered the reserve
        frame.loc[i, "name"] = f"{frame.loc[i, 'name']}（第{k}批）"
    return frame.rename(columns={f: h for h, f, _ in COLUMNS})[[h for h, _, _ in COLUMNS]], progress


#: The three stages a project's quarterly entries report, by type.
STEPS = {
    ProjectType.SEALING: ("完成井位复核与封井方案审查", "完成封井回填施工",
                          "完成封井效果检查，整理验收资料"),
    ProjectType.SEEPAGE: ("完成双层罐/防渗池设计", "完成油罐更换与防渗池施工",
                          "完成渗漏检测并投入使用"),
    ProjectType.SURVEY: ("完成资料收集与现场踏勘", "完成监测井建设与采样检测",
                         "完成调查评估报告编制"),
    ProjectType.RISK_CONTROL: ("完成风险管控方案", "完成阻隔与监测设施建设",
                               "开展管控效果监测"),
    ProjectType.REMEDIATION: ("完成修复方案论证", "开展修复工程施工", "开展修复效果评估"),
    ProjectType.MONITORING: ("完成站点选址与招标", "完成监测井施工与设备安装", "完成联网调试"),
    ProjectType.OTHER: ("完成界标与警示牌设计", "完成隔离防护设施建设", "完成标志设置与验收"),
}  # fmt: skip


def _progress(code: str, kind: ProjectType, start: dt.date, finish: dt.date | None,
              spent: float) -> list[Progress]:
    """One entry for each of the last (at most four) quarters the project was at work, with
    cumulative spending rising to its 已支出."""
    end = finish or AS_OF
    q = RoundCode(start.year, (start.month - 1) // 3 + 1)
    quarters = []
    while q.start <= end:
        quarters.append(q)
        q = q.next()
    quarters = quarters[-4:]
    steps = STEPS[kind] if finish else STEPS[kind][:-1]  # at work: not yet the last stage
    out = []
    for k, q in enumerate(quarters, 1):
        step = steps[min(len(steps) - 1, (k - 1) * len(steps) // len(quarters))]
        done = q.end
        out.append(Progress(code, q.code, f"{step}（模拟数据）", _round(spent * k / len(quarters)),
                            dt.datetime.combine(min(done + dt.timedelta(days=9), AS_OF),
                                                dt.time(9, 0))))  # fmt: skip
    return out
