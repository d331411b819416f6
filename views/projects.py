"""项目储备库: projects and funds — 资金执行率 overall and by fund source, 开工率, projects into the
central reserve per year; the register with template, export and import (editors)."""

import datetime as dt

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.projects.register import CHANGED, NEW, SAME, export_bytes, template_bytes
from gwlib.store.projects import commit_projects
from gwui import keys
from gwui.loaders import get_store, load_meta
from gwui.projects import (
    DONE,
    ISSUE_HEADERS,
    after_write,
    figures,
    load_projects,
    pct,
    plan_for,
    progress_panel,
    table_frame,
)
from gwui.render import demo_notice, labelled_table, md
from gwui.results import issues_frame
from gwui.session import actor, can_edit

st.title("项目储备库")
demo_notice(load_meta())
if DONE in st.session_state:  # the last import, shown after the rerun that refreshed the figures
    st.success(st.session_state.pop(DONE))
st.caption("资金执行率 = 已支出 / 下达资金；开工率 = 已开工项目 / 已下达资金的项目。"
           "资金单位：万元。")
f = figures()
m = st.columns(5)
m[0].metric("项目", f"{f.projects} 个", help=f"总投资 {f.total_wan:,.1f} 万元")
# The unit in the label: a county's thousands of 万元 with the unit after them do not fit the
# fifth of a page a metric gets.
m[1].metric("下达资金（万元）", f"{f.allocated_wan:,.1f}")
m[2].metric("已支出（万元）", f"{f.spent_wan:,.1f}")
m[3].metric("资金执行率", pct(f.execution))
m[4].metric("开工率", pct(f.start_rate), help=f"{f.started} / {f.should_start} 个")
st.caption("按资金来源的执行率：" + "；".join(f"{k} {pct(v)}" for k, v in
                                      f.execution_by_source.items())
           + "。入中央库项目：" + ("；".join(f"{y} 年 {n} 个" for y, n in
                                   sorted(f.central_by_year.items())) or "无"))  # fmt: skip
labelled_table(table_frame(), {}, keys.PROJECTS_TABLE)
d = st.columns(2)
d[0].download_button("下载项目储备库模板（Excel）", template_bytes, "项目储备库模板.xlsx",
                     key=keys.PROJECTS_TEMPLATE, on_click="ignore")  # fmt: skip
d[1].download_button("导出项目储备库（Excel，含资金执行率）", lambda: export_bytes(load_projects()),
                     f"项目储备库_{dt.date.today().isoformat()}.xlsx", key=keys.PROJECTS_EXPORT,
                     on_click="ignore")  # fmt: skip
projects = load_projects()
progress_panel(list(projects["code"]), dict(zip(projects["code"], projects["name"], strict=True)))
if not can_edit():
    st.stop()
st.subheader("导入项目储备库")
up = st.file_uploader("导入项目储备库（.xlsx 或 .csv）", type=["xlsx", "csv"],
                      key=keys.PROJECTS_UPLOAD)  # fmt: skip
if up is None:
    st.stop()
try:
    plan = plan_for(up.getvalue(), up.name)
except GwlibError as exc:
    st.error(md(str(exc)))
    st.stop()
c = plan.counts
st.markdown(f"新增 {c[NEW]} 个，修改 {c[CHANGED]} 个，未变 {c[SAME]} 个，"
            f"拒收 {plan.rejected_rows} 行。")
if plan.issues:
    st.dataframe(issues_frame(plan.issues, severity=True), hide_index=True,
                 column_config=ISSUE_HEADERS, key=f"{keys.PROJECTS_TABLE}.issues")  # fmt: skip
if len(plan.changes):
    st.dataframe(plan.changes, hide_index=True, column_config=ISSUE_HEADERS,
                 key=f"{keys.PROJECTS_TABLE}.diff")  # fmt: skip
if st.button("确认导入（一个事务；拒收的行不写入）", type="primary", key=keys.PROJECTS_COMMIT,
             disabled=c[NEW] + c[CHANGED] == 0):  # fmt: skip
    result = commit_projects(get_store(), plan, actor())
    after_write()
    st.session_state[DONE] = f"导入批次 {result.batch_id}：{result.summary_zh()}"
    st.rerun()
