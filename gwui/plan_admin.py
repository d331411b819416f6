"""年度目标任务清单's plan management: saving an imported plan (asking whether it replaces the
year's plan of the same region) and choosing or deleting the current plan of a year."""

from __future__ import annotations

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.plans.model import ActionPlan
from gwlib.store.plans import delete_plan, plans_of, replace_plan, set_current
from gwui import briefing, keys
from gwui.loaders import get_store
from gwui.render import md
from gwui.session import actor, can_edit

KEEP = "另存为一份计划（两份并存）"


def save_choice(year: int, region: str) -> str | None:
    """Inside the import form: when the year already has a plan of this region, ask whether
    the new one replaces it. The title to replace, or None to save beside it / when none."""
    existing = plans_of(get_store(), year)
    same = existing[existing["region"] == region]
    if same.empty:
        return None
    options = [f"替换「{t}」（按任务序号保留人工填报状态）" for t in same["title"]] + [KEEP]
    picked = st.radio(f"{year} 年已有计划", options, key=keys.TASKS_REPLACE)
    return None if picked == KEEP else str(same["title"].iloc[options.index(picked)])


def save(plan: ActionPlan, replaces: str | None) -> None:
    try:
        if replaces is not None:
            replace_plan(get_store(), actor(), plan, replaces)
        else:
            get_store().save_plan(plan, by=actor())
            set_current(get_store(), actor(), plan.year, plan.title)
        briefing.clear()
        st.success(f"已保存 {len(plan.tasks)} 项任务，并设为 {plan.year} 年的当前计划。")
    except GwlibError as exc:
        st.error(md(str(exc)))


def manage(year: int) -> None:
    """The plans of ``year``: which is current (the checklist, brief, 调度 and 评估考核 use it),
    and deleting one (editors)."""
    plans = plans_of(get_store(), year)
    if len(plans) < 2 and not can_edit():
        return
    with st.expander(f"{year} 年的计划（{len(plans)} 份）"):
        titles = list(plans["title"])
        current = titles[int(plans["current"].to_numpy().argmax())]
        chosen = st.selectbox("当前计划", titles, index=titles.index(current),
                              key=keys.TASKS_CURRENT, disabled=not can_edit())  # fmt: skip
        c1, c2 = st.columns(2)
        if chosen != current and c1.button("设为当前计划", key=f"{keys.TASKS_CURRENT}.set"):
            _do(lambda: set_current(get_store(), actor(), year, chosen),
                f"已将「{chosen}」设为当前计划。")
        if can_edit() and c2.button("删除所选计划", key=f"{keys.TASKS_CURRENT}.delete"):
            _do(lambda: delete_plan(get_store(), actor(), year, chosen), f"已删除「{chosen}」。")


def _do(action, done: str) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
        briefing.clear()
        st.success(done)
    except GwlibError as exc:
        st.error(md(str(exc)))
