"""污染源与防治分区: sources by category, 防渗改造, own monitoring wells and their latest class,
survey and risk control; the prevention zones with their management requirements."""

import streamlit as st

from gwlib.sources.model import PREVENTION_ZONE_KINDS
from gwlib.sources.registers import pollution_register, pollution_summary, zone_table
from gwui import keys, labels
from gwui.loaders import load_meta, load_points, load_samples
from gwui.mapdata import load_pollution_sources, load_zones
from gwui.render import demo_notice, labelled_table

st.title(labels.POLLUTION_TITLE)
st.caption(labels.POLLUTION_CAPTION)
demo_notice(load_meta())

register = pollution_register(load_pollution_sources(), load_points(), load_samples())
summary = pollution_summary(register)

c1, c2, c3, c4 = st.columns(4)
c1.metric("污染源", f"{len(register)} 个")
c2.metric("防渗改造已完成", f"{int((register['seepage_status'] == '已完成').sum())} 个")
c3.metric("重点排污单位", f"{int(register['key_discharger'].sum())} 个")
c4.metric("自行监测井劣于目标", f"{int(register['missing_target'].sum())} 眼")

st.subheader("按类别汇总")
labelled_table(summary, labels.POLLUTION_COLUMNS, keys.POLLUTION_SUMMARY)

groups = sorted(register["group"].unique())
chosen = st.multiselect("类别", groups, key=keys.POLLUTION_GROUP, placeholder="全部类别")
shown = register[register["group"].isin(chosen)] if chosen else register
st.subheader(f"污染源清单（{len(shown)} 个）")
cols = ["code", "name", "group", "category", "township", "key_discharger", "permit_no",
        "self_monitoring", "networked", "seepage_status", "survey_status", "risk_control",
        "monitoring_wells", "points", "worst_label"]  # fmt: skip
labelled_table(shown[cols], labels.POLLUTION_COLUMNS, keys.POLLUTION_TABLE)

st.subheader("地下水污染防治分区与管理要求")
zones = zone_table(load_zones(), PREVENTION_ZONE_KINDS)
cols = ["code", "name", "kind", "legal_status", "area_km2", "requirements", "basis",
        "approval_no"]  # fmt: skip
labelled_table(zones[cols], labels.POLLUTION_ZONE_COLUMNS, keys.POLLUTION_ZONES_TABLE)
