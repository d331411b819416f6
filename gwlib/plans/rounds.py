"""The 调度 → 通报 → 督办 cycle the plans run every quarter: rules on rounds (no I/O).

- A round is named by its plan year's quarter, ``2025Q4`` (also ``2025-Q4``, ``2025年第四季度``),
  and covers the tasks of that year's plan as they stood when it was opened (a snapshot).
- Its due date for the units' 填报 defaults to the fifth working day (Monday–Friday; public
  holidays are not known here, so a date can be given instead) after the quarter ends, as the
  plans write "每季度末的5个工作日内"; a plan that names fixed return dates (6月25日、12月25日) is
  served by giving those dates when opening the round.
- Every lead department of a task is expected to report on it; a task whose lead is 各乡镇人民政府
  (or which names townships) expects each township the county has.
- A task lags (预警) when its outlook is 滞后 or it is overdue and not done.
- Units are ranked by the share of their tasks reported, then the number lagging (fewer first),
  then the number done.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gwlib.errors import InputError

REPORT_STATUSES = ("未开展", "推进中", "已完成")
ACTION_KINDS = ("预警", "督办", "约谈", "通报批评")
TOWNSHIP_LEADS = ("各乡镇人民政府", "各乡镇", "乡镇人民政府")
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CODE = re.compile(r"^\s*(\d{4})\s*(?:-|年)?\s*(?:Q|q|第)\s*([1-4一二三四])\s*(?:季度)?\s*$")
SNAPSHOT_COLUMNS = ("number", "section", "title", "lead", "deadline", "progress", "outlook",
                    "overdue", "manual_status")  # fmt: skip


@dataclass(frozen=True)
class RoundCode:
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        n = self.next()
        return n.start - dt.timedelta(days=1)

    def next(self) -> RoundCode:
        last = self.quarter == 4
        return RoundCode(self.year + last, 1 if last else self.quarter + 1)


def parse_round(text: str) -> RoundCode:
    """``2025Q4``, ``2025-Q4``, ``2025年第四季度`` → RoundCode; InputError saying the form."""
    m = _CODE.match(str(text))
    if not m:
        raise InputError("调度轮次应写成「2025Q4」（年份 + Q + 季度 1–4）或「2025年第四季度」",
                         value=text)  # fmt: skip
    return RoundCode(int(m.group(1)), _CN_QUARTER[m.group(2)])


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th Monday–Friday after ``day``."""
    d = day
    while n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def default_due(code: RoundCode) -> dt.date:
    return working_days_after(code.end, 5)


def split_units(text: str) -> list[str]:
    return [u.strip() for u in re.split(r"[、，,；;\s]+", str(text or "")) if u.strip()]


def expected_reports(tasks: pd.DataFrame, townships: Sequence[str]) -> pd.DataFrame:
    """(unit, task_number, title) every 填报 a round expects: each lead of each task; the
    county's townships where a task's lead is 各乡镇人民政府."""
    rows: list[dict[str, object]] = []
    for t in tasks.to_dict("records"):
        units: list[str] = []
        for u in split_units(str(t.get("lead", ""))):
            units += list(townships) if u in TOWNSHIP_LEADS else [u]
        for u in dict.fromkeys(units):
            rows.append({"unit": u, "task_number": int(t["number"]), "title": str(t["title"])})
    return pd.DataFrame(rows, columns=["unit", "task_number", "title"])


def latest_reports(reports: pd.DataFrame) -> pd.DataFrame:
    """The last 填报 of each unit and task (earlier ones are kept in the table, superseded)."""
    if reports.empty:
        return reports
    return (
        reports.sort_values(["reported_at", "id"])
        .drop_duplicates(["unit", "task_number"], keep="last")
        .reset_index(drop=True)
    )


def missing_reports(expected: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Expected 填报 not yet in: (unit, task_number, title)."""
    if reports.empty:
        return expected.reset_index(drop=True)
    got = set(zip(reports["unit"], reports["task_number"].astype(int), strict=True))
    keep = [(u, int(n)) not in got for u, n in zip(expected["unit"], expected["task_number"],
                                                   strict=True)]  # fmt: skip
    return expected[keep].reset_index(drop=True)


def lagging(snapshot: pd.DataFrame) -> pd.DataFrame:
    """Tasks that raise a 预警: outlook 滞后, or overdue and not done."""
    if snapshot.empty:
        return snapshot
    lag = (snapshot["outlook"] == "滞后") | snapshot["overdue"].astype(bool)
    return snapshot[lag].reset_index(drop=True)


def changes_since(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Tasks whose outlook or progress moved since the previous round: number, title, 上轮 and
    本轮 outlook and progress (%)."""
    cols = ["number", "title", "old_outlook", "new_outlook", "old_progress", "new_progress"]
    if previous.empty or current.empty:
        return pd.DataFrame(columns=cols)
    m = current.merge(previous[["number", "outlook", "progress"]], on="number", how="left",
                      suffixes=("", "_old"))  # fmt: skip
    moved = (m["outlook"] != m["outlook_old"]) | (
        (m["progress"].fillna(-1) - m["progress_old"].fillna(-1)).abs() >= 0.5
    )
    m = m[moved]
    return pd.DataFrame(
        {
            "number": m["number"], "title": m["title"],
            "old_outlook": m["outlook_old"].fillna("（新任务）"), "new_outlook": m["outlook"],
            "old_progress": m["progress_old"], "new_progress": m["progress"],
        }
    )[cols].reset_index(drop=True)  # fmt: skip


def ranking(expected: pd.DataFrame, reports: pd.DataFrame, snapshot: pd.DataFrame) -> pd.DataFrame:
    """Per unit: 应报, 已报, 报送率 (%), tasks 已完成 (by its own 填报), tasks lagging (as led by it
    in the snapshot), and its 排名 (module docstring)."""
    cols = ["unit", "expected", "reported", "report_rate", "done", "lagging", "rank"]
    if expected.empty:
        return pd.DataFrame(columns=cols)
    latest = latest_reports(reports)
    got = (
        set(zip(latest["unit"], latest["task_number"].astype(int), strict=True))
        if len(latest) else set()
    )  # fmt: skip
    done = (
        set(zip(latest.loc[latest["status"] == "已完成", "unit"],
                latest.loc[latest["status"] == "已完成", "task_number"].astype(int), strict=True))
        if len(latest) else set()
    )  # fmt: skip
    lag_numbers = set(lagging(snapshot)["number"].astype(int)) if len(snapshot) else set()
    rows = []
    for unit, g in expected.groupby("unit", sort=False):
        numbers = [int(n) for n in g["task_number"]]
        rep = sum((unit, n) in got for n in numbers)
        rows.append({
            "unit": unit, "expected": len(numbers), "reported": rep,
            "report_rate": rep / len(numbers) * 100,
            "done": sum((unit, n) in done for n in numbers),
            "lagging": sum(n in lag_numbers for n in numbers),
        })  # fmt: skip
    r = pd.DataFrame(rows)
    r = r.sort_values(["report_rate", "lagging", "done", "unit"],
                      ascending=[False, True, False, True], kind="stable")  # fmt: skip
    r["rank"] = range(1, len(r) + 1)
    return r[cols].reset_index(drop=True)
