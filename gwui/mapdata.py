"""Cached loaders for the map's layers, and the map settings from secrets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from gwlib.geo import basemaps
from gwlib.quality.point_checks import stored_checks
from gwlib.sources.findings import Finding, Layers, find_all
from gwui.loaders import TTL_S, as_of_date, get_store, load_points, load_samples, load_wells
from gwui.mapfeatures import MapData, map_data


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_zones() -> pd.DataFrame:
    return get_store().zones()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_drinking_sources() -> pd.DataFrame:
    return get_store().drinking_sources()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_pollution_sources() -> pd.DataFrame:
    return get_store().pollution_sources()


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner=False)
def load_boundaries() -> pd.DataFrame:
    return get_store().boundaries()


def load_layers() -> Layers:
    """All layers the findings rules read (each frame cached on its own)."""
    return Layers(
        zones=load_zones(),
        wells=load_wells(),
        drinking_sources=load_drinking_sources(),
        pollution_sources=load_pollution_sources(),
        points=load_points(),
        samples=load_samples(),
    )


def map_settings() -> dict[str, Any]:
    """The ``[map]`` table of ``.streamlit/secrets.toml`` (basemap, tianditu_token, custom_url,
    custom_name, custom_gcj02), or {} when there are no secrets."""
    try:
        section = st.secrets.get("map", {})
    except Exception:  # no secrets.toml: Streamlit raises its own not-found error
        return {}
    return dict(section) if hasattr(section, "keys") else {}


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner="正在进行跨图层检查…")
def cached_findings(as_of: dt.date) -> list[Finding]:
    """All findings as of ``as_of`` (rules run once per data refresh, not on every rerun)."""
    return find_all(load_layers(), as_of)


@st.cache_data(ttl=TTL_S, max_entries=4, show_spinner="正在准备地图…")
def cached_map_data(basemap_key: str, base_path: str) -> MapData:
    """Every overlay of the 一张图 map as plain data, computed once per data refresh and base
    map (each run then only assembles the folium objects)."""
    basemap = basemaps.available(map_settings())[basemap_key]
    layers = load_layers()
    checks, _ = stored_checks(get_store(), layers.points, as_of_date())
    return map_data(layers, load_boundaries(), basemap, base_path, checks)
