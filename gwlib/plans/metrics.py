"""The metric registry: progress of plan tasks computed from the data the section keeps.

Each metric returns one :class:`MetricResult` (value, goal, % of goal, baseline, as-of date,
deadline, outlook) whatever it measures. Metrics are bound to a plan's tasks by words in the
task's title and text (:func:`bind`), so a new year's plan finds its metrics without code.

Outlook (:func:`outlook`), from progress against the time elapsed between the plan year's start
and the deadline: 正常 when done or on pace; 有风险 when behind pace but at least 70 % of it;
滞后 when further behind, or when the deadline has passed undone. Nothing here reads the clock:
``as_of`` is an argument (the demo's is the store's ``as_of`` meta value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pandas as pd

from gwlib.quality.annual import annual_classes, v_share
from gwlib.quality.model import PointCategory, PointPurpose
from gwlib.sources.model import LARGE_SCALES, LegalStatus, PollutionCategory, WorkStatus
from gwlib.store import Store
from gwlib.wells.lifecycle import SEALED_VALUES
from gwlib.wells.model import WellStatus

ON_TRACK, AT_RISK, LAGGING = "正常", "有风险", "滞后"
OUTLOOKS = (ON_TRACK, AT_RISK, LAGGING)
PACE_TOLERANCE = 0.7  # below 70 % of the expected progress is 滞后


@dataclass(frozen=True)
class MetricData:
    """The frames metrics read (as the store returns them)."""

    samples: pd.DataFrame
    wells: pd.DataFrame
    sources: pd.DataFrame
    zones: pd.DataFrame
    pollution: pd.DataFrame

    @classmethod
    def from_store(cls, store: Store) -> MetricData:
        return cls(
            samples=store.samples(),
            wells=store.wells(),
            sources=store.drinking_sources(),
            zones=store.zones(),
            pollution=store.pollution_sources(),
        )


@dataclass(frozen=True)
class MetricResult:
    key: str
    name: str
    unit: str
    value: float
    goal: float
    pct: float  # % of goal, 0–100
    baseline: float | None
    as_of: dt.date
    deadline: dt.date
    outlook: str
    note: str

    def describe(self) -> str:
        """ "封井回填完成 137/287 眼" or "国考点位Ⅴ类占比 5.0%（目标 ≤ 6.0%）"."""
        if self.unit == "%":
            sign = "≤" if METRIC_BY_KEY[self.key].lower_is_better else "≥"
            return f"{self.name} {self.value:.1f}%（目标 {sign} {self.goal:.1f}%）"
        return f"{self.name} {self.value:.0f}/{self.goal:.0f} {self.unit}"


# (value, goal, baseline, note)
Figures = tuple[float, float, float | None, str]


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    unit: str
    compute: Callable[[MetricData, int, dt.date], Figures]
    title_words: tuple[str, ...]  # any of these in the task title …
    text_words: tuple[str, ...] = ()  # … and all of these in its text
    lower_is_better: bool = False
    goal_level: bool = False  # a 工作目标 metric (bound to the plan's goals)


def _share(n: float, d: float) -> float:
    return float(n) / float(d) * 100 if d else 0.0


def _wells_base(w: pd.DataFrame) -> pd.DataFrame:
    return w[w["status"] != WellStatus.DEFERRED.value]


def _wells_registered(d: MetricData, year: int, deadline: dt.date) -> Figures:
    w = d.wells
    on_time = pd.to_datetime(w["survey_date"]) <= pd.Timestamp(deadline)
    return (
        float(on_time.sum()),
        float(len(w)),
        None,
        f"清单内 {len(w)} 眼，其中 {int(on_time.sum())} 眼于 {deadline} 前完成排查登记",
    )


def _wells_done(statuses: tuple[str, ...]) -> Callable[[MetricData, int, dt.date], Figures]:
    def compute(d: MetricData, year: int, deadline: dt.date) -> Figures:
        w = _wells_base(d.wells)
        done = w["status"].isin(statuses)
        completed = pd.to_datetime(w["actual_completion"])
        before = done & (completed < pd.Timestamp(year, 1, 1))
        deferred = len(d.wells) - len(w)
        return (
            float(done.sum()),
            float(len(w)),
            float(before.sum()),
            f"应封井 {len(w)} 眼（不含暂缓 {deferred} 眼）",
        )

    return compute




def _delineated(column: str) -> Callable[[MetricData, int, dt.date], Figures]:
    def compute(d: MetricData, year: int, deadline: dt.date) -> Figures:
        s = d.sources[d.sources["scale"].isin(LARGE_SCALES)]
        done = s[column] != LegalStatus.NOT_DELINEATED.value
        return float(done.sum()), float(len(s)), None, "“千吨万人”及以上地下水型饮用水水源"

    return compute


def _key_zones(d: MetricData, year: int, deadline: dt.date) -> Figures:
    z = d.zones[d.zones["kind"].isin(("保护类", "管控类"))]
    done = z["legal_status"] != LegalStatus.NOT_DELINEATED.value
    return float(done.sum()), float(len(z)), None, "地下水污染防治重点区（保护类、管控类）"


def _annual(d: MetricData, column: str, value: str) -> pd.DataFrame:
    """Annual classes of the points whose ``column`` (category / purpose) is ``value``."""
    return annual_classes(d.samples[d.samples[column] == value])


def _quality_share(
    column: str, value: str, test: Callable[[pd.DataFrame], pd.Series], what: str
) -> Callable[[MetricData, int, dt.date], Figures]:
    def compute(d: MetricData, year: int, deadline: dt.date) -> Figures:
        a = _annual(d, column, value)
        cur, prev = a[a["year"] == year], a[a["year"] == year - 1]
        base = _share(test(prev).sum(), len(prev)) if len(prev) else None
        return _share(test(cur).sum(), len(cur)), 100.0, base, f"{year} 年{what}（{len(cur)} 个）"

    return compute


def _national_v(d: MetricData, year: int, deadline: dt.date) -> Figures:
    a = _annual(d, "category", PointCategory.NATIONAL.value)
    share = {
        int(cast(int, y)): v_share(g)
        for y, g in a.groupby("year")
    }
    base = share.get(year - 1)
    goal = base if base is not None else 0.0
    return share.get(year, 0.0), goal, base, "国考点位Ⅴ类占比不高于上年（总体保持稳定）"


def _pollution(
    groups: tuple[str, ...], column: str, only_key: bool = False
) -> Callable[[MetricData, int, dt.date], Figures]:
    def compute(d: MetricData, year: int, deadline: dt.date) -> Figures:
        p = d.pollution
        p = p[p["category"].map(lambda c: PollutionCategory(c).group).isin(groups)]
        if only_key:
            p = p[p["key_discharger"].astype(bool)]
            done = p["networked"].astype(bool)
            note = f"重点排污单位名录 {len(p)} 家，已联网 {int(done.sum())} 家"
        else:
            done = p[column] == WorkStatus.DONE.value
            note = "、".join(groups) + f" 共 {len(p)} 处"
        return float(done.sum()), float(len(p)), None, note

    return compute


ALL_GROUPS = ("一企一库", "两场两区", "加油站", "其他")

METRICS: tuple[Metric, ...] = (
    Metric(
        "wells_registered",
        "报废矿井、钻井、取水井清单按期建立",
        "眼",
        _wells_registered,
        ("封井回填", "报废矿井"),
        ("清单",),
    ),
    Metric(
        "wells_sealed",
        "封井回填完成（已封井、已验收）",
        "眼",
        _wells_done(SEALED_VALUES),
        ("封井回填",),
    ),
    Metric(
        "wells_accepted",
        "封井回填验收销号",
        "眼",
        _wells_done((WellStatus.ACCEPTED.value,)),
        ("封井回填",),
    ),
    Metric(
        "recharge_delineated", "补给区初步划定", "处", _delineated("recharge_status"), ("补给区",)
    ),
    Metric(
        "source_zones_delineated", "水源保护区划定", "处", _delineated("zones_status"), ("保护区",)
    ),
    Metric(
        "key_zones_delineated", "重点区初步划定", "个", _key_zones, ("分区", "重点区"), ("重点区",)
    ),
    Metric(
        "drinking_iii",
        "水源地监测点位达到或优于Ⅲ类",
        "%",
        _quality_share(
            "purpose",
            PointPurpose.DRINKING.value,
            lambda a: a["quality_class"] <= 3,
            "饮用水源监测点位",
        ),
        ("水质监测",),
        ("饮用水",),
        goal_level=True,
    ),
    Metric(
        "national_target",
        "国考点位达到目标类别",
        "%",
        _quality_share(
            "category",
            PointCategory.NATIONAL.value,
            lambda a: a["quality_class"] <= a["target_class"],
            "国考点位",
        ),
        (),
        goal_level=True,
    ),
    Metric(
        "national_v_share",
        "国考点位Ⅴ类占比",
        "%",
        _national_v,
        (),
        lower_is_better=True,
        goal_level=True,
    ),
    Metric(
        "key_dischargers_networked",
        "重点排污单位自动监测联网",
        "家",
        _pollution(ALL_GROUPS, "networked", only_key=True),
        ("重点排污单位",),
    ),
    Metric(
        "seepage_done",
        "防渗改造完成",
        "处",
        _pollution(("一企一库", "两场两区", "加油站"), "seepage_status"),
        ("防渗",),
    ),
    Metric(
        "survey_done",
        "“一企一库”“两场两区”调查评估完成",
        "处",
        _pollution(("一企一库", "两场两区"), "survey_status"),
        ("调查评估",),
        ("一企一库",),
    ),
)
METRIC_BY_KEY = {m.key: m for m in METRICS}


def bind(title: str, text: str) -> list[str]:
    """Keys of the metrics that measure a task with this title and text."""
    return [
        m.key
        for m in METRICS
        if m.title_words
        and any(w in title for w in m.title_words)
        and all(w in text for w in m.text_words)
    ]


def outlook(pct: float, start: dt.date, deadline: dt.date, as_of: dt.date) -> str:
    if pct >= 100:
        return ON_TRACK
    if as_of > deadline:
        return LAGGING
    span = (deadline - start).days
    if span <= 0 or as_of <= start:
        return ON_TRACK
    expected = min(1.0, (as_of - start).days / span) * 100
    if pct >= expected:
        return ON_TRACK
    return AT_RISK if pct >= PACE_TOLERANCE * expected else LAGGING


def evaluate(
    key: str, data: MetricData, year: int, as_of: dt.date, deadline: dt.date | None = None
) -> MetricResult:
    """One metric for plan year ``year`` (deadline defaults to the year's end)."""
    m = METRIC_BY_KEY[key]
    due = deadline or dt.date(year, 12, 31)
    value, goal, baseline, note = m.compute(data, year, due)
    if m.lower_is_better:
        pct = 100.0 if value <= goal else (goal / value * 100 if value else 0.0)
    else:
        pct = min(100.0, _share(value, goal)) if goal else 100.0
    return MetricResult(
        key=m.key,
        name=m.name,
        unit=m.unit,
        value=value,
        goal=goal,
        pct=pct,
        baseline=baseline,
        as_of=as_of,
        deadline=due,
        outlook=outlook(pct, dt.date(year, 1, 1), due, as_of),
        note=note,
    )
