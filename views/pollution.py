"""污染源与防治分区: sources by category, 防渗改造, own monitoring wells and their latest class,
survey and risk control; the prevention zones with their management requirements."""

import streamlit as st

from gwlib.sources.model import PREVENTION_ZONE_KINDS
from gwlib.sources.registers import pollution_register, pollution_summary, zone_table
from gwui import keys, labels
from gwui.loaders import load_meta, load_points, load_samples
from gwui.mapdata import load_pollution_sources, load_zones
from gwui.render import demo_notice

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
st.dataframe(
    summary,
    hide_index=True,
    key=keys.POLLUTION_SUMMARY,
    column_config={
        "group": "类别",
        "sources": "污染源（个）",
        "seepage_done": "防渗改造已完成（个）",
        "survey_done": "调查评估已完成（个）",
        "key_dischargers": "重点排污单位（个）",
    },
)

groups = sorted(register["group"].unique())
chosen = st.multiselect("类别", groups, key=keys.POLLUTION_GROUP, placeholder="全部类别")
shown = register[register["group"].isin(chosen)] if chosen else register
st.subheader(f"污染源清单（{len(shown)} 个）")
st.dataframe(
    shown[
        [
            "code",
            "name",
            "group",
            "category",
            "township",
            "key_discharger",
            "permit_no",
            "self_monitoring",
            "networked",
            "seepage_status",
            "survey_status",
            "risk_control",
            "monitoring_wells",
            "points",
            "worst_label",
        ]
    ],
    hide_index=True,
    key=keys.POLLUTION_TABLE,
    column_config={
        "code": "编码",
        "name": "名称",
        "group": "类别",
        "category": "细类",
        "township": "乡镇",
        "key_discharger": st.column_config.CheckboxColumn("重点排污单位名录"),
        "permit_no": "排污许可证编号",
        "self_monitoring": st.column_config.CheckboxColumn("自行监测"),
        "networked": st.column_config.CheckboxColumn("自动监测联网"),
        "seepage_status": "防渗改造",
        "survey_status": "调查评估",
        "risk_control": "风险管控",
        "monitoring_wells": st.column_config.NumberColumn("监测井（眼）", format="%d"),
        "points": "纳入监测的点位",
        "worst_label": "点位最新类别（最差）",
    },
)

st.subheader("地下水污染防治分区与管理要求")
zones = zone_table(load_zones(), PREVENTION_ZONE_KINDS)
st.dataframe(
    zones[["code", "name", "kind", "legal_status", "area_km2", "requirements", "basis",
           "approval_no"]],
    hide_index=True,
    key=keys.POLLUTION_ZONES_TABLE,
    column_config={
        "code": "分区编码",
        "name": "名称",
        "kind": "分区",
        "legal_status": "划定状态",
        "approval_no": "批复文号",
        "area_km2": st.column_config.NumberColumn("面积（km²）", format="%.1f"),
        "requirements": st.column_config.TextColumn("管理要求", width="large"),
        "basis": "依据",
    },
)
