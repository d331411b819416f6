"""保护区与分区导入: choose the kind (and source), upload → preview on the map with every
problem named → one-transaction commit."""

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.sources.zone_import import (
    CHANGED,
    KINDS,
    NEEDS_SOURCE,
    NEW,
    SAME,
    corner_template_bytes,
)
from gwlib.store.zones import commit_zones
from gwui import keys, labels, webassets
from gwui.loaders import get_store, load_meta
from gwui.render import demo_notice, md
from gwui.results import issues_frame
from gwui.session import actor, can_edit
from gwui.zones_import import after_write, plan_for, preview_map, source_codes, table

st.title(labels.ZONES_TITLE)
demo_notice(load_meta())
st.caption(labels.ZONES_CAPTION)
st.download_button("下载拐点坐标表模板（Excel）", corner_template_bytes, "拐点坐标表模板.xlsx",
                   key=f"{keys.ZONES_TABLE}.template", on_click="ignore")  # fmt: skip
if not can_edit():
    st.info(labels.READ_ONLY)
    st.stop()
c = st.columns(3)
kind = c[0].selectbox("分区类型", KINDS, key=keys.ZONES_KIND)
codes = source_codes()
source = c[1].selectbox("所属水源地（保护区必选）", ["", *codes], key=keys.ZONES_SOURCE,
                        format_func=lambda c: c or "（不指定）",
                        disabled=kind == "乡镇")  # fmt: skip
crs = c[2].text_input("坐标系（文件未注明时）", placeholder="如 CGCS2000 3度带 37带",
                      key=keys.ZONES_CRS)  # fmt: skip
if kind in NEEDS_SOURCE and not codes:
    st.warning("还没有登记水源地：先在「水源地登记」导入水源地，再导入保护区。")
up = st.file_uploader("选择文件（.zip Shapefile、.geojson、.kml、.kmz、拐点坐标表 .xlsx/.csv）",
                      type=["zip", "geojson", "json", "kml", "kmz", "xlsx", "csv"],
                      key=keys.ZONES_UPLOAD)  # fmt: skip
if up is None:
    st.stop()
try:
    plan = plan_for(up.getvalue(), up.name, kind, source or "", crs.strip())
except GwlibError as exc:
    st.error(md(str(exc)))
    st.stop()
n = plan.counts
m = st.columns(4)
m[0].metric("新增", f"{n[NEW]} 个")
m[1].metric("修改", f"{n[CHANGED]} 个")
m[2].metric("未变", f"{n[SAME]} 个")
m[3].metric("拒收", f"{plan.rejected} 个要素", help=f"文件共 {plan.features_total} 个要素")
if plan.issues:
    st.markdown(f"**拒收与提示（{len(plan.issues)} 条）**")
    table(issues_frame(plan.issues, severity=True), f"{keys.ZONES_TABLE}.issues")
if plan.zones:
    frame = plan.frame()[["code", "name", "status", "area_km2", "legal_status", "approval_no",
                          "approval_date"]]  # fmt: skip
    frame["approval_date"] = frame["approval_date"].map(lambda d: d.isoformat() if d else "")
    table(frame, f"{keys.ZONES_TABLE}.zones")
    if webassets.missing():
        st.warning(labels.MAP_ASSETS_MISSING)
    else:
        preview_map(plan)
if len(plan.changes):
    st.markdown(f"**将修改的项目（{len(plan.changes)} 项，逐项记入审计日志）**")
    table(plan.changes, f"{keys.ZONES_TABLE}.diff")
if st.button("确认导入（一个事务写入；拒收的要素不写入）", type="primary", key=keys.ZONES_COMMIT,
             disabled=n[NEW] + n[CHANGED] == 0):  # fmt: skip
    with st.spinner("正在写入…"):
        result = commit_zones(get_store(), plan, actor())
    after_write()
    st.success(f"导入批次 {result.batch_id}：{result.summary_zh()}")
