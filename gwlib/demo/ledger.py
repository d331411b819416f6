"""Demo history for the 封井回填 ledger: each well's past steps and, for sealed wells, a sealing
record, derived from the dates the demo wells already carry (no randomness). User 模拟数据."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from gwlib.demo.base import AS_OF
from gwlib.store import Store
from gwlib.store.ledger import record_events
from gwlib.store.schema_ledger import well_sealing
from gwlib.wells.lifecycle import SEALED_STAGES, STAGES
from gwlib.wells.model import AbandonedWell, PlanType, WellStatus

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
            on = min(AS_OF, w.actual_completion + dt.timedelta(days=30))
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


def seed_ledger_history(store: Store, wells: Sequence[AbandonedWell]) -> int:
    """Write the demo steps and sealing records; returns the number of steps."""
    events = [e for w in wells for e in _events(w)]
    records = [
        {
            "well_code": w.code,
            "start_date": w.actual_completion - dt.timedelta(days=20),
            "end_date": w.actual_completion,
            "method": METHOD.get(w.plan_type or PlanType.SEAL_BACKFILL, "封填"),
            "contractor": "晋南建设工程有限公司（模拟）",
            "funding_source": "中央水污染防治资金（模拟）",
            "acceptance_date": (
                min(AS_OF, w.actual_completion + dt.timedelta(days=30))
                if w.status is WellStatus.ACCEPTED
                else None
            ),
            "acceptance_conclusion": "合格" if w.status is WellStatus.ACCEPTED else "",
        }
        for w in wells
        if w.actual_completion and w.status in SEALED_STAGES
    ]
    if records:
        with store.transaction() as conn:
            conn.execute(sa.insert(well_sealing), records)
    return record_events(store, events)
