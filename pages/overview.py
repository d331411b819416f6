"""总览: latest class distribution of the monitoring points and abandoned-well progress."""

import plotly.express as px
import streamlit as st

from gwlib.summaries import overview, sample_years
from gwui import keys, labels
from gwui.loaders import get_store, load_meta, load_samples, load_wells
from gwui.render import CLASS_COLOUR_BY_LABEL, class_legend, demo_notice

st.title(labels.OVERVIEW_TITLE)
st.caption(labels.OVERVIEW_CAPTION)
meta = load_meta()
demo_notice(meta)

samples = load_samples()
wells = load_wells()
years = sample_years(samples)
if not years:
    st.info(
        "数据库中还没有已评价的采样。可运行 `python -m gwlib demo` 生成模拟数据，或导入检测结果。"
    )
    st.stop()
year = st.selectbox(
    "评价年度", years, index=0, key=keys.OVERVIEW_YEAR, format_func=lambda y: f"{y} 年"
)
ov = overview(samples, wells, points_total=len(get_store().points()), year=year)

c1, c2, c3, c4 = st.columns(4)
c1.metric("已采样点位", f"{ov.points_sampled} / {ov.points_total} 个")
c2.metric("Ⅰ–Ⅲ类点位占比", f"{ov.share((1, 2, 3)):.1f}%")
c3.metric("Ⅳ类点位占比", f"{ov.share((4,)):.1f}%")
c4.metric("Ⅴ类点位占比", f"{ov.share((5,)):.1f}%")

left, right = st.columns(2)
with left:
    st.subheader(f"{year} 年各点位最新水质类别")
    fig = px.bar(
        ov.distribution,
        x="label",
        y="points",
        color="label",
        text="points",
        color_discrete_map=CLASS_COLOUR_BY_LABEL,
        labels={"label": "水质类别", "points": "点位数（个）"},
    )
    fig.update_layout(showlegend=False, height=340, margin={"t": 10, "b": 10})
    st.plotly_chart(fig, key="overview.class_chart")
    class_legend()
    st.caption(
        "按 GB/T 14848-2017 单指标评价（从优不从劣）取最差类别；每个点位取该年度最后一次采样。"
    )
with right:
    st.subheader("报废矿井、钻井、取水井封井回填进度")
    st.metric("清单内井数", f"{ov.wells_total} 眼")
    fig2 = px.bar(
        ov.well_status,
        x="wells",
        y="status",
        orientation="h",
        text="wells",
        labels={"status": "状态", "wells": "井数（眼）"},
    )
    fig2.update_layout(
        height=300,
        margin={"t": 10, "b": 10},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(ov.well_status["status"]))},
    )
    st.plotly_chart(fig2, key="overview.well_chart")

st.dataframe(
    ov.distribution[["label", "points", "share"]],
    hide_index=True,
    column_config={
        "label": labels.COLUMNS["label"],
        "points": labels.COLUMNS["points"],
        "share": st.column_config.NumberColumn(labels.COLUMNS["share"], format="%.1f"),
    },
    key="overview.class_table",
)
