"""Streamlit glue of the well ledger: cached loads, cache clearing after a write, the table
column configuration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from gwlib.store import ledger
from gwlib.store import sealing as sealing_store
from gwlib.wells.ledger import WellFilter
from gwlib.wells.model import PlanType, WellCategory, WellStatus
from gwlib.wells.risk import LEVELS, latest_point_classes, risk_scores
from gwui import keys, labels
from gwui.loaders import get_store, load_wells
from gwui.mapdata import cached_map_data
from gwui.render import MISSING, column_config

TTL_S = 300


@dataclass(frozen=True)
class LedgerData:
    wells: pd.DataFrame
    events: pd.DataFrame
    acceptance: pd.DataFrame
    risk: pd.DataFrame
    points: pd.DataFrame
    samples: pd.DataFrame


@st.cache_data(ttl=TTL_S, max_entries=2, show_spinner="正在读取台账…")
def load_ledger() -> LedgerData:
    store = get_store()
    wells = store.wells()
    points, samples = store.points(), store.samples()
    seal = sealing_store.all_sealing(store)
    latest = latest_point_classes(samples, points)
    risk = risk_scores(wells, store.zones(), store.pollution_sources(), latest)
    return LedgerData(
        wells, ledger.events(store), seal[["well_code", "acceptance_date"]], risk, points, samples
    )


@st.cache_data(ttl=TTL_S, max_entries=2, show_spinner=False)
def load_sealing() -> pd.DataFrame:
    """Every well's sealing record with its intervals (the export's 封井与验收 sheet)."""
    return sealing_store.all_sealing(get_store())


def after_write() -> None:
    """Drop cached ledger frames so every page shows the change at once."""
    load_ledger.clear()
    load_wells.clear()
    cached_map_data.clear()


def today() -> dt.date:
    return dt.date.today()


#: Columns never sent to the browser: internal keys and an attachment's file name on disk.
HIDDEN_COLUMNS = ("id", "version", "deleted", "stored_name")


def ledger_table(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` of a ledger frame with Chinese headers, without
    :data:`HIDDEN_COLUMNS`: dropped, not hidden, because st.dataframe sends every column of the
    frame to the browser and ``column_config=None`` only hides one on screen."""
    shown = frame.drop(columns=[c for c in HIDDEN_COLUMNS if c in frame.columns])
    people = [c for c in ("user_name", "uploaded_by", "changed_by") if c in shown.columns]
    if people:  # 操作人 as the person's name (the login name where none is set)
        names = display_names()
        shown = shown.assign(**{c: [names.get(str(u), u) for u in shown[c]] for c in people})
    stamps = [c for c in shown.columns if c in UTC_COLUMNS]
    if stamps:  # stored in UTC, shown in the section's time zone (GWLIB_TIME_ZONE)
        from gwui.results import local_time

        shown = shown.assign(**{c: local_time(shown[c]) for c in stamps})
    if shown.empty:
        return st.caption(labels.NO_ROWS)
    config = column_config(shown, labels.WELL_COLUMNS)
    return st.dataframe(shown, hide_index=True, column_config=config, placeholder=MISSING,
                        **kwargs)  # fmt: skip


@st.cache_data(ttl=TTL_S, max_entries=1, show_spinner=False)
def display_names() -> dict[str, str]:
    """Login name → 姓名 of the accounts that have one."""
    from gwlib.store.users import users

    u = users(get_store())
    return {str(n): str(d) for n, d in zip(u["username"], u["display_name"], strict=True) if d}


#: Timestamp columns stored in UTC.
UTC_COLUMNS = ("ts_utc", "uploaded_at", "recorded_at", "created_at", "changed_at")


#: More wells than this (a city's or province's ledger): 单井档案 asks for the 乡镇 first. One
#: list of 100,000 codes is 1.1 MB that holds the browser ~1.3 s on every visit.
WELL_PICK_MAX = 2_000
NO_TOWNSHIP = "（未填乡镇）"


def pick_well(wells: pd.DataFrame) -> str:
    """单井档案's choice of well: a link's ``?code=`` opens that well once (the user's own choice
    then stays); a ledger of more than :data:`WELL_PICK_MAX` wells is picked by 乡镇 then 井编码."""
    codes = list(wells["code"])
    asked = st.query_params.get("code")  # a link (ledger row, map popup) names the well
    towns = wells["township"].fillna(NO_TOWNSHIP).astype(str)
    if asked in codes and st.session_state.get(keys.WELL_LINKED) != asked:
        st.session_state[keys.WELL_CODE] = st.session_state[keys.WELL_LINKED] = asked
        st.session_state[keys.WELL_TOWN] = towns[wells["code"] == asked].iloc[0]
    if len(codes) > WELL_PICK_MAX:
        current = st.session_state.get(keys.WELL_CODE)
        if keys.WELL_TOWN not in st.session_state and current in codes:
            st.session_state[keys.WELL_TOWN] = towns[wells["code"] == current].iloc[0]
        town = st.selectbox("乡镇", sorted(towns.unique()), key=keys.WELL_TOWN,
                            help=f"台账共 {len(codes):,} 眼井：先选乡镇，再选井编码")  # fmt: skip
        codes = list(wells.loc[towns == town, "code"])
        if st.session_state.get(keys.WELL_CODE) not in codes:
            st.session_state.pop(keys.WELL_CODE, None)
    return str(st.selectbox("井编码", codes, key=keys.WELL_CODE))


OWNER_CHOICES = {"全部": None, "所有权人明确": True, "所有权人不明": False}


def filter_form(wells: pd.DataFrame) -> WellFilter:
    """The ledger's filter form (applied on 筛选, not on every click)."""
    with st.form(keys.WELLS_FILTERS):
        c1, c2, c3, c4 = st.columns(4)
        towns = c1.multiselect("乡镇", sorted(wells["township"].unique()),
                               key=keys.WELLS_TOWNSHIP, placeholder="全部")  # fmt: skip
        cats = c2.multiselect("井类别", [c.value for c in WellCategory],
                              key=keys.WELLS_CATEGORY, placeholder="全部")  # fmt: skip
        stats = c3.multiselect("状态", [s.value for s in WellStatus], key=keys.WELLS_STATUS,
                               placeholder="全部")  # fmt: skip
        risks = c4.multiselect("风险等级", list(LEVELS), key=keys.WELLS_RISK, placeholder="全部")
        c5, c6, c7, c8 = st.columns(4)
        plans = c5.multiselect("处置方式", [p.value for p in PlanType], key=keys.WELLS_PLAN,
                               placeholder="全部")  # fmt: skip
        owner = c6.radio("所有权人", list(OWNER_CHOICES), horizontal=True, key=keys.WELLS_OWNER)
        text = c7.text_input("井编码 / 村 / 所有权人 包含", key=keys.WELLS_TEXT)
        overdue_only = c8.checkbox("只看逾期未封井", key=keys.WELLS_OVERDUE)
        st.form_submit_button("筛选", key=keys.WELLS_APPLY)
    return WellFilter(tuple(towns), tuple(cats), (), tuple(stats), tuple(plans), tuple(risks),
                      OWNER_CHOICES[owner], overdue_only, text)  # fmt: skip
