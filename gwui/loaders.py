"""Cached loaders. The store handle is a shared resource; frames are cached data with a TTL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gwlib.asof import as_of
from gwlib.config import resolve_db_url
from gwlib.errors import DatabaseUnavailable
from gwlib.quality.classes import graded
from gwlib.quality.standards import StandardSet, get_standard
from gwlib.store import Store, summaries
from gwlib.store.county import county_info, townships
from gwui import labels

TTL_S = 300


@contextmanager
def database_errors() -> Iterator[None]:
    """Show a clear message instead of a traceback when the database cannot be reached or is
    busy. Nothing is cached from a failed call, so the page recovers on the next rerun."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
        if not schema_behind(exc):
            if isinstance(exc, sa.exc.ProgrammingError):
                raise
            _unavailable(exc)
            return
        st.error(f"{labels.DB_SCHEMA}\n\n{labels.DB_DETAIL}{str(exc.orig).strip()[:200]}",
                 icon=":material/database:")  # fmt: skip
    except (DatabaseUnavailable, sa.exc.InterfaceError) as exc:
        _unavailable(exc)


#: SQLite's words and PostgreSQL's SQLSTATEs (undefined table / column) for a missing table or
#: column: the database is older than the program (a migration has not been run).
_MISSING_SCHEMA = ("no such table", "no such column", "has no column named")
_UNDEFINED = ("42P01", "42703")


def schema_behind(exc: sa.exc.DBAPIError) -> bool:
    """Whether ``exc`` says a table or column the program uses is not in the database."""
    text = str(exc.orig).lower()
    state = getattr(exc.orig, "sqlstate", None)
    return any(w in text for w in _MISSING_SCHEMA) or state in _UNDEFINED


def _unavailable(exc: Exception) -> None:
    st.error(f"{labels.DB_UNAVAILABLE}\n\n{labels.DB_DETAIL}{type(exc).__name__}",
             icon=":material/cloud_off:")  # fmt: skip
    st.button("重试", key="frame.retry_db")


def _secret_url() -> str | None:
    try:
        db = st.secrets.get("db", {})
        url = db.get("url") if hasattr(db, "get") else None
    except Exception:  # no secrets.toml: Streamlit raises its own not-found error
        return None
    return str(url) if url else None


@st.cache_resource(show_spinner="正在连接数据库…")
def get_store() -> Store:
    return Store.open(resolve_db_url(_secret_url()))


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_samples() -> pd.DataFrame:
    return get_store().samples()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_annual(period: str = "") -> pd.DataFrame:
    """Every point's annual classes (of one 水期 when given), as stored on write."""
    return summaries.annual(get_store(), period)


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_years() -> list[int]:
    """Years with a graded sample, latest first (the sidebar's year choices). Read from the
    store, not :func:`load_samples`: this cache keeps a short list, not a copy of every sample."""
    s = get_store().samples()
    years = pd.to_datetime(s.loc[graded(s["quality_class"]), "date"]).dt.year.unique()
    return sorted((int(y) for y in years), reverse=True)


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_wells() -> pd.DataFrame:
    return get_store().wells()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_meta() -> dict[str, str]:
    store = get_store()
    return {k: store.get_meta(k) or "" for k in ("dataset", "dataset_note", "region", "as_of")}


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def app_title() -> str:
    """The app's title from the county the database is set up for (no county: no name)."""
    return county_info(get_store()).title


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_townships() -> list[str]:
    """The county's 乡镇 (imported township boundaries, else those the data names)."""
    return townships(get_store())


def as_of_date() -> dt.date:
    """The date every page computes its figures at (:mod:`gwlib.asof`); the app's one reading of
    the clock for figures."""
    return as_of(load_meta(), dt.date.today())


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_points() -> pd.DataFrame:
    return get_store().points()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_latest_measurements(period: str = "") -> pd.DataFrame:
    return get_store().latest_measurements(period)


@st.cache_data(ttl=TTL_S, max_entries=8, show_spinner=False)
def load_exceedances(year: int | None = None) -> pd.DataFrame:
    return get_store().exceedances(year)


@st.cache_data(ttl=TTL_S, max_entries=16, show_spinner=False)
def load_point_measurements(point: str) -> pd.DataFrame:
    return get_store().measurements(point=point)


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_trends(method: str = "mk") -> pd.DataFrame:
    return get_store().trends(method)


@st.cache_resource
def get_standard_set() -> StandardSet:
    return get_standard()
