"""Summaries the pages show, computed from stored (already graded) samples and ledgers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gwlib.classes import QualityClass
from gwlib.model import WellStatus

CLASS_ORDER = [c.label for c in QualityClass]


def latest_samples(samples: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Each point's latest graded sample (within ``year`` when given)."""
    s = samples[samples["quality_class"] > 0]
    if year is not None:
        s = s[pd.to_datetime(s["date"]).dt.year == year]
    if s.empty:
        return s
    return (
        s.sort_values(["point", "date"]).groupby("point", sort=True).tail(1).reset_index(drop=True)
    )


def class_distribution(latest: pd.DataFrame) -> pd.DataFrame:
    """Points per class Ⅰ–Ⅴ with share (%), all five classes present even when zero."""
    counts = latest["quality_class"].value_counts().reindex(range(1, 6), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "quality_class": list(range(1, 6)),
            "label": CLASS_ORDER,
            "points": counts.to_numpy(dtype="int64"),
            "share": (counts.to_numpy() / total * 100) if total else [0.0] * 5,
        }
    )


def well_status_counts(wells: pd.DataFrame) -> pd.DataFrame:
    """Abandoned wells per lifecycle status, in lifecycle order, zero counts included."""
    order = [s.value for s in WellStatus]
    counts = (
        wells["status"].value_counts().reindex(order, fill_value=0)
        if len(wells)
        else (pd.Series(0, index=order))
    )
    return pd.DataFrame({"status": order, "wells": counts.to_numpy(dtype="int64")})


def sample_years(samples: pd.DataFrame) -> list[int]:
    """Years that have graded samples, newest first."""
    s = samples[samples["quality_class"] > 0]
    return sorted({int(y) for y in pd.to_datetime(s["date"]).dt.year}, reverse=True)


@dataclass(frozen=True)
class Overview:
    """The overview page's figures for one year."""

    year: int | None
    points_total: int
    points_sampled: int
    distribution: pd.DataFrame
    well_status: pd.DataFrame
    wells_total: int

    def share(self, classes: tuple[int, ...]) -> float:
        d = self.distribution
        total = int(d["points"].sum())
        return (
            float(d[d["quality_class"].isin(classes)]["points"].sum() / total * 100)
            if total
            else 0.0
        )


def overview(
    samples: pd.DataFrame, wells: pd.DataFrame, points_total: int, year: int | None
) -> Overview:
    latest = latest_samples(samples, year)
    return Overview(
        year=year,
        points_total=points_total,
        points_sampled=int(latest["point"].nunique()) if len(latest) else 0,
        distribution=class_distribution(latest),
        well_status=well_status_counts(wells),
        wells_total=len(wells),
    )
