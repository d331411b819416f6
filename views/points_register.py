"""监测点位登记: template and export, upload → preview (every problem named) → one-transaction
commit, and a form to add or edit one point (same checks and audit)."""

import datetime as dt

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.quality.register import CHANGED, NEW, SAME, template_bytes
from gwlib.store.points import commit_points, save_point
from gwui import keys, labels
from gwui.loaders import get_store, load_meta
from gwui.points import (
    after_write,
    build_point,
    export_bytes,
    plan_for,
    point_form,
    table,
)
from gwui.render import demo_notice, md
from gwui.results import issues_frame
from gwui.session import actor, can_edit

st.title(labels.POINTS_TITLE)
demo_notice(load_meta())
st.caption(labels.POINTS_CAPTION)
today = dt.date.today().isoformat()
d = st.columns(3)
d[0].download_button("下载点位登记表模板（Excel）", template_bytes, "监测点位登记表模板.xlsx",
                     key=keys.POINTS_TEMPLATE, on_click="ignore")  # fmt: skip
d[1].download_button("导出点位登记表（Excel）", lambda: export_bytes(".xlsx"),
                     f"监测点位登记表_{today}.xlsx", key=keys.POINTS_EXPORT, on_click="ignore")
d[2].download_button("导出点位登记表（CSV）", lambda: export_bytes(".csv"),
                     f"监测点位登记表_{today}.csv", key=f"{keys.POINTS_EXPORT}.csv",
                     on_click="ignore")  # fmt: skip

if not can_edit():
    st.info(labels.READ_ONLY)
    st.stop()
tab_file, tab_form = st.tabs(["导入登记表", "新增或修改一个点位"])
with tab_file:
    crs = st.text_input("X坐标/Y坐标 的坐标系（行内「坐标系」为空时使用，可不填）",
                        placeholder="如 EPSG:4546 或 CGCS2000 3度带 37带", key=keys.POINTS_CRS)
    up = st.file_uploader("选择点位登记表（.xlsx 或 .csv）", type=["xlsx", "csv"],
                          key=keys.POINTS_UPLOAD)  # fmt: skip
    if up is not None:
        try:
            plan = plan_for(up.getvalue(), up.name, crs.strip())
        except GwlibError as exc:
            st.error(md(str(exc)))
            st.stop()
        c = plan.counts
        m = st.columns(4)
        m[0].metric("新增点位", f"{c[NEW]} 个")
        m[1].metric("修改点位", f"{c[CHANGED]} 个")
        m[2].metric("未变点位", f"{c[SAME]} 个")
        m[3].metric("拒收", f"{plan.rejected_rows} 行", help=f"文件共 {plan.rows_total} 行")
        if plan.issues:
            st.markdown(f"**拒收与提示（{len(plan.issues)} 条）**")
            table(issues_frame(plan.issues, severity=True), key=f"{keys.POINTS_TABLE}.issues")
        if len(plan.changes):
            st.markdown(f"**将修改的字段（{len(plan.changes)} 项，逐项记入审计日志）**")
            table(plan.changes, key=f"{keys.POINTS_TABLE}.diff")
        if st.button("确认导入（一个事务：以上新增与修改一次写入；拒收的行不写入）", type="primary",
                     key=keys.POINTS_COMMIT, disabled=c[NEW] + c[CHANGED] == 0):
            with st.spinner("正在写入…"):
                result = commit_points(get_store(), plan, actor())
            after_write()
            st.success(f"导入批次 {result.batch_id}：{result.summary_zh()}")
with tab_form:
    points = get_store().points()
    codes = ["（新增点位）", *sorted(points["code"].astype(str))]
    chosen = st.selectbox("点位", codes, key=keys.POINTS_EDIT_CODE)
    current = None if chosen == codes[0] else points.set_index("code").loc[chosen].to_dict()
    if current is not None:
        current["code"] = chosen
    row = point_form(current)
    if row is not None:
        try:
            save_point(get_store(), build_point(row), actor())
            after_write()
            st.success(f"已保存点位 {row['code']}。")
        except GwlibError as exc:
            st.error(md(str(exc)))
