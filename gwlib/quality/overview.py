"""The overview's figures (总览) for one year, 水期 and selection: class shares, the Ⅴ share
against its goal, points failing their target, drinking-source points at or better than Ⅲ,
year-over-year changes and 到报率 — each computed by the one function in
:mod:`gwlib.quality.annual` that owns it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gwlib.quality.annual import (
    CHANGES,
    QualityFilter,
    annual_classes,
    completeness,
    group_shares,
    target_status,
    v_share,
    year_over_year,
)
from gwlib.quality.classes import QualityClass
from gwlib.quality.standards import StandardSet


@dataclass(frozen=True)
class OverviewFigures:
    """Everything the overview page shows for one year, period and filter."""

    year: int
    points_total: int
    points_sampled: int
    shares: pd.DataFrame  # overall Ⅰ–Ⅲ / Ⅳ / Ⅴ (%)
    shares_by_category: pd.DataFrame
    distribution: pd.DataFrame  # points per class Ⅰ..Ⅴ
    v_share: float
    v_goal: float
    target: pd.DataFrame  # target_status rows
    meets_target_share: float
    drinking_points: int
    drinking_meets_iii_share: float
    changes: pd.DataFrame  # counts per 变好/稳定/变差/无上年数据
    completeness: pd.DataFrame
    completeness_rate: float
    unsampled: pd.DataFrame

    @property
    def failing(self) -> pd.DataFrame:
        """The points failing their target, worst first: worst class, then furthest from the
        target, then by code."""
        f = self.target[~self.target["meets_target"]]
        gap = f["quality_class"] - f["target_class"]
        return (f.assign(_gap=gap)
                .sort_values(["quality_class", "_gap", "point"], ascending=[False, False, True])
                .drop(columns="_gap"))  # fmt: skip


def overview_figures(
    points: pd.DataFrame,
    samples: pd.DataFrame,
    measurements: pd.DataFrame,
    standard: StandardSet,
    flt: QualityFilter,
    year: int,
    v_goal: float,
    annual_all: pd.DataFrame | None = None,
) -> OverviewFigures:
    """The overview's figures. ``measurements`` need only hold ``year``'s measurements worse
    than Ⅲ or than their point's target (``Store.exceedances(year)``): the 超标倍数 shown are
    those of the points that fail their target. ``annual_all``, when given, is
    :func:`annual_classes` of every point's samples of ``flt``'s 水期 (the stored summary)."""
    pts = flt.points(points)
    s = flt.samples(samples)
    annual = annual_classes(s) if annual_all is None else flt.annual(annual_all)
    a_year = annual[annual["year"] == year]
    dist = a_year["quality_class"].value_counts().reindex(range(1, 6), fill_value=0)
    distribution = pd.DataFrame(
        {
            "quality_class": list(range(1, 6)),
            "label": [c.label for c in QualityClass],
            "points": dist.to_numpy(dtype=np.int64),
        }
    )
    target = target_status(a_year, measurements, standard)
    drinking = target[target["drinking_source"]]
    yoy = year_over_year(annual, year)
    changes = (
        yoy["change"]
        .value_counts()
        .reindex(CHANGES, fill_value=0)
        .rename_axis("change")
        .reset_index(name="points")
    )
    comp = completeness(pts, s, year, flt.period)
    n = len(a_year)
    return OverviewFigures(
        year=year,
        points_total=len(pts),
        points_sampled=n,
        shares=group_shares(a_year),
        shares_by_category=group_shares(a_year, "category"),
        distribution=distribution,
        v_share=v_share(a_year),
        v_goal=v_goal,
        target=target,
        meets_target_share=float(target["meets_target"].mean() * 100) if n else 0.0,
        drinking_points=len(drinking),
        drinking_meets_iii_share=float(drinking["meets_iii"].mean() * 100)
        if len(drinking)
        else 0.0,
        changes=changes,
        completeness=comp,
        completeness_rate=float(comp["received"].sum() / comp["expected"].sum() * 100)
        if len(comp)
        else 0.0,
        unsampled=comp[comp["received"] == 0],
    )
