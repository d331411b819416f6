"""An annual action plan (年度行动计划) and its tasks, as parsed from the plan text."""

from __future__ import annotations

from collections.abc import Mapping
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

    def review_row(self) -> dict[str, object]:
        """The task as a row a person reviews before saving (lists joined with 、 and ；)."""
        return {
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "lead": "、".join(self.lead),
            "cooperating": "、".join(self.cooperating),
            "deadlines": "；".join(self.deadlines),
            "text": self.text,
        }

    @classmethod
    def from_review_row(cls, row: Mapping[str, object]) -> PlanTask:
        """A reviewed row back as a task (the inverse of :meth:`review_row`); a row added by
        hand has no separate text, so its title is its text."""

        def cell(key: str) -> str:
            value = row.get(key)
            return "" if value is None or value != value else str(value).strip()  # NaN: empty

        def split(key: str, sep: str) -> tuple[str, ...]:
            return tuple(x.strip() for x in cell(key).split(sep) if x.strip())

        try:
            number = int(float(cell("number")))
        except ValueError:
            raise ValidationError("序号", cell("number"), "每项任务的序号（整数）") from None
        return cls(
            number=number,
            section=cell("section"),
            title=cell("title"),
            text=cell("text") or cell("title"),
            lead=split("lead", "、"),
            cooperating=split("cooperating", "、"),
            deadlines=split("deadlines", "；"),
        )


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
