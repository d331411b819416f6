"""One benchmark run: every figure next to a reference measured in the same run.

    python bench/run.py --scale county|province [--points N] [--db-url URL | --pg] [--out FILE]

Builds the seeded data of :mod:`bench.province` (``--points`` overrides the number of monitoring
points) in a fresh SQLite file, in the empty database ``--db-url`` names, or (``--pg``) in a
throwaway PostgreSQL server on loopback (tests/pgserver.py: fsync off, as for tests),
then measures import, grading, trends, every page under AppTest (in a process of its own), and
the served app in Chromium: the 一张图 page's payload and first drawn marker, and the app
process's peak memory. Writes the figures to ``--out`` (default bench/RESULTS.md). Figures only;
nothing here is a test, and no goal is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pymannkendall as mk  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench import browser, province  # noqa: E402
from devtools.pgserver import pg_server  # noqa: E402
from gwlib.io.lab import parse_lab_table  # noqa: E402
from gwlib.io.tables import RawTable  # noqa: E402
from gwlib.quality.assess import assess  # noqa: E402
from gwlib.quality.grading import grade_one, grade_values  # noqa: E402
from gwlib.quality.standards import get_standard  # noqa: E402
from gwlib.quality.trends import mann_kendall, refresh_trends  # noqa: E402
from gwlib.quality.values import parse_values  # noqa: E402
from gwlib.store import Store, schema  # noqa: E402
from gwlib.store.audit import Actor  # noqa: E402

POINTS_PER_CHUNK = 100
LOOP_SAMPLE = 300_000  # values graded by the per-value loop (time extrapolated)
MK_SAMPLE = 2_000  # series run through pymannkendall (time extrapolated, results asserted equal)

# A well cluster or grid bubble, a single well (canvas) or any other marker of the map.
MARKER = ".gw-cluster, .leaflet-overlay-pane canvas, .leaflet-marker-icon"


@dataclass
class Figures:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def add(self, what: str, figure: str, reference: str, goal: str) -> None:
        self.rows.append((what, figure, reference, goal))
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:6.0f} s] {what}: {figure} | {reference} | goal: {goal}", flush=True)


def build(store: Store, scale: province.Scale, figs: Figures) -> None:
    """Import through the real path (parse, validate, grade, materialise) in chunks of points,
    and time a bare bulk insert of the same rows as the reference."""
    from bench.bench_import import bare_insert

    rng = np.random.default_rng(11)
    std = get_standard()
    store.upsert_points(province.points(scale.points))
    t_real = t_bare = 0.0
    n = 0
    for first in range(0, scale.points, POINTS_PER_CHUNK):
        n_points = min(POINTS_PER_CHUNK, scale.points - first)
        chunk = province.lab_chunk(rng, first, n_points, scale.years, scale.indicators)
        n += len(chunk)
        t0 = time.perf_counter()
        batch = parse_lab_table(RawTable("bench", chunk.astype("str"), 1), std)
        store.write_assessment(assess(batch.frame, std), "bench")
        t_real += time.perf_counter() - t0
        t_bare += bare_insert(store, chunk)
    figs.add(
        "import (real path)",
        f"{n:,} measurements in {t_real:.1f} s",
        f"bare bulk insert {t_bare:.1f} s → {t_real / t_bare:.2f}×",
        "≤ 2×",
    )


def layers(store: Store, scale: province.Scale, figs: Figures) -> None:
    t0 = time.perf_counter()
    store.upsert_wells(province.wells(scale.wells))
    found, zones = province.sources(scale.sources)
    store.upsert_sources(found)
    store.upsert_zones(zones)
    store.upsert_pollution_sources(province.pollution_sources(scale.pollution_sources))
    figs.add(
        "map layers stored",
        f"{scale.wells:,} wells, {len(found):,} sources, {len(zones):,} zones, "
        f"{scale.pollution_sources:,} pollution sources in {time.perf_counter() - t0:.1f} s",
        "",
        "",
    )


def grading(store: Store, figs: Figures) -> None:
    std = get_standard()
    ms = schema.measurement
    t0 = time.perf_counter()
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(ms.c.indicator_code, ms.c.value, ms.c.raw_value)).all()
    m = pd.DataFrame(rows, columns=["indicator_code", "value", "raw_value"])
    del rows
    t_load = time.perf_counter() - t0
    lookup = {i.code: n for n, i in enumerate(std.indicators)}
    idx = m["indicator_code"].map(lookup).fillna(-1).to_numpy(dtype=np.int64)
    tokens = parse_values(m["raw_value"])["token"].to_numpy()
    values = m["value"].to_numpy(dtype=float)
    grade_values(std, idx[:10], values[:10], tokens[:10])  # compiled once, outside the timing
    t0 = time.perf_counter()
    cls, _ = grade_values(std, idx, values, tokens)
    t_grade = time.perf_counter() - t0
    sub = min(len(values), LOOP_SAMPLE)
    t0 = time.perf_counter()
    loop = [
        grade_one(std, i, v, t)
        for i, v, t in zip(
            idx[:sub].tolist(), values[:sub].tolist(), tokens[:sub].tolist(), strict=True
        )
    ]
    t_loop = (time.perf_counter() - t0) * len(values) / max(sub, 1)
    if loop != cls[:sub].tolist():
        raise AssertionError("compiled grading differs from the per-value loop")
    figs.add(
        "grading every measurement",
        f"{len(values):,} in {t_grade:.3f} s",
        f"store load {t_load:.1f} s (+{t_grade / t_load:.1%}); per-value loop "
        f"{t_loop:.1f} s (→ {t_loop / t_grade:.0f}× faster; classes equal on {sub:,})",
        "≤ +20 % of load; ≥ 100× loop",
    )


def trends(store: Store, figs: Figures) -> None:
    t0 = time.perf_counter()
    n = refresh_trends(store)
    t_refresh = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = store.trend_input()
    t_read = time.perf_counter() - t0
    keys = ["point", "indicator_code"]
    t0 = time.perf_counter()
    ours = mann_kendall(m, keys, censored=None)
    t_batch = time.perf_counter() - t0
    all_keys = ours[keys]
    n_series = len(all_keys)
    picked = all_keys.iloc[:: max(1, n_series // MK_SAMPLE)].head(MK_SAMPLE)
    sample = m.merge(picked, on=keys).sort_values([*keys, "date"], kind="stable")
    sub = list(sample.groupby(keys, sort=True))
    t0 = time.perf_counter()
    ref = {key: mk.original_test(g["value"].to_numpy(dtype=float)) for key, g in sub}
    t_loop = (time.perf_counter() - t0) * n_series / max(len(sub), 1)
    got = ours.set_index(keys)
    for key, r in ref.items():
        row = got.loc[key]
        expected = (r.s, r.var_s, r.z, r.p, r.Tau)
        if not np.allclose([row.s, row.var_s, row.z, row.p, row.tau], expected, atol=1e-9):
            raise AssertionError(f"trend of {key} differs from pymannkendall")
    figs.add(
        "batch Mann-Kendall + Sen (compute)",
        f"{n_series:,} series in {t_batch:.1f} s",
        f"pymannkendall loop ≈ {t_loop:.0f} s (→ {t_loop / t_batch:.0f}×; S, Var S, z, p, τ "
        f"equal on {len(ref):,} series)",
        "≥ 10×",
    )
    figs.add(
        "trend refresh, stored (read + MK + seasonal + write)",
        f"{n:,} results in {t_refresh:.1f} s",
        f"read alone {t_read:.1f} s; pymannkendall loop + the same read ≈ "
        f"{t_loop + t_read:.0f} s (→ {(t_loop + t_read) / t_refresh:.1f}×)",
        "≥ 10× (compute)",
    )


def summaries(store: Store, figs: Figures) -> None:
    """The page summaries a write leaves behind (gwlib.store.summaries), as an import's refresh
    builds them, against reading the same frames from the live tables."""
    from gwlib.store import summaries as sm

    t0 = time.perf_counter()
    sm.refresh(store)
    sm.refresh(store, sm.WELL_SUMMARIES)
    t_refresh = time.perf_counter() - t0
    names = (*sm.ON_WRITE, *sm.WELL_SUMMARIES)
    t0 = time.perf_counter()
    for name in names:
        sm.cached(store, name)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    for name in names:
        sm.BUILDERS[name](store)
    t_live = time.perf_counter() - t0
    figs.add(
        "page summaries: refreshed after a write / read by a page",
        f"{', '.join(names)}: refresh {t_refresh:.1f} s; read {t_read:.2f} s",
        f"the same frames from the live tables {t_live:.1f} s (→ {t_live / t_read:.0f}×)",
        "",
    )


def pages(url: str, figs: Figures) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.pages", url], cwd=ROOT, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    found = json.loads(out.stdout.strip().splitlines()[-1])
    for title, p in found["pages"].items():
        ratio = p["warm"] / p["store"] if p["store"] > 0 else float("nan")
        status = f"EXCEPTION {p['error']}" if p["error"] else "ok"
        figs.add(
            f"page {title} (AppTest)",
            f"cold {p['cold']:.2f} s, warm {p['warm']:.2f} s",
            f"its store reads {p['store']:.2f} s (warm/reads {ratio:.2f}); {status}",
            "cold (first visit) ≤ 2 s; warm ≤ 1 s and ≤ 3× reads",
        )
    figs.add("peak memory, one process running all 11 pages' AppTests (not an app process)",
             f"{found['peak_mb']:,.0f} MB", "the served app's figure is below", "")  # fmt: skip


def served(url: str, empty_url: str, tmp: Path, figs: Figures) -> None:
    with browser.browser() as b:
        with browser.serve(empty_url, tmp / "empty.log") as app:
            t_empty, mb_empty = browser.open_map(b, app.base, ".leaflet-container")
        with browser.serve(url, tmp / "app.log") as app:
            t_marker, mb = browser.open_map(b, app.base, MARKER)
            browser.visit_pages(b, app)
            peak = browser.peak_rss_mb(app.pid)
    figs.add(
        "一张图: bytes to the browser",
        f"{mb:.2f} MB",
        f"empty database {mb_empty:.2f} MB",
        "≤ 5 MB",
    )
    figs.add(
        "一张图: first drawn marker",
        f"{t_marker:.1f} s",
        f"drawn map on an empty database {t_empty:.1f} s (→ {t_marker / t_empty:.1f}×)",
        "≤ 3×",
    )
    for title, seconds in app.pages.items():
        figs.add(f"page {title} (Chromium, first visit)", f"{seconds:.2f} s", "", "")
    figs.add("peak memory, served app process (all pages)", f"{peak:,.0f} MB", "", "≤ 2 GB")


def period(store: Store, scale: province.Scale, figs: Figures) -> None:
    """One new period for every point through the results import, then what derives from it
    (bench/bench_import.py's step 3, on this run's database)."""
    from bench.bench_import import new_period

    got = new_period(store, np.random.default_rng(13), scale.points, scale.indicators,
                     Actor.command_line("bench"))  # fmt: skip
    figs.add(
        "one new period: derived results recomputed",
        f"{got.derived:.1f} s for {got.measurements:,} measurements at {got.points:,} points",
        f"trends {got.trends:.1f} s, annual classes {got.classes:.1f} s, page summaries "
        f"{got.summaries:.1f} s; the import itself: plan {got.plan:.1f} s, commit "
        f"{got.commit:.1f} s",
        "≤ 10 s",
    )


def _commit() -> str:
    out = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "?"


def write(figs: Figures, title: str, url: str, out: Path) -> None:
    lines = [
        f"# Benchmark results ({title})",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()}, "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{sa.engine.make_url(url).get_backend_name()} · commit {_commit()} · whole run "
        f"{time.perf_counter() - figs.started:.0f} s",
        "",
        "| what | figure | reference (same run) | goal |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in figs.rows),
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=list(province.SCALES), default="county")
    ap.add_argument("--points", type=int, default=0, help="override the number of points")
    ap.add_argument("--db-url", default="", help="an empty database (default: new SQLite)")
    ap.add_argument(
        "--pg", action="store_true", help="a throwaway PostgreSQL server (tests/pgserver.py)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    scale = province.SCALES[args.scale]
    if args.points:
        scale = dataclasses.replace(scale, points=args.points)
    figs = Figures()
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="gwbench-"))
        url = args.db_url or f"sqlite:///{tmp}/bench.sqlite"
        if args.pg:
            url = stack.enter_context(pg_server(browser.free_port(), "gwbench"))
        empty_url = f"sqlite:///{tmp}/empty.sqlite"
        with Store.open(url) as store:
            if not store.is_empty():
                raise SystemExit(f"{url} is not empty")
            store.set_meta("as_of", "2025-12-31")
            build(store, scale, figs)
            layers(store, scale, figs)
            grading(store, figs)
            trends(store, figs)
            summaries(store, figs)
        Store.open(empty_url).close()
        pages(url, figs)
        served(url, empty_url, Path(tmp), figs)
        with Store.open(url) as store:  # last: it adds a sampling day the pages would show
            period(store, scale, figs)
        title = f"{args.scale}, {scale.points:,} points, {scale.wells:,} wells"
        write(figs, title, url, args.out)


if __name__ == "__main__":
    main()
