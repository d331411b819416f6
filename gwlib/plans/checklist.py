"""年度目标任务清单: every task of a plan with its progress, outlook and evidence.

A task measured by metrics (:mod:`gwlib.plans.metrics`) takes its progress from them (the mean % of
goal) and its outlook from the worst of them. Any other task takes the manual status an editor
set (:mod:`gwlib.store.tasks`): 已完成 → 100 %, 正常; otherwise 滞后 once the deadline has
passed, 有风险 when 未开展 past half the time, else 正常. A task's deadline is its first dated
deadline, or the end of the plan year (recurring ones like 每季度 run all year).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd

from gwlib.io.export import excel_bytes
from gwlib.plans.metrics import (
    AT_RISK,
    LAGGING,
    METRIC_BY_KEY,
    METRICS,
    ON_TRACK,
    OUTLOOKS,
    MetricData,
    MetricResult,
    bind,
    evaluate,
    stated_rate,
)
from gwlib.store.tasks import ManualStatus

COLUMNS = [
    "number",
    "section",
    "title",
    "lead",
    "cooperating",
    "deadline",
    "deadline_text",
    "source",
    "metrics",
    "progress",
    "outlook",
    "overdue",
    "manual_status",
    "evidence",
    "updated_by",
    "updated_at",
    "version",
    "text",
]


@dataclass(frozen=True)
class Checklist:
    year: int
    region: str
    plan_title: str
    as_of: dt.date
    tasks: pd.DataFrame  # one row per task, COLUMNS
    metrics: list[MetricResult]  # task metrics and goal metrics, evaluated once
    goals: list[MetricResult]

    def by_department(self) -> pd.DataFrame:
        return by_department(self.tasks)

    def counts(self) -> dict[str, int]:
        """The checklist's headline: tasks, done, and how many are at risk or behind."""
        t = self.tasks
        return {
            "任务": len(t),
            "已完成": int((t["progress"] >= 100).sum()),
            AT_RISK: int((t["outlook"] == AT_RISK).sum()),
            LAGGING: int((t["outlook"] == LAGGING).sum()),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _list(v: object) -> list[str]:
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    try:
        got = json.loads(str(v or "[]"))
    except json.JSONDecodeError:
        return [str(v)]
    return [str(x) for x in got] if isinstance(got, list) else [str(got)]


def task_deadline(deadlines: list[str], year: int) -> dt.date:
    for d in deadlines:
        try:
            return dt.date.fromisoformat(d)
        except ValueError:
            continue
    return dt.date(year, 12, 31)


def manual_outlook(status: str, deadline: dt.date, year: int, as_of: dt.date) -> str:
    if status == ManualStatus.DONE.value:
        return ON_TRACK
    if as_of > deadline:
        return LAGGING
    start = dt.date(year, 1, 1)
    half = start + (deadline - start) / 2
    return AT_RISK if status != ManualStatus.IN_PROGRESS.value and as_of > half else ON_TRACK


def build_checklist(
    plan_tasks: pd.DataFrame,
    statuses: pd.DataFrame,
    data: MetricData,
    as_of: dt.date,
    eval_year: int | None = None,
) -> Checklist:
    """The checklist of one plan (``plan_tasks`` = :meth:`Store.plan_tasks` of one plan).

    ``eval_year`` is the year whose monitoring results the quality metrics read (default the
    plan year). The plan's tasks are judged at ``min(as_of, the plan year's end)`` (each metric
    at its task's deadline if earlier): a 2023 plan's figures are those of 2023.
    """
    if plan_tasks.empty:
        return Checklist(0, "", "", as_of, pd.DataFrame(columns=COLUMNS), [], [])
    first = plan_tasks.iloc[0]
    year, region, title = int(first["year"]), str(first["region"]), str(first["plan_title"])
    q_year = eval_year or year
    goal_as_of, as_of = as_of, min(as_of, dt.date(year, 12, 31))
    saved = {(str(r["section"]), int(r["number"])): r for r in _records(statuses)}
    rows: list[dict[str, object]] = []
    results: list[MetricResult] = []
    for t in (SimpleNamespace(**r) for r in _records(plan_tasks)):
        deadlines = _list(t.deadlines)
        due = task_deadline(deadlines, year)
        keys = bind(str(t.title), str(t.text))
        found = [
            evaluate(k, data, q_year, goal_as_of)
            if METRIC_BY_KEY[k].goal_level
            else evaluate(k, data, year, as_of, due, stated_rate(str(t.text)))
            for k in keys
        ]
        results += found
        srow = saved.get((str(t.section), int(t.number)))
        manual = str(srow["status"]) if srow is not None else ""
        if found:
            progress: float = float(np.mean([r.pct for r in found]))
            look = max((r.outlook for r in found), key=OUTLOOKS.index)
        else:
            progress = 100.0 if manual == ManualStatus.DONE.value else float("nan")
            look = manual_outlook(manual, due, year, as_of)
        done = progress >= 100
        rows.append(
            {
                "number": int(t.number),
                "section": str(t.section),
                "title": str(t.title),
                "lead": "、".join(_list(t.lead)),
                "cooperating": "、".join(_list(t.cooperating)),
                "deadline": due,
                "deadline_text": "；".join(deadlines) or f"{year} 年内",
                "source": "数据指标" if found else "人工填报",
                "metrics": "；".join(r.describe() for r in found),
                "progress": progress,
                "outlook": look,
                "overdue": bool(as_of > due and not done),
                "manual_status": manual or ("" if found else ManualStatus.NOT_STARTED.value),
                "evidence": str(srow["evidence"]) if srow is not None else "",
                "updated_by": str(srow["updated_by"]) if srow is not None else "",
                "updated_at": srow["updated_at"] if srow is not None else None,
                "version": int(srow["version"]) if srow is not None else 0,
                "text": str(t.text),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    rank = frame["outlook"].map(OUTLOOKS.index)
    frame = (
        frame.assign(_o=~frame["overdue"], _r=-rank)
        .sort_values(["_o", "_r", "deadline", "number"], kind="stable")
        .drop(columns=["_o", "_r"])
        .reset_index(drop=True)
    )
    goals = [evaluate(m.key, data, q_year, goal_as_of) for m in METRICS if m.goal_level]
    return Checklist(year, region, title, as_of, frame, results, goals)


def by_department(tasks: pd.DataFrame) -> pd.DataFrame:
    """Per lead department: tasks led, done, and how many are 正常 / 有风险 / 滞后 (worst first)."""
    rows = []
    for t in (SimpleNamespace(**r) for r in _records(tasks)):
        for dept in [d for d in str(t.lead).split("、") if d] or ["（未识别）"]:
            rows.append(
                {"department": dept, "outlook": t.outlook, "done": float(t.progress) >= 100}
            )
    cols = ["department", "tasks", "done", ON_TRACK, AT_RISK, LAGGING]
    if not rows:
        return pd.DataFrame(columns=cols)
    f = pd.DataFrame(rows)
    out = f.groupby("department").agg(tasks=("outlook", "size"), done=("done", "sum"))
    counts = f.groupby(["department", "outlook"]).size().unstack(fill_value=0)
    out = out.join(counts.reindex(columns=list(OUTLOOKS), fill_value=0)).reset_index()
    return out.sort_values([LAGGING, AT_RISK, "department"], ascending=[False, False, True])[
        cols
    ].reset_index(drop=True)


EXCEL_HEADERS = {
    "number": "序号",
    "section": "所属部分",
    "title": "任务",
    "lead": "牵头单位",
    "cooperating": "配合单位",
    "deadline_text": "完成时限",
    "source": "进度来源",
    "metrics": "数据指标",
    "progress": "进度（%）",
    "outlook": "状态",
    "overdue": "是否逾期",
    "manual_status": "人工填报状态",
    "evidence": "佐证材料",
    "updated_by": "填报人",
    "text": "任务原文",
}


def to_excel(tasks: pd.DataFrame) -> bytes:
    """The checklist as an .xlsx workbook with Chinese headers (one sheet)."""
    out = tasks[list(EXCEL_HEADERS)].copy()
    out["progress"] = out["progress"].round(1)
    out["overdue"] = out["overdue"].map({True: "是", False: "否"})
    return excel_bytes({"任务清单": out.rename(columns=EXCEL_HEADERS)})


def filter_tasks(
    tasks: pd.DataFrame,
    sections: list[str] | None = None,
    leads: list[str] | None = None,
    outlooks: list[str] | None = None,
    overdue_only: bool = False,
) -> pd.DataFrame:
    """Rows of the checklist matching the filters (empty lists mean "all")."""
    keep = pd.Series(True, index=tasks.index)
    if sections:
        keep &= tasks["section"].isin(sections)
    if leads:
        keep &= tasks["lead"].map(lambda x: any(d in str(x).split("、") for d in leads))
    if outlooks:
        keep &= tasks["outlook"].isin(outlooks)
    if overdue_only:
        keep &= tasks["overdue"].astype(bool)
    return pd.DataFrame(tasks[keep])
