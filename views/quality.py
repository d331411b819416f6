"""水质类别与趋势: class shares over time, point × year and point × indicator matrices, one
point's report with trend statistics, the class-change ledger and the exceedance table."""

import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.quality.annual import class_share_by_year
from gwlib.quality.report import notable_indicators
from gwui import charts, filters, keys, labels
from gwui.loaders import get_standard_set, load_meta
from gwui.point_report import point_report_tab
from gwui.quality_data import (
    quality_exceedances,
    quality_ledger,
    quality_matrix,
    quality_views,
)
from gwui.quality_uses import uses_tab
from gwui.render import capped, class_legend, demo_notice, labelled_table, roman, value_texts

st.title(labels.QUALITY_TITLE)
demo_notice(load_meta())
st.caption(labels.QUALITY_CAPTION)
sel = filters.current()
std = get_standard_set()
views = quality_views(sel)
points, samples, annual = views.points, views.samples, views.annual
if annual.empty:
    st.info("所选范围内没有已评价的采样。")
    st.stop()
class_legend()

# Only the open tab runs and is drawn (the other tabs' charts would cost a province's first
# visit seconds in the browser); choosing a tab reruns the page. A map popup's 查看详情
# (?point=) opens on the point's report.
tab_share, tab_matrix, tab_point, tab_ledger, tab_exceed, tab_uses = st.tabs(
    list(labels.QUALITY_TABS), key=keys.QUALITY_TABS, on_change="rerun",
    default=labels.QUALITY_TABS[2] if st.query_params.get("point") else None,
)  # fmt: skip

if tab_share.open:
    with tab_share:
        st.subheader("各年度各类别点位占比")
        st.plotly_chart(
            charts.class_share_by_year(class_share_by_year(annual)), key=keys.QUALITY_SHARE_CHART
        )
        st.subheader("点位 × 年度 水质类别")
        drawn, note = charts.worst_points(annual)
        if note:
            st.caption(note)
        st.plotly_chart(charts.class_heatmap(drawn), key=keys.QUALITY_YEAR_HEATMAP)

if tab_matrix.open:
    with tab_matrix:
        st.subheader("最近一次采样：点位 × 指标（颜色为类别，箭头为趋势）")
        st.caption(labels.TREND_ARROWS_HELP)
        matrix = quality_matrix(sel)
        if not st.toggle(
            "显示全部指标", key=keys.QUALITY_MATRIX_ALL, help="默认只显示至少一个点位劣于Ⅱ类的指标"
        ):
            matrix = notable_indicators(matrix)
        drawn, note = charts.worst_points(matrix)
        if note:
            st.caption(note)
        st.plotly_chart(charts.indicator_matrix(drawn), key=keys.QUALITY_INDICATOR_MATRIX)
        st.markdown("**每个格子背后的统计量**（点击表格行查看）")
        first = capped(matrix, "用侧栏缩小范围可看其余点位")
        table = first.assign(cls=first["quality_class"].map(roman), value=value_texts(first))
        cols = ["point", "indicator", "date", "value", "unit", "cls", "category", "n", "s", "p",
                "tau", "slope"]  # fmt: skip
        labelled_table(table[cols], labels.QUALITY_COLUMNS, keys.QUALITY_MATRIX_TABLE)

if tab_point.open:
    with tab_point:
        point_report_tab(points, samples, std)

if tab_ledger.open:
    with tab_ledger:
        st.subheader("类别变化台账（与上一年度相比）")
        ledger = capped(quality_ledger(sel), "用侧栏缩小范围可看其余点位")
        shown = ledger.assign(prev=ledger["prev_class"].map(roman),
                              now=ledger["quality_class"].map(roman))  # fmt: skip
        cols = ["point", "point_name", "township", "year", "prev", "now", "change", "driver"]
        labelled_table(shown[cols], labels.QUALITY_COLUMNS, keys.QUALITY_LEDGER)

if tab_exceed.open:
    with tab_exceed:
        st.subheader("超标明细（劣于Ⅲ类或劣于目标类别）")
        ex = quality_exceedances(sel)
        shown = ex.assign(
            quality_class=ex["quality_class"].map(roman), target_class=ex["target_class"].map(roman)
        )
        labelled_table(capped(shown, "完整数据请用下方导出"), labels.EXCEEDANCE_HEADERS,
                       keys.QUALITY_EXCEEDANCE_TABLE)  # fmt: skip
        st.download_button(
            "导出超标明细（Excel）",
            lambda: excel_bytes({"超标明细": shown.rename(columns=labels.EXCEEDANCE_HEADERS)}),
            file_name=f"超标明细_{sel.year or '全部'}.xlsx",
            key=keys.QUALITY_EXCEEDANCE_EXPORT,
            on_click="ignore",
        )

if tab_uses.open:
    with tab_uses:
        uses_tab(points, sel)
