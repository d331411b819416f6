"""Cached results of the 水质类别与趋势 page for one selection (filters, year), so that a rerun
of the page (a tab or widget change) does not recompute matrices over a province's points."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gwlib.quality.annual import class_change_ledger, exceedance_table
from gwlib.quality.overview import OverviewFigures, overview_figures
from gwlib.quality.report import indicator_matrix
from gwui.filters import Selection
from gwui.loaders import (
    TTL_S,
    get_standard_set,
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
    matrix: pd.DataFrame  # every indicator; gwlib.quality.report.notable_indicators narrows it
    ledger: pd.DataFrame
    exceedances: pd.DataFrame


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner="正在计算水质类别与趋势…")
def quality_views(sel: Selection) -> QualityViews:
    std = get_standard_set()
    points = sel.flt.points(load_points())
    samples = sel.flt.samples(load_samples())
    annual = sel.flt.annual(load_annual(sel.flt.period))
    matrix = indicator_matrix(
        samples, load_latest_measurements(sel.flt.period), load_trends(), std
    )
    return QualityViews(
        points,
        samples,
        annual,
        matrix,
        class_change_ledger(annual, std),
        exceedance_table(load_exceedances(sel.year), points, std),
    )


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
