"""Results import by batch at province scale (issue 12 item 7): figures, each next to a
reference measured in the same run.

    python bench/bench_import.py [--points 2000] [--years 3] [--db-url URL | --pg]

1. A results file of points × years × 2 samples × 93 indicators (2,000 × 3 → 1,116,000
   measurements, long CSV, text as a laboratory writes it, 15 % non-detects) imported through the
   real batch path — read, validate, grade, plan against the store, commit in one transaction
   (gwlib.store.results.prepare_results + commit_results) — against a bare bulk insert of the same
   rows as text into a table with no constraints (the floor any importer pays).
2. The same file again: everything unchanged, nothing written.
3. One new period for every point (2,000 × 93 = 186,000 measurements): commit, then the
   recomputation of what derives from the samples (trends of the touched points, the annual
   classes before/after, the page summaries), timed part by part as
   gwlib.quality.batches.commit_and_refresh runs them.

Data: bench.province (seeded, 模拟数据). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench import province  # noqa: E402
from gwlib.quality.annual import annual_class_changes  # noqa: E402
from gwlib.quality.batches import annual_of  # noqa: E402
from gwlib.quality.trends import refresh_trends  # noqa: E402
from gwlib.store import Store, summaries  # noqa: E402
from gwlib.store.audit import Actor  # noqa: E402
from gwlib.store.results import commit_results, prepare_results  # noqa: E402

INDICATORS = 93
TODAY = dt.date(2027, 1, 1)  # after every sampling date of the file


def _csv(frame: object) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")  # type: ignore[attr-defined,no-any-return]


def bare_insert(store: Store, frame: object) -> float:
    """Seconds to bulk-insert ``frame``'s rows as text into an unconstrained table (the floor
    any importer pays: the reference of the import figures)."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    names = [f"c{i}" for i in range(frame.shape[1])]
    bare = sa.Table("bench_raw", sa.MetaData(), *(sa.Column(c, sa.String) for c in names))
    bare.create(store.engine, checkfirst=True)
    t0 = time.perf_counter()
    rows = frame.set_axis(names, axis=1)
    with store.transaction() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(sa.insert(bare), rows.iloc[i : i + 5000].to_dict("records"))
    seconds = time.perf_counter() - t0
    with store.transaction() as conn:
        conn.execute(sa.text("DROP TABLE bench_raw"))
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=2_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--db-url", default=None, help="an empty database (default: a new SQLite file)")
    ap.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL server on loopback")
    args = ap.parse_args()
    if args.pg:
        from bench.browser import free_port
        from devtools.pgserver import pg_server

        with pg_server(free_port(), "gwbench") as url:
            run(url, args)
        return
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-import-"))
    run(args.db_url or f"sqlite:///{tmp / 'bench.sqlite'}", args)


@dataclass(frozen=True)
class NewPeriod:
    """Step 3: one new period for every point, committed; what derives from it recomputed."""

    measurements: int
    points: int
    plan: float
    commit: float
    trends: float
    classes: float  # annual classes of the touched points, before and after
    summaries: float
    changed: int  # point-years whose class changed

    @property
    def derived(self) -> float:
        return self.trends + self.classes + self.summaries

    def line(self) -> str:
        return (
            f"3. one new period, {self.measurements:,} measurements at {self.points:,} points: "
            f"plan {self.plan:.1f} s, commit {self.commit:.1f} s; derived results recomputed in "
            f"{self.derived:.1f} s (trends {self.trends:.1f} s, annual classes before/after "
            f"{self.classes:.1f} s, page summaries {self.summaries:.1f} s; {self.changed:,} "
            "point-years changed class) | goal ≤ 10 s"
        )


def new_period(
    store: Store, rng: np.random.Generator, n_points: int, indicators: int, actor: Actor
) -> NewPeriod:
    """Import one new sampling day (2026-10-15) for the first ``n_points`` points of
    :func:`bench.province.points` and recompute what derives from it, as a commit does: trends
    of the touched points, their annual classes, the page summaries."""
    period = province.lab_chunk(rng, 0, n_points, 1, indicators)
    period = period[period["采样日期"].str.endswith("-04-15")]
    period = period.assign(采样日期="2026-10-15")
    summaries.refresh(store)  # as the last commit left them (commit_and_refresh refreshes)
    t0 = time.perf_counter()
    plan = prepare_results(store, _csv(period), TODAY, "period.csv")
    t_plan = time.perf_counter() - t0
    touched = tuple(sorted(set(plan.samples["point"].astype(str))))
    t0 = time.perf_counter()
    before = annual_of(store, touched)
    t_before = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = commit_results(store, plan, actor)
    t_commit = time.perf_counter() - t0
    t0 = time.perf_counter()
    refresh_trends(store, result.points)
    t_trends = time.perf_counter() - t0
    t0 = time.perf_counter()
    summaries.refresh(store)
    t_summaries = time.perf_counter() - t0
    t0 = time.perf_counter()
    changes = annual_class_changes(before, annual_of(store, touched))
    t_after = time.perf_counter() - t0
    return NewPeriod(len(period), len(touched), t_plan, t_commit, t_trends,
                     t_before + t_after, t_summaries, len(changes))  # fmt: skip


def run(url: str, args: argparse.Namespace) -> None:
    store = Store.open(url)
    print(f"database: {store.dialect}", flush=True)
    store.upsert_points(province.points(args.points))
    actor = Actor.command_line("bench")
    rng = np.random.default_rng(7)
    frame = province.lab_chunk(rng, 0, args.points, args.years, INDICATORS)
    data = _csv(frame)
    print(f"file: {len(frame):,} measurements, {len(data) / 1e6:.1f} MB CSV", flush=True)

    t0 = time.perf_counter()
    plan = prepare_results(store, data, TODAY, "bench.csv")
    t_plan = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = commit_results(store, plan, actor)
    t_commit = time.perf_counter() - t0
    t_bare = bare_insert(store, frame)
    real = t_plan + t_commit
    print(
        f"1. import (batch path): {len(frame):,} measurements in {real:.1f} s "
        f"(read+validate+grade+plan {t_plan:.1f} s, commit {t_commit:.1f} s; "
        f"{result.imported:,} samples) | bare bulk insert {t_bare:.1f} s → {real / t_bare:.2f}× "
        "| goal ≤ 2×",
        flush=True,
    )

    t0 = time.perf_counter()
    again = prepare_results(store, data, TODAY, "bench.csv")
    t_again = time.perf_counter() - t0
    print(
        f"2. same file again: {again.counts['未变']:,} samples unchanged, "
        f"{again.counts['新增'] + again.counts['修改']} to write, planned in {t_again:.1f} s",
        flush=True,
    )

    print(new_period(store, rng, args.points, INDICATORS, actor).line(), flush=True)
    store.close()


if __name__ == "__main__":
    main()
