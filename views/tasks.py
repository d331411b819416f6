"""年度目标任务清单: the plan's tasks with progress from the data, overdue first, by department."""

import datetime as dt

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.plans import parse_plans, plan_text_from_bytes
from gwlib.plans.checklist import filter_tasks, to_excel
from gwlib.plans.metrics import OUTLOOKS
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.store.tasks import ManualStatus, TaskKey, set_task_status
from gwui import briefing, keys, labels, plan_admin
from gwui.loaders import get_store, load_meta
from gwui.render import demo_notice, md
from gwui.session import actor, can_edit

st.title("年度目标任务清单")
demo_notice(load_meta())
years = briefing.load_plan_years()
tab_list, tab_dept, tab_import = st.tabs(["任务清单", "按牵头单位", "导入年度计划"])

with tab_import:
    st.caption("上传年度行动计划（.txt 或 .docx），核对识别结果后保存。")
    # Editors only: parsing an upload costs the server, and only an editor may save the plan.
    up = None
    if can_edit():
        up = st.file_uploader("计划文本", type=["txt", "docx"], key=keys.TASKS_UPLOAD)
    else:
        st.info(labels.READ_ONLY)
    if up is not None:
        try:
            plans = parse_plans(plan_text_from_bytes(up.name, up.getvalue()))
        except GwlibError as exc:
            st.error(md(str(exc)))
            plans = []
        if not plans:
            st.warning("未识别到带编号和牵头单位的任务。")
        else:
            i = st.selectbox(
                "计划",
                range(len(plans)),
                key=keys.TASKS_IMPORT_PLAN,
                format_func=lambda k: f"{plans[k].title}（{len(plans[k].tasks)} 项）",
            )
            plan = plans[i]
            for w in plan.warnings:
                st.info(w)
            rows = [
                {
                    **t.to_json(),
                    "lead": "、".join(t.lead),
                    "cooperating": "、".join(t.cooperating),
                    "deadlines": "；".join(t.deadlines),
                }
                for t in plan.tasks
            ]
            with st.form(keys.TASKS_IMPORT_FORM):
                edited = st.data_editor(
                    rows,
                    key=keys.TASKS_IMPORT_EDITOR,
                    num_rows="dynamic",
                    hide_index=True,
                    column_order=["number", "section", "title", "lead", "cooperating", "deadlines"],
                    column_config={
                        "number": "序号",
                        "section": "所属部分",
                        "title": "任务",
                        "lead": "牵头单位（、分隔）",
                        "cooperating": "配合单位（、分隔）",
                        "deadlines": "完成时限（；分隔）",
                    },
                )
                c1, c2 = st.columns(2)
                year = c1.number_input("年度", 2000, 2100, plan.year or dt.date.today().year)
                region = c2.text_input("地区", plan.region)
                replaces = plan_admin.save_choice(int(plan.year or year), plan.region)
                if st.form_submit_button("保存计划", disabled=not can_edit()):
                    tasks = tuple(
                        PlanTask(
                            number=int(r["number"]),
                            section=str(r["section"] or ""),
                            title=str(r["title"]),
                            text=str(r.get("text") or r["title"]),
                            lead=tuple(x for x in str(r["lead"] or "").split("、") if x),
                            cooperating=tuple(
                                x for x in str(r["cooperating"] or "").split("、") if x
                            ),
                            deadlines=tuple(x for x in str(r["deadlines"] or "").split("；") if x),
                        )
                        for r in edited
                    )
                    new = ActionPlan(int(year), region, plan.title, plan.goals, tasks)
                    plan_admin.save(new, replaces)
            if not can_edit():
                st.caption("只读：登录为编辑人员后可保存。")

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
    c = st.columns(4)
    c[0].metric("任务", f"{len(t)} 项")
    c[1].metric("已完成", f"{int((t['progress'] >= 100).sum())} 项")
    c[2].metric("有风险", f"{int((t['outlook'] == '有风险').sum())} 项")
    c[3].metric("滞后", f"{int((t['outlook'] == '滞后').sum())} 项")
    f1, f2, f3, f4 = st.columns([3, 3, 2, 1])
    sections = f1.multiselect(
        "所属部分", sorted(set(t["section"])), key=keys.TASKS_SECTION, placeholder="全部"
    )
    depts = sorted({d for x in t["lead"] for d in x.split("、") if d})
    leads = f2.multiselect("牵头单位", depts, key=keys.TASKS_LEAD, placeholder="全部")
    looks = f3.multiselect("状态", list(OUTLOOKS), key=keys.TASKS_OUTLOOK, placeholder="全部")
    overdue_only = f4.checkbox("只看逾期", key=keys.TASKS_OVERDUE)
    v = filter_tasks(t, sections, leads, looks, overdue_only)
    st.dataframe(
        v,
        key=keys.TASKS_TABLE,
        hide_index=True,
        column_order=[
            "number",
            "title",
            "lead",
            "deadline_text",
            "progress",
            "outlook",
            "overdue",
            "source",
            "metrics",
        ],
        column_config={
            "number": "序号",
            "title": "任务",
            "lead": "牵头单位",
            "deadline_text": "完成时限",
            "progress": st.column_config.ProgressColumn(
                "进度（%）", min_value=0, max_value=100, format="%.0f%%"
            ),
            "outlook": "状态",
            "overdue": "逾期",
            "source": "进度来源",
            "metrics": "数据指标",
        },
    )
    st.download_button(
        "导出 Excel",
        to_excel(v),
        f"任务清单_{year}.xlsx",
        key=keys.TASKS_EXPORT,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    labels = {int(i): f"{r['number']}. {r['title']}" for i, r in v.iterrows()}
    pick = (
        st.selectbox(
            "查看任务原文与佐证", list(labels), format_func=labels.__getitem__, key=keys.TASKS_PICK
        )
        if labels
        else None
    )
    if pick is not None:
        r = t.loc[pick]
        with st.container(border=True):
            st.markdown(f"**{md(r['section'])}**　配合单位：{md(r['cooperating'] or '—')}")
            st.text(r["text"])
            if r["metrics"]:
                st.caption("数据指标：" + md(r["metrics"]))
            st.caption(
                f"人工填报：{md(r['manual_status'] or '—')}；佐证：{md(r['evidence'] or '—')}"
                + (
                    f"（{md(r['updated_by'])}，{r['updated_at']:%Y-%m-%d %H:%M}）"
                    if r["updated_by"]
                    else ""
                )
            )
            with st.form(keys.TASKS_EDIT_FORM):
                states = [s.value for s in ManualStatus]
                status = st.selectbox(
                    "状态",
                    states,
                    key=keys.TASKS_STATUS,
                    index=states.index(r["manual_status"] or "未开展"),
                )
                evidence = st.text_area(
                    "佐证材料（文件名、文号、链接等）", r["evidence"], key=keys.TASKS_EVIDENCE
                )
                note = st.text_input("修改说明", key=keys.TASKS_NOTE)
                if st.form_submit_button("保存", disabled=not can_edit()):
                    key = TaskKey(
                        check.year, check.region, check.plan_title, r["section"], int(r["number"])
                    )
                    try:
                        set_task_status(
                            get_store(),
                            key,
                            status,
                            evidence,
                            by=actor(),
                            at=dt.datetime.now(),
                            expected_version=int(r["version"]),
                            note=note,
                        )
                        briefing.clear()
                        st.success("已保存，并记入修改记录。")
                    except GwlibError as exc:
                        st.error(md(str(exc)))
        log = briefing.load_task_log(year)
        log = log[(log["number"] == r["number"]) & (log["section"] == r["section"])]
        if len(log):
            st.dataframe(
                log[
                    ["changed_at", "changed_by", "old_status", "new_status", "new_evidence", "note"]
                ],
                hide_index=True,
                column_config={
                    "changed_at": st.column_config.DatetimeColumn(
                        "时间", format="YYYY-MM-DD HH:mm"
                    ),
                    "changed_by": "修改人",
                    "old_status": "原状态",
                    "new_status": "新状态",
                    "new_evidence": "佐证",
                    "note": "说明",
                },
            )

with tab_dept:
    d = check.by_department()
    st.dataframe(
        d,
        key=keys.TASKS_DEPT_TABLE,
        hide_index=True,
        column_config={
            "department": "牵头单位",
            "tasks": "牵头任务（项）",
            "done": "已完成（项）",
            "正常": "正常（项）",
            "有风险": "有风险（项）",
            "滞后": "滞后（项）",
        },
    )
    st.image(
        briefing.chart_png("tasks", d.rename(columns={"department": "label"})),
        caption="各牵头单位任务进展（项）",
    )
