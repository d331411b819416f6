"""The 项目储备库 page's working parts: cached projects and figures, the import plan of an upload,
tables with Chinese headers."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from gwlib.config import attachments_dir
from gwlib.errors import GwlibError
from gwlib.projects.figures import ReserveFigures, reserve_figures
from gwlib.projects.register import ProjectsPlan, register_frame
from gwlib.store.documents import ATTACHMENT_TYPES
from gwlib.store.projects import add_progress, prepare_projects, progress_entries, projects
from gwui import keys, labels
from gwui.loaders import TTL_S, as_of_date, get_store
from gwui.render import labelled_table, md
from gwui.results import local_time
from gwui.session import actor, can_edit

PLAN_KEY = "projects.plan"
DONE = "projects.done"
ISSUE_HEADERS = {"row": "行", "column": "列", "value": "值", "reason": "原因", "severity": "处理",
                 "code": "项目编码", "field": "项目", "old": "原值", "new": "新值"}  # fmt: skip


@st.cache_data(ttl=TTL_S, max_entries=2, show_spinner=False)
def load_projects() -> pd.DataFrame:
    return projects(get_store())


def figures() -> ReserveFigures:
    return reserve_figures(load_projects(), as_of_date())


def table_frame() -> pd.DataFrame:
    return register_frame(load_projects())


def plan_for(data: bytes, name: str) -> ProjectsPlan:
    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(PLAN_KEY)
    if held is None or held[0] != digest:
        plan = prepare_projects(get_store(), data, name)
        st.session_state[PLAN_KEY] = (digest, plan)
        return plan
    return held[1]  # type: ignore[no-any-return]


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def after_write() -> None:
    st.session_state.pop(PLAN_KEY, None)
    st.cache_data.clear()


def progress_panel(codes: list[str], names: dict[str, str]) -> None:
    """季度进展: each project's quarterly entries, and (editors) a new one with its evidence."""
    st.subheader("季度进展")
    if not codes:
        st.caption(labels.NO_ROWS)
        return
    code = st.selectbox("项目", codes, key=keys.PROJECTS_PROGRESS_PICK,
                        format_func=lambda c: f"{c}　{names.get(c, '')}")  # fmt: skip
    entries = progress_entries(get_store(), code)
    shown = entries[list(PROGRESS_HEADERS)]
    shown = shown.assign(recorded_at=local_time(shown["recorded_at"]))
    labelled_table(shown, PROGRESS_HEADERS, keys.PROJECTS_PROGRESS_TABLE)
    if not can_edit():
        return
    with st.form(keys.PROJECTS_PROGRESS_FORM, clear_on_submit=True):
        c1, c2 = st.columns(2)
        quarter = c1.text_input("季度（如 2025Q3）", key=keys.PROJECTS_PROGRESS_QUARTER)
        spent = c2.number_input("截至季末已支出（万元）", min_value=0.0, value=None,
                                key=keys.PROJECTS_PROGRESS_SPENT)  # fmt: skip
        text = st.text_area("本季度进展", key=keys.PROJECTS_PROGRESS_TEXT)
        up = st.file_uploader("佐证文件（可选）", type=[t.lstrip(".") for t in ATTACHMENT_TYPES],
                              key=keys.PROJECTS_PROGRESS_FILE)  # fmt: skip
        if st.form_submit_button("保存季度进展"):
            try:
                file = (up.name, up.getvalue()) if up else None
                add_progress(get_store(), actor(), code, quarter, text, spent, file,
                             attachments_dir())  # fmt: skip
                st.success(f"已记录 {code} {quarter} 的进展，并记入审计日志。")
            except GwlibError as exc:
                st.error(md(str(exc)))


PROGRESS_HEADERS = {
    "quarter": "季度", "progress": "进展", "spent_wan": "截至季末已支出（万元）",
    "filename": "佐证文件", "recorded_by": "填报人", "recorded_at": "填报时间",
}  # fmt: skip
