"""一张图: boundaries, zones, monitoring points, abandoned wells and sources on one offline map,
with the cross-layer findings beside it."""


import streamlit as st
from streamlit_folium import st_folium

from gwlib.geo import basemaps
from gwlib.io.export import csv_bytes
from gwlib.sources.findings import RULES, export_frame, filter_frame, findings_frame
from gwlib.sources.maplayers import fit_view
from gwui import keys, labels, webassets
from gwui.loaders import as_of_date, load_meta
from gwui.mapdata import cached_findings, cached_map_data, map_settings
from gwui.mapview import assemble_map, highlight
from gwui.render import demo_notice, md, page_errors

st.title("一张图")
st.caption(labels.MAP_CAPTION)
meta = load_meta()
demo_notice(meta)
if webassets.missing():
    st.error(labels.MAP_ASSETS_MISSING)
    st.stop()

settings = map_settings()
choices = basemaps.available(settings)
keys_ = list(choices)
basemap_key = st.selectbox(
    "底图",
    keys_,
    index=keys_.index(basemaps.default_key(settings)),
    format_func=lambda k: choices[k].label,
    key=keys.MAP_BASEMAP,
    help=labels.MAP_BASEMAP_HELP,
)
basemap = choices[basemap_key]
as_of = as_of_date()
found = findings_frame(cached_findings(as_of))
base_path = str(st.get_option("server.baseUrlPath") or "")


def map_and_findings() -> None:
    left, right = st.columns([5, 3])
    with right:
        st.subheader(f"跨图层问题（{len(found)} 条）")
        c1, c2 = st.columns(2)
        rules = c1.multiselect(
            "规则",
            list(RULES),
            format_func=lambda r: RULES[r].title,
            key=keys.MAP_RULES,
            placeholder="全部规则",
        )
        severities = c2.multiselect(
            "严重程度", ["高", "中", "低"], key=keys.MAP_SEVERITY, placeholder="全部"
        )
        shown = filter_frame(found, rules, severities)
        event = st.dataframe(
            shown[["severity", "title", "explanation"]],
            hide_index=True,
            height=480,
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "severity": st.column_config.TextColumn("严重程度", width="small"),
                "title": st.column_config.TextColumn("规则", width="medium"),
                "explanation": st.column_config.TextColumn("说明", width="large"),
            },
            key=keys.MAP_FINDINGS,
        )
        st.caption(f"显示 {len(shown)} 条；选中一行，地图缩放到该问题涉及的对象。")
        st.download_button(
            "导出问题清单（CSV）",
            lambda: csv_bytes(export_frame(shown)),  # built when clicked
            file_name=f"跨图层问题_{as_of.isoformat()}.csv",
            mime="text/csv",
            key=keys.MAP_EXPORT_CSV,
            on_click="ignore",
        )
    center, zoom, extra = None, None, None
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(shown):
        row = shown.iloc[rows[0]]
        if row.notna()[["min_lon", "min_lat", "max_lon", "max_lat"]].all():
            bbox = (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"])
            (lat, lon), zoom = fit_view(bbox, 800, 640)
            zoom = min(zoom, 16)
            x, y = basemap.to_display(lon, lat)
            center, extra = (y, x), highlight(bbox, basemap)
        with right:
            st.markdown(f"**所选问题涉及**：{md(row['entities'])}")
            st.caption(f"依据：{md(row['basis'])}")
    with left:
        fmap = assemble_map(cached_map_data(basemap_key, base_path), basemap, base_path)
        st_folium(
            fmap,
            key=keys.MAP_MAP,
            height=700,
            use_container_width=True,
            returned_objects=[],
            center=center,
            zoom=zoom,
            feature_group_to_add=extra,
        )
        st.caption(labels.MAP_LAYERS_HELP)


@st.fragment
def guarded_map() -> None:
    # Streamlit shows a fragment's errors itself before the frame's guard (app.py) sees them:
    # guard inside the fragment.
    with page_errors():
        map_and_findings()


guarded_map()
