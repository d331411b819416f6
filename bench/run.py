"""One benchmark run: every figure next to a reference measured in the same run.

    python -m bench.run --scale county|province [--points N] [--db-url URL] [--out bench/RESULTS.md]

Scales: county = 40 points × 10 years × 2 periods × 29 indicators; province = 2,000 points ×
20 years × 2 periods × 93 indicators (about 7.4 million measurements). ``--points`` overrides the
number of points. The database is a fresh SQLite file unless ``--db-url`` names an empty
database (e.g. PostgreSQL). Figures only; nothing here is a test. Map figures: bench.bench_map.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk
import sqlalchemy as sa

from gwlib.assess import assess
from gwlib.grading import grade_values
from gwlib.io.lab import parse_lab_table
from gwlib.io.tables import RawTable
from gwlib.model import MonitoringPoint
from gwlib.standards import get_standard
from gwlib.store import Store
from gwlib.values import parse_values

ROOT = Path(__file__).resolve().parents[1]
SCALES = {"county": (40, 10, 29), "province": (2000, 20, 93)}
POINTS_PER_CHUNK = 100
LOOP_SAMPLE = 200_000  # values timed in the per-value loop (extrapolated)
MK_SAMPLE = 2_000  # series run through pymannkendall (extrapolated, results asserted equal)


@dataclass
class Figures:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, what: str, figure: str, reference: str, goal: str) -> None:
        self.rows.append((what, figure, reference, goal))
        print(f"{what}: {figure} | {reference} | goal: {goal}", flush=True)


def _points(n: int) -> list[MonitoringPoint]:
    return [
        MonitoringPoint.from_row(
            {
                "code": f"P{i:05d}",
                "name": f"点位{i}",
                "category": "省控" if i % 3 else "国考",
                "township": f"乡镇{i % 50}",
                "lon": 110 + (i % 97) / 50,
                "lat": 35 + (i % 89) / 50,
                "aquifer": "孔隙",
                "burial": "潜水",
                "target_class": 4,
                "frequency": "丰枯各1次",
            }
        )
        for i in range(n)
    ]


def _lab_chunk(
    rng: np.random.Generator, first: int, n_points: int, years: int, n_ind: int
) -> pd.DataFrame:
    """A long lab table of text, as the importer reads it."""
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
        }
    )


def build(store: Store, points: int, years: int, n_ind: int, figs: Figures) -> None:
    """Import through the real path (parse, validate, grade, materialise) in chunks of points,
    and time a bare bulk insert of the same rows as the reference."""
    rng = np.random.default_rng(11)
    std = get_standard()
    store.upsert_points(_points(points))
    bare = sa.Table(
        "bench_raw", sa.MetaData(), *(sa.Column(c, sa.String) for c in ("p", "d", "i", "v", "u"))
    )
    bare.create(store.engine, checkfirst=True)
    t_real = t_bare = 0.0
    n = 0
    for first in range(0, points, POINTS_PER_CHUNK):
        chunk = _lab_chunk(rng, first, min(POINTS_PER_CHUNK, points - first), years, n_ind)
        n += len(chunk)
        t0 = time.perf_counter()
        batch = parse_lab_table(RawTable("bench", chunk.astype("str"), 1), std)
        store.write_assessment(assess(batch.frame, std), "bench")
        t_real += time.perf_counter() - t0
        t0 = time.perf_counter()
        frame = chunk.set_axis(["p", "d", "i", "v", "u"], axis=1)
        with store.transaction() as conn:
            for i in range(0, len(frame), 5000):
                conn.execute(sa.insert(bare), frame.iloc[i : i + 5000].to_dict("records"))
        t_bare += time.perf_counter() - t0
    with store.transaction() as conn:
        conn.execute(sa.text("DROP TABLE bench_raw"))
    figs.add(
        "import (real path)",
        f"{n:,} measurements in {t_real:.1f} s",
        f"bare bulk insert {t_bare:.1f} s → {t_real / t_bare:.2f}×",
        "≤ 2×",
    )


def grading(store: Store, figs: Figures) -> None:
    std = get_standard()
    t0 = time.perf_counter()
    m = store.measurements()
    t_load = time.perf_counter() - t0
    lookup = {i.code: n for n, i in enumerate(std.indicators)}
    idx = m["indicator_code"].map(lookup).fillna(-1).to_numpy(dtype=np.int64)
    tokens = parse_values(m["raw_value"])["token"].to_numpy()
    values = m["value"].to_numpy(dtype=float)
    t0 = time.perf_counter()
    cls, _ = grade_values(std, idx, values, tokens)
    t_grade = time.perf_counter() - t0
    sub = min(len(values), LOOP_SAMPLE)
    t0 = time.perf_counter()
    for i, v in zip(idx[:sub].tolist(), values[:sub].tolist(), strict=True):
        ind = std.indicators[i]
        next((k for k in range(4) if ind.lo[k] <= v <= ind.hi[k]), 4)
    t_loop = (time.perf_counter() - t0) * len(values) / max(sub, 1)
    figs.add(
        "grading every measurement",
        f"{len(values):,} in {t_grade:.2f} s",
        f"store load {t_load:.1f} s (+{t_grade / t_load:.0%}); per-value loop "
        f"{t_loop:.1f} s ({t_loop / t_grade:.0f}×)",
        "≤ +20 % of load; ≥ 100× loop",
    )
    assert (cls > 0).any()


def trends(store: Store, figs: Figures) -> None:
    t0 = time.perf_counter()
    n = store.refresh_trends()
    t_batch = time.perf_counter() - t0
    tr = store.trends("mk")
    m = store.measurements()
    m = m[m["indicator_code"] != ""]
    series = list(m.groupby(["point", "indicator_code"], sort=True))
    sub = series[:MK_SAMPLE]
    t0 = time.perf_counter()
    ref = {
        key: mk.original_test(g.sort_values("date")["value"].to_numpy(dtype=float))
        for key, g in sub
    }
    t_loop = (time.perf_counter() - t0) * len(series) / max(len(sub), 1)
    ours = tr.set_index(["point", "indicator_code"])
    for key, r in ref.items():
        if ours.loc[key, "n_nd"] == 0:
            assert np.isclose(ours.loc[key, "s"], r.s) and np.isclose(ours.loc[key, "p"], r.p)
    figs.add(
        "batch trends (MK + seasonal, stored)",
        f"{n:,} results in {t_batch:.1f} s",
        f"pymannkendall loop ≈ {t_loop:.1f} s for the MK half ({t_loop / (t_batch / 2):.0f}×)",
        "≥ 10×",
    )


def pages(url: str, figs: Figures) -> None:
    import streamlit.runtime.state.session_state as session_state
    from streamlit.testing.v1 import AppTest

    from gwui.pages import PAGES

    session_state.SessionState._check_serializable = lambda self: None  # AppTest bookkeeping
    os.environ["GWLIB_DB_URL"] = url
    with Store.open(url) as store:
        t0 = time.perf_counter()
        store.points(), store.samples(), store.exceedances(2025), store.wells()
        t_queries = time.perf_counter() - t0
    for spec in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        if not spec.default:
            at.switch_page(spec.path)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t0)
        ok = "ok" if not at.exception else f"EXCEPTION {at.exception[0].value[:60]}"
        figs.add(
            f"page {spec.title}",
            f"cold {runs[0]:.2f} s, warm {statistics.median(runs[1:]):.2f} s",
            f"overview queries {t_queries:.2f} s; {ok}",
            "warm ≤ 1 s",
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figs.add("peak memory of this process", f"{rss:,.0f} MB", "", "≤ 2 GB")


def write(figs: Figures, scale: str, url: str, points: int, out: Path) -> None:
    lines = [
        f"# Benchmark results ({scale}, {points} points)",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()}, "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{sa.engine.make_url(url).get_backend_name()}",
        "",
        "| what | figure | reference (same run) | goal |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in figs.rows),
        "",
        "Map figures (100,000 wells): `python -m bench.bench_map`.",
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {out}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=list(SCALES), default="county")
    ap.add_argument("--points", type=int, default=0)
    ap.add_argument("--db-url", default="")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    points, years, n_ind = SCALES[args.scale]
    points = args.points or points
    figs = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db_url or f"sqlite:///{tmp}/bench.sqlite"
        with Store.open(url) as store:
            store.set_meta("as_of", "2025-12-31")
            build(store, points, years, n_ind, figs)
            grading(store, figs)
            trends(store, figs)
        pages(url, figs)
        write(figs, args.scale, url, points, args.out)


if __name__ == "__main__":
    main()
