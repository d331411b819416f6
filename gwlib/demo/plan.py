"""The demo's action plans: the 2023 绛县 groundwater action plan, transcribed from its text into
``data/demo/plan_2023_groundwater.json`` (see that file's ``source`` and ``note``), and the 2024
and 2025 plans, which are 模拟数据.

No 2024 or 2025 绛县 plan text is among the project's sources. A county's annual plan largely
carries the year before forward, so the demo's later plans are the 2023 plan with its year moved
on: the same tasks, departments and wording, "2023年" read as the plan's year and every deadline
moved by the same number of years. Their titles say so (:data:`ROLLED_MARK`), as every page that
shows a plan's title shows it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from gwlib.config import REFERENCE_DIR
from gwlib.plans.model import ActionPlan, PlanTask

PLAN_FILE = REFERENCE_DIR / "demo" / "plan_2023_groundwater.json"
#: The years of the demo's simulated plans, beside the transcribed 2023 plan.
ROLLED_YEARS = (2024, 2025)
ROLLED_MARK = "（模拟数据：按2023年计划顺延）"


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


def rolled_plan(base: ActionPlan, year: int) -> ActionPlan:
    """``base`` carried forward to ``year`` (模拟数据): its own year's words and dates moved on,
    the title marked with :data:`ROLLED_MARK`."""
    words = (f"{base.year}年", f"{year}年")
    shift = year - base.year

    def deadline(d: str) -> str:
        if len(d) == 10 and d[4] == "-" and d[:4].isdigit():  # ISO date
            return f"{int(d[:4]) + shift}{d[4:]}"
        return d.replace(*words)

    return ActionPlan(
        year=year, region=base.region, title=base.title.replace(*words) + ROLLED_MARK,
        goals=base.goals.replace(*words),
        tasks=tuple(replace(t, title=t.title.replace(*words), text=t.text.replace(*words),
                            deadlines=tuple(deadline(d) for d in t.deadlines))
                    for t in base.tasks),
    )


def demo_plans() -> tuple[ActionPlan, ...]:
    """The 2023 plan and its simulated successors, oldest first."""
    base = load_plan()
    return (base, *(rolled_plan(base, y) for y in ROLLED_YEARS))
