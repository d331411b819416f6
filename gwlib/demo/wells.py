"""Demo ledger of 报废矿井、钻井、取水井 (封井回填), about 300 wells.

Owners follow 《地下水管理条例》 ([条例], docs/sources.md): a known owner is the
责任主体; where the owner is unknown (所有权人“不详”) the county water authority (绛县水务局)
organises the work. Statuses run 已排查登记 → … → 已验收销号, with 暂缓 always carrying a reason;
no plan type before 方案编制; completion dates only for sealed wells. Owners and villages are
fictional (模拟). Three unsealed wells are planted inside the county-town source's 补给区, and four
deep unsealed water wells carry the 串层污染 flag in their 备注.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

import numpy as np
import shapely

from gwlib.demo.base import AS_OF
from gwlib.demo.places import County, random_points, village_names
from gwlib.demo.sites import SourceLayer
from gwlib.wells.ledger import CROSS_LAYER, OWNER_UNKNOWN_DUTY
from gwlib.wells.lifecycle import SEALED_STAGES
from gwlib.wells.model import AbandonedWell, PlanType, WellCategory, WellStatus

N_WELLS = 300
WATER_AUTHORITY = "绛县水务局"
NATURAL_RESOURCES = "绛县自然资源局"
ECOLOGY_BUREAU = "运城市生态环境局绛县分局"
UNKNOWN_OWNER = "不详"

CATEGORY_SHARE = {WellCategory.WATER_WELL: 0.80, WellCategory.BOREHOLE: 0.12,
                  WellCategory.MINE: 0.08}
SUBTYPE_SHARE = {
    WellCategory.WATER_WELL: {"农田灌溉井": 0.68, "供水井": 0.20, "疏降水井": 0.03,
                              "地下水监测井": 0.03, "水文地质勘探井": 0.03, "其他": 0.03},
    WellCategory.BOREHOLE: {"普通地质钻孔": 0.45, "水文孔": 0.35, "地热井": 0.08, "其他": 0.12},
    WellCategory.MINE: {"竖井": 0.4, "斜井": 0.35, "平硐": 0.25},
}
DEPTH_M = {"农田灌溉井": (80, 260), "供水井": (150, 400), "疏降水井": (30, 120),
           "地下水监测井": (20, 150), "水文地质勘探井": (100, 400), "普通地质钻孔": (50, 500),
           "水文孔": (80, 350), "地热井": (800, 2000), "竖井": (100, 600), "斜井": (80, 400),
           "平硐": (0, 0), "其他": (30, 200)}
REASONS = {
    WellCategory.WATER_WELL: ("水位下降，出水量不足", "井管损坏、淤塞", "改用集中供水",
                              "灌区改用地表水", "水质变差停用"),
    WellCategory.BOREHOLE: ("勘探任务完成", "钻孔试验结束未封孔", "项目停建"),
    WellCategory.MINE: ("矿山闭坑", "资源枯竭", "整合关闭"),
}
STATUS_SHARE = {WellStatus.REGISTERED: 0.14, WellStatus.ASSESSED: 0.14, WellStatus.PLANNED: 0.14,
                WellStatus.IN_WORKS: 0.10, WellStatus.SEALED: 0.12, WellStatus.ACCEPTED: 0.31,
                WellStatus.DEFERRED: 0.05}
DEFERRALS = ("村集体申请保留作抗旱应急水源，待县水务局论证", "井位于在建道路红线内，待征迁后实施",
             "资金未落实，已申报中央水污染防治资金项目")
UNKNOWN_DEFERRAL = f"{OWNER_UNKNOWN_DUTY}，待落实资金后实施"
#: Planted 串层污染 cases: unsealed deep wells, two of known and two of unknown owner.
CROSS_LAYER_NOTE = f"模拟数据；{CROSS_LAYER}：成井时未分层止水，浅层水沿井管下渗"
CROSS_LAYER_WELLS = 4
FIRM_STEMS = ("聚丰", "金穗", "晋南", "康源", "泰丰", "中条", "禾润", "广汇")
SURVEY_START = dt.date(2023, 3, 1)
INVENTORY_DEADLINE = dt.date(2023, 6, 30)  # 2023 plan task 8


K = TypeVar("K")


def _pick(rng: np.random.Generator, shares: Mapping[K, float]) -> K:
    keys = list(shares)
    p = np.array(list(shares.values()), dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _day(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max((end - start).days, 0) + 1)))


def _owner(rng: np.random.Generator, category: WellCategory, subtype: str, village: str) -> str:
    stem = FIRM_STEMS[int(rng.integers(len(FIRM_STEMS)))]
    if category is WellCategory.MINE:
        return f"{stem}矿业有限公司（模拟）"
    if category is WellCategory.BOREHOLE:
        if subtype == "地热井":
            return f"{stem}地热开发有限公司（模拟）"
        return "晋南地质勘查有限公司（模拟）"
    if subtype == "供水井" and rng.random() < 0.4:
        return f"{stem}食品有限公司（模拟）"
    return f"{village}村民委员会（模拟）"


def _lead(category: WellCategory, subtype: str) -> str:
    if category is WellCategory.MINE or subtype in ("普通地质钻孔", "地热井"):
        return NATURAL_RESOURCES
    if subtype == "地下水监测井":
        return ECOLOGY_BUREAU
    return WATER_AUTHORITY


def _plan(rng: np.random.Generator, status: WellStatus) -> PlanType | None:
    if status in (WellStatus.REGISTERED, WellStatus.ASSESSED):
        return None
    if status is WellStatus.DEFERRED:
        return PlanType.KEEP_RESERVE if rng.random() < 0.5 else None
    if status in SEALED_STAGES:
        return PlanType.SEAL_BACKFILL if rng.random() < 0.85 else PlanType.PLUG_REPAIR
    return _pick(rng, {PlanType.SEAL_BACKFILL: 0.7, PlanType.PLUG_REPAIR: 0.15,
                       PlanType.TO_MONITORING: 0.08, PlanType.KEEP_RESERVE: 0.07})


def _well(rng: np.random.Generator, n: int, county: County, villages: dict[str, list[str]],
          category: WellCategory, subtype: str, lon: float, lat: float,
          status: WellStatus) -> AbandonedWell:
    town = county.township_of(lon, lat)
    village = villages[town][int(rng.integers(len(villages[town])))]
    known = bool(rng.random() < 0.78)
    owner = _owner(rng, category, subtype, village) if known else UNKNOWN_OWNER
    survey = (_day(rng, SURVEY_START, INVENTORY_DEADLINE) if rng.random() < 0.8
              else _day(rng, dt.date(2023, 7, 1), dt.date(2023, 11, 30)))
    planned = None
    if status not in (WellStatus.REGISTERED, WellStatus.DEFERRED):
        start = {WellStatus.ASSESSED: dt.date(2024, 6, 1), WellStatus.PLANNED: dt.date(2024, 3, 1),
                 WellStatus.IN_WORKS: dt.date(2025, 3, 1)}.get(status, dt.date(2023, 9, 1))
        end = dt.date(2025, 12, 31) if status in SEALED_STAGES \
            else dt.date(2026, 12, 31)
        planned = _day(rng, start, end)
    actual = None
    if status is WellStatus.SEALED:
        actual = _day(rng, dt.date(2025, 1, 1), AS_OF - dt.timedelta(days=10))
    elif status is WellStatus.ACCEPTED:
        actual = _day(rng, max(survey + dt.timedelta(days=60), dt.date(2023, 8, 1)),
                      AS_OF - dt.timedelta(days=60))
    deferral = ""
    if status is WellStatus.DEFERRED:
        deferral = UNKNOWN_DEFERRAL if not known else DEFERRALS[int(rng.integers(len(DEFERRALS)))]
    lo, hi = DEPTH_M[subtype]
    reasons = REASONS[category]
    return AbandonedWell(
        code=f"JX-FJ-{n:04d}", category=category, subtype=subtype, township=town,
        village=village, lon=lon, lat=lat, status=status, owner=owner, owner_known=known,
        depth_m=round(float(rng.uniform(lo, hi)), 1) if hi else None,
        abandon_reason=reasons[int(rng.integers(len(reasons)))],
        abandon_date=_day(rng, dt.date(1995, 1, 1), dt.date(2022, 12, 31)),
        survey_date=survey, plan_type=_plan(rng, status),
        responsible_party=owner if known else WATER_AUTHORITY,
        lead_department=_lead(category, subtype), planned_completion=planned,
        actual_completion=actual, deferral_reason=deferral, note="模拟数据")


def make_wells(rng: np.random.Generator, county: County,
               layer: SourceLayer) -> tuple[AbandonedWell, ...]:
    names = village_names(rng, 8 * len(county.townships))
    villages = {t.name: names[8 * k:8 * (k + 1)] for k, t in enumerate(county.townships)}
    basin, mountain = county.basin_area(), county.mountain_area()
    # Planted case: three unsealed irrigation wells in the county-town source's 补给区.
    recharge = layer.areas[f"{layer.sources[0].code}-BJ"].difference(
        layer.areas[f"{layer.sources[0].code}-EJ"]).intersection(county.inner)
    planted = random_points(rng, recharge, 3)
    wells = [_well(rng, k + 1, county, villages, WellCategory.WATER_WELL, "农田灌溉井", *p, s)
             for k, (p, s) in enumerate(zip(planted, (WellStatus.REGISTERED, WellStatus.ASSESSED,
                                                      WellStatus.PLANNED), strict=True))]
    # Keep other wells out of the 一级保护区 (a well there would have been dealt with first).
    first = shapely.union_all([g for c, g in layer.areas.items() if c.endswith("-YJ")])
    statuses = list(STATUS_SHARE)
    # Every status at least once, then by share.
    draw = statuses + [_pick(rng, STATUS_SHARE) for _ in range(N_WELLS - len(wells) - 7)]
    for status in draw:
        category = _pick(rng, CATEGORY_SHARE)
        subtype = _pick(rng, SUBTYPE_SHARE[category])
        if category is WellCategory.MINE:
            area = mountain
        elif category is WellCategory.WATER_WELL:
            area = basin if rng.random() < 0.85 else mountain
        else:
            area = county.inner
        lon, lat = random_points(rng, area, 1, avoid=first)[0]
        wells.append(_well(rng, len(wells) + 1, county, villages, category, subtype, lon, lat,
                           status))
    return tuple(_flag_cross_layer(wells))


def _flag_cross_layer(wells: list[AbandonedWell]) -> list[AbandonedWell]:
    """Write the 串层污染 flag in the 备注 of the deepest unsealed water wells, two whose owner is
    known and two whose owner is not (the water authority is named responsible for those)."""
    open_deep = sorted((w for w in wells if w.status not in SEALED_STAGES and w.depth_m
                        and w.category is WellCategory.WATER_WELL),
                       key=lambda w: (-(w.depth_m or 0), w.code))  # fmt: skip
    half = CROSS_LAYER_WELLS // 2
    picked = {w.code for known in (True, False)
              for w in [w for w in open_deep if w.owner_known == known][:half]}  # fmt: skip
    return [replace(w, note=CROSS_LAYER_NOTE) if w.code in picked else w for w in wells]
