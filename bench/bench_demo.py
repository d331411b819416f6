"""Demo build time and what it writes.

    python -m bench.bench_demo [--seed 140826] [--db sqlite:////tmp/bench_demo.sqlite]

Builds the demo into a fresh SQLite file (replacing what is there), prints the time of the
in-memory generation, the lab-table import and the whole build, and the row count of every
table. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from gwlib.demo import DEFAULT_SEED, build_demo, generate, import_lab_table
from gwlib.quality.assess import assess
from gwlib.quality.standards import get_standard
from gwlib.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--db", default=None, help="database URL (default: a new temporary SQLite)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        run(args.db or f"sqlite:///{Path(tmp) / 'demo.sqlite'}", args.seed)


def run(url: str, seed: int) -> None:
    std = get_standard()
    print(f"machine: {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, seed {seed}")

    t0 = time.perf_counter()
    data = generate(seed, std)
    t1 = time.perf_counter()
    batch = import_lab_table(data, std)
    result = assess(batch.frame, std)
    t2 = time.perf_counter()
    print(f"generate (in memory): {t1 - t0:6.2f} s   lab table {len(data.monitoring.table.frame)} "
          f"rows")
    print(f"parse + grade:        {t2 - t1:6.2f} s   {len(result.samples)} samples, "
          f"{len(result.detail)} measurements, {len(batch.issues)} issues")

    t3 = time.perf_counter()
    summary = build_demo(url, seed=seed, replace=True)
    t4 = time.perf_counter()
    print(f"build_demo (total):   {t4 - t3:6.2f} s   {url}")
    print(summary)
    for table, n in Store.open(url).counts().items():
        print(f"  {table:<18} {n:>7}")


if __name__ == "__main__":
    main()
