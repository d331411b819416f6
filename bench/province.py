"""Seeded province-scale data for the benchmarks (模拟数据; nothing here is real).

Scales: county = 40 points × 10 years × 2 periods × 29 indicators, 300 wells, 4 drinking
sources, 30 pollution sources; province = 2,000 points × 20 years × 2 periods × 93 indicators
(about 7.4 million measurements), 100,000 abandoned wells, 500 drinking sources each with a
一级/二级保护区 and a 补给区 (1,500 zones), and 2,000 pollution sources. Everything lies in a box
around 山西省 (110.3–114.5° E, 34.6–40.7° N).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.geo import buffer_m
from gwlib.quality.model import MonitoringPoint
from gwlib.quality.standards import get_standard
from gwlib.sources.model import (
    DrinkingSource,
    LegalStatus,
    PollutionCategory,
    PollutionSource,
    SourceScale,
    SourceType,
    Zone,
    ZoneKind,
)
from gwlib.wells.model import WELL_SUBTYPES, AbandonedWell, WellCategory, WellStatus

BOX = (110.3, 34.6, 114.5, 40.7)  # lon/lat box the province's objects are scattered in
TOWNSHIPS = 1_200


@dataclass(frozen=True)
class Scale:
    points: int
    years: int
    indicators: int
    wells: int
    sources: int
    pollution_sources: int


SCALES = {
    "county": Scale(40, 10, 29, 300, 4, 30),
    "province": Scale(2_000, 20, 93, 100_000, 500, 2_000),
}


def _xy(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = BOX
    return np.round(rng.uniform(x0, x1, n), 6), np.round(rng.uniform(y0, y1, n), 6)


def _township(i: int) -> str:
    return f"模拟县{i // 12:03d}·乡镇{i % 12:02d}"


def points(n: int) -> list[MonitoringPoint]:
    rng = np.random.default_rng(1)
    xs, ys = _xy(rng, n)
    return [
        MonitoringPoint.from_row(
            {
                "code": f"P{i:05d}",
                "name": f"点位{i}（模拟）",
                "category": "省控" if i % 3 else "国考",
                "township": _township(i % TOWNSHIPS),
                "lon": xs[i],
                "lat": ys[i],
                "aquifer": "孔隙",
                "burial": "潜水",
                "target_class": 4 if i % 5 else 3,
                "frequency": "丰枯各1次",
            }
        )
        for i in range(n)
    ]


def lab_chunk(
    rng: np.random.Generator, first: int, n_points: int, years: int, n_ind: int
) -> pd.DataFrame:
    """A long lab table of text, as the importer reads it: two samples a year (4月 枯水期, 8月
    丰水期)."""
    std = get_standard()
    inds = [i for i in std.indicators if i.kind == "upper"][:n_ind]
    if len(inds) < n_ind:
        inds += [i for i in std.indicators if i.kind != "upper"][: n_ind - len(inds)]
    limits = np.array([i.hi[2] if np.isfinite(i.hi[2]) and i.hi[2] > 0 else 1.0 for i in inds])
    dates = [dt.date(2026 - years + y, m, 15) for y in range(years) for m in (4, 8)]
    p = np.repeat(np.arange(first, first + n_points), len(dates) * n_ind)
    d = np.tile(np.repeat(np.arange(len(dates)), n_ind), n_points)
    k = np.tile(np.arange(n_ind), n_points * len(dates))
    v = rng.lognormal(0, 0.7, len(k)) * limits[k] * 0.6
    text = np.char.mod("%.4g", v)
    nd = rng.random(len(k)) < 0.15
    text = np.where(nd, np.char.add(np.char.mod("%.3g", v / 4), "L"), text)
    return pd.DataFrame(
        {
            "点位编码": np.char.add("P", np.char.zfill(p.astype(str), 5)),
            "采样日期": np.array([x.isoformat() for x in dates])[d],
            "指标": np.array([i.name for i in inds])[k],
            "监测值": text,
            "单位": np.array([i.unit for i in inds])[k],
            "水期": np.array(["枯水期" if x.month == 4 else "丰水期" for x in dates])[d],
        }
    )


def wells(n: int) -> list[AbandonedWell]:
    """Statuses weighted like a real ledger (no 暂缓: that one needs a reason and a review)."""
    rng = np.random.default_rng(4)
    xs, ys = _xy(rng, n)
    statuses = [s for s in WellStatus if s is not WellStatus.DEFERRED]
    weights = np.array([0.25, 0.2, 0.15, 0.1, 0.1, 0.2])
    picks = rng.choice(len(statuses), size=n, p=weights / weights.sum())
    cats = list(WellCategory)
    return [
        AbandonedWell(
            code=f"BM-{i:06d}",
            category=cats[i % 3],
            subtype=WELL_SUBTYPES[cats[i % 3]][0],
            township=_township(i % TOWNSHIPS),
            village=f"模拟村{i % 5_000}",
            lon=float(xs[i]),
            lat=float(ys[i]),
            status=statuses[picks[i]],
        )
        for i in range(n)
    ]


def sources(n: int) -> tuple[list[DrinkingSource], list[Zone]]:
    """Drinking sources with circular 一级 (50–100 m), 二级 (300–1,000 m) zones and a 补给区
    (2–5 km), in the ranges of HJ 338-2018's empirical table for 孔隙潜水."""
    rng = np.random.default_rng(5)
    xs, ys = _xy(rng, n)
    found: list[DrinkingSource] = []
    zones: list[Zone] = []
    for i in range(n):
        code = f"SYD-{i:04d}"
        found.append(
            DrinkingSource(
                code=code,
                name=f"模拟水源地{i}",
                scale=list(SourceScale)[i % 3],
                source_type=SourceType.POROUS,
                township=_township(i % TOWNSHIPS),
                lon=float(xs[i]),
                lat=float(ys[i]),
                population=int(rng.integers(1_000, 90_000)),
                capacity_t_d=float(rng.integers(100, 12_000)),
                zones_status=LegalStatus.APPROVED,
                recharge_status=LegalStatus.PRELIMINARY,
            )
        )
        radii = (
            (ZoneKind.FIRST, rng.uniform(50, 100)),
            (ZoneKind.SECOND, rng.uniform(300, 1_000)),
            (ZoneKind.RECHARGE, rng.uniform(2_000, 5_000)),
        )
        for kind, r in radii:
            geom = buffer_m(float(xs[i]), float(ys[i]), r, quad_segs=8)
            zones.append(
                Zone(
                    code=f"{code}-{kind.value}",
                    name=f"模拟水源地{i}{kind.value}",
                    kind=kind,
                    geometry=geom.__geo_interface__,
                    source_code=code,
                )
            )
    return found, zones


def pollution_sources(n: int) -> list[PollutionSource]:
    rng = np.random.default_rng(6)
    xs, ys = _xy(rng, n)
    cats = list(PollutionCategory)
    return [
        PollutionSource(
            code=f"WRY-{i:05d}",
            name=f"模拟污染源{i}",
            category=cats[i % len(cats)],
            township=_township(i % TOWNSHIPS),
            lon=float(xs[i]),
            lat=float(ys[i]),
            key_discharger=bool(i % 4 == 0),
        )
        for i in range(n)
    ]
