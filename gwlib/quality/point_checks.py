"""Points whose 监测用途 has a requirement (回灌, 地热尾水): each one's samples judged against it
(:mod:`gwlib.quality.requirements`), its latest 结论, and its 报备 status from the register's
最近报备日期 and the requirement's interval; one sentence for pages and popups."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gwlib.fields import stored_date
from gwlib.quality.requirements import REQUIREMENTS_DIR, check, requirement_for
from gwlib.quality.standards import StandardSet

if TYPE_CHECKING:
    from gwlib.store import Store

FILED, FILING_OVERDUE, NOT_FILED = "已报备", "报备逾期", "未报备"
#: The register keeps the latest 报备 only: at a date before it, the status then is not known.
FILING_UNKNOWN = "当时报备情况无记录"


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def filing_status(filed_on: dt.date | None, months: int | None,
                  as_of: dt.date) -> tuple[str, dt.date | None]:
    """(状态, the date the next 报备 is due): 未报备 when never filed; 报备逾期 when ``as_of`` is
    past ``months`` after the last one; else 已报备. ("", None) when the requirement asks none;
    :data:`FILING_UNKNOWN` when the recorded 报备 is later than ``as_of`` (a past year's view)."""
    if months is None:
        return "", None
    if filed_on is None:
        return NOT_FILED, None
    if filed_on > as_of:
        return FILING_UNKNOWN, None
    due = months_after(filed_on, months)
    return (FILED if as_of <= due else FILING_OVERDUE), due


#: Columns of :func:`point_checks`' points frame, with the headers pages and exports show.
POINT_CHECK_LABELS = {
    "point": "点位编码", "point_name": "点位名称", "purpose": "监测用途", "township": "乡镇",
    "requirement": "执行要求", "date": "最近采样日期", "result": "结论",
    "exceeding": "超标指标（超标倍数）", "undetermined": "无法判定指标（检出限高于限值）",
    "filed_on": "最近报备日期", "filing": "报备状态", "filing_due": "下次报备期限",
}  # fmt: skip


def point_checks(points: pd.DataFrame, measured: pd.DataFrame, as_of: dt.date,
                 directory: Path = REQUIREMENTS_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every point whose 监测用途 has a requirement, judged against it.

    ``points`` is Store.points(); ``measured`` Store.measurements() of those points. Returns
    (points, samples): one row per point (:data:`POINT_CHECK_LABELS`) with its latest sample's
    结论 (未采样 when it has none) and its 报备 status at ``as_of``; and one row per sample with
    its 结论. Points of a purpose without a requirement are not listed."""
    rows, sample_frames = [], []
    for _, p in points.sort_values("code").iterrows():
        req = requirement_for(str(p["purpose"]), directory)
        if req is None:
            continue
        mine = measured[measured["point"] == p["code"]]
        detail = pd.DataFrame({
            "point": mine["point"], "date": mine["date"],
            "indicator": [_position(req.basis, str(c)) for c in mine["indicator_code"]],
            "value": mine["value"], "censored": mine["censored"].astype(bool),
            "name": mine["reported_name"], "unit": mine["raw_unit"]})
        judged, _ = check(detail, req) if len(detail) else (_no_samples(), None)
        judged = judged.sort_values("date", kind="stable")
        sample_frames.append(judged.assign(requirement=req.code))
        last = judged.iloc[-1] if len(judged) else None
        filed = stored_date(p.get("filed_on"))
        status, due = filing_status(filed, req.filing_months, as_of)
        rows.append({
            "point": p["code"], "point_name": p["name"], "purpose": p["purpose"],
            "township": p["township"], "requirement": req.code,
            "date": "" if last is None else pd.Timestamp(last["date"]).date().isoformat(),
            "result": "未采样" if last is None else last["result"],
            "exceeding": "" if last is None else last["exceeding"],
            "undetermined": "" if last is None else last["undetermined"],
            "filed_on": filed.isoformat() if filed else "", "filing": status,
            "filing_due": due.isoformat() if due else ""})
    samples = (pd.concat(sample_frames, ignore_index=True) if sample_frames
               else _no_samples().assign(requirement=pd.Series(dtype="object")))
    return pd.DataFrame(rows, columns=list(POINT_CHECK_LABELS)), samples


def _position(basis: StandardSet, code: str) -> int:
    try:
        return basis.index(code)
    except KeyError:  # a kept, not graded parameter (水温, 钾 …)
        return -1


def _no_samples() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in
                         ("point", "date", "result", "exceeding", "undetermined")})


def check_sentence(row: Mapping[str, object]) -> str:
    """One row of :func:`point_checks` as the sentence pages and popups show: 执行要求, the latest
    结论 with what exceeded, and the 报备 status."""
    result = str(row["result"])
    text = f"{row['requirement']}："
    text += f"最近一次采样（{row['date']}）{result}" if row["date"] else "尚无采样"
    if row["exceeding"]:
        text += f"，超标指标 {row['exceeding']}"
    if row["undetermined"]:
        text += f"，无法判定 {row['undetermined']}"
    filing = str(row["filing"])
    if filing == FILED:
        text += f"；已报备（最近 {row['filed_on']}，下次应于 {row['filing_due']} 前）"
    elif filing == FILING_OVERDUE:
        text += f"；报备逾期（最近 {row['filed_on']}，应于 {row['filing_due']} 前再报）"
    elif filing in (NOT_FILED, FILING_UNKNOWN):
        text += f"；{filing}"
    return text


def stored_checks(store: Store, points: pd.DataFrame,
                  as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`point_checks` of those of ``points`` (Store.points() rows) whose 监测用途 has a
    requirement, reading only their measurements from ``store``, of samples up to ``as_of``."""
    # a boolean Series, not a list: an empty list would select no columns of an empty register
    judged = points[points["purpose"].map(lambda p: requirement_for(str(p)) is not None)
                    .astype(bool)]
    measured = store.measurements(points=judged["code"].tolist())
    measured = measured[pd.to_datetime(measured["date"]) <= pd.Timestamp(as_of)]
    return point_checks(judged, measured, as_of)
