"""台账导入导出: template, upload with a preview and row-level errors, one-transaction commit."""

import streamlit as st

from gwlib.errors import GwlibError
from gwlib.io.wells import export_name, import_ledger_file, ledger_bytes, template_bytes
from gwlib.wells.ledger import water_authority
from gwui import keys, labels
from gwui.ledger import after_write, ledger_table, load_ledger, load_sealing, today
from gwui.loaders import get_store, load_meta, load_townships
from gwui.render import demo_notice, md
from gwui.session import actor, can_edit

st.title(labels.WELLSIO_TITLE)
meta = load_meta()
demo_notice(meta)
st.caption(
    "模板表头为中文，井类别、井别、状态、处置方式带下拉列表；导出的台账与模板同表头，可直接再导入。"
)
c1, c2 = st.columns(2)
DONE = "wellsio.done"
if DONE in st.session_state:  # the last import's outcome, shown after the rerun that refreshed
    st.success(st.session_state.pop(DONE))  # the counts above
towns = load_townships()
c1.download_button(
    "下载空白模板（Excel）",
    lambda: template_bytes(towns),
    "废弃井封井回填台账模板.xlsx",
    key=keys.WELLSIO_TEMPLATE,
    on_click="ignore",
)
wells = load_ledger().wells
c2.download_button(
    f"导出全部台账（{len(wells)} 眼，Excel）",
    lambda: ledger_bytes(wells, towns, load_sealing()),  # built when clicked
    export_name(today()),
    key=keys.WELLSIO_EXPORT,
    on_click="ignore",
)

st.subheader("导入")
if not can_edit():
    st.info(labels.READ_ONLY)
    st.stop()
up = st.file_uploader(
    "选择台账文件（.xlsx 或 .csv）", type=["xlsx", "csv"], key=keys.WELLSIO_UPLOAD
)
if up is None:
    st.stop()
authority = water_authority(meta.get("region", ""))


def run(dry_run: bool, progress=None):  # type: ignore[no-untyped-def]
    return import_ledger_file(get_store(), actor(), up.getvalue(), authority,
                              display_name=up.name, dry_run=dry_run, progress=progress)


try:
    preview = run(dry_run=True)
except GwlibError as exc:
    st.error(md(str(exc)))
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric("文件行数", f"{preview.total} 行")
m2.metric("将新增", f"{preview.imported} 眼")
m3.metric("将更新", f"{preview.updated} 眼")
m4.metric("被拒绝", f"{preview.rejected} 行")
st.caption(
    f"另有 {preview.unchanged} 行与台账一致，不作改动。"
    f"所有权人不明的井，责任主体默认为 {authority}。"
)
if preview.issues:
    issues = preview.issues_frame(severity=True)
    ledger_table(issues, key=keys.WELLSIO_ISSUES)
if st.button(
    "确认导入（无误的行在一个事务中写入；被拒绝的行不写入，见上表）",
    key=keys.WELLSIO_COMMIT,
    type="primary",
    disabled=preview.imported + preview.updated == 0,
):
    bar = st.progress(0.0, text="正在导入…")
    result = run(
        dry_run=False, progress=lambda d, t: bar.progress(d / max(t, 1), text=f"{d}/{t} 行")
    )
    after_write()
    st.session_state[DONE] = (
        f"已导入：新增 {result.imported} 眼，更新 {result.updated} 眼，拒绝 {result.rejected} 行。"
    )
    st.rerun()  # every count on the page read again
