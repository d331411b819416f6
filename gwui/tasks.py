"""年度目标任务清单's parts: importing and reviewing a plan, and one task's detail with its
manual status form and history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError
from gwlib.plans import parse_plans, plan_text_from_bytes
from gwlib.plans.checklist import Checklist
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.store.tasks import ManualStatus, TaskKey, set_task_status
from gwui import briefing, keys, labels, plan_admin
from gwui.loaders import get_store
from gwui.render import column_config, labelled_table, md
from gwui.session import actor, can_edit

REVIEW_ORDER = ["number", "section", "title", "lead", "cooperating", "deadlines"]
LIST_ORDER = ["number", "title", "lead", "deadline_text", "progress", "outlook", "overdue",
              "source", "metrics"]  # fmt: skip
LOG_ORDER = ["changed_at", "changed_by", "old_status", "new_status", "new_evidence", "note"]


def import_tab() -> None:
    """Upload a plan (.txt/.docx), review the tasks found, save it (editors only: parsing an
    upload costs the server, and only an editor may save the plan)."""
    st.caption("上传年度行动计划（.txt 或 .docx），核对识别结果后保存。")
    if not can_edit():
        st.info(labels.READ_ONLY)
        return
    up = st.file_uploader("计划文本", type=["txt", "docx"], key=keys.TASKS_UPLOAD)
    if up is None:
        return
    try:
        plans = parse_plans(plan_text_from_bytes(up.name, up.getvalue()))
    except GwlibError as exc:
        st.error(md(str(exc)))
        return
    if not plans:
        st.warning("未识别到带编号和牵头单位的任务。")
        return
    names = [f"{p.title}（{len(p.tasks)} 项）" for p in plans]
    i = st.selectbox("计划", range(len(plans)), key=keys.TASKS_IMPORT_PLAN,
                     format_func=names.__getitem__)  # fmt: skip
    plan = plans[i]
    for w in plan.warnings:
        st.info(w)
    rows = pd.DataFrame([t.to_task().review_row() for t in plan.tasks])
    with st.form(keys.TASKS_IMPORT_FORM):
        edited = st.data_editor(
            rows, key=keys.TASKS_IMPORT_EDITOR, num_rows="dynamic", hide_index=True, placeholder="",
            column_order=REVIEW_ORDER,
            column_config=column_config(rows, labels.PLAN_REVIEW_COLUMNS),
        )  # fmt: skip
        c1, c2 = st.columns(2)
        year = c1.number_input("年度", 2000, 2100, plan.year or dt.date.today().year)
        region = c2.text_input("地区", plan.region)
        replaces = plan_admin.save_choice(int(plan.year or year), plan.region)
        if st.form_submit_button("保存计划"):
            try:
                tasks = tuple(PlanTask.from_review_row(r) for r in edited.to_dict("records"))
                new = ActionPlan(int(year), region, plan.title, plan.goals, tasks)
            except GwlibError as exc:
                st.error(md(str(exc)))
                return
            plan_admin.save(new, replaces)


def task_list(view: pd.DataFrame) -> None:
    shown = view[LIST_ORDER]
    labelled_table(shown, labels.TASK_COLUMNS, keys.TASKS_TABLE)


def task_detail(check: Checklist, r: pd.Series, year: int) -> None:
    """One task: its text, manual status and evidence (editable, audited), and their history."""
    with st.container(border=True):
        st.markdown(f"**{md(r['section'])}**　配合单位：{md(r['cooperating'] or '—')}")
        st.text(r["text"])
        if r["metrics"]:
            st.caption("数据指标：" + md(r["metrics"]))
        by = (f"（{md(r['updated_by'])}，{r['updated_at']:%Y-%m-%d %H:%M}）"
              if r["updated_by"] else "")  # fmt: skip
        manual, proof = md(r["manual_status"] or "—"), md(r["evidence"] or "—")
        st.caption(f"人工填报：{manual}；佐证：{proof}{by}")
        with st.form(keys.TASKS_EDIT_FORM):
            states = [s.value for s in ManualStatus]
            status = st.selectbox("状态", states, key=keys.TASKS_STATUS,
                                  index=states.index(r["manual_status"] or "未开展"))  # fmt: skip
            evidence = st.text_area(
                "佐证材料（文件名、文号、链接等）", r["evidence"], key=keys.TASKS_EVIDENCE
            )
            note = st.text_input("修改说明", key=keys.TASKS_NOTE)
            if st.form_submit_button("保存", disabled=not can_edit()):
                key = TaskKey(check.year, check.region, check.plan_title, r["section"],
                              int(r["number"]))  # fmt: skip
                try:
                    set_task_status(get_store(), key, status, evidence, by=actor(),
                                    at=dt.datetime.now(), expected_version=int(r["version"]),
                                    note=note)  # fmt: skip
                    briefing.clear()
                    st.success("已保存，并记入修改记录。")
                except GwlibError as exc:
                    st.error(md(str(exc)))
    log = briefing.load_task_log(year)
    log = log[(log["number"] == r["number"]) & (log["section"] == r["section"])]
    if len(log):
        labelled_table(log[LOG_ORDER], labels.TASK_COLUMNS)
