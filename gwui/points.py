"""The 监测点位登记 page's working parts: the plan of an uploaded register (kept for the session
until committed), tables with Chinese headers, and the one-point form."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from gwlib.fields import stored_date
from gwlib.quality.model import (
    AquiferMedium,
    Burial,
    FrequencyRule,
    MonitoringPoint,
    PointCategory,
    PointPurpose,
    PointStatus,
)
from gwlib.quality.register import PointsPlan, register_bytes
from gwlib.store.points import plan_from_store
from gwui import keys, labels
from gwui.loaders import get_store
from gwui.render import labelled_table

PLAN_KEY = "points.plan"


def plan_for(data: bytes, name: str, crs: str | None) -> PointsPlan:
    """The import plan of this upload (and default 坐标系), computed once per session."""
    digest = hashlib.sha256(data + (crs or "").encode()).hexdigest()
    held = st.session_state.get(PLAN_KEY)
    if held is None or held[0] != digest:
        with st.spinner("正在检查文件…"):
            plan = plan_from_store(get_store(), data, display_name=name, default_crs=crs or None)
        st.session_state[PLAN_KEY] = (digest, plan)
        return plan
    return held[1]  # type: ignore[no-any-return]


def after_write() -> None:
    st.session_state.pop(PLAN_KEY, None)
    st.cache_data.clear()


def table(frame: pd.DataFrame, key: str) -> None:
    labelled_table(frame, labels.POINTS_COLUMNS, key)


def export_bytes(suffix: str) -> bytes:
    return register_bytes(get_store().points(), suffix)


def point_form(current: dict[str, Any] | None) -> dict[str, Any] | None:
    """The fields of one point (prefilled from ``current``); the row to save when submitted."""
    c = current or {}

    def pick(label: str, options: list[str], field: str, default: str) -> str:
        value = str(c.get(field) or default)
        return st.selectbox(label, options, index=options.index(value) if value in options else 0)

    with st.form(keys.POINTS_EDIT_FORM):
        code = st.text_input("点位编码", c.get("code", ""), disabled=bool(current))
        name = st.text_input("点位名称", c.get("name", ""))
        cols = st.columns(3)
        with cols[0]:
            category = pick("点位类别", [x.value for x in PointCategory], "category", "县控")
            purpose = pick("监测用途", [x.value for x in PointPurpose], "purpose", "区域")
            township = st.text_input("乡镇", c.get("township", ""))
        with cols[1]:
            lon = st.number_input("经度（°，WGS 84）", value=float(c.get("lon") or 0.0),
                                  format="%.6f")  # fmt: skip
            lat = st.number_input("纬度（°，WGS 84）", value=float(c.get("lat") or 0.0),
                                  format="%.6f")  # fmt: skip
            depth = st.number_input("井深(m)", value=c.get("depth_m"), min_value=0.0)
        with cols[2]:
            aquifer = pick("含水介质", [x.value for x in AquiferMedium], "aquifer", "孔隙")
            burial = pick("埋藏条件", [x.value for x in Burial], "burial", "潜水")
            target = st.selectbox("目标类别（空＝按类别和用途默认）", ["", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"],
                                  index=int(c.get("target_class") or 0))  # fmt: skip
        frequency = pick("监测频次", [x.value for x in FrequencyRule], "frequency", "丰枯各1次")
        status = pick("状态", [x.value for x in PointStatus], "status", "在用")
        filed = st.date_input("最近报备日期（回灌、地热尾水点位；其他点位不填）",
                              value=stored_date(c.get("filed_on")), min_value=dt.date(2000, 1, 1),
                              format="YYYY-MM-DD")  # fmt: skip
        note = st.text_input("备注", c.get("note", ""))
        if not st.form_submit_button("保存点位"):
            return None
    return {
        "code": code.strip(), "name": name, "category": category, "purpose": purpose,
        "township": township, "lon": lon, "lat": lat, "depth_m": depth, "aquifer": aquifer,
        "burial": burial, "target_class": target or None, "frequency": frequency,
        "status": status, "note": note, "filed_on": filed,
        "input_x": c.get("input_x"), "input_y": c.get("input_y"),
        "input_crs": c.get("input_crs") or "",
    }  # fmt: skip


def build_point(row: dict[str, Any]) -> MonitoringPoint:
    clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
    return MonitoringPoint.from_row(clean)
