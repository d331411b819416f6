"""The plan's 工作目标 as targets on the right points, and their evaluation.

A plan writes its water-quality targets per network level and purpose, e.g. 绛县 2023:
「地下水国考区域点位水质不低于V类，地下水国考饮用水源点位水质达到或优于Ⅲ类，地下水国考污染风险监控
点位水质不低于V类」. :func:`plan_goals` reads each class target of the 工作目标 text
(:func:`gwlib.plans.terms.targets`) with the 点位类别 (network level: 国考, 省控 …) and the
监测用途 (区域, 饮用水源, 污染风险监控 …) its subject names; 「水源」 alone is 饮用水源.

:func:`evaluate_goals` judges each on exactly those points: a point meets 「达到或优于 / 不低于
C 类」 when its annual class (the year's worst sample, :func:`gwlib.quality.annual.annual_classes`)
is C or better. The target is met when every such point with a class that year meets it; the
points that fail are named, and a target no point matches says so rather than counting as met.
Samples after ``as_of`` are not read (a 2023 plan is judged at 2023-12-31 whatever year the data
reaches).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from gwlib.plans.terms import targets
from gwlib.quality.annual import annual_classes
from gwlib.quality.classes import QualityClass
from gwlib.quality.model import PointCategory, PointPurpose

PURPOSE_WORDS = {
    **{p.value: p.value for p in PointPurpose},
    "水源": PointPurpose.DRINKING.value,  # 「水源点位」, 「水源地点位」
    "风险监控": PointPurpose.POLLUTION_RISK.value,
}
LEVEL_WORDS = {c.value: c.value for c in PointCategory if c is not PointCategory.OTHER}
MET, NOT_MET, NO_POINTS = "达标", "未达标", "无对应点位"


@dataclass(frozen=True)
class PlanGoal:
    """Points of ``level`` (any when None) and ``purpose`` (any when None) at class ``cls`` or
    better, as the plan writes it (``text``)."""

    level: str | None
    purpose: str | None
    cls: int
    text: str

    @property
    def label(self) -> str:
        who = f"{self.level or ''}{self.purpose or ''}点位"
        return f"{who}水质达到或优于{QualityClass(self.cls).label}"


def _find(subject: str, words: dict[str, str]) -> str | None:
    hits = [(subject.rfind(w), len(w), v) for w, v in words.items() if w in subject]
    return max(hits)[2] if hits else None  # the longest word nearest the end


def plan_goals(goals_text: str) -> list[PlanGoal]:
    """Class targets of a plan's 工作目标, with the level and purpose their subject names."""
    out = []
    for t in targets(goals_text or ""):
        if t.unit != "类":
            continue
        out.append(PlanGoal(_find(t.subject, LEVEL_WORDS), _find(t.subject, PURPOSE_WORDS),
                            int(t.value), f"{t.subject}{t.text}"))  # fmt: skip
    return out


def evaluate_goals(
    goals: list[PlanGoal], points: pd.DataFrame, samples: pd.DataFrame, year: int,
    as_of: dt.date,
) -> pd.DataFrame:  # fmt: skip
    """One row per goal: goal (label), text, points (with a class that year), failing (count),
    failing_points (code name class, …), result (达标 / 未达标 / 无对应点位)."""
    s = samples[pd.to_datetime(samples["date"]).dt.date <= as_of]
    a = annual_classes(s)
    a = a[a["year"] == year]
    p = points.set_index("code")
    names = {str(c): str(n) for c, n in zip(points["code"], points["name"], strict=True)}
    rows = []
    for g in goals:
        pick = p
        if g.level:
            pick = pick[pick["category"] == g.level]
        if g.purpose:
            pick = pick[pick["purpose"] == g.purpose]
        got = a[a["point"].isin(pick.index)]
        bad = got[got["quality_class"] > g.cls]
        rows.append({
            "goal": g.label, "text": g.text, "points": len(got), "failing": len(bad),
            "failing_points": "、".join(
                f"{c} {names.get(str(c), '')}（{QualityClass(int(k)).label}）"
                for c, k in zip(bad["point"], bad["quality_class"], strict=True)),
            "result": NO_POINTS if got.empty else (NOT_MET if len(bad) else MET),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["goal", "text", "points", "failing", "failing_points",
                                       "result"])  # fmt: skip
