"""Importing lab results: the real path (read + validate + grade + materialise in one
transaction) against a bare pandas read plus bulk insert of the same rows.

    python -m bench.bench_import [--rows 1000000] [--db-url URL]

Without --db-url both runs use fresh SQLite files in a temporary directory. Prints figures.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from gwlib.assess import assess
from gwlib.io.lab import read_lab_file
from gwlib.model import MonitoringPoint
from gwlib.standards import get_standard
from gwlib.store import Store

N_INDICATORS = 29


def make_csv(path: Path, rows: int, seed: int = 5) -> int:
    """A long lab file of about ``rows`` measurements; returns the number of points."""
    std = get_standard()
    rng = np.random.default_rng(seed)
    names = [i.name for i in std.indicators if i.kind == "upper"][:N_INDICATORS]
    units = [i.unit for i in std.indicators if i.kind == "upper"][:N_INDICATORS]
    limits = np.array([i.hi[2] for i in std.indicators if i.kind == "upper"][:N_INDICATORS])
    samples = rows // N_INDICATORS
    points = max(1, samples // 20)
    s = np.arange(samples)
    point = np.repeat(s % points, N_INDICATORS)
    day = np.repeat(s // points, N_INDICATORS)
    dates = (np.datetime64("2006-03-01") + day * 182).astype(str)
    ind = np.tile(np.arange(N_INDICATORS), samples)
    values = rng.lognormal(0, 0.8, len(ind)) * np.where(np.isfinite(limits), limits, 1)[ind] * 0.5
    text = np.char.mod("%.4g", values)
    nd = rng.random(len(ind)) < 0.15
    text = np.where(nd, np.char.add(np.char.mod("%.4g", values / 3), "L"), text)
    pd.DataFrame({
        "点位编码": np.char.add("P", point.astype(str)), "采样日期": dates,
        "指标": np.array(names)[ind], "监测值": text, "单位": np.array(units)[ind],
    }).to_csv(path, index=False, encoding="utf-8-sig")
    return points


def real_path(path: Path, url: str, points: int) -> tuple[float, int]:
    std = get_standard()
    with Store.open(url) as store:
        store.upsert_points([MonitoringPoint.from_row({
            "code": f"P{i}", "name": f"P{i}", "category": "省控", "township": "古绛镇",
            "lon": 111.5, "lat": 35.5, "aquifer": "孔隙", "burial": "潜水",
            "target_class": 3, "frequency": "丰枯各1次"}) for i in range(points)])
        t0 = time.perf_counter()
        batch = read_lab_file(path, std)
        result = assess(batch.frame, std)
        store.write_assessment(result, path.name)
        elapsed = time.perf_counter() - t0
        return elapsed, store.counts()["measurement"]


def bare_path(path: Path, url: str) -> tuple[float, int]:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table("raw", meta, sa.Column("point", sa.String), sa.Column("date", sa.String),
                     sa.Column("indicator", sa.String), sa.Column("value", sa.String),
                     sa.Column("unit", sa.String))
    meta.create_all(engine)
    t0 = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = ["point", "date", "indicator", "value", "unit"]
    with engine.begin() as conn:
        for i in range(0, len(frame), 5000):
            conn.execute(sa.insert(table), frame.iloc[i:i + 5000].to_dict("records"))
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed, len(frame)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db-url", default="", help="an empty database for the real path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "lab.csv"
        points = make_csv(csv, args.rows)
        print(f"lab file: {csv.stat().st_size / 1e6:.1f} MB, {points} points")
        url = args.db_url or f"sqlite:///{tmp}/real.sqlite"
        t_real, n_real = real_path(csv, url, points)
        t_bare, n_bare = bare_path(csv, f"sqlite:///{tmp}/bare.sqlite")
        print(f"real import path: {n_real:,} measurements in {t_real:.1f} s "
              f"({n_real / t_real:,.0f}/s)")
        print(f"bare pandas read + bulk insert: {n_bare:,} rows in {t_bare:.1f} s")
        print(f"ratio real/bare: {t_real / t_bare:.2f} (goal ≤ 2)")


if __name__ == "__main__":
    main()
