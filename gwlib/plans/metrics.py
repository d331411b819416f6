"""The metric registry: progress of plan tasks computed from the data the section keeps.

Each metric returns one :class:`MetricResult` (value, goal, % of goal, baseline, as-of date,
deadline, outlook) whatever it measures. Metrics are bound to a plan's tasks by words in the
task's title and text (:func:`bind`), so a new year's plan finds its metrics without code.

Outlook (:func:`outlook`), from progress against the time elapsed between the plan year's start
and the deadline: 正常 when done or on pace; 有风险 when behind pace but at least 70 % of it;
滞后 when further behind, or when the deadline has passed undone. Nothing here reads the clock:
``as_of`` is an argument (the demo's is the store's ``as_of`` meta value).

A task is judged at its own deadline: every metric counts what stood on ``min(as_of, deadline)``
(a well counts as sealed by the date its 办理记录 moved it there; without a record, by its 实际
完成日期), so a 2023 plan's figures are those of 2023 whatever year the data reaches. A task
is measured by what its text demands: 清单 by its date (task 8), the sealing rate only where
the text states a percentage (which is then the goal), 名录 with 排污许可 and 自行监测 (task 5),
drinking-source monitoring done (平水期 for 国考 points) rather than water quality (task 12).
"""

from __future__ import annotations

import datetime as dt
import re
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
    events: pd.DataFrame | None = None  # wells' status changes (well_code, to_status, event_date)

    @classmethod
    def from_store(cls, store: Store) -> MetricData:
        from gwlib.store.ledger import events

        return cls(
            samples=store.samples(),
            wells=store.wells(),
            sources=store.drinking_sources(),
            zones=store.zones(),
            pollution=store.pollution_sources(),
            events=events(store),
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
#: compute(data, plan year, deadline, at): ``at`` = min(as_of, deadline), the day judged.
Compute = Callable[[MetricData, int, dt.date, dt.date], Figures]


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    unit: str
    compute: Compute
    title_words: tuple[str, ...]  # any of these in the task title …
    text_words: tuple[str, ...] = ()  # … and all of these in its text
    lower_is_better: bool = False
    goal_level: bool = False  # a 工作目标 metric (bound to the plan's goals)
    stated_rate: bool = False  # bound only where the text states a rate (「达到90%」): the goal


def _share(n: float, d: float) -> float:
    return float(n) / float(d) * 100 if d else 0.0


def _wells_base(w: pd.DataFrame) -> pd.DataFrame:
    return w[w["status"] != WellStatus.DEFERRED.value]


def _wells_registered(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
    w = d.wells
    on_time = pd.to_datetime(w["survey_date"]) <= pd.Timestamp(at)
    return (
        float(on_time.sum()),
        float(len(w)),
        None,
        f"清单内 {len(w)} 眼，其中 {int(on_time.sum())} 眼于 {at} 前完成排查登记"
        + (f"（时限 {deadline}）" if at != deadline else ""),
    )


def status_on(d: MetricData, day: dt.date) -> pd.Series:
    """Each well's status on ``day`` (indexed like ``d.wells``): the last status change recorded
    on or before it; a well with no record of its own keeps its present status when its 实际完成
    日期 (if any) is not after ``day``, else counts as not yet done (已排查登记)."""
    w = d.wells
    now = w["status"].copy()
    ev = d.events
    if ev is not None and len(ev):
        e = ev[pd.to_datetime(ev["event_date"]) <= pd.Timestamp(day)]
        last = e.groupby("well_code")["to_status"].last()
        recorded = w["code"].isin(set(ev["well_code"]))
        then = pd.Series([last.get(c, WellStatus.REGISTERED.value) for c in w["code"]],
                         index=w.index, dtype=object)  # fmt: skip
        now = now.where(~recorded, then)
    else:
        recorded = pd.Series(False, index=w.index)
    later = pd.to_datetime(w["actual_completion"]) > pd.Timestamp(day)
    return now.where(recorded | ~later, WellStatus.REGISTERED.value)


def _wells_done(statuses: tuple[str, ...]) -> Compute:
    def compute(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
        then = status_on(d, at)
        due = then != WellStatus.DEFERRED.value
        done = due & then.isin(statuses)
        before = due & status_on(d, dt.date(year - 1, 12, 31)).isin(statuses)
        return (
            float(done.sum()),
            float(due.sum()),
            float(before.sum()),
            f"{at} 应封井 {int(due.sum())} 眼（不含暂缓 {int((~due).sum())} 眼）",
        )

    return compute




def _delineated(column: str) -> Compute:
    def compute(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
        s = d.sources[d.sources["scale"].isin(LARGE_SCALES)]
        done = s[column] != LegalStatus.NOT_DELINEATED.value
        return float(done.sum()), float(len(s)), None, "“千吨万人”及以上地下水型饮用水水源"

    return compute


def _key_zones(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
    z = d.zones[d.zones["kind"].isin(("保护类", "管控类"))]
    done = z["legal_status"] != LegalStatus.NOT_DELINEATED.value
    return float(done.sum()), float(len(z)), None, "地下水污染防治重点区（保护类、管控类）"


def _annual(d: MetricData, column: str, value: str) -> pd.DataFrame:
    """Annual classes of the points whose ``column`` (category / purpose) is ``value``."""
    return annual_classes(d.samples[d.samples[column] == value])


def _quality_share(
    column: str, value: str, test: Callable[[pd.DataFrame], pd.Series], what: str
) -> Compute:
    def compute(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
        a = _annual(d, column, value)
        cur, prev = a[a["year"] == year], a[a["year"] == year - 1]
        base = _share(test(prev).sum(), len(prev)) if len(prev) else None
        return _share(test(cur).sum(), len(cur)), 100.0, base, f"{year} 年{what}（{len(cur)} 个）"

    return compute


def _national_v(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
    a = _annual(d, "category", PointCategory.NATIONAL.value)
    share = {
        int(cast(int, y)): v_share(g)
        for y, g in a.groupby("year")
    }
    base = share.get(year - 1)
    goal = base if base is not None else 0.0
    return share.get(year, 0.0), goal, base, "国考点位Ⅴ类占比不高于上年（总体保持稳定）"


def _pollution(groups: tuple[str, ...], column: str) -> Compute:
    def compute(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
        p = d.pollution
        p = p[p["category"].map(lambda c: PollutionCategory(c).group).isin(groups)]
        done = p[column] == WorkStatus.DONE.value
        note = "、".join(groups) + f" 共 {len(p)} 处（按登记表当前状态）"
        return float(done.sum()), float(len(p)), None, note

    return compute


def _key_dischargers(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
    """Task 5: the 名录 exists, and its units are under 排污许可 with 自行监测."""
    p = d.pollution[d.pollution["key_discharger"].astype(bool)]
    permitted = p["permit_no"].fillna("").astype(str).str.strip() != ""
    monitoring = p["self_monitoring"].astype(bool)
    done = permitted & monitoring
    return (float(done.sum()), float(len(p)), None,
            f"重点排污单位名录 {len(p)} 家（按登记表当前状态），已纳入排污许可 "
            f"{int(permitted.sum())} 家、开展自行监测 {int(monitoring.sum())} 家")  # fmt: skip


def _drinking_monitored(d: MetricData, year: int, deadline: dt.date, at: dt.date) -> Figures:
    """Task 12: each drinking-source point sampled in the year by ``at`` (a 国考 one in 平水期)."""
    s = d.samples[d.samples["purpose"] == PointPurpose.DRINKING.value]
    dates = pd.to_datetime(s["date"])
    s = s[(dates.dt.year == year) & (dates <= pd.Timestamp(at))]
    points = d.samples.loc[d.samples["purpose"] == PointPurpose.DRINKING.value,
                           ["point", "category"]].drop_duplicates("point")  # fmt: skip
    national = points["category"] == PointCategory.NATIONAL.value
    sampled = set(s["point"])
    in_normal = set(s.loc[s["period"] == "平水期", "point"])
    done = [(p in in_normal) if nat else (p in sampled)
            for p, nat in zip(points["point"], national, strict=True)]  # fmt: skip
    return (float(sum(done)), float(len(points)), None,
            f"{year} 年饮用水源监测点位 {len(points)} 个（国考点位须有平水期采样），"
            f"截至 {at} 已监测 {sum(done)} 个")  # fmt: skip


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
        stated_rate=True,
    ),
    Metric(
        "wells_accepted",
        "封井回填验收销号",
        "眼",
        _wells_done((WellStatus.ACCEPTED.value,)),
        ("封井回填",),
        ("验收",),
        stated_rate=True,
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
        (),
        goal_level=True,
    ),
    Metric(
        "drinking_monitored",
        "饮用水源点位按要求完成监测（国考点位含平水期）",
        "个",
        _drinking_monitored,
        ("水质监测",),
        ("饮用水",),
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
        "key_dischargers_listed",
        "重点排污单位名录建立并纳入排污许可、开展自行监测",
        "家",
        _key_dischargers,
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


#: A rate the text states (「完成率达到90%」, 「不低于 80％」): a rate metric's goal.
_STATED_RATE = re.compile(r"(?:达到|不低于|不少于|达|完成)\s*(\d+(?:\.\d+)?)\s*[%％]")


def stated_rate(text: str) -> float | None:
    """The percentage a task's text demands, or None when it states none."""
    m = _STATED_RATE.search(text)
    return float(m.group(1)) if m else None


def bind(title: str, text: str) -> list[str]:
    """Keys of the metrics that measure a task with this title and text."""
    return [
        m.key
        for m in METRICS
        if m.title_words
        and any(w in title for w in m.title_words)
        and all(w in text for w in m.text_words)
        and (not m.stated_rate or stated_rate(text) is not None)
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
    key: str, data: MetricData, year: int, as_of: dt.date, deadline: dt.date | None = None,
    rate: float | None = None,
) -> MetricResult:
    """One metric for plan year ``year`` (deadline defaults to the year's end), judged on
    ``min(as_of, deadline)``; ``rate`` is the % of the count the task demands (100 if None)."""
    m = METRIC_BY_KEY[key]
    due = deadline or dt.date(year, 12, 31)
    value, goal, baseline, note = m.compute(data, year, due, min(as_of, due))
    if rate is not None and m.stated_rate:
        goal, note = goal * rate / 100.0, f"{note}；计划要求 {rate:g}%"
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
