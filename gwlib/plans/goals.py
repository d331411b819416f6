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
import re
from dataclasses import dataclass

import pandas as pd

from gwlib.errors import ValidationError
from gwlib.plans.terms import deadlines, targets
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
#: Kinds of target: points at a class or better; the share of class Ⅴ points not above X %;
#: the 封井回填 completion rate at least Y % by date D.
CLASS_GOAL, V_SHARE_GOAL, COMPLETION_GOAL = "点位水质类别", "Ⅴ类点位比例", "封井回填完成率"
GOAL_KINDS = (CLASS_GOAL, V_SHARE_GOAL, COMPLETION_GOAL)
_V_WORDS = ("Ⅴ类", "V类", "五类", "劣Ⅴ")


@dataclass(frozen=True)
class PlanGoal:
    """Points of ``level`` (any when None) and ``purpose`` (any when None) at class ``cls`` or
    better, as the plan writes it (``text``)."""

    level: str | None
    purpose: str | None
    cls: int
    text: str
    kind: str = CLASS_GOAL
    value: float | None = None  # a Ⅴ-share (not above) or completion (at least) percentage
    due: dt.date | None = None  # a completion target's date

    def __post_init__(self) -> None:
        if self.kind not in GOAL_KINDS:
            raise ValidationError("目标类型", self.kind, "、".join(GOAL_KINDS))
        if self.level is not None and self.level not in LEVEL_WORDS:
            levels = "、".join(LEVEL_WORDS)
            raise ValidationError("点位类别", self.level, f"{levels}，或留空（全部）")
        if self.purpose is not None and self.purpose not in PURPOSE_WORDS.values():
            purposes = "、".join(p.value for p in PointPurpose)
            raise ValidationError("监测用途", self.purpose, f"{purposes}，或留空（全部）")
        if self.kind == CLASS_GOAL and self.cls not in range(1, 6):
            raise ValidationError("目标类别", self.cls, "Ⅰ–Ⅴ 类之一")
        if self.kind != CLASS_GOAL and not (
            self.value is not None and self.value == self.value and 0 <= self.value <= 100
        ):
            raise ValidationError("比例（%）", self.value, "0–100 之间的数")

    @property
    def label(self) -> str:
        who = f"{self.level or ''}{self.purpose or ''}点位"
        if self.kind == V_SHARE_GOAL:
            return f"{who}中Ⅴ类比例不高于 {self.value:g}%"
        if self.kind == COMPLETION_GOAL:
            by = f"{self.due} 前" if self.due else ""
            return f"{by}封井回填完成率不低于 {self.value:g}%"
        return f"{who}水质达到或优于{QualityClass(self.cls).label}"


def _find(subject: str, words: dict[str, str]) -> str | None:
    hits = [(subject.rfind(w), len(w), v) for w, v in words.items() if w in subject]
    return max(hits)[2] if hits else None  # the longest word nearest the end


def plan_goals(goals_text: str, year: int | None = None) -> list[PlanGoal]:
    """The targets of a plan's 工作目标 — class targets on points, the share of class Ⅴ points
    (「Ⅴ类水比例不高于 25%」, 「保持在 25% 左右」) and the 封井回填 completion rate by a date
    (「2025年底前封井回填完成率达到90%」; the plan year's end when no date is written) — with
    the level and purpose their subject names. The plan stores them as records the user
    reviews and may correct."""
    out = []
    for clause in re.split(r"(?<=[。；;])", goals_text or ""):
        dated = [dt.date.fromisoformat(d) for d in deadlines(clause, year)
                 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]  # fmt: skip
        for t in targets(clause):
            level, purpose = _find(t.subject, LEVEL_WORDS), _find(t.subject, PURPOSE_WORDS)
            text = f"{t.subject}{t.text}"
            if t.unit == "类":
                out.append(PlanGoal(level, purpose, int(t.value), text))
            elif t.unit == "%" and t.op in ("≤", "≈") and any(w in t.subject for w in _V_WORDS):
                out.append(PlanGoal(level, purpose, int(QualityClass.V), text, V_SHARE_GOAL,
                                    float(t.value)))  # fmt: skip
            elif t.unit == "%" and t.op == "≥" and "封井" in t.subject:
                due = dated[0] if dated else (dt.date(year, 12, 31) if year else None)
                out.append(PlanGoal(None, None, int(QualityClass.V), text, COMPLETION_GOAL,
                                    float(t.value), due))  # fmt: skip
    return out


#: The review table of a plan's targets (one row per target) and its Chinese headers.
GOAL_ROW_HEADERS = {
    "kind": "目标类型", "level": "点位类别（空为全部）", "purpose": "监测用途（空为全部）",
    "cls": "目标类别（达到或优于）", "value": "比例（%，Ⅴ类不高于 / 完成率不低于）",
    "due": "完成期限", "text": "计划原文",
}  # fmt: skip


def goal_rows(goals: list[PlanGoal]) -> list[dict[str, object]]:
    """Targets as rows to review (classes as Ⅰ–Ⅴ)."""
    return [{"kind": g.kind, "level": g.level or "", "purpose": g.purpose or "",
             "cls": QualityClass(g.cls).label if g.kind == CLASS_GOAL else "",
             "value": g.value, "due": g.due, "text": g.text} for g in goals]  # fmt: skip


def goals_from_rows(rows: list[dict[str, object]]) -> list[PlanGoal]:
    """Reviewed rows back as targets; a wrong cell raises ValidationError naming the row."""
    labels = {QualityClass(c).label: int(c) for c in QualityClass}
    labels.update({QualityClass(c).label.removesuffix("类"): int(c) for c in QualityClass})
    out = []
    for i, r in enumerate(rows, start=1):
        def cell(key: str, r: dict[str, object] = r) -> str:
            v = r.get(key)
            return "" if v is None or v != v else str(v).strip()

        kind = cell("kind") or CLASS_GOAL
        try:
            if kind == CLASS_GOAL and cell("cls") not in labels:
                raise ValidationError("目标类别", cell("cls"), "Ⅰ类–Ⅴ类之一")
            value = float(cell("value")) if kind != CLASS_GOAL and cell("value") else None
            due = pd.Timestamp(cell("due")).date() if cell("due") else None
            out.append(PlanGoal(cell("level") or None, cell("purpose") or None,
                                labels.get(cell("cls"), int(QualityClass.V)), cell("text"),
                                kind, value, due if kind == COMPLETION_GOAL else None))  # fmt: skip
        except ValidationError as exc:
            raise ValidationError(f"第 {i} 行 {exc.field}", exc.value, exc.expected) from None
        except ValueError:
            raise ValidationError(f"第 {i} 行 比例或期限", f"{cell('value')} {cell('due')}",
                                  "0–100 之间的数；日期写作 YYYY-MM-DD") from None  # fmt: skip
    return out


def evaluate_goals(
    goals: list[PlanGoal], points: pd.DataFrame, samples: pd.DataFrame, year: int,
    as_of: dt.date, wells: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
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
        if g.kind == COMPLETION_GOAL:
            rows.append(_completion(g, wells, events, as_of))
            continue
        pick = p
        if g.level:
            pick = pick[pick["category"] == g.level]
        if g.purpose:
            pick = pick[pick["purpose"] == g.purpose]
        got = a[a["point"].isin(pick.index)]
        if g.kind == V_SHARE_GOAL:  # the class Ⅴ points, failing when their share is too high
            bad = got[got["quality_class"] >= int(QualityClass.V)]
            failed = bool(len(got)) and len(bad) * 100.0 / len(got) > (g.value or 0.0)
        else:
            bad = got[got["quality_class"] > g.cls]
            failed = bool(len(bad))
        rows.append({
            "goal": g.label, "text": g.text, "points": len(got), "failing": len(bad),
            "failing_points": "、".join(
                f"{c} {names.get(str(c), '')}（{QualityClass(int(k)).label}）"
                for c, k in zip(bad["point"], bad["quality_class"], strict=True)),
            "result": NO_POINTS if got.empty else (NOT_MET if failed else MET),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["goal", "text", "points", "failing", "failing_points",
                                       "result"])  # fmt: skip


def _completion(
    g: PlanGoal, wells: pd.DataFrame | None, events: pd.DataFrame | None, as_of: dt.date
) -> dict[str, object]:
    """A completion target on the ledger: wells sealed (待验收 or 销号) of those due (not 暂缓),
    by the status they had on ``min(as_of, due)``."""
    from gwlib.plans.metrics import MetricData, status_on
    from gwlib.wells.lifecycle import SEALED_VALUES
    from gwlib.wells.model import WellStatus

    row: dict[str, object] = {"goal": g.label, "text": g.text}
    if wells is None or wells.empty:
        return {**row, "points": 0, "failing": 0, "failing_points": "", "result": NO_POINTS}
    day = min(as_of, g.due) if g.due else as_of
    empty = pd.DataFrame()
    then = status_on(MetricData(empty, wells, empty, empty, empty, events), day)
    due = then != WellStatus.DEFERRED.value
    sealed = int((due & then.isin(SEALED_VALUES)).sum())
    rate = sealed * 100.0 / int(due.sum()) if due.any() else 0.0
    return {**row, "points": int(due.sum()), "failing": int(due.sum()) - sealed,
            "failing_points": f"截至 {day} 完成率 {rate:.1f}%（已封井 {sealed} 眼）",
            "result": MET if rate >= (g.value or 0.0) else NOT_MET}
