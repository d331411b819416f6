"""年度目标任务清单: the plan's tasks with progress from the data, overdue first, by department."""

import streamlit as st

from gwlib.plans.checklist import filter_tasks, to_excel
from gwlib.plans.metrics import OUTLOOKS
from gwui import briefing, keys, labels, plan_admin
from gwui.loaders import load_meta
from gwui.render import demo_notice, labelled_table, md
from gwui.tasks import import_tab, task_detail, task_list

st.title("年度目标任务清单")
demo_notice(load_meta())
years = briefing.load_plan_years()
tab_list, tab_dept, tab_import = st.tabs(["任务清单", "按牵头单位", "导入年度计划"])

with tab_import:
    import_tab()

if not years:
    tab_list.info("数据库中还没有年度行动计划。请在“导入年度计划”中上传计划文本。")
    st.stop()
year = st.sidebar.selectbox("计划年度", years, key=keys.TASKS_YEAR, format_func=lambda y: f"{y} 年")
plan_admin.manage(year)
check = briefing.load_checklist(year)
t = check.tasks

with tab_list:
    st.caption(
        f"{md(check.plan_title)}　数据截至 {check.as_of}　进度由台账与监测数据计算，"
        "无对应数据的任务由人工填报（留痕）。"
    )
    goals = briefing.load_goals(year)
    if len(goals):
        st.markdown("**工作目标（按计划所列点位类别与监测用途逐点评价）**")
        briefing.goals_table(goals, keys.TASKS_GOALS)
    plan_admin.targets_editor(year)
    for col, (name, n) in zip(st.columns(4), check.counts().items(), strict=True):
        col.metric(name, f"{n} 项")
    f1, f2, f3, f4 = st.columns([3, 3, 2, 1])
    sections = f1.multiselect(
        "所属部分", sorted(set(t["section"])), key=keys.TASKS_SECTION, placeholder="全部"
    )
    depts = sorted({d for x in t["lead"] for d in x.split("、") if d})
    leads = f2.multiselect("牵头单位", depts, key=keys.TASKS_LEAD, placeholder="全部")
    looks = f3.multiselect("状态", list(OUTLOOKS), key=keys.TASKS_OUTLOOK, placeholder="全部")
    overdue_only = f4.checkbox("只看逾期", key=keys.TASKS_OVERDUE)
    v = filter_tasks(t, sections, leads, looks, overdue_only)
    task_list(v)
    st.download_button(
        "导出 Excel",
        to_excel(v),
        f"任务清单_{year}.xlsx",
        key=keys.TASKS_EXPORT,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    names = {int(i): f"{r['number']}. {r['title']}" for i, r in v.iterrows()}
    pick = st.selectbox("查看任务原文与佐证", list(names), format_func=names.__getitem__,
                        key=keys.TASKS_PICK) if names else None  # fmt: skip
    if pick is not None:
        task_detail(check, t.loc[pick], year)

with tab_dept:
    d = check.by_department()
    labelled_table(d, labels.TASK_COLUMNS, keys.TASKS_DEPT_TABLE)
    st.image(
        briefing.chart_png("tasks", d.rename(columns={"department": "label"})),
        caption="各牵头单位任务进展（项）",
    )
