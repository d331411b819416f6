"""The 2023 绛县 groundwater action plan, transcribed from its text into
``data/demo/plan_2023_groundwater.json`` (see that file's ``source`` and ``note``)."""

from __future__ import annotations

import json
from typing import Any

from gwlib.config import REFERENCE_DIR
from gwlib.plans.model import ActionPlan, PlanTask

PLAN_FILE = REFERENCE_DIR / "demo" / "plan_2023_groundwater.json"


def load_plan() -> ActionPlan:
    with PLAN_FILE.open(encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return ActionPlan(
        year=int(doc["year"]), region=str(doc["region"]), title=str(doc["title"]),
        goals=str(doc["goals"]),
        tasks=tuple(PlanTask(
            number=int(t["number"]), section=str(t["section"]), title=str(t["title"]),
            text=str(t["text"]), lead=tuple(t["lead"]), cooperating=tuple(t["cooperating"]),
            deadlines=tuple(t["deadlines"])) for t in doc["tasks"]),
    )
