"""An annual action plan (年度行动计划) and its tasks, as parsed from the plan text."""

from __future__ import annotations

from dataclasses import dataclass

from gwlib.errors import ValidationError


@dataclass(frozen=True)
class PlanTask:
    number: int
    section: str
    title: str
    text: str
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()  # ISO dates where resolvable, else the original words


@dataclass(frozen=True)
class ActionPlan:
    year: int
    region: str
    title: str
    goals: str = ""
    tasks: tuple[PlanTask, ...] = ()

    def __post_init__(self) -> None:
        if not 2000 <= self.year <= 2100:
            raise ValidationError("年度", self.year, "2000–2100 之间的年份")
