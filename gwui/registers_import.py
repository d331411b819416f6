"""The register import pages' working parts (水源地登记, 污染源登记): downloads, the plan of the
uploaded file (kept for the session until it is committed), the preview tables with Chinese
headers and the commit with progress. Both pages are this one function with their register."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from gwlib.errors import GwlibError
from gwlib.sources.register_plan import CHANGED, NEW, RegisterPlan
from gwlib.sources.register_spec import RegisterSpec
from gwlib.sources.register_spec import register_bytes as register_export
from gwlib.sources.register_spec import template_bytes as register_template
from gwlib.store.registers import commit_register, prepare_register, stored_register
from gwlib.store.results import batches
from gwui import labels
from gwui.keys import RegisterKeys
from gwui.loaders import get_store
from gwui.render import labelled_table, md
from gwui.results import local_time
from gwui.session import actor, can_edit


def _plan_key(spec: RegisterSpec) -> str:
    return f"{spec.kind}_import.plan"


def plan_for(spec: RegisterSpec, data: bytes, name: str) -> RegisterPlan:
    """The import plan of this upload, computed once per file and session."""
    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(_plan_key(spec))
    if held is None or held[0] != digest:
        with st.spinner("正在检查文件…"):
            plan = prepare_register(get_store(), spec, data, display_name=name)
        st.session_state[_plan_key(spec)] = (digest, plan)
        return plan
    return held[1]  # type: ignore[no-any-return]


def table(frame: pd.DataFrame, key: str) -> None:
    """A frame with Chinese headers; nothing but the columns given is sent to the browser."""
    labelled_table(frame, labels.REGISTER_COLUMNS, key)


def template_bytes(spec: RegisterSpec) -> bytes:
    return register_template(spec)


def excel_bytes(spec: RegisterSpec) -> bytes:
    """The stored register as .xlsx (the template's headers)."""
    return register_export(spec, stored_register(get_store(), spec), ".xlsx")


def csv_bytes(spec: RegisterSpec) -> bytes:
    return register_export(spec, stored_register(get_store(), spec), ".csv")


def register_page(spec: RegisterSpec, k: RegisterKeys) -> None:
    """Downloads; for editors upload → preview → commit; for viewers a read-only note."""
    today = dt.date.today().isoformat()
    cols = st.columns(3)
    cols[0].download_button(
        f"下载{spec.title}模板（Excel）",
        lambda: template_bytes(spec),
        f"{spec.title}模板.xlsx",
        key=k.template,
        on_click="ignore",
    )
    cols[1].download_button(
        "导出登记表（Excel）",
        lambda: excel_bytes(spec),
        f"{spec.title}_{today}.xlsx",
        key=k.export,
        on_click="ignore",
    )
    cols[2].download_button(
        "导出登记表（CSV）",
        lambda: csv_bytes(spec),
        f"{spec.title}_{today}.csv",
        key=k.export_csv,
        on_click="ignore",
    )
    if not can_edit():
        st.info(labels.READ_ONLY)
        return
    up = st.file_uploader(f"选择{spec.title}（.xlsx 或 .csv）", type=["xlsx", "csv"], key=k.upload)
    if up is None:
        return
    try:
        plan = plan_for(spec, up.getvalue(), up.name)
    except GwlibError as exc:
        st.error(md(str(exc)))
        return
    c = plan.counts
    m = st.columns(4)
    m[0].metric("新增", f"{c[NEW]} 条")
    m[1].metric("修改", f"{c[CHANGED]} 条")
    m[2].metric("未变", f"{c['未变']} 条")
    m[3].metric("拒收", f"{plan.rejected_rows} 行", help=f"文件共 {plan.rows.total} 行")
    if plan.issues:
        st.markdown(f"**拒收与提示（{len(plan.issues)} 条）**")
        table(plan.rejected_frame(), key=f"{k.table}.issues")
    if len(plan.changes):
        st.markdown(f"**将修改的字段（{len(plan.changes)} 项，逐项记入审计日志）**")
        table(plan.changes.drop(columns="column"), key=f"{k.table}.diff")
    new = [(rec.code, rec.name) for _, rec, s in plan.records if s == NEW]
    if new:
        st.markdown(f"**新增记录（{len(new)} 条）**")
        table(pd.DataFrame(new, columns=["code", "name"]), key=f"{k.table}.new")
    if st.button(
        "确认导入（一个事务：以上新增与修改一次写入；拒收的行不写入）",
        type="primary",
        key=k.commit,
        disabled=c[NEW] + c[CHANGED] == 0,
    ):
        bar = st.progress(0.0, text="正在写入…")
        try:
            result = commit_register(
                get_store(),
                plan,
                actor(),
                lambda d, t: bar.progress(d / max(t, 1), text=f"正在写入：{d}/{t} 条"),
            )
        except GwlibError as exc:
            st.error(md(str(exc)))
            return
        st.cache_data.clear()
        st.session_state.pop(_plan_key(spec), None)
        st.success(
            f"导入批次 {result.batch_id}：{result.summary_zh()}"
        )


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def batch_history(kind: str) -> pd.DataFrame:
    """The register's import batches, newest first, times in the section's time zone."""
    b = batches(get_store(), kind)
    cols = ["id", "file_name", "user_name", "created_at", "n_new", "n_updated", "n_unchanged",
            "rows_rejected"]  # fmt: skip
    b = b[cols].copy()
    b["created_at"] = local_time(b["created_at"]).fillna("")
    return b


def history(spec: RegisterSpec, k: RegisterKeys) -> None:
    st.subheader("导入批次")
    frame = batch_history(spec.kind)
    if frame.empty:
        st.caption("还没有导入过。")
        return
    config = {c: labels.RESULTS_COLUMNS.get(c, c) for c in frame.columns}
    config.update(n_new="新增", n_updated="修改", n_unchanged="未变")
    st.dataframe(frame, hide_index=True, column_config=config, key=f"{k.table}.batches")
