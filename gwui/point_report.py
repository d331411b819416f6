"""水质类别与趋势, 单点报告 tab: one point's headline, indicator series with trend statistics, its
water level and the Excel report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.quality.point_checks import check_sentence, point_checks
from gwlib.quality.report import class_limits, point_report
from gwlib.quality.requirements import requirement_for
from gwlib.quality.standards import StandardSet
from gwui import charts, keys, labels
from gwui.loaders import as_of_date, load_point_measurements, load_trends
from gwui.render import labelled_table, roman, trend_summary


def point_report_tab(points: pd.DataFrame, samples: pd.DataFrame, std: StandardSet) -> None:
    codes = sorted(points["code"])
    names = dict(zip(points["code"], points["name"], strict=True))
    asked = st.query_params.get("point")  # a map popup's 查看详情 names the point
    if asked in codes and keys.QUALITY_POINT not in st.session_state:
        st.session_state[keys.QUALITY_POINT] = asked
    point = st.selectbox("点位", codes, key=keys.QUALITY_POINT,
                         format_func=lambda c: f"{c}　{names.get(c, '')}")  # fmt: skip
    report = point_report(load_point_measurements(point), samples, load_trends(), std, point)
    targets = dict(zip(points["code"], points["target_class"], strict=True))
    st.markdown(report.headline(targets.get(point)))
    here = points[points["code"] == point]
    if requirement_for(str(here["purpose"].iloc[0])) is not None:  # 回灌, 地热尾水
        checks, _ = point_checks(here, load_point_measurements(point), as_of_date())
        st.markdown(f"**{check_sentence(checks.iloc[0])}**")
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
            key=f"{keys.QUALITY_SERIES}.{code}",
        )
        stat_col.markdown(trend_summary(stats, report.unit_of(code)))
    if report.has_water_level:  # 水质与水位同步监测、同步评价
        st.plotly_chart(charts.water_level_chart(report.samples), key=keys.QUALITY_LEVEL_CHART)
        sync = report.class_and_level()
        labelled_table(sync.assign(quality_class=sync["quality_class"].map(roman)),
                       labels.SYNC_COLUMNS, keys.QUALITY_LEVEL_TABLE)  # fmt: skip
    st.download_button(
        "导出该点位报告（Excel）",
        lambda: excel_bytes(report.sheets()),
        file_name=f"{point}_点位报告.xlsx",
        key=keys.QUALITY_POINT_EXPORT,
        on_click="ignore",
    )
