"""The forms and panels of the 单井档案 page. Each write goes to gwlib (which validates, checks
the version and audits); a gwlib error is shown as it is, and nothing is half-written."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gwlib.config import attachments_dir
from gwlib.errors import ConflictError, GwlibError
from gwlib.store import documents as documents_store
from gwlib.store import ledger
from gwlib.store import sealing as sealing_store
from gwlib.wells.lifecycle import REQUIRED, STAGES, missing_fields, next_stage, next_statuses
from gwlib.wells.model import PlanType, WellStatus
from gwlib.wells.sealing import (
    DocumentKind,
    IntervalRole,
    ReviewStatus,
    SealingRecord,
    SealInterval,
)
from gwui import keys
from gwui.ledger import after_write, ledger_table, today
from gwui.loaders import get_store
from gwui.render import md
from gwui.session import actor, can_edit

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


FLASH = "well.flash"


def _run(what: str, action: Callable[[], object]) -> bool:
    try:
        action()
    except GwlibError as exc:
        # The message names user text (file names, values) and paths: shown as text, not markup.
        st.error(f"{what}未保存：{md(exc)}")
        return False
    after_write()
    st.session_state[FLASH] = f"{what}已保存。"  # shown by flash() after the rerun
    st.success(f"{what}已保存。")
    return True


def flash() -> None:
    """The last save's message, kept over the rerun that shows the saved record."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def stepper(status: str) -> str:
    """Where the well stands in its lifecycle: ✓ for the stages passed, the current one bold."""
    if status == WellStatus.DEFERRED.value:
        return "流程：**暂缓**（恢复后从暂缓前的阶段继续）"
    order = [s.value for s in STAGES]
    here = order.index(status) if status in order else -1
    parts = [f"✓ {s}" if i < here else (f"**● {s}**" if i == here else f"○ {s}")
             for i, s in enumerate(order)]  # fmt: skip
    return "流程：" + " → ".join(parts)


def _filled_from(form: str, code: str, current: int | None) -> tuple[str, int | None]:
    """Key prefix and record version that the widgets of ``form`` for well ``code`` show.

    Keyed widgets keep what was typed across reruns, so a form is saved against the version
    its widgets were filled from, not the one read in the submitting run (that would overwrite
    a save made by someone else in between, without a conflict). The keys carry the well and
    that version: another well, or the record after a save or a conflict, gets fresh widgets.
    """
    state = f"{form}.based_on.{code}"
    based = st.session_state.get(state, current)
    if f"{form}.{code}.v{based}.submit" not in st.session_state:  # widgets gone: fill anew
        based = current
    st.session_state[state] = based
    return f"{form}.{code}.v{based}", based


def _save_form(what: str, form: str, code: str, action: Callable[[], object]) -> None:
    """Save ``form`` through :func:`_run`. After a save, or a conflict (someone else saved
    first), the form is filled anew from the database; a conflict message shows above it."""
    conflict = f"{form}.conflict.{code}"

    def run() -> object:
        try:
            return action()
        except ConflictError as exc:
            st.session_state[conflict] = f"{what}未保存：{md(exc)}"
            raise

    if _run(what, run) or conflict in st.session_state:
        st.session_state.pop(f"{form}.based_on.{code}", None)
        st.rerun()


def _last_conflict(form: str, code: str) -> None:
    """The conflict message of the last submit of ``form``, kept over the refilling rerun."""
    message = st.session_state.pop(f"{form}.conflict.{code}", None)
    if message:
        st.error(message)


def _shown_version(form: str, code: str, current: int) -> int:
    """The version of the well shown when ``form`` was last drawn (its button label and checks
    came from it); ``current`` from now on."""
    state = f"{form}.shown.{code}"
    shown = int(st.session_state.get(state, current))
    st.session_state[state] = current
    return shown


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
    shown = _shown_version(keys.WELL_TRANSITION_FORM, row["code"], row["version"])
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
        note = st.text_area(  # a key per record version: the last step's 说明 is not carried
            "说明" + ("（暂缓原因，必填）" if target is WellStatus.DEFERRED else ""),
            key=keys.well_note(row["code"], row["version"]),
        )
        go_ = st.form_submit_button(
            f"办理：{status.value} → {target.value}",
            key=keys.WELL_TRANSITION_SUBMIT,
            type="primary",
        )
    if go_ and _run(
        "状态变更",
        lambda: ledger.transition_well(
            get_store(), actor(), row["code"], target, on, shown, note, changes
        ),
    ):
        st.rerun()


def edit_panel(row: dict[str, Any]) -> None:
    form, code = keys.WELL_EDIT_FORM, row["code"]
    p, based = _filled_from(form, code, row["version"])
    _last_conflict(form, code)
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        ch = {
            "village": c1.text_input("村", row["village"], key=f"{p}.village"),
            "owner": c2.text_input("所有权人（不明写“不详”）", row["owner"], key=f"{p}.owner"),
            "phone": c3.text_input("联系电话", row["phone"], key=f"{p}.phone"),
            "depth_m": c1.number_input("井深（m）", 0.0, 10000.0, row["depth_m"], key=f"{p}.depth"),
            "responsible_party": c2.text_input("责任主体", row["responsible_party"], key=f"{p}.rp"),
            "lead_department": c3.text_input("牵头部门", row["lead_department"], key=f"{p}.ld"),
            "planned_completion": c1.date_input(
                "计划完成日期",
                row["planned_completion"],
                key=f"{p}.planned",
                format="YYYY-MM-DD",
            ),
            "note": c2.text_area("备注", row["note"], key=f"{p}.note"),
        }
        ch["owner_known"] = ch["owner"].strip() not in ("", "不详", "无", "不明", "未知")
        why = c3.text_input("修改说明", key=f"{p}.why")
        if st.form_submit_button("保存修改", key=f"{p}.submit"):
            _save_form(
                "修改",
                form,
                code,
                lambda: ledger.update_well(get_store(), actor(), code, ch, based, why),
            )


def sealing_panel(code: str, seal: dict[str, Any] | None, intervals: pd.DataFrame) -> None:
    s = seal or {}
    if not can_edit():
        ledger_table(pd.DataFrame([s]) if s else pd.DataFrame())
        ledger_table(intervals)
        return
    form = keys.WELL_SEALING_FORM
    p, based = _filled_from(form, code, s.get("version"))
    _last_conflict(form, code)
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        rec = {
            "start_date": c1.date_input(
                "封井开始日期", s.get("start_date"), key=f"{p}.start", format="YYYY-MM-DD"
            ),
            "end_date": c2.date_input(
                "封井完成日期", s.get("end_date"), key=f"{p}.end", format="YYYY-MM-DD"
            ),
            "method": c3.text_input("封井方法", s.get("method", ""), key=f"{p}.method"),
            "contractor": c1.text_input("施工单位", s.get("contractor", ""), key=f"{p}.contractor"),
            "cost_wan": c2.number_input(
                "费用（万元）", 0.0, 10000.0, s.get("cost_wan"), key=f"{p}.cost"
            ),
            "funding_source": c3.text_input(
                "资金来源", s.get("funding_source", ""), key=f"{p}.funding"
            ),
            "wellhead": c1.text_input("井口处理", s.get("wellhead", ""), key=f"{p}.wellhead"),
            "aquitard_seals": c2.text_input(
                "隔水层止水", s.get("aquitard_seals", ""), key=f"{p}.aquitard"
            ),
            "acceptance_date": c3.date_input(
                "验收日期", s.get("acceptance_date"), key=f"{p}.acc_date", format="YYYY-MM-DD"
            ),
            "acceptance_conclusion": st.text_input(
                "验收结论", s.get("acceptance_conclusion", ""), key=f"{p}.acc"
            ),
        }
        st.caption("封填材料（按深度区间；作用：封闭 / 回填 / 止水）")
        iv = st.data_editor(
            interval_frame(intervals),
            num_rows="dynamic",
            key=f"{p}.intervals",
            hide_index=True,
            column_config=INTERVAL_COLUMNS,
            placeholder="",
        )
        if st.form_submit_button("保存封井记录", key=f"{p}.submit"):

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
                sealing_store.save_sealing(get_store(), actor(), code, record, based)

            _save_form("封井记录", form, code, save)


def documents_panel(code: str, docs: pd.DataFrame) -> None:
    ledger_table(docs, key="well.docs_table")
    if not docs.empty:
        files = docs.set_index("id")
        pick = st.selectbox("打开附件", list(files.index), key=keys.WELL_DOC_OPEN,
                            format_func=lambda i: str(files.loc[i, "filename"]))  # fmt: skip
        path = attachments_dir() / str(files.loc[pick, "stored_name"])
        if path.is_file():
            st.download_button("下载所选附件", path.read_bytes, str(files.loc[pick, "filename"]),
                               key=f"{keys.WELL_DOC_OPEN}.download", on_click="ignore")  # fmt: skip
        else:
            st.warning("该附件的文件不在附件目录中（可能已被移走），请联系管理员。")
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
                lambda: documents_store.add_document(
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
                "审核",
                lambda: documents_store.review_document(
                    get_store(), actor(), int(doc), status, note
                ),
            ):
                st.rerun()


def delete_panel(row: dict[str, Any]) -> None:
    shown = _shown_version(keys.WELL_DELETE_FORM, row["code"], row["version"])
    with st.form(keys.WELL_DELETE_FORM):
        reason = st.text_input(
            "删除原因（必填；记录保留，可在审计日志中查到）", key="well.delete.reason"
        )
        if st.form_submit_button("从台账删除", key="well.delete.submit") and _run(
            "删除",
            lambda: ledger.soft_delete_well(get_store(), actor(), row["code"], reason, shown),
        ):
            st.rerun()


#: The 封填材料 editor's columns: typed from this table, never inferred from the data (an empty
#: table would make 材料 a number column, so a first record could not name 黏土球), and new rows
#: start blank rather than "None".
INTERVAL_COLUMNS = {
    "top_m": st.column_config.NumberColumn("顶深（m）", min_value=0.0, format="%.1f"),
    "bottom_m": st.column_config.NumberColumn("底深（m）", min_value=0.0, format="%.1f"),
    "role": st.column_config.SelectboxColumn("作用", options=[r.value for r in IntervalRole]),
    "material": st.column_config.TextColumn("材料", default="", max_chars=128),
}


def interval_frame(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals as the editor shows them, with depth columns float and text columns str."""
    cols = list(INTERVAL_COLUMNS)
    frame = intervals[cols] if len(intervals) else pd.DataFrame(columns=cols)
    return frame.astype({"top_m": "float64", "bottom_m": "float64", "role": "object",
                         "material": "object"}).reset_index(drop=True)  # fmt: skip
