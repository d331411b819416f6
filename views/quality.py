"""水质类别与趋势: class shares over time, point × year and point × indicator matrices, one
point's report with trend statistics, the class-change ledger and the exceedance table."""

import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.quality.annual import class_share_by_year
from gwlib.quality.report import class_limits, notable_indicators, point_report
from gwui import charts, filters, keys, labels
from gwui.loaders import get_standard_set, load_meta, load_point_measurements, load_trends
from gwui.quality_data import quality_views
from gwui.render import capped, class_legend, demo_notice, roman, trend_summary, value_texts

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

tab_share, tab_matrix, tab_point, tab_ledger, tab_exceed = st.tabs(
    ["类别变化", "指标矩阵", "单点报告", "类别变化台账", "超标明细"]
)

with tab_share:
    st.subheader("各年度各类别点位占比")
    st.plotly_chart(
        charts.class_share_by_year(class_share_by_year(annual)), key="quality.share_chart"
    )
    st.subheader("点位 × 年度 水质类别")
    drawn, note = charts.worst_points(annual)
    if note:
        st.caption(note)
    st.plotly_chart(charts.class_heatmap(drawn), key="quality.year_heatmap")

with tab_matrix:
    st.subheader("最近一次采样：点位 × 指标（颜色为类别，箭头为趋势）")
    st.caption(labels.TREND_ARROWS_HELP)
    matrix = views.matrix
    if not st.toggle(
        "显示全部指标", key=keys.QUALITY_MATRIX_ALL, help="默认只显示至少一个点位劣于Ⅱ类的指标"
    ):
        matrix = notable_indicators(matrix)
    drawn, note = charts.worst_points(matrix)
    if note:
        st.caption(note)
    st.plotly_chart(charts.indicator_matrix(drawn), key="quality.indicator_matrix")
    st.markdown("**每个格子背后的统计量**（点击表格行查看）")
    first = capped(matrix, "用侧栏缩小范围可看其余点位")
    table = first.assign(cls=first["quality_class"].map(roman), value=value_texts(first))
    st.dataframe(
        table[
            [
                "point",
                "indicator",
                "date",
                "value",
                "unit",
                "cls",
                "category",
                "n",
                "s",
                "p",
                "tau",
                "slope",
            ]
        ],
        hide_index=True,
        key=keys.QUALITY_MATRIX_TABLE,
        column_config={
            "point": "点位编码",
            "indicator": "指标",
            "date": "采样日期",
            "value": "监测值",
            "unit": "单位",
            "cls": "类别",
            "category": "趋势",
            "n": "样本数（个）",
            "s": "S",
            "p": st.column_config.NumberColumn("p", format="%.3f"),
            "tau": st.column_config.NumberColumn("Kendall τ", format="%.2f"),
            "slope": st.column_config.NumberColumn("Sen 斜率（单位/年）", format="%.4g"),
        },
    )

with tab_point:
    codes = sorted(points["code"])
    names = dict(zip(points["code"], points["name"], strict=True))
    asked = st.query_params.get("point")  # a map popup's 查看详情 names the point
    if asked in codes and keys.QUALITY_POINT not in st.session_state:
        st.session_state[keys.QUALITY_POINT] = asked
    point = st.selectbox(
        "点位",
        codes,
        key=keys.QUALITY_POINT,
        format_func=lambda c: f"{c}　{names.get(c, '')}",
    )
    report = point_report(
        load_point_measurements(point), samples, load_trends(), std, point
    )
    targets = dict(zip(points["code"], points["target_class"], strict=True))
    st.markdown(report.headline(targets.get(point)))
    picked = st.multiselect(  # a key per point: another point opens on its own limiting ones
        "指标",
        report.indicators,
        default=report.limiting or report.indicators[:3],
        key=f"{keys.QUALITY_POINT_INDICATORS}.{point}",
        format_func=report.name_of,
        placeholder="选择指标",
    )
    for code in picked:
        series, stats = report.series_of(code)
        chart_col, stat_col = st.columns([3, 1])
        chart_col.plotly_chart(
            charts.series_chart(series, class_limits(std, code), report.name_of(code)),
            key=f"quality.series.{code}",
        )
        stat_col.markdown(trend_summary(stats, report.unit_of(code)))
    if report.has_water_level:
        st.plotly_chart(charts.water_level_chart(report.samples), key="quality.level_chart")
    st.download_button(
        "导出该点位报告（Excel）",
        lambda: excel_bytes(report.sheets()),
        file_name=f"{point}_点位报告.xlsx",
        key="quality.point_export",
        on_click="ignore",
    )

with tab_ledger:
    st.subheader("类别变化台账（与上一年度相比）")
    ledger = capped(views.ledger, "用侧栏缩小范围可看其余点位")
    st.dataframe(
        ledger.assign(prev=ledger["prev_class"].map(roman), now=ledger["quality_class"].map(roman))[
            ["point", "point_name", "township", "year", "prev", "now", "change", "driver"]
        ],
        hide_index=True,
        key="quality.ledger",
        column_config={
            "point": "点位编码",
            "point_name": "点位名称",
            "township": "乡镇",
            "year": st.column_config.NumberColumn("年度", format="%d"),
            "prev": "上年类别",
            "now": "本年类别",
            "change": "变化",
            "driver": "引起变化的指标",
        },
    )

with tab_exceed:
    st.subheader("超标明细（劣于Ⅲ类或劣于目标类别）")
    ex = views.exceedances
    shown = ex.assign(
        quality_class=ex["quality_class"].map(roman), target_class=ex["target_class"].map(roman)
    )
    st.dataframe(
        capped(shown, "完整数据请用下方导出"),
        hide_index=True,
        key=keys.QUALITY_EXCEEDANCE_TABLE,
        column_config={k: v for k, v in labels.EXCEEDANCE_HEADERS.items()},
    )
    st.download_button(
        "导出超标明细（Excel）",
        lambda: excel_bytes({"超标明细": shown.rename(columns=labels.EXCEEDANCE_HEADERS)}),
        file_name=f"超标明细_{sel.year or '全部'}.xlsx",
        key="quality.exceedance_export",
        on_click="ignore",
    )
