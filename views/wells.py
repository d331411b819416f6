"""封井回填台账: filters, progress by stage and township, growth over time, overdue, risk."""

import plotly.express as px
import streamlit as st

from gwlib.io.wells import export_name, ledger_bytes
from gwlib.wells.ledger import (
    WellFilter,
    filter_wells,
    ledger_figures,
    overdue_list,
    stage_counts,
    timeline,
    township_progress,
)
from gwlib.wells.model import PlanType, WellCategory, WellStatus
from gwlib.wells.risk import LEVELS
from gwui import keys, labels
from gwui.ledger import ledger_table, load_ledger, load_sealing
from gwui.loaders import as_of_date, load_meta
from gwui.render import capped, demo_notice, plot_text

st.title(labels.WELLS_TITLE)
st.caption(labels.WELLS_CAPTION)
demo_notice(load_meta())

data = load_ledger()
wells, as_of = data.wells, as_of_date()
CHART_TOWNSHIPS = 40
OWNER = {"全部": None, "所有权人明确": True, "所有权人不明": False}
with st.form(keys.WELLS_FILTERS):
    c1, c2, c3, c4 = st.columns(4)
    towns = c1.multiselect(
        "乡镇", sorted(wells["township"].unique()), key=keys.WELLS_TOWNSHIP, placeholder="全部"
    )
    cats = c2.multiselect(
        "井类别", [c.value for c in WellCategory], key=keys.WELLS_CATEGORY, placeholder="全部"
    )
    stats = c3.multiselect(
        "状态", [s.value for s in WellStatus], key=keys.WELLS_STATUS, placeholder="全部"
    )
    risks = c4.multiselect("风险等级", list(LEVELS), key=keys.WELLS_RISK, placeholder="全部")
    c5, c6, c7, c8 = st.columns(4)
    plans = c5.multiselect(
        "处置方式", [p.value for p in PlanType], key=keys.WELLS_PLAN, placeholder="全部"
    )
    owner = c6.radio("所有权人", list(OWNER), horizontal=True, key=keys.WELLS_OWNER)
    text = c7.text_input("井编码 / 村 / 所有权人 包含", key=keys.WELLS_TEXT)
    overdue_only = c8.checkbox("只看逾期未封井", key=keys.WELLS_OVERDUE)
    st.form_submit_button("筛选", key=keys.WELLS_APPLY)
f = WellFilter(
    tuple(towns),
    tuple(cats),
    (),
    tuple(stats),
    tuple(plans),
    tuple(risks),
    OWNER[owner],
    overdue_only,
    text,
)
view = filter_wells(wells, f, as_of, data.risk)
overdue = overdue_list(view, as_of)
counts = stage_counts(view)

figs = ledger_figures(view, as_of)
m1, m2, m3, m4, m5, m6 = st.columns(6)
m1.metric("清单内井数", f"{figs.total} 眼")
m2.metric("已封井（含待验收）", f"{figs.sealed} 眼")
m3.metric("封井完成率", f"{figs.completion_rate:.1f}%", help=labels.COMPLETION_RATE_HELP)
m4.metric("已验收销号", f"{figs.accepted} 眼")
m5.metric("逾期未封井", f"{figs.overdue} 眼")
m6.metric("所有权人不明", f"{figs.owner_unknown} 眼")

left, right = st.columns(2)
with left:
    st.subheader("各阶段井数")
    fig = px.bar(
        counts,
        x="wells",
        y="status",
        orientation="h",
        text="wells",
        labels={"status": "状态", "wells": "井数（眼）"},
    )
    fig.update_layout(height=320, margin={"t": 10, "b": 10}, yaxis={"autorange": "reversed"})
    st.plotly_chart(fig, key="wells.stage_chart")
with right:
    st.subheader("各乡镇进度")
    prog = township_progress(view, as_of)
    drawn = prog
    if len(prog) > CHART_TOWNSHIPS:  # a city or province: the townships with most left to do
        left_to_do = prog["wells"] - prog["sealed"]
        drawn = prog.loc[left_to_do.sort_values(ascending=False).index[:CHART_TOWNSHIPS]]
        st.caption(
            f"共 {len(prog)} 个乡镇，图中为未封井最多的 {CHART_TOWNSHIPS} 个；"
            "全部乡镇见下方「各乡镇」表。"
        )
    fig2 = px.bar(
        drawn.assign(township=plot_text(drawn["township"])),
        x="township",
        y=["sealed", "wells"],
        barmode="overlay",
        labels={"township": "乡镇", "value": "井数（眼）", "variable": ""},
    )
    fig2.for_each_trace(lambda t: t.update(name={"sealed": "已封井", "wells": "清单内"}[t.name]))
    fig2.update_layout(height=320, margin={"t": 10, "b": 10})
    st.plotly_chart(fig2, key="wells.township_chart")

st.subheader("登记、封井、验收累计（眼）")
tl = timeline(view, data.events, data.acceptance)
if not tl.empty:
    long = tl.melt("month", var_name="series", value_name="wells")
    long["series"] = long["series"].map(
        {"registered": "累计登记", "sealed": "累计封井", "accepted": "累计验收销号"}
    )
    fig3 = px.line(
        long,
        x="month",
        y="wells",
        color="series",
        labels={"month": "月份", "wells": "井数（眼）", "series": ""},
    )
    fig3.update_layout(height=300, margin={"t": 10, "b": 10}, xaxis={"tickformat": "%Y-%m"})
    st.plotly_chart(fig3, key="wells.timeline_chart")

t1, t2, t3, t4 = st.tabs(["台账", "逾期清单", "风险优先工作清单", "各乡镇"])
with t1:
    st.caption(f"共 {len(view)} 眼。在「单井档案」页选择井编码，可查看与办理。")
    table = capped(view, "完整台账请用下方导出，或用筛选缩小范围")
    ledger_table(table, key=keys.WELLS_TABLE)
    st.download_button(
        "导出筛选后的台账（Excel）",
        lambda: ledger_bytes(view, sealing=load_sealing()),  # built when clicked
        export_name(as_of),
        key=keys.WELLS_EXPORT,
        on_click="ignore",
    )
with t2:
    st.caption(
        "计划完成日期已过而尚未封井的井；所有权人明确的，依《地下水管理条例》第五十八条责令封井。"
    )
    ledger_table(overdue, key="wells.overdue_table")
with t3:
    st.caption("未封井的井按风险分排序；每一分都写明依据（评分规则见 gwlib/wells/risk.py）。")
    risk = capped(data.risk[data.risk["code"].isin(view["code"])], "用筛选缩小范围可看其余")
    ledger_table(risk, key="wells.risk_table")
with t4:
    ledger_table(prog, key="wells.township_table")
