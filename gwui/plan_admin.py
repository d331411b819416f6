"""年度目标任务清单's plan management: saving an imported plan (asking whether it replaces the
year's plan of the same region), choosing or deleting the current plan of a year, and reviewing
the plan's targets."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError
from gwlib.plans.goals import (
    GOAL_KINDS,
    GOAL_ROW_HEADERS,
    LEVEL_WORDS,
    PURPOSE_WORDS,
    goal_rows,
    goals_from_rows,
)
from gwlib.plans.model import ActionPlan
from gwlib.quality.classes import QualityClass
from gwlib.store.plans import (
    delete_plan,
    plan_targets,
    plans_of,
    replace_plan,
    save_targets,
    set_current,
)
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


def targets_editor(year: int) -> None:
    """Editors review and correct the current plan's targets: the records every page, the
    checklist and the brief evaluate (read from the plan's 工作目标 when it was saved)."""
    if not can_edit():
        return
    store = get_store()
    # a toggle, not an expander: a grid drawn while folded away stays empty until resized
    if st.toggle("核对与修改工作目标（保存计划时从“工作目标”识别，可更正、增删）",
                 key=keys.TASKS_TARGETS_TOGGLE):  # fmt: skip
        rows = pd.DataFrame(goal_rows(plan_targets(store, year)), columns=list(GOAL_ROW_HEADERS))
        h = GOAL_ROW_HEADERS
        purposes = sorted(set(PURPOSE_WORDS.values()))
        with st.form(keys.TASKS_TARGETS_FORM):
            edited = st.data_editor(
                rows, num_rows="dynamic", hide_index=True, key=keys.TASKS_TARGETS_EDITOR,
                placeholder="",
                column_config={
                    "kind": st.column_config.SelectboxColumn(h["kind"], options=GOAL_KINDS,
                                                             required=True),
                    "level": st.column_config.SelectboxColumn(h["level"],
                                                              options=["", *LEVEL_WORDS]),
                    "purpose": st.column_config.SelectboxColumn(h["purpose"],
                                                                options=["", *purposes]),
                    "cls": st.column_config.SelectboxColumn(
                        h["cls"], options=[QualityClass(c).label for c in QualityClass]),
                    "value": st.column_config.NumberColumn(h["value"], min_value=0.0,
                                                           max_value=100.0, format="%.1f"),
                    "due": st.column_config.DateColumn(h["due"], format="YYYY-MM-DD"),
                    "text": st.column_config.TextColumn(h["text"]),
                },
            )  # fmt: skip
            if st.form_submit_button("保存工作目标"):
                _do(lambda: save_targets(store, actor(), year,
                                         goals_from_rows(edited.to_dict("records"))),
                    "已保存工作目标，并记入修改记录。")  # fmt: skip
