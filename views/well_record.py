"""单井档案: one well's location, record, lifecycle steps, sealing record, documents, history,
and the water quality nearby before and after sealing."""

import pandas as pd
import streamlit as st

from gwlib.errors import StoreError
from gwlib.store import audit, ledger
from gwlib.store import documents as documents_store
from gwlib.store import sealing as sealing_store
from gwlib.wells.lifecycle import SEALED_STAGES
from gwlib.wells.risk import before_after
from gwui import keys, labels, well_forms
from gwui.ledger import ledger_table, load_ledger, pick_well
from gwui.loaders import get_store, load_meta
from gwui.render import demo_notice, md, shown
from gwui.session import can_edit

st.title(labels.WELL_TITLE)
demo_notice(load_meta())
data = load_ledger()
if data.wells.empty:
    st.info("台账中还没有井。可在「台账导入导出」页导入 Excel。")
    st.stop()
code = pick_well(data.wells)
store = get_store()
try:
    row = ledger.well(store, code)  # fresh, with its version: edits are checked against it
except StoreError as exc:
    st.error(md(str(exc)))
    st.stop()
seal, docs = sealing_store.sealing(store, code), documents_store.documents(store, code)
if not can_edit():
    st.info(labels.READ_ONLY)


well_forms.flash()  # the last save's message, over the rerun that shows the saved record
st.markdown(well_forms.stepper(row["status"]))
risk = data.risk.set_index("code")
c1, c2, c3, c4 = st.columns(4)
c1.metric("状态", row["status"])
c2.metric(
    "风险等级",
    f"{risk.loc[code, 'level']}（{risk.loc[code, 'score']} 分）" if code in risk.index else "—",
)
c3.metric("责任主体", row["responsible_party"] or "—")
c4.metric("计划完成日期", str(row["planned_completion"] or "—"))
if code in risk.index:
    st.caption("风险评分依据：" + risk.loc[code, "reasons"])

tabs = st.tabs(["基本信息与位置", "办理流程", "封井记录", "附件", "封井前后水质", "历史记录"],
               key=keys.WELL_TABS, on_change="rerun")  # the chosen tab kept after a save
with tabs[0]:
    left, right = st.columns([2, 3])
    info = pd.DataFrame(
        [(labels.WELL_COLUMNS[k], shown(v)) for k, v in row.items() if k in labels.WELL_COLUMNS],
        columns=["项目", "内容"],
    )
    left.dataframe(info, hide_index=True, key=keys.WELL_INFO)
    with right:
        well_forms.location_chart(row, store.boundaries(), data.points)
    if can_edit():
        with st.expander("修改基本信息"):
            well_forms.edit_panel(row)
        with st.expander("从台账删除（软删除）"):
            well_forms.delete_panel(row)
with tabs[1]:
    well_forms.transition_panel(row, seal, len(docs))
    ev = ledger.events(store, code)
    ledger_table(ev.drop(columns=["well_code"]), key=keys.WELL_EVENTS_TABLE)
with tabs[2]:
    well_forms.sealing_panel(code, seal, sealing_store.intervals(store, code))
with tabs[3]:
    well_forms.documents_panel(code, docs)
with tabs[4]:
    radius = st.number_input("半径（m）", 200, 5000, 1000, 100, key=keys.WELL_RADIUS)
    sealed_on = row["actual_completion"]
    if row["status"] not in [s.value for s in SEALED_STAGES] or sealed_on is None:
        st.info("该井尚未封井，没有封井前后对比。")
    elif row["lon"] is not None:
        ba = before_after(row["lon"], row["lat"], sealed_on, data.points, data.samples, radius)
        st.caption(
            f"封井完成日期 {sealed_on:%Y-%m-%d}；{radius} m 内监测点位"
            "封井前最后一次与封井后最近一次采样。"
        )
        st.dataframe(
            ba,
            hide_index=True,
            key=keys.WELL_BEFORE_AFTER,
            column_config={
                "point": "点位编码",
                "distance_m": "距离（m）",
                "date_before": "封井前采样日期",
                "class_before": "封井前类别",
                "limiting_before": "封井前定类指标",
                "date_after": "封井后采样日期",
                "class_after": "封井后类别",
                "limiting_after": "封井后定类指标",
                "change": "变化",
            },
        )
with tabs[5]:
    hist = audit.history(store, code).rename(columns={"action": "action_kind"})
    ledger_table(hist, key=keys.WELL_HISTORY)
