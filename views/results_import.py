"""检测结果导入: template, upload → preview (every problem named) → one-transaction commit; the
batch history with withdrawal; afterwards the point-years whose annual class changed."""

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.io.lab import template_bytes
from gwlib.quality.batches import commit_and_refresh, withdraw_and_refresh
from gwlib.quality.qc import qc_kinds_text
from gwui import keys, labels
from gwui.loaders import get_standard_set, get_store, load_meta
from gwui.render import demo_notice, md
from gwui.results import (
    after_results_write,
    batch_history,
    class_labels,
    issues_frame,
    plan_for,
    qc_section,
    qc_writes,
    table,
)
from gwui.session import actor, can_edit

st.title(labels.RESULTS_TITLE)
demo_notice(load_meta())
st.caption(labels.RESULTS_CAPTION)
st.download_button("下载检测结果模板（Excel）", lambda: template_bytes(get_standard_set()),
                   "检测结果导入模板.xlsx", key=keys.RESULTS_TEMPLATE,
                   on_click="ignore")  # fmt: skip


def show_outcome(outcome, done: str) -> None:  # type: ignore[no-untyped-def]
    after_results_write()
    st.success(done)
    changes = outcome.class_changes.assign(
        old_class=class_labels(outcome.class_changes["old_class"]),
        new_class=class_labels(outcome.class_changes["new_class"]),
    )
    st.markdown(f"**年度类别有变化的点位（{len(changes)} 个点位-年度）**")
    table(changes, key=f"{keys.RESULTS_TABLE}.changed")


if can_edit():
    up = st.file_uploader("选择检测结果文件（.xlsx 或 .csv）", type=["xlsx", "csv"],
                          key=keys.RESULTS_UPLOAD)  # fmt: skip
    if up is not None:
        try:
            plan = plan_for(up.getvalue(), up.name)
        except GwlibError as exc:
            st.error(md(str(exc)))
            st.stop()
        c = plan.counts
        m = st.columns(4)
        m[0].metric("新增样品", f"{c['新增']} 个")
        m[1].metric("修改样品", f"{c['修改']} 个")
        m[2].metric("未变样品", f"{c['未变']} 个")
        m[3].metric("拒收", f"{plan.rejected_rows} 行", help=f"文件共 {plan.rows_total} 行")
        dist = plan.class_distribution().assign(
            quality_class=lambda f: class_labels(f["quality_class"])
        )
        st.markdown("**新增与修改样品的水质类别**")
        table(dist, key=f"{keys.RESULTS_TABLE}.classes")
        qc = plan.qc_samples
        if len(qc):
            kinds = qc_kinds_text(qc)
            st.markdown(f"**质控样（{kinds}）**：单独保存，不参与水质类别、趋势和到报率")
            table(qc, key=f"{keys.RESULTS_TABLE}.qc")
            if len(plan.qc_changes):
                st.markdown(f"**质控样将修改的值（{len(plan.qc_changes)} 项，逐项记入审计日志）**")
                table(plan.qc_changes, key=f"{keys.RESULTS_TABLE}.qc_diff")
        if plan.unknown_points:
            st.warning("以下点位编码不在点位登记表中，相应行不导入（请先在「点位登记」导入）："
                       + md("、".join(plan.unknown_points)))  # fmt: skip
        if plan.issues:
            st.markdown(f"**拒收与提示（{len(plan.issues)} 条）**")
            table(issues_frame(plan.issues), key=f"{keys.RESULTS_TABLE}.issues")
        confirmed = True
        if plan.suspicious:
            st.markdown(f"**存疑的值（{len(plan.suspicious)} 个），请核对**")
            table(issues_frame(plan.suspicious), key=f"{keys.RESULTS_TABLE}.suspicious")
            confirmed = st.checkbox("已核对上述存疑的值，确认按文件导入", key=keys.RESULTS_CONFIRM)
        if len(plan.changes):
            st.markdown(f"**将修改的值（{len(plan.changes)} 项，逐项记入审计日志）**")
            table(plan.changes, key=f"{keys.RESULTS_TABLE}.diff")
        if st.button(
            "确认导入（一个事务：以上新增与修改一次写入；拒收的行不写入）",
            type="primary",
            key=keys.RESULTS_COMMIT,
            disabled=not confirmed or c["新增"] + c["修改"] + qc_writes(plan) == 0,
        ):
            bar = st.progress(0.0, text="正在写入…")
            outcome = commit_and_refresh(get_store(), plan, actor(), lambda d, t: bar.progress(
                d / max(t, 1), text=f"正在重算趋势：{d}/{t} 个点位"))  # fmt: skip
            show_outcome(outcome, md(outcome.result.summary_zh() if outcome.result else ""))
else:
    st.info(labels.READ_ONLY)

qc_section()

st.subheader("导入批次")
history = batch_history()
table(history, key=keys.RESULTS_BATCHES)
active = history.loc[history["status"] == "有效", "id"].tolist()
if can_edit() and active:
    with st.form(keys.RESULTS_WITHDRAW_FORM):
        st.markdown("**撤回批次**：该批次的样品退出所有统计，被它修改的值恢复原值。")
        batch = st.selectbox("批次", active, key=keys.RESULTS_WITHDRAW_BATCH)
        reason = st.text_input("撤回原因（必填）", key=keys.RESULTS_WITHDRAW_REASON)
        go = st.form_submit_button("撤回", key=keys.RESULTS_WITHDRAW)
    if go:
        try:
            outcome = withdraw_and_refresh(get_store(), int(batch), actor(), reason)
            show_outcome(outcome, f"已撤回批次 {int(batch)}。")
        except GwlibError as exc:
            st.error(md(str(exc)))
