"""Water-quality figures: page script time on the demo database, and the batch trend step
against a pymannkendall loop on the same series.

    python -m bench.bench_quality [--series 5000] [--length 20]

Prints figures; asserts only that both trend computations agree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk

from gwlib.demo import build_demo
from gwlib.trends import mann_kendall

ROOT = Path(__file__).resolve().parents[1]


def page_times(url: str, repeats: int = 3) -> None:
    import streamlit.runtime.state.session_state as session_state
    from streamlit.testing.v1 import AppTest

    from gwui.pages import PAGES

    session_state.SessionState._check_serializable = lambda self: None  # AppTest bookkeeping
    os.environ["GWLIB_DB_URL"] = url
    for spec in PAGES[:2]:
        runs = []
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if not spec.default:
            at.switch_page(spec.path)  # later runs stay on this page: time its script only
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
        print(f"page {spec.title}: cold {runs[0]:.2f} s, warm median "
              f"{statistics.median(runs[1:]):.2f} s (AppTest, demo database)")


def trend_bench(n_series: int, length: int) -> None:
    rng = np.random.default_rng(7)
    values = np.round(rng.lognormal(0, 0.6, (n_series, length))
                      + np.linspace(0, 1, length) * rng.normal(0, 1, (n_series, 1)), 2)
    dates = pd.Timestamp("2006-03-01") + pd.to_timedelta(np.arange(length) * 182, "D")
    frame = pd.DataFrame({
        "series": np.repeat(np.arange(n_series), length),
        "date": np.tile(dates, n_series),
        "value": values.ravel(),
        "censored": False,
    })
    t0 = time.perf_counter()
    ours = mann_kendall(frame, ["series"])
    t_batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = [mk.original_test(row) for row in values]
    t_loop = time.perf_counter() - t0
    for col, attr in (("s", "s"), ("var_s", "var_s"), ("z", "z"), ("p", "p"), ("tau", "Tau")):
        np.testing.assert_allclose(ours[col].to_numpy(), [getattr(r, attr) for r in ref],
                                   rtol=1e-9, atol=1e-12)
    print(f"trends: {n_series:,} series × {length} values: batch {t_batch:.2f} s, "
          f"pymannkendall loop {t_loop:.2f} s ({t_loop / t_batch:.1f}x); S, Var(S), z, p, τ "
          "identical within 1e-9")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=5000)
    ap.add_argument("--length", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.sqlite"
        t0 = time.perf_counter()
        build_demo(url)
        print(f"demo database built in {time.perf_counter() - t0:.1f} s")
        page_times(url)
    trend_bench(args.series, args.length)


if __name__ == "__main__":
    main()
