"""饮用水源与补给区: the source register, zones and 补给区 against the plan's deadline, source
points' class over time against Ⅲ, and the cause and remediation of sources worse than Ⅲ."""


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
from gwui import charts, keys, labels
from gwui.loaders import as_of_date, load_meta, load_points, load_samples
from gwui.mapdata import load_drinking_sources, load_zones
from gwui.render import demo_notice, labelled_table

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
cols = ["code", "name", "scale", "source_type", "township", "population", "capacity_t_d",
        "zones_status", "first_km2", "second_km2", "quasi_km2", "recharge_status", "recharge_km2",
        "recharge_progress", "signage", "fencing", "rectification"]  # fmt: skip
labelled_table(register[cols], labels.SOURCES_COLUMNS, keys.SOURCES_TABLE)
st.caption(
    f"补给区进度按年度工作方案：{RECHARGE_DEADLINE.isoformat()} 前完成“千吨万人”及以上规模"
    "水源补给区初步划定。规范化建设：标志设置、隔离防护设施、保护区内环境问题整治，"
    "各项状态为 未开展 / 开展中 / 已完成。"
)

st.subheader("水源监测点位水质类别（年内最差）与Ⅲ类对比")
if yearly.empty:
    st.info("还没有水源监测点位的评价结果。")
else:
    st.plotly_chart(charts.source_class_chart(yearly), key=keys.SOURCES_CLASS_CHART)

above = sources_above_iii(register, yearly)
st.subheader(f"劣于Ⅲ类的水源（{len(above)} 处）：成因与整治")
labelled_table(above, labels.SOURCES_COLUMNS, keys.SOURCES_ABOVE_TABLE)

st.subheader("保护区与补给区")
source_zones = zone_table(zones, SOURCE_ZONE_KINDS)
cols = ["code", "name", "kind", "legal_status", "area_km2", "basis", "requirements",
        "approval_no", "approval_date"]  # fmt: skip
labelled_table(source_zones[cols], labels.SOURCES_COLUMNS, keys.SOURCES_ZONES_TABLE)
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
