"""总览: the figures a leader reads first — classes against targets, change, completeness."""

import streamlit as st

from gwlib.io.export import excel_bytes
from gwlib.wells.ledger import ledger_figures, stage_counts
from gwui import briefing, charts, filters, keys, labels
from gwui.loaders import as_of_date, load_meta, load_wells
from gwui.quality_data import overview
from gwui.render import capped, class_legend, demo_notice, labelled_table, roman

FAILING_ROWS = 200

st.title(labels.OVERVIEW_TITLE)
demo_notice(load_meta())
sel = filters.current()
if sel.year is None:
    st.info(labels.NO_SAMPLES)
    st.stop()
year = int(sel.year)
period = sel.flt.period or "全部水期"
st.caption(f"{year} 年 · {period} · {labels.QUALITY_CAPTION}")
planned, source = briefing.load_v_goal(year)
v_goal = st.number_input("Ⅴ类点位占比目标（%，不高于）", 0.0, 100.0, planned, 1.0,
                         key=keys.OVERVIEW_V_GOAL, help=source)  # fmt: skip

fig = overview(sel, year, v_goal)
share = fig.shares.iloc[0] if len(fig.shares) else None
c = [*st.columns(3), *st.columns(3)]
c[0].metric("已监测点位", f"{fig.points_sampled} / {fig.points_total} 个")
c[1].metric("Ⅰ–Ⅲ类占比", f"{share['Ⅰ–Ⅲ类']:.1f}%" if share is not None else "—")
c[2].metric("Ⅳ类占比", f"{share['Ⅳ类']:.1f}%" if share is not None else "—")
c[3].metric(
    "Ⅴ类占比",
    f"{fig.v_share:.1f}%",
    delta=f"{fig.v_share - v_goal:+.1f} 个百分点",
    delta_color="inverse",
    help=f"与目标（不高于 {v_goal:.1f}%）相比",
)
c[4].metric(
    "水源点位达到或优于Ⅲ类",
    f"{fig.drinking_meets_iii_share:.1f}%",
    help=f"{fig.drinking_points} 个饮用水源监测点位，目标 100%",
)
c[5].metric("到报率", f"{fig.completeness_rate:.1f}%", help="实收样品数 / 按监测频次应收样品数")
goals = briefing.load_goals(fig.year)
if len(goals):
    st.markdown(f"**{int(goals['plan_year'].iloc[0])} 年度计划的水质目标**"
                "（按计划所列点位类别与监测用途逐点评价，不受侧栏筛选影响）")
    briefing.goals_table(goals, keys.OVERVIEW_GOALS)

left, right = st.columns([3, 2])
with left:
    st.subheader("各类别点位数")
    st.plotly_chart(charts.class_bar(fig.distribution), key=keys.OVERVIEW_CLASS_CHART)
    class_legend()
with right:
    st.subheader("分类别水质（%）")
    labelled_table(fig.shares_by_category, labels.OVERVIEW_COLUMNS, keys.OVERVIEW_BY_CATEGORY)
    st.subheader(f"与 {year - 1} 年相比")
    cc = st.columns(4)
    for col, row in zip(cc, fig.changes.itertuples(), strict=True):
        col.metric(str(row.change), f"{row.points} 个")

st.subheader(f"未达到目标的点位（{len(fig.failing)} 个，达标率 {fig.meets_target_share:.1f}%）")
# Worst first (OverviewFigures.failing); a province's list is thousands of rows with their 定类指标:
# the page shows the first FAILING_ROWS and the whole list is one export away.
failing = fig.failing.assign(
    cls=fig.failing["quality_class"].map(roman), tgt=fig.failing["target_class"].map(roman)
)[["point", "point_name", "category", "township", "cls", "tgt", "detail"]]
labelled_table(capped(failing, "全部点位请用下方导出", limit=FAILING_ROWS),
               labels.OVERVIEW_COLUMNS, keys.OVERVIEW_FAILING)  # fmt: skip
if len(failing):
    st.download_button(
        f"导出未达到目标的点位（Excel，{len(failing):,} 个）",
        lambda: excel_bytes({"未达到目标的点位": failing.rename(columns=labels.OVERVIEW_COLUMNS)}),
        file_name=f"未达到目标的点位_{year}_{period}.xlsx",
        key=keys.OVERVIEW_FAILING_EXPORT,
        on_click="ignore",
    )

left, right = st.columns(2)
with left:
    st.subheader(f"本年度未监测的点位（{len(fig.unsampled)} 个）")
    st.caption("未监测的点位不计入任何类别，也不视为达标。")
    cols = ["point", "point_name", "category", "township", "expected"]
    labelled_table(fig.unsampled[cols], labels.OVERVIEW_COLUMNS, keys.OVERVIEW_UNSAMPLED)
with right:
    st.subheader("报废矿井、钻井、取水井封井回填")
    ledger = ledger_figures(load_wells(), as_of_date())
    w1, w2 = st.columns(2)
    w1.metric("封井完成率", f"{ledger.completion_rate:.1f}%", help=labels.COMPLETION_RATE_HELP)
    w2.metric("逾期未封井", f"{ledger.overdue} 眼")
    counts = stage_counts(load_wells())[["status", "wells"]]
    labelled_table(counts, labels.OVERVIEW_COLUMNS, keys.OVERVIEW_WELLS)

st.subheader("明细")
for col, (path, label) in zip(st.columns(5), labels.OVERVIEW_LINKS, strict=True):
    with col:
        st.page_link(path, label=label, icon=":material/arrow_forward:")
