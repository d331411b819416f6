"""调度与通报: open a quarter's round (a snapshot of every task), the units' 填报, who has not
reported, changes since the last round, ranking, 督办 with responses, and the 通报 (.docx)."""

import streamlit as st

from gwlib.brief.bulletin import bulletin_bytes
from gwlib.errors import GwlibError
from gwlib.plans.rounds import default_due, parse_round
from gwlib.store.rounds import open_round
from gwui import keys, labels
from gwui.dispatch import (
    action_forms,
    assessment_bytes,
    current_tasks,
    evidence_panel,
    plan_years,
    report_form,
    round_actions,
    round_reports,
    round_view,
    table,
    year_rounds,
)
from gwui.loaders import as_of_date, get_store, load_meta
from gwui.render import demo_notice, md
from gwui.session import actor, can_edit

st.title(labels.DISPATCH_TITLE)
demo_notice(load_meta())
st.caption(labels.DISPATCH_CAPTION)
years = plan_years()
if not years:
    st.info("还没有年度工作方案：先在「年度目标任务清单」导入。")
    st.stop()
year = st.selectbox("工作方案年度", years, key=keys.DISPATCH_YEAR)
have = year_rounds(year)
if can_edit():
    with st.expander("开启新一轮调度", expanded=have.empty), st.form(keys.DISPATCH_OPEN_FORM):
        today = as_of_date()
        code_text = st.text_input("轮次（如 2025Q4）", f"{today.year}Q{(today.month - 1) // 3 + 1}",
                                  key=keys.DISPATCH_CODE)
        due = st.date_input("填报截止日期（留空按季度末后第 5 个工作日）", value=None,
                            format="YYYY-MM-DD", key=keys.DISPATCH_DUE)
        if st.form_submit_button("开启（快照各任务当前进展）"):
            try:
                code = parse_round(code_text)
                open_round(get_store(), actor(), code, year, due or default_due(code),
                           current_tasks(year, code.end))  # fmt: skip
                st.success(f"已开启 {code.code} 调度。")
                have = year_rounds(year)
            except GwlibError as exc:
                st.error(md(str(exc)))
if have.empty:
    st.info("本年度还没有调度轮次。" + ("" if can_edit() else labels.READ_ONLY))
    st.stop()
code = st.selectbox("调度轮次", list(have["code"])[::-1], key=keys.DISPATCH_ROUND)
rid = int(have.set_index("code").loc[code, "id"])
issuer = st.text_input("编发单位", "县生态环境局", key=keys.DISPATCH_ISSUER)
data = round_view(code, year, issuer)
m = st.columns(4)
m[0].metric("任务", f"{len(data.tasks)} 项")
m[1].metric("滞后（预警）", f"{len(data.lagging)} 项")
m[2].metric("未报", f"{len(data.missing)} 项")
m[3].metric("填报截止", data.due.isoformat())
tabs = st.tabs(["单位排名", "未报", "较上轮变化", "填报记录", "督办", "通报"])
with tabs[0]:
    table(data.departments, f"{keys.DISPATCH_TABLE}.dept")
    if len(data.townships):
        st.markdown("**各乡镇**")
        table(data.townships, f"{keys.DISPATCH_TABLE}.town")
with tabs[1]:
    table(data.missing, f"{keys.DISPATCH_TABLE}.missing")
with tabs[2]:
    table(data.changes, f"{keys.DISPATCH_TABLE}.changes")
with tabs[3]:
    table(round_reports(rid), f"{keys.DISPATCH_TABLE}.reports")
    if can_edit():
        report_form(rid, data)
    evidence_panel(rid)
with tabs[4]:
    table(round_actions(rid), f"{keys.DISPATCH_TABLE}.actions")
    if can_edit():
        action_forms(rid, data)
with tabs[5]:
    st.download_button("下载通报（Word）", lambda: bulletin_bytes(round_view(code, year, issuer)),
                       f"地下水污染防治工作通报_{code}.docx", key=keys.DISPATCH_BULLETIN,
                       on_click="ignore")  # fmt: skip
    st.caption(f"第 {data.issue_no} 期；下一轮 {data.code.next().code} 填报截止 "
               f"{data.next_due.isoformat()}。")  # fmt: skip
    st.download_button(f"下载 {year} 年度评估考核报告（Word）",
                       lambda: assessment_bytes(year, issuer),
                       f"{year}年度地下水污染防治工作评估考核报告.docx", on_click="ignore",
                       key=f"{keys.DISPATCH_BULLETIN}.assessment")  # fmt: skip
