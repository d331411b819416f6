"""Demo history for the 封井回填 ledger: each well's past steps; a sealing record for wells in
works (its start) and sealed wells (start, end, method, depth intervals); and for accepted wells
their acceptance and one attached document, a placeholder PDF named 模拟数据. Everything derives
from the dates and depths the demo wells already carry (no randomness), so each well holds what
the lifecycle (:mod:`gwlib.wells.lifecycle`) asks of its stage. User 模拟数据."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gwlib.demo.base import AS_OF
from gwlib.store import Store
from gwlib.store.documents import save_file
from gwlib.store.ledger import record_events
from gwlib.store.schema_ledger import well_document, well_seal_interval, well_sealing
from gwlib.wells.lifecycle import SEALED_STAGES, STAGES
from gwlib.wells.model import AbandonedWell, PlanType, WellStatus
from gwlib.wells.sealing import DocumentKind, IntervalRole, ReviewStatus

DEMO_USER = "模拟数据"
METHOD = {
    PlanType.SEAL_BACKFILL: "粘土球分层回填、水泥浆封口",
    PlanType.PLUG_REPAIR: "分段封堵、井口封闭",
}


def _events(w: AbandonedWell) -> list[dict[str, Any]]:
    start = w.survey_date or dt.date(2023, 6, 30)
    end = w.actual_completion or min(AS_OF, start + dt.timedelta(days=400))
    target = w.status if w.status is not WellStatus.DEFERRED else WellStatus.ASSESSED
    steps = STAGES[: STAGES.index(target) + 1]
    span = max((end - start).days, len(steps))
    out: list[dict[str, Any]] = []
    prev, last = "", start
    for k, s in enumerate(steps):
        on = start + dt.timedelta(days=span * k // max(len(steps) - 1, 1))
        if s is WellStatus.SEALED and w.actual_completion:
            on = w.actual_completion
        if s is WellStatus.ACCEPTED and w.actual_completion:
            on = _accepted_on(w)
        out.append(
            {
                "well_code": w.code,
                "from_status": prev,
                "to_status": s.value,
                "event_date": on,
                "user_name": DEMO_USER,
            }
        )
        prev, last = s.value, on
    if w.status is WellStatus.DEFERRED:
        out.append(
            {
                "well_code": w.code,
                "from_status": prev,
                "to_status": w.status.value,
                # after the assessment it follows, never before it
                "event_date": min(AS_OF, last + dt.timedelta(days=60)),
                "user_name": DEMO_USER,
                "note": w.deferral_reason,
            }
        )
    return out


#: The one placeholder every demo acceptance points to (a one-page PDF saying what it is).
PLACEHOLDER_NAME = "验收报告（模拟数据，占位）.pdf"
PLACEHOLDER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 71>>stream\n"
    b"BT /F1 14 Tf 72 760 Td (Demo data placeholder: not a real report) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Size 6/Root 1 0 R>>\n%%EOF\n"
)
#: Surface seal (m) above the backfill of a sealed demo well.
SEAL_M = 2.0


def _accepted_on(w: AbandonedWell) -> dt.date:
    """The demo's acceptance day of a sealed well (a month after completion, at most AS_OF)."""
    assert w.actual_completion is not None
    return min(AS_OF, w.actual_completion + dt.timedelta(days=30))


def _works_start(w: AbandonedWell) -> dt.date:
    """The day the demo's history puts the well into 施工中."""
    day: dt.date = next(
        e["event_date"] for e in _events(w) if e["to_status"] == WellStatus.IN_WORKS.value
    )
    return day


def _intervals(w: AbandonedWell) -> list[dict[str, Any]]:
    depth = w.depth_m if w.depth_m and w.depth_m > SEAL_M else SEAL_M * 10
    return [
        {"well_code": w.code, "top_m": 0.0, "bottom_m": SEAL_M, "role": IntervalRole.SEAL.value,
         "material": "水泥浆", "note": "模拟数据"},
        {"well_code": w.code, "top_m": SEAL_M, "bottom_m": float(depth),
         "role": IntervalRole.BACKFILL.value, "material": "粘土球", "note": "模拟数据"},
    ]  # fmt: skip


def seed_ledger_history(store: Store, wells: Sequence[AbandonedWell], attachments: Path) -> int:
    """Write the demo steps, sealing records, intervals and acceptance documents (the placeholder
    file saved once under ``attachments``); returns the number of steps."""
    events = [e for w in wells for e in _events(w)]
    in_works = [
        {"well_code": w.code, "start_date": _works_start(w), "method": "", "contractor": "",
         "funding_source": "", "acceptance_conclusion": ""}
        for w in wells if w.status is WellStatus.IN_WORKS
    ]  # fmt: skip
    records = [
        {
            "well_code": w.code,
            "start_date": w.actual_completion - dt.timedelta(days=20),
            "end_date": w.actual_completion,
            "method": METHOD.get(w.plan_type or PlanType.SEAL_BACKFILL, "封填"),
            "contractor": "晋南建设工程有限公司（模拟）",
            "funding_source": "中央水污染防治资金（模拟）",
            "acceptance_date": (
                _accepted_on(w)
                if w.status is WellStatus.ACCEPTED
                else None
            ),
            "acceptance_conclusion": "合格" if w.status is WellStatus.ACCEPTED else "",
        }
        for w in wells
        if w.actual_completion and w.status in SEALED_STAGES
    ]
    sealed = [w for w in wells if w.actual_completion and w.status in SEALED_STAGES]
    accepted = [w for w in sealed if w.status is WellStatus.ACCEPTED]
    docs: list[dict[str, Any]] = []
    if accepted:
        f = save_file(attachments, PLACEHOLDER_NAME, PLACEHOLDER)
        docs = [
            {"well_code": w.code, "kind": DocumentKind.ACCEPTANCE_REPORT.value,
             "filename": f.name, "stored_name": f.stored_name, "sha256": f.sha256,
             "size_bytes": f.size_bytes, "review_status": ReviewStatus.REVIEWED.value,
             "review_note": "模拟数据", "uploaded_by": DEMO_USER,
             "uploaded_at": dt.datetime.combine(_accepted_on(w), dt.time(9))}  # no clock read
            for w in accepted
        ]  # fmt: skip
    with store.transaction() as conn:
        # one statement per list: an executemany takes its columns from the first row
        for table, rows in ((well_sealing, in_works), (well_sealing, records),
                            (well_document, docs),
                            (well_seal_interval, [i for w in sealed for i in _intervals(w)])):
            if rows:
                conn.execute(sa.insert(table), rows)  # fmt: skip
    return record_events(store, events)
