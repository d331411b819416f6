"""封井回填台账: filters, progress by stage and township, growth over time, overdue, risk."""

import streamlit as st

from gwlib.io.wells import export_name, ledger_bytes
from gwlib.wells.ledger import (
    filter_wells,
    ledger_figures,
    overdue_list,
    stage_counts,
    timeline,
    township_progress,
)
from gwlib.wells.risk import RiskRules
from gwui import charts, keys, labels
from gwui.ledger import filter_form, ledger_table, load_ledger, load_sealing
from gwui.loaders import as_of_date, load_meta
from gwui.render import capped, demo_notice

st.title(labels.WELLS_TITLE)
st.caption(labels.WELLS_CAPTION)
demo_notice(load_meta())

data = load_ledger()
wells, as_of = data.wells, as_of_date()
CHART_TOWNSHIPS = 40
view = filter_wells(wells, filter_form(wells), as_of, data.risk)
overdue = overdue_list(view, as_of)

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
    st.plotly_chart(charts.stage_chart(stage_counts(view)), key=keys.WELLS_STAGE_CHART)
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
    st.plotly_chart(charts.township_chart(drawn), key=keys.WELLS_TOWNSHIP_CHART)

st.subheader("登记、封井、验收累计（眼）")
tl = timeline(view, data.events, data.acceptance)
if not tl.empty:
    st.plotly_chart(charts.ledger_timeline_chart(tl), key=keys.WELLS_TIMELINE_CHART)

# Only the open tab runs and is drawn (a province's overdue and risk lists are thousands of rows
# the browser would otherwise receive on every visit); choosing a tab reruns the page.
t1, t2, t3, t4 = st.tabs(list(labels.WELLS_TABS), key=keys.WELLS_TABS, on_change="rerun")
if t1.open:
    with t1:
        st.caption(f"共 {len(view)} 眼。勾选一行（最左侧方框），打开该井的「单井档案」查看与办理。")
        table = capped(view, "完整台账请用下方导出，或用筛选缩小范围")
        picked = ledger_table(table, key=keys.WELLS_TABLE, on_select="rerun",
                              selection_mode="single-row")  # fmt: skip
        if not table.empty and picked.selection.rows:
            code = str(table.iloc[picked.selection.rows[0]]["code"])
            st.switch_page("views/well_record.py", query_params={"code": code})
        st.download_button(
            "导出筛选后的台账（Excel）",
            lambda: ledger_bytes(view, sealing=load_sealing()),  # built when clicked
            export_name(as_of),
            key=keys.WELLS_EXPORT,
            on_click="ignore",
        )
if t2.open:
    with t2:
        st.caption(
            "计划完成日期已过而尚未封井的井；所有权人明确的，"
            "依《地下水管理条例》第五十八条责令封井。"
        )
        shown = capped(overdue, "完整清单请勾选筛选中的「只看逾期未封井」后在「台账」导出")
        ledger_table(shown, key=keys.WELLS_OVERDUE_TABLE)
if t3.open:
    with t3:
        st.caption("未封井的井按风险分排序，每一分都写明依据。评分规则：" + RiskRules().explain())
        risk = capped(data.risk[data.risk["code"].isin(view["code"])], "用筛选缩小范围可看其余")
        ledger_table(risk, key=keys.WELLS_RISK_TABLE)
if t4.open:
    with t4:
        ledger_table(prog, key=keys.WELLS_TOWNSHIP_TABLE)
