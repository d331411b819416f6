"""The forms and panels of the 单井档案 page. Each write goes to gwlib (which validates, checks
the version and audits); a gwlib error is shown as it is, and nothing is half-written."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gwlib.config import attachments_dir
from gwlib.errors import GwlibError
from gwlib.lifecycle import REQUIRED, missing_fields, next_stage, next_statuses
from gwlib.model import PlanType, WellStatus
from gwlib.store import ledger
from gwlib.store.ledger import DocumentKind, IntervalRole, ReviewStatus, SealingRecord, SealInterval
from gwui import keys
from gwui.ledger import actor, after_write, column_config, today
from gwui.loaders import get_store
from gwui.render import md
from gwui.session import can_edit

WELL_FIELD_INPUTS: dict[str, Callable[[Any, str], Any]] = {
    "survey_date": lambda v, k: st.date_input("排查日期", v or None, key=k, format="YYYY-MM-DD"),
    "responsible_party": lambda v, k: st.text_input("责任主体", v or "", key=k),
    "lead_department": lambda v, k: st.text_input("牵头部门", v or "", key=k),
    "plan_type": lambda v, k: st.selectbox(
        "处置方式（一井一策）", [p.value for p in PlanType], index=None, key=k
    ),
    "planned_completion": lambda v, k: st.date_input(
        "计划完成日期", v or None, key=k, format="YYYY-MM-DD"
    ),
}


def _run(what: str, action: Callable[[], object]) -> bool:
    try:
        action()
    except GwlibError as exc:
        # The message names user text (file names, values) and paths: shown as text, not markup.
        st.error(f"{what}未保存：{md(exc)}")
        return False
    after_write()
    st.success(f"{what}已保存。")
    return True


def location_chart(row: dict[str, Any], boundaries: pd.DataFrame, points: pd.DataFrame) -> None:
    """The well on the county outline with nearby monitoring points (no map tiles: offline)."""
    if row["lon"] is None or pd.isna(row["lon"]):
        st.info("该井没有坐标。")
        return
    import json

    fig = go.Figure()
    for geo in boundaries.loc[boundaries["level"] == "县", "geometry"]:
        g = json.loads(geo)
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            xs, ys = zip(*poly[0], strict=True)
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": "#888"},
                    name="县界",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    fig.add_trace(
        go.Scatter(
            x=points["lon"],
            y=points["lat"],
            mode="markers",
            name="监测点位",
            marker={"color": "#2b7bba", "size": 6},
            text=[html.escape(c) for c in points["code"]],
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[row["lon"]],
            y=[row["lat"]],
            mode="markers",
            name="本井",
            marker={"color": "#d7263d", "size": 14, "symbol": "x"},
        )
    )
    fig.update_layout(
        height=360,
        margin={"t": 10, "b": 10},
        xaxis_title="经度（°）",
        yaxis_title="纬度（°）",
        yaxis={"scaleanchor": "x"},
    )
    st.plotly_chart(fig, key="well.location_chart")


def transition_panel(row: dict[str, Any], seal: dict[str, Any] | None, n_docs: int) -> None:
    status = WellStatus(row["status"])
    options = next_statuses(status)
    if not options:
        st.info("该井已验收销号，流程结束。")
        return
    if not can_edit():
        st.caption("可办理的下一步：" + "、".join(s.value for s in options))
        return
    default = next_stage(status)
    to = st.selectbox(
        "办理到",
        [s.value for s in options],
        key=keys.WELL_TO,
        index=[s for s in options].index(default) if default in options else 0,
    )
    target = WellStatus(to)
    needs_seal = [lbl for where, _, lbl in REQUIRED.get(target, ()) if where == "sealing"]
    gaps = [m for m in missing_fields(target, row, seal, n_docs) if m in needs_seal or "附件" in m]
    if gaps:
        st.warning("进入该状态前，请先在「封井记录」「附件」中补齐：" + "、".join(gaps))
    with st.form(keys.WELL_TRANSITION_FORM):
        changes: dict[str, Any] = {}
        for where, name, _ in REQUIRED.get(target, ()):
            if where == "well" and name in WELL_FIELD_INPUTS:
                changes[name] = WELL_FIELD_INPUTS[name](row.get(name), f"well.req.{name}")
        on = st.date_input("办理日期", today(), key=keys.WELL_ON, format="YYYY-MM-DD")
        note = st.text_area(
            "说明" + ("（暂缓原因，必填）" if target is WellStatus.DEFERRED else ""),
            key=keys.WELL_NOTE,
        )
        go_ = st.form_submit_button(
            f"办理：{status.value} → {target.value}",
            key=keys.WELL_TRANSITION_SUBMIT,
            type="primary",
        )
    if go_ and _run(
        "状态变更",
        lambda: ledger.transition_well(
            get_store(), actor(), row["code"], target, on, row["version"], note, changes
        ),
    ):
        st.rerun()


def edit_panel(row: dict[str, Any]) -> None:
    with st.form(keys.WELL_EDIT_FORM):
        c1, c2, c3 = st.columns(3)
        ch = {
            "village": c1.text_input("村", row["village"], key="well.edit.village"),
            "owner": c2.text_input("所有权人（不明写“不详”）", row["owner"], key="well.edit.owner"),
            "phone": c3.text_input("联系电话", row["phone"], key="well.edit.phone"),
            "depth_m": c1.number_input(
                "井深（m）", 0.0, 10000.0, row["depth_m"], key="well.edit.depth"
            ),
            "responsible_party": c2.text_input(
                "责任主体", row["responsible_party"], key="well.edit.rp"
            ),
            "lead_department": c3.text_input(
                "牵头部门", row["lead_department"], key="well.edit.ld"
            ),
            "planned_completion": c1.date_input(
                "计划完成日期",
                row["planned_completion"],
                key="well.edit.planned",
                format="YYYY-MM-DD",
            ),
            "note": c2.text_area("备注", row["note"], key="well.edit.note"),
        }
        ch["owner_known"] = ch["owner"].strip() not in ("", "不详", "无", "不明", "未知")
        why = c3.text_input("修改说明", key="well.edit.why")
        if st.form_submit_button("保存修改", key="well.edit.submit") and _run(
            "修改",
            lambda: ledger.update_well(get_store(), actor(), row["code"], ch, row["version"], why),
        ):
            st.rerun()


def sealing_panel(code: str, seal: dict[str, Any] | None, intervals: pd.DataFrame) -> None:
    s = seal or {}
    if not can_edit():
        st.dataframe(pd.DataFrame([s]) if s else pd.DataFrame(), hide_index=True)
        st.dataframe(intervals, hide_index=True, column_config=column_config(intervals))
        return
    with st.form(keys.WELL_SEALING_FORM):
        c1, c2, c3 = st.columns(3)
        rec = {
            "start_date": c1.date_input(
                "封井开始日期", s.get("start_date"), key="well.seal.start", format="YYYY-MM-DD"
            ),
            "end_date": c2.date_input(
                "封井完成日期", s.get("end_date"), key="well.seal.end", format="YYYY-MM-DD"
            ),
            "method": c3.text_input("封井方法", s.get("method", ""), key="well.seal.method"),
            "contractor": c1.text_input(
                "施工单位", s.get("contractor", ""), key="well.seal.contractor"
            ),
            "cost_wan": c2.number_input(
                "费用（万元）", 0.0, 10000.0, s.get("cost_wan"), key="well.seal.cost"
            ),
            "funding_source": c3.text_input(
                "资金来源", s.get("funding_source", ""), key="well.seal.funding"
            ),
            "wellhead": c1.text_input("井口处理", s.get("wellhead", ""), key="well.seal.wellhead"),
            "aquitard_seals": c2.text_input(
                "隔水层止水", s.get("aquitard_seals", ""), key="well.seal.aquitard"
            ),
            "acceptance_date": c3.date_input(
                "验收日期", s.get("acceptance_date"), key="well.seal.acc_date", format="YYYY-MM-DD"
            ),
            "acceptance_conclusion": st.text_input(
                "验收结论", s.get("acceptance_conclusion", ""), key="well.seal.acc"
            ),
        }
        st.caption("封填材料（按深度区间；作用：封闭 / 回填 / 止水）")
        iv = st.data_editor(
            intervals[["top_m", "bottom_m", "role", "material"]]
            if not intervals.empty
            else pd.DataFrame({"top_m": [], "bottom_m": [], "role": [], "material": []}),
            num_rows="dynamic",
            key=keys.WELL_INTERVALS,
            hide_index=True,
            column_config={
                **column_config(intervals),
                "role": st.column_config.SelectboxColumn(
                    "作用", options=[r.value for r in IntervalRole]
                ),
            },
        )
        if st.form_submit_button("保存封井记录", key="well.seal.submit"):

            def save() -> None:
                rows = iv.dropna(how="all")
                ivs = tuple(
                    SealInterval(
                        float(r.top_m), float(r.bottom_m), IntervalRole(r.role), str(r.material)
                    )
                    for r in rows.itertuples()
                )
                record = SealingRecord(
                    **{
                        k: (v or None) if k.endswith(("date", "wan")) else v for k, v in rec.items()
                    },
                    intervals=ivs,
                )
                ledger.save_sealing(get_store(), actor(), code, record, s.get("version"))

            if _run("封井记录", save):
                st.rerun()


def documents_panel(code: str, docs: pd.DataFrame) -> None:
    st.dataframe(docs, hide_index=True, column_config=column_config(docs), key="well.docs_table")
    if not can_edit():
        return
    with st.form(keys.WELL_UPLOAD_FORM, clear_on_submit=True):
        kind = st.selectbox("类别", [k.value for k in DocumentKind], key=keys.WELL_UPLOAD_KIND)
        up = st.file_uploader("上传附件（照片、封井记录、验收报告）", key=keys.WELL_UPLOAD)
        if (
            st.form_submit_button("上传", key="well.upload.submit")
            and up is not None
            and _run(
                "附件",
                lambda: ledger.add_document(
                    get_store(), actor(), code, up.name, up.getvalue(), kind, attachments_dir()
                ),
            )
        ):
            st.rerun()
    if not docs.empty:
        with st.form(keys.WELL_REVIEW_FORM):
            c1, c2, c3 = st.columns(3)
            doc = c1.selectbox(
                "附件",
                list(docs["id"]),
                key="well.review.doc",
                format_func=lambda i: docs.set_index("id").loc[i, "filename"],
            )
            status = c2.selectbox(
                "审核状态", [r.value for r in ReviewStatus], key="well.review.status"
            )
            note = c3.text_input("审核意见", key="well.review.note")
            if st.form_submit_button("保存审核", key="well.review.submit") and _run(
                "审核", lambda: ledger.review_document(get_store(), actor(), int(doc), status, note)
            ):
                st.rerun()


def delete_panel(row: dict[str, Any]) -> None:
    with st.form(keys.WELL_DELETE_FORM):
        reason = st.text_input(
            "删除原因（必填；记录保留，可在审计日志中查到）", key="well.delete.reason"
        )
        if st.form_submit_button("从台账删除", key="well.delete.submit") and _run(
            "删除",
            lambda: ledger.soft_delete_well(
                get_store(), actor(), row["code"], reason, row["version"]
            ),
        ):
            st.rerun()


def _unused(_: dt.date) -> None:  # keeps the datetime import for type checkers of lambdas
    return None
