"""The 项目储备库 page's working parts: cached projects and figures, the import plan of an upload,
tables with Chinese headers."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from gwlib.projects.figures import ReserveFigures, reserve_figures
from gwlib.projects.register import ProjectsPlan, register_frame
from gwlib.store.projects import prepare_projects, projects
from gwui.loaders import TTL_S, as_of_date, get_store

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
