"""The 调度与通报 page's working parts: the rounds of a plan year, one round's figures as the
通报 shows them, and tables with Chinese headers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from gwlib.brief.bulletin import BulletinData, bulletin_data, checklist_at
from gwlib.store.rounds import actions, reports, rounds
from gwui import labels
from gwui.loaders import as_of_date, get_store
from gwui.render import labelled_table
from gwui.results import local_time


def table(frame: pd.DataFrame, key: str, **kwargs: Any) -> None:
    shown = frame.copy()
    for c in ("reported_at", "issued_at", "responded_at"):
        if c in shown:
            shown[c] = local_time(shown[c])
    labelled_table(shown, labels.DISPATCH_COLUMNS, key, **kwargs)


def plan_years() -> list[int]:
    t = get_store().plan_tasks()
    return sorted({int(y) for y in t["year"]}, reverse=True) if len(t) else []


def year_rounds(year: int) -> pd.DataFrame:
    return rounds(get_store(), year)


def round_view(code: str, year: int, issuer: str) -> BulletinData:
    return bulletin_data(get_store(), code, year, issuer, as_of_date())


def round_reports(round_id: int) -> pd.DataFrame:
    r = reports(get_store(), round_id)
    cols = ["unit", "task_number", "status", "done_text", "evidence", "reported_by", "reported_at"]
    return r[cols] if len(r) else pd.DataFrame(columns=cols)


def round_actions(round_id: int) -> pd.DataFrame:
    a = actions(get_store(), round_id)
    cols = ["id", "kind", "unit", "task_number", "requirement", "deadline", "issued_by",
            "issued_at", "response", "responded_at"]  # fmt: skip
    return a[cols] if len(a) else pd.DataFrame(columns=cols)


def current_tasks(year: int, end: dt.date) -> pd.DataFrame:
    return checklist_at(get_store(), year, end).tasks


def assessment_bytes(year: int, issuer: str) -> bytes:
    """The 评估考核 report of the plan year (.docx)."""
    import io

    from gwlib.brief.bulletin import write_assessment_report

    buf = io.BytesIO()
    write_assessment_report(get_store(), year, buf, issuer)
    return buf.getvalue()
