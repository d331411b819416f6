"""Grading throughput: vectorised grading vs a per-value Python loop on the same values.

    python -m bench.bench_grading [--n 2000000]

Prints figures; asserts nothing about time (speed goals live here, not in tests).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from gwlib.assess import assess
from gwlib.grading import grade_values
from gwlib.standards import get_standard
from gwlib.values import ValueToken, parse_values


def python_loop(std, idx, values) -> list[int]:  # type: ignore[no-untyped-def]
    """The obvious per-value loop, as a reference."""
    out = []
    for i, v in zip(idx.tolist(), values.tolist(), strict=True):
        ind = std.indicators[i]
        cls = 5
        for k in range(4):
            if ind.lo[k] <= v <= ind.hi[k]:
                cls = k + 1
                break
        out.append(cls)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2_000_000)
    args = ap.parse_args()
    std = get_standard()
    rng = np.random.default_rng(1)
    n = args.n
    idx = rng.integers(0, len(std), n)
    iii = std.hi[idx, 2]
    scale = np.where(np.isfinite(iii) & (iii > 0), iii, 1.0)
    values = rng.lognormal(0, 1, n) * scale * 0.5
    token = np.full(n, ValueToken.NUMBER, dtype=np.int8)
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )

    times = []
    for _ in range(3):  # best of three: the first call also pays for page faults
        t0 = time.perf_counter()
        cls, _ = grade_values(std, idx, values, token)
        times.append(time.perf_counter() - t0)
    t_vec = min(times)
    print(
        f"vectorised grade_values: {n:,} values in {t_vec:.3f} s ({n / t_vec / 1e6:.1f} M values/s)"
    )

    m = min(n, 200_000)
    t0 = time.perf_counter()
    ref = python_loop(std, idx[:m], values[:m])
    t_loop = (time.perf_counter() - t0) * n / m
    assert ref == cls[:m].tolist(), "loop and vectorised grading disagree"
    print(
        f"per-value Python loop: {t_loop:.2f} s for {n:,} values (timed on {m:,}); "
        f"vectorised is {t_loop / t_vec:.0f}x faster; identical classes"
    )

    raw = pd.Series(
        np.where(rng.random(n) < 0.2, [f"{x:.4g}L" for x in values], [f"{x:.4g}" for x in values])
    )
    t0 = time.perf_counter()
    parsed = parse_values(raw)
    t_parse = time.perf_counter() - t0
    print(
        f"parse_values (20% written as 'xL'): {t_parse:.2f} s ({n / t_parse / 1e6:.2f} M values/s)"
    )

    samples = n // 30
    frame = pd.DataFrame(
        {
            "point": (np.arange(n) // 30 // 20).astype(str),
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta((np.arange(n) // 30) % 20, "D"),
            "indicator": idx,
            "token": parsed["token"],
            "value": parsed["number"],
        }
    )
    t0 = time.perf_counter()
    res = assess(frame, std)
    t_assess = time.perf_counter() - t0
    print(
        f"assess (single + comprehensive, {samples:,} samples): {t_assess:.2f} s; "
        f"{len(res.samples):,} sample rows"
    )


if __name__ == "__main__":
    main()
