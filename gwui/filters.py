"""The shared water-quality filters: drawn once by the frame, read by the pages."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gwlib.quality.annual import QualityFilter
from gwlib.quality.model import AquiferMedium, Period, PointCategory, PointPurpose
from gwui import keys

ALL_PERIODS = "全部水期"


@dataclass(frozen=True)
class Selection:
    flt: QualityFilter
    year: int | None


def render(townships: list[str], years: list[int]) -> None:
    """Sidebar widgets (called by app.py on pages that use them)."""
    with st.sidebar:
        st.subheader("筛选")
        if years:
            st.selectbox("评价年度", years, key=keys.FILTER_YEAR, format_func=lambda y: f"{y} 年")
        st.selectbox("水期", [ALL_PERIODS, *(p.value for p in Period)], key=keys.FILTER_PERIOD)
        st.multiselect(
            "点位类别",
            [c.value for c in PointCategory],
            key=keys.FILTER_CATEGORY,
            placeholder="全部类别",
        )
        st.multiselect(
            "监测用途",
            [c.value for c in PointPurpose],
            key=keys.FILTER_PURPOSE,
            placeholder="全部用途",
        )
        st.multiselect(
            "乡镇",
            townships,
            key=keys.FILTER_TOWNSHIP,
            placeholder="全部乡镇",
        )
        st.multiselect(
            "含水介质",
            [a.value for a in AquiferMedium],
            key=keys.FILTER_AQUIFER,
            placeholder="全部",
        )


def current() -> Selection:
    """The filters as the user set them (defaults when the widgets were not drawn)."""
    state = st.session_state
    period = state.get(keys.FILTER_PERIOD, ALL_PERIODS)
    return Selection(
        flt=QualityFilter(
            categories=tuple(state.get(keys.FILTER_CATEGORY, ())),
            townships=tuple(state.get(keys.FILTER_TOWNSHIP, ())),
            aquifers=tuple(state.get(keys.FILTER_AQUIFER, ())),
            period="" if period == ALL_PERIODS else str(period),
            purposes=tuple(state.get(keys.FILTER_PURPOSE, ())),
        ),
        year=state.get(keys.FILTER_YEAR),
    )
