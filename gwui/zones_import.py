"""The 保护区与分区导入 page's working parts: the plan of an upload (kept for the session until
committed), the preview map (existing zones and boundaries under the polygons to import) and
tables with Chinese headers."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from gwlib.geo import basemaps
from gwlib.sources.maplayers import fit_view
from gwlib.sources.model import ZoneKind
from gwlib.sources.zone_import import TOWNSHIP, ZonesPlan
from gwlib.store.zones import prepare_zones
from gwui import keys, labels
from gwui.loaders import get_store
from gwui.mapdata import load_boundaries, load_zones, map_settings
from gwui.mapfeatures import boundary_features, compact_features, zone_features
from gwui.mapview import assemble_map
from gwui.render import labelled_table

PLAN_KEY = "zones.plan"


def plan_for(data: bytes, name: str, kind: str, source: str, crs: str) -> ZonesPlan:
    digest = hashlib.sha256(data + f"|{kind}|{source}|{crs}".encode()).hexdigest()
    held = st.session_state.get(PLAN_KEY)
    if held is None or held[0] != digest:
        with st.spinner("正在读取并检查文件…"):
            plan = prepare_zones(get_store(), data, name, kind, source, crs or None)
        st.session_state[PLAN_KEY] = (digest, plan)
        return plan
    return held[1]  # type: ignore[no-any-return]


def after_write() -> None:
    st.session_state.pop(PLAN_KEY, None)
    st.cache_data.clear()


def source_codes() -> list[str]:
    s = get_store().drinking_sources()
    return [f"{c}" for c in s["code"]] if len(s) else []


def table(frame: pd.DataFrame, key: str) -> None:
    labelled_table(frame, labels.ZONES_COLUMNS, key)


def preview_map(plan: ZonesPlan) -> None:
    """The polygons to import over what the store holds, on the offline map."""
    settings = map_settings()
    basemap = basemaps.available(settings)[basemaps.default_key(settings)]
    bounds = load_boundaries()
    new = plan.frame()
    if plan.kind == TOWNSHIP:
        planned = boundary_features(new.assign(level=TOWNSHIP), TOWNSHIP, basemap)
    else:
        planned = zone_features(new, (ZoneKind(plan.kind),), basemap)
    layers = [
        ("现有分区", zone_features(load_zones(), list(ZoneKind), basemap), True),
        ("县界", boundary_features(bounds, "县", basemap) if len(bounds) else [], True),
        (f"待导入（{len(new)} 个）", planned, True),
    ]
    data = [("geo", name, compact_features(f), show) for name, f, show in layers]
    center, zoom = None, None
    if len(new):
        shapes = [shape(json.loads(g)) for g in new["geometry"]]
        minx = min(s.bounds[0] for s in shapes)
        miny = min(s.bounds[1] for s in shapes)
        maxx = max(s.bounds[2] for s in shapes)
        maxy = max(s.bounds[3] for s in shapes)
        (lat, lon), zoom = fit_view((minx, miny, maxx, maxy), 800, 460)
        x, y = basemap.to_display(lon, lat)
        center, zoom = (y, x), min(zoom, 16)
    st_folium(assemble_map(data, basemap), key=keys.ZONES_MAP, height=460,
              use_container_width=True, returned_objects=[], center=center,
              zoom=zoom)  # fmt: skip
