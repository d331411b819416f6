"""水质类别与趋势, 回灌与地热尾水 tab: the 回灌 and 地热尾水 points of the selection judged against
their requirement (gwlib.quality.requirements), with their 报备 status, every sample's 结论 and
the Excel export; 农田灌溉 points are named as not yet judged."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.quality.model import PointPurpose
from gwlib.quality.point_checks import FILING_OVERDUE, NOT_FILED, POINT_CHECK_LABELS
from gwlib.quality.requirements import EXCEEDED, requirement_for, requirements
from gwui import keys
from gwui.filters import Selection
from gwui.loaders import as_of_date
from gwui.quality_data import purpose_checks
from gwui.render import labelled_table


def uses_tab(points: pd.DataFrame, sel: Selection) -> None:
    """The tab's body for the selection's ``points``."""
    st.subheader("回灌水、地热尾水：按县定水质要求判定，报备情况")
    as_of = as_of_date()
    checks, history = purpose_checks(sel, as_of)
    for req in requirements().values():
        st.caption(f"**{req.code}**（{req.title}）适用于{'、'.join(req.applies_to)}点位："
                   f"{req.limits_summary}；报备周期 {req.filing_months or '—'} 个月。")
        with st.expander(f"{req.code} 的依据与配置"):
            st.caption(req.source)
            st.caption("配置文件在 data/standards/requirements，改限值或报备周期无需改程序。")
    irrigation = points[points["purpose"] == PointPurpose.IRRIGATION.value]
    if len(irrigation) and requirement_for(PointPurpose.IRRIGATION.value) is None:
        st.info(f"农田灌溉点位 {len(irrigation)} 个：GB 5084-2021《农田灌溉水质标准》的"
                "限值尚未录入（须与标准文本逐项核对后加入 data/standards/requirements），"
                "这些点位暂只按地下水质量类别评价。", icon=":material/info:")
    if checks.empty:
        st.caption("所选范围内没有回灌或地热尾水点位。")
    else:
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("点位（个）", len(checks))
        c2.metric("最近一次超标（个）", int((checks["result"] == EXCEEDED).sum()))
        c3.metric("报备逾期（个）", int((checks["filing"] == FILING_OVERDUE).sum()))
        c4.metric("未报备（个）", int((checks["filing"] == NOT_FILED).sum()))
        st.caption(f"数据截至 {as_of}。超标倍数＝（监测值－限值）÷限值；检出限高于限值的未检出"
                   "记为无法判定，不算达标。")
        shown = ["point", "point_name", "purpose", "date", "result", "exceeding", "filing",
                 "filed_on", "filing_due", "undetermined", "township"]
        labelled_table(checks[shown], POINT_CHECK_LABELS, keys.QUALITY_USES_TABLE)
        if st.toggle(f"显示每次采样的结论（{len(history)} 次）", key=keys.QUALITY_USES_ALL):
            labelled_table(history, POINT_CHECK_LABELS, keys.QUALITY_USES_HISTORY)
        st.download_button(
            "导出判定与报备（Excel）",
            lambda: excel_bytes({"最近一次": checks.rename(columns=POINT_CHECK_LABELS),
                                 "每次采样": history.rename(columns=POINT_CHECK_LABELS)}),
            file_name=f"回灌与地热尾水_{as_of}.xlsx", key=keys.QUALITY_USES_EXPORT,
            on_click="ignore",
        )  # fmt: skip
