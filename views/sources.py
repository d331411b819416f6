"""饮用水源与补给区: the source register, zones and 补给区 against the plan's deadline, source
points' class over time against Ⅲ, and the cause and remediation of sources worse than Ⅲ."""


import plotly.express as px
import streamlit as st

from gwlib.geo.io import zones_to_geojson, zones_to_kml
from gwlib.sources.model import SOURCE_ZONE_KINDS
from gwlib.sources.registers import (
    RECHARGE_DEADLINE,
    source_point_classes,
    source_register,
    sources_above_iii,
    zone_table,
)
from gwui import keys, labels
from gwui.loaders import as_of_date, load_meta, load_points, load_samples
from gwui.mapdata import load_drinking_sources, load_zones
from gwui.render import CLASS_COLOUR_BY_LABEL, demo_notice, plot_text

st.title(labels.SOURCES_TITLE)
st.caption(labels.SOURCES_CAPTION)
meta = load_meta()
demo_notice(meta)

as_of = as_of_date()
zones = load_zones()
register = source_register(load_drinking_sources(), zones, as_of)
yearly = source_point_classes(load_points(), load_samples())

c1, c2, c3, c4 = st.columns(4)
c1.metric("地下水型饮用水水源", f"{len(register)} 处")
c2.metric("服务人口", f"{int(register['population'].sum()):,} 人")
c3.metric("保护区已批复", f"{int((register['zones_status'] == '已批复').sum())} 处")
c4.metric("补给区逾期未划定", f"{int((register['recharge_progress'] == '逾期未完成').sum())} 处")

st.subheader("水源名录与划定状态")
st.dataframe(
    register[
        [
            "code",
            "name",
            "scale",
            "source_type",
            "township",
            "population",
            "capacity_t_d",
            "zones_status",
            "first_km2",
            "second_km2",
            "quasi_km2",
            "recharge_status",
            "recharge_km2",
            "recharge_progress",
            "signage",
            "fencing",
            "rectification",
        ]
    ],
    hide_index=True,
    column_config={
        "code": "水源编码",
        "name": "水源名称",
        "scale": "规模",
        "source_type": "类型",
        "township": "乡镇",
        "population": st.column_config.NumberColumn("服务人口（人）", format="%d"),
        "capacity_t_d": st.column_config.NumberColumn("取水量（t/d）", format="%.0f"),
        "zones_status": "保护区划定",
        "first_km2": st.column_config.NumberColumn("一级保护区（km²）", format="%.3f"),
        "second_km2": st.column_config.NumberColumn("二级保护区（km²）", format="%.2f"),
        "quasi_km2": st.column_config.NumberColumn("准保护区（km²）", format="%.2f"),
        "recharge_status": "补给区划定",
        "recharge_km2": st.column_config.NumberColumn("补给区（km²）", format="%.1f"),
        "recharge_progress": "补给区进度",
        "signage": "规范化建设：标志",
        "fencing": "规范化建设：隔离防护",
        "rectification": "规范化建设：环境问题整治",
    },
    key=keys.SOURCES_TABLE,
)
st.caption(
    f"补给区进度按年度工作方案：{RECHARGE_DEADLINE.isoformat()} 前完成“千吨万人”及以上规模"
    "水源补给区初步划定。规范化建设：标志设置、隔离防护设施、保护区内环境问题整治，"
    "各项状态为 未开展 / 开展中 / 已完成。"
)

st.subheader("水源监测点位水质类别（年内最差）与Ⅲ类对比")
if yearly.empty:
    st.info("还没有水源监测点位的评价结果。")
else:
    fig = px.scatter(
        yearly.assign(point_name=plot_text(yearly["point_name"])),
        x="year",
        y="quality_class",
        color="label",
        symbol="source_code",
        hover_data=["point", "point_name"],
        color_discrete_map=CLASS_COLOUR_BY_LABEL,
        labels={
            "year": "年度",
            "quality_class": "水质类别",
            "label": "类别",
            "source_code": "水源",
        },
    )
    fig.add_hline(y=3, line_dash="dash", annotation_text="Ⅲ类")
    fig.update_yaxes(tickvals=[1, 2, 3, 4, 5], ticktext=["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"], range=[0.5, 5.5])
    fig.update_traces(marker={"size": 11})
    fig.update_layout(height=340, margin={"t": 10, "b": 10})
    st.plotly_chart(fig, key="sources.class_chart")

above = sources_above_iii(register, yearly)
st.subheader(f"劣于Ⅲ类的水源（{len(above)} 处）：成因与整治")
st.dataframe(
    above,
    hide_index=True,
    key="sources.above_table",
    column_config={
        "code": "水源编码",
        "name": "水源名称",
        "year": "年度",
        "label": "水质类别",
        "exceedance_cause": "成因（地质背景/人为因素）",
        "remediation_status": "整治方案与进展",
    },
)

st.subheader("保护区与补给区")
source_zones = zone_table(zones, SOURCE_ZONE_KINDS)
st.dataframe(
    source_zones[["code", "name", "kind", "legal_status", "area_km2", "basis", "requirements",
                  "approval_no", "approval_date"]],
    hide_index=True,
    key=keys.SOURCES_ZONES_TABLE,
    column_config={
        "code": "区域编码",
        "name": "名称",
        "kind": "类型",
        "legal_status": "划定状态",
        "approval_no": "批复文号",
        "approval_date": st.column_config.DateColumn("批复日期", format="YYYY-MM-DD"),
        "area_km2": st.column_config.NumberColumn("面积（km²）", format="%.2f"),
        "basis": "划定依据",
        "requirements": "管理要求",
    },
)
chosen = zones[zones["kind"].isin([k.value for k in SOURCE_ZONE_KINDS])]
d1, d2 = st.columns(2)
d1.download_button(
    "导出保护区与补给区（GeoJSON）",
    lambda: zones_to_geojson(chosen).encode("utf-8"),  # built when clicked
    file_name="饮用水源保护区与补给区.geojson",
    mime="application/geo+json",
    key=keys.MAP_EXPORT_ZONES_GEOJSON,
    on_click="ignore",
)
d2.download_button(
    "导出保护区与补给区（KML）",
    lambda: zones_to_kml(chosen, "饮用水源保护区与补给区").encode("utf-8"),
    file_name="饮用水源保护区与补给区.kml",
    mime="application/vnd.google-earth.kml+xml",
    key=keys.MAP_EXPORT_ZONES_KML,
    on_click="ignore",
)
