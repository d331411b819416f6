"""Cached loaders of the task checklist and the brief (pages `tasks` and `brief`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gwlib.brief.data import BriefData, brief_data
from gwlib.plans.checklist import Checklist, build_checklist
from gwlib.plans.metrics import MetricData
from gwlib.store.plans import current_plan_tasks
from gwlib.store.tasks import task_log, task_statuses
from gwui import labels
from gwui.loaders import TTL_S, as_of_date, get_store


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_plan_years() -> list[int]:
    t = get_store().plan_tasks()
    return sorted({int(y) for y in t["year"]}, reverse=True) if len(t) else []


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner="正在计算任务进度…")
def load_checklist(year: int, eval_year: int | None = None) -> Checklist:
    store = get_store()
    plan = current_plan_tasks(store, year)
    title = str(plan["plan_title"].iloc[0]) if len(plan) else None
    return build_checklist(plan, task_statuses(store, year, title), MetricData.from_store(store),
                           as_of_date(), eval_year)  # fmt: skip


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_task_log(year: int) -> pd.DataFrame:
    return task_log(get_store(), year)


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner="正在汇总简报数据…")
def load_brief(year: int, period: str) -> BriefData:
    return brief_data(get_store(), year, period, as_of_date())


def chart_png(key: str, data: pd.DataFrame) -> bytes:
    """The chart's PNG, cached by its data and its note (``data.attrs``, which the cache's hash
    of a frame does not see)."""
    return _chart_png(key, data, repr(sorted(data.attrs.items())))


@st.cache_data(ttl=TTL_S, max_entries=16, show_spinner=False)
def _chart_png(key: str, data: pd.DataFrame, attrs: str) -> bytes:
    from gwlib.brief.charts import render  # matplotlib: loaded by the pages that draw

    del attrs  # part of the cache key only
    return render(key, data)


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner=False)
def load_goals(year: int) -> pd.DataFrame:
    """The plan in force in ``year`` (that year's, else the latest earlier one): its water-quality
    targets evaluated on their points for ``year`` (empty without a plan)."""
    from gwlib.brief.data import plan_for
    from gwlib.store.plans import goal_status

    store = get_store()
    plan = plan_for(store, year)
    if plan.empty:
        return pd.DataFrame(columns=["goal", "points", "failing", "failing_points", "result",
                                     "plan_year"])  # fmt: skip
    plan_year = int(plan["year"].iloc[0])
    status = goal_status(store, plan_year, min(as_of_date(), dt.date(year, 12, 31)))
    return status.assign(plan_year=plan_year)


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner=False)
def load_v_goal(year: int) -> tuple[float, str]:
    """The Ⅴ-share target in force in ``year`` (%, not above) and where it comes from: the plan's
    own Ⅴ-share target when it has one, else the 十四五 规划's 25 %."""
    from gwlib.brief.data import plan_for
    from gwlib.plans.goals import V_SHARE_GOAL
    from gwlib.store.plans import plan_targets

    store = get_store()
    plan = plan_for(store, year)
    if len(plan):
        plan_year = int(plan["year"].iloc[0])
        for g in plan_targets(store, plan_year):
            if g.kind == V_SHARE_GOAL and g.value is not None:
                return g.value, f"{plan_year} 年度计划：{g.text or g.label}"
    return 25.0, labels.V_GOAL_HELP


def goals_table(goals: pd.DataFrame, key: str) -> None:
    """The targets table as the brief's 表9 shows it; failing rows marked."""
    from gwlib.brief.data import GOAL_HEADERS

    shown = goals[list(GOAL_HEADERS)]
    st.dataframe(
        shown.style.apply(lambda r: ["color:#c00000" if r["result"] == "未达标" else ""] * len(r),
                          axis=1),
        hide_index=True, key=key, column_config=dict(GOAL_HEADERS),
    )  # fmt: skip


def clear() -> None:
    """After a write: drop the cached checklist, log and brief."""
    for f in (load_plan_years, load_checklist, load_task_log, load_brief, load_goals,
              load_v_goal):
        f.clear()
