"""What follows a results import or a withdrawal: recompute what derives from the samples it
touched — the trends of those points only — and say which point-years' annual class changed.

The page and the CLI both go through these two functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from gwlib.quality.annual import annual_class_changes, annual_classes
from gwlib.quality.results import ResultsPlan
from gwlib.quality.trends import refresh_trends
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.results import CommitResult, batch_points, commit_results, withdraw_batch
from gwlib.store.summaries import refresh

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Outcome:
    """A commit or withdrawal's effect: the points touched and the annual classes it changed
    (point, point_name, year, old_class, new_class; 0 = no annual class)."""

    points: tuple[str, ...]
    class_changes: pd.DataFrame
    result: CommitResult | None = None


def annual_of(store: Store, points: tuple[str, ...]) -> pd.DataFrame:
    """Annual classes of ``points``, from the samples summary (ready-made after a refresh; a
    query per group of points took a second at province scale)."""
    s = store.samples()
    return annual_classes(s[s["point"].isin(points)])


def commit_and_refresh(
    store: Store, plan: ResultsPlan, actor: Actor, progress: Progress | None = None
) -> Outcome:
    """Commit ``plan`` (one transaction), then refresh the trends of the points it touched."""
    touched = tuple(sorted({str(p) for p in plan.samples["point"]}))
    before = annual_of(store, touched)
    result = commit_results(store, plan, actor)
    if result.points:
        refresh_trends(store, result.points, progress)
        refresh(store)
    return Outcome(result.points, annual_class_changes(before, annual_of(store, touched)), result)


def withdraw_and_refresh(
    store: Store, batch_id: int, actor: Actor, reason: str, progress: Progress | None = None
) -> Outcome:
    """Withdraw a batch (one transaction), then refresh the trends of the points it touched."""
    touched = batch_points(store, batch_id)
    before = annual_of(store, touched)
    points = withdraw_batch(store, batch_id, actor, reason)
    if points:
        refresh_trends(store, points, progress)
        refresh(store)
    return Outcome(points, annual_class_changes(before, annual_of(store, touched)))
