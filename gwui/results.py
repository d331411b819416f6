"""The 检测结果导入 page's working parts: the plan of the uploaded file (kept for the session until
it is committed), the tables with Chinese headers, and what to clear after a write."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.quality.results import CHANGED, NEW, ResultsPlan
from gwlib.store.results import batches, prepare_results
from gwui import keys, labels
from gwui.loaders import get_store
from gwui.render import labelled_table

PLAN_KEY = "results.plan"
#: Times are stored in UTC and shown in the section's own time zone.
TIME_ZONE = os.environ.get("GWLIB_TIME_ZONE", "Asia/Shanghai")


def plan_for(data: bytes, name: str) -> ResultsPlan:
    """The import plan of this upload, computed once per file and session."""
    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(PLAN_KEY)
    if held is None or held[0] != digest:
        with st.spinner("正在检查文件…"):
            plan = prepare_results(get_store(), data, dt.date.today(), display_name=name)
        st.session_state[PLAN_KEY] = (digest, plan)
        return plan
    return held[1]  # type: ignore[no-any-return]


def forget_plan() -> None:
    st.session_state.pop(PLAN_KEY, None)


def local_time(values: pd.Series) -> pd.Series:
    """UTC timestamps as YYYY-MM-DD HH:MM in :data:`TIME_ZONE`."""
    t = pd.to_datetime(values, errors="coerce")
    return t.dt.tz_localize("UTC").dt.tz_convert(TIME_ZONE).dt.strftime("%Y-%m-%d %H:%M")


def table(frame: pd.DataFrame, key: str, **kwargs: Any) -> None:
    """A frame with Chinese headers; nothing but the columns given is sent to the browser."""
    labelled_table(frame, labels.RESULTS_COLUMNS, key, **kwargs)


def issues_frame(issues: Sequence[Any], severity: bool = False) -> pd.DataFrame:
    """An import's problems as a table (row, column, value, reason; with ``severity`` also
    拒收 / 提示: a warned row is imported). Every import page shows them so."""
    cols = ["row", "column", "value", "reason"] + (["severity"] if severity else [])
    return pd.DataFrame(
        [{"row": i.row, "column": i.column, "value": i.value, "reason": i.reason,
          "severity": "拒收" if i.severity == "error" else "提示"} for i in issues],
        columns=["row", "column", "value", "reason", "severity"],
    )[cols]  # fmt: skip


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def batch_history() -> pd.DataFrame:
    b = batches(get_store())
    cols = ["id", "file_name", "user_name", "created_at", "n_new", "n_updated", "n_unchanged",
            "n_qc", "rows_rejected", "status", "withdrawn_by", "withdrawn_at",
            "withdraw_reason"]  # fmt: skip
    b = b[cols].copy()
    for c in ("created_at", "withdrawn_at"):
        b[c] = local_time(b[c]).fillna("")
    return b


def class_labels(values: pd.Series) -> pd.Series:
    """0..5 → 无 / Ⅰ类 … Ⅴ类."""
    names = {0: "无", 1: "Ⅰ类", 2: "Ⅱ类", 3: "Ⅲ类", 4: "Ⅳ类", 5: "Ⅴ类"}
    return values.astype("int64").map(names)


def after_results_write() -> None:
    """A commit or withdrawal changes samples, classes and trends: every cached frame goes."""
    st.cache_data.clear()
    forget_plan()


def qc_writes(plan: ResultsPlan) -> int:
    """QC samples the plan adds or changes."""
    return int(plan.qc_samples["status"].isin([NEW, CHANGED]).sum())


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def load_qc_report() -> tuple[pd.DataFrame, pd.DataFrame]:
    from gwlib.store.qc import qc_report

    return qc_report(get_store())


def qc_section() -> None:
    """质控样: each parallel pair's relative difference and the indicators detected in blanks,
    with an export of both."""
    pairs, blanks = load_qc_report()
    if pairs.empty and blanks.empty:
        return
    st.subheader("质控样")
    st.caption("平行样与同点位同日的常规样品逐项比较，"
               "相对偏差 = |常规 − 平行| / (常规 + 平行) × 100%；空白样中检出的指标单列。"
               "质控样不参与水质类别、趋势和到报率。")  # fmt: skip
    st.markdown(f"**平行样相对偏差（{len(pairs)} 项）**")
    table(pairs, key=f"{keys.RESULTS_TABLE}.pairs")
    st.markdown(f"**空白样检出（{len(blanks)} 项）**")
    table(blanks, key=f"{keys.RESULTS_TABLE}.blanks")
    st.download_button(
        "导出质控样（Excel）",
        lambda: excel_bytes({
            "平行样相对偏差": pairs.rename(
                columns=labels.RESULTS_COLUMNS),
            "空白样检出": blanks.rename(
                columns=labels.RESULTS_COLUMNS),
        }),
        "质控样.xlsx", key=keys.RESULTS_QC_EXPORT, on_click="ignore",
    )  # fmt: skip
