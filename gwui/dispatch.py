"""The 调度与通报 page's working parts: the rounds of a plan year, one round's figures as the
通报 shows them, and tables with Chinese headers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from gwlib.brief.bulletin import BulletinData, bulletin_data, checklist_at
from gwlib.config import attachments_dir
from gwlib.errors import GwlibError
from gwlib.plans.rounds import ACTION_KINDS, REPORT_STATUSES
from gwlib.store.documents import ATTACHMENT_TYPES
from gwlib.store.rounds import (
    actions,
    add_evidence,
    add_report,
    evidence,
    issue_action,
    reports,
    respond_action,
    review_evidence,
    rounds,
)
from gwlib.wells.sealing import ReviewStatus
from gwui import keys, labels
from gwui.loaders import as_of_date, get_store
from gwui.render import labelled_table, md
from gwui.results import local_time
from gwui.session import actor, can_edit


def table(frame: pd.DataFrame, key: str, **kwargs: Any) -> None:
    shown = frame.copy()
    for c in ("reported_at", "issued_at", "responded_at", "uploaded_at"):
        if c in shown:
            shown[c] = local_time(shown[c])
    labelled_table(shown, labels.DISPATCH_COLUMNS, key, **kwargs)


def plan_years() -> list[int]:
    t = get_store().plan_tasks()
    return sorted({int(y) for y in t["year"]}, reverse=True) if len(t) else []


def year_rounds(year: int) -> pd.DataFrame:
    return rounds(get_store(), year)


def round_view(code: str, year: int, issuer: str) -> BulletinData:
    return bulletin_data(get_store(), code, year, issuer, as_of_date())


def round_reports(round_id: int) -> pd.DataFrame:
    r = reports(get_store(), round_id)
    cols = ["unit", "task_number", "status", "done_text", "evidence", "reported_by", "reported_at"]
    return r[cols] if len(r) else pd.DataFrame(columns=cols)


def round_actions(round_id: int) -> pd.DataFrame:
    a = actions(get_store(), round_id)
    cols = ["id", "kind", "unit", "task_number", "requirement", "deadline", "issued_by",
            "issued_at", "response", "responded_at"]  # fmt: skip
    return a[cols] if len(a) else pd.DataFrame(columns=cols)


def current_tasks(year: int, end: dt.date) -> pd.DataFrame:
    return checklist_at(get_store(), year, end).tasks


def assessment_bytes(year: int, issuer: str) -> bytes:
    """The 评估考核 report of the plan year (.docx)."""
    import io

    from gwlib.brief.bulletin import write_assessment_report

    buf = io.BytesIO()
    write_assessment_report(get_store(), year, buf, issuer)
    return buf.getvalue()


def report_form(rid: int, data: BulletinData) -> None:
    """An editor records a unit's 填报 for a task of round ``rid``."""
    with st.form(keys.DISPATCH_REPORT_FORM, clear_on_submit=True):
        units = sorted(set(data.departments["unit"]) | set(data.townships["unit"]))
        unit = st.selectbox("填报单位", units, key=keys.DISPATCH_UNIT)
        task = st.selectbox("任务", [int(n) for n in data.tasks["number"]],
                            key=keys.DISPATCH_TASK)
        status = st.selectbox("状态", REPORT_STATUSES, key=keys.DISPATCH_STATUS)
        text = st.text_area("完成情况", key=keys.DISPATCH_TEXT)
        evidence = st.text_input("佐证材料（文号或说明）", key=keys.DISPATCH_EVIDENCE)
        files = st.file_uploader("佐证文件（可多选；与台账附件同样保存、审核）",
                                 type=[t.lstrip(".") for t in ATTACHMENT_TYPES],
                                 accept_multiple_files=True, key=keys.DISPATCH_FILES)  # fmt: skip
        if st.form_submit_button("提交填报"):
            try:
                report = add_report(get_store(), actor(), rid, unit, task, status, text, evidence)
                for f in files or []:
                    add_evidence(get_store(), actor(), report, f.name, f.getvalue(),
                                 attachments_dir())  # fmt: skip
                st.success(f"已记录 {unit} 对第 {task} 项任务的填报"
                           + (f"及 {len(files)} 个佐证文件。" if files else "。"))  # fmt: skip
            except GwlibError as exc:
                st.error(md(str(exc)))


def action_forms(rid: int, data: BulletinData) -> None:
    """An editor issues a 督办 / 约谈 / 通报批评 and records the responses."""
    with st.form(keys.DISPATCH_ACTION_FORM, clear_on_submit=True):
        kind = st.selectbox("类型", ACTION_KINDS, index=1, key=keys.DISPATCH_KIND)
        unit = st.text_input("单位", key=keys.DISPATCH_ACT_UNIT)
        task = st.selectbox("任务", [None, *[int(n) for n in data.tasks["number"]]],
                            key=keys.DISPATCH_ACT_TASK)
        req = st.text_area("办理要求", key=keys.DISPATCH_REQUIREMENT)
        deadline = st.date_input("办结期限", value=None, key=keys.DISPATCH_DEADLINE,
                                 format="YYYY-MM-DD")
        if st.form_submit_button("下达"):
            try:
                issue_action(get_store(), actor(), rid, kind, unit, task, req, deadline)
                st.success(f"已下达{kind}。")
            except GwlibError as exc:
                st.error(md(str(exc)))
    open_ids = round_actions(rid).query("responded_at.isna()")["id"].tolist()
    if open_ids:
        with st.form(keys.DISPATCH_RESPOND_FORM, clear_on_submit=True):
            aid = st.selectbox("督办编号", open_ids, key=keys.DISPATCH_ACTION_ID)
            response = st.text_area("办理情况", key=keys.DISPATCH_RESPONSE)
            if st.form_submit_button("记录回复"):
                try:
                    respond_action(get_store(), actor(), int(aid), response)
                    st.success("已记录办理情况。")
                except GwlibError as exc:
                    st.error(md(str(exc)))


def evidence_panel(rid: int) -> None:
    """The round's evidence files: open one, and (editors) review it."""
    files = round_evidence(rid)
    st.markdown(f"**佐证文件（{len(files)} 个）**")
    table(files.drop(columns=["stored_name"]), f"{keys.DISPATCH_TABLE}.evidence")
    if files.empty:
        return
    by_id = files.set_index("id")
    names = {i: f"{r['unit']}：{r['filename']}" for i, r in by_id.iterrows()}
    pick = st.selectbox("选择佐证文件", list(by_id.index), key=keys.DISPATCH_EVIDENCE_PICK,
                        format_func=names.__getitem__)  # fmt: skip
    path = attachments_dir() / str(by_id.loc[pick, "stored_name"])
    if path.is_file():
        st.download_button("下载所选文件", path.read_bytes, str(by_id.loc[pick, "filename"]),
                           key=f"{keys.DISPATCH_EVIDENCE_PICK}.dl", on_click="ignore")  # fmt: skip
    if not can_edit():
        return
    with st.form(keys.DISPATCH_REVIEW_FORM, clear_on_submit=True):
        status = st.selectbox("审核状态", [r.value for r in ReviewStatus],
                              key=keys.DISPATCH_REVIEW_STATUS)  # fmt: skip
        note = st.text_input("审核意见", key=keys.DISPATCH_REVIEW_NOTE)
        if st.form_submit_button("保存审核"):
            try:
                review_evidence(get_store(), actor(), int(pick), status, note)
                st.success("已保存审核结果，并记入审计日志。")
            except GwlibError as exc:
                st.error(md(str(exc)))


def round_evidence(rid: int) -> pd.DataFrame:
    return evidence(get_store(), rid)
