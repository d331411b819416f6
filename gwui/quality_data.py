"""Cached results of the 水质类别与趋势 page for one selection (filters, year), so that a rerun
of the page (a tab or widget change) does not recompute matrices over a province's points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gwlib.quality.annual import class_change_ledger, exceedance_table
from gwlib.quality.overview import OverviewFigures, overview_figures
from gwlib.quality.point_checks import stored_checks
from gwlib.quality.report import indicator_matrix
from gwui.filters import Selection
from gwui.loaders import (
    TTL_S,
    get_standard_set,
    get_store,
    load_annual,
    load_exceedances,
    load_latest_measurements,
    load_points,
    load_samples,
    load_trends,
)


@dataclass(frozen=True)
class QualityViews:
    points: pd.DataFrame
    samples: pd.DataFrame
    annual: pd.DataFrame


def quality_views(sel: Selection) -> QualityViews:
    """The selection's points, samples and (stored) annual classes: filters of cached frames, a
    few milliseconds. Each tab's heavier table has its own cached function below, so that a
    first visit computes only the open tab's."""
    return QualityViews(
        sel.flt.points(load_points()),
        sel.flt.samples(load_samples()),
        sel.flt.annual(load_annual(sel.flt.period)),
    )


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner="正在计算指标矩阵…")
def quality_matrix(sel: Selection) -> pd.DataFrame:
    """The latest measurement of every point and indicator with its trend (every indicator;
    gwlib.quality.report.notable_indicators narrows it)."""
    samples = sel.flt.samples(load_samples())
    return indicator_matrix(
        samples, load_latest_measurements(sel.flt.period), load_trends(), get_standard_set()
    )


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner="正在整理类别变化台账…")
def quality_ledger(sel: Selection) -> pd.DataFrame:
    return class_change_ledger(sel.flt.annual(load_annual(sel.flt.period)), get_standard_set())


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner="正在整理超标明细…")
def quality_exceedances(sel: Selection) -> pd.DataFrame:
    points = sel.flt.points(load_points())
    return exceedance_table(load_exceedances(sel.year), points, get_standard_set())


@st.cache_data(ttl=TTL_S, max_entries=16, show_spinner=False)
def overview(sel: Selection, year: int, v_goal: float) -> OverviewFigures:
    """The 总览 figures for one selection, year and Ⅴ-class goal."""
    return overview_figures(
        load_points(),
        load_samples(),
        load_exceedances(year),
        get_standard_set(),
        sel.flt,
        year,
        v_goal,
        load_annual(sel.flt.period),
    )


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner="正在按回灌水质要求判定…")
def purpose_checks(sel: Selection, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selection's points whose 监测用途 has a requirement (回灌, 地热尾水): each one's latest
    结论 and 报备 status, and every sample's 结论 (gwlib.quality.point_checks.stored_checks)."""
    return stored_checks(get_store(), sel.flt.points(load_points()), as_of)
