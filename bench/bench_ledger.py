"""Importing a province's 封井回填 ledger (issue 7): the real path (read the file as the UI and
``python -m gwlib wells import`` do, then :func:`gwlib.store.ledger_import.import_wells` in one
transaction) for three imports of the same wells, against a bare bulk write of the same rows.

    python -m bench.bench_ledger [--wells 100000] [--format csv|xlsx] [--db-url URL]

1. create: every well is new;
2. update: the same wells with 井深 and 备注 changed on every row (two audit rows per well);
3. no-op: the update file again (nothing may be written).

The references, measured in the same run on the same database: a pandas read of the file plus a
bulk INSERT of its rows into a plain table, and a bulk UPDATE by code of that table with the
changed rows. Without --db-url the run uses a fresh SQLite file in a temporary directory; with a
PostgreSQL URL it creates a scratch database next to the one named (and drops it afterwards), so
nothing of yours is touched. Prints figures.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gwlib.io.wells import COLUMNS, import_ledger_file, read_ledger
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.wells.model import WELL_SUBTYPES, WellCategory

ADMIN = Actor.command_line("bench")
AUTHORITY = "运城市水务局"
HEADER = {f: h for h, f, _ in COLUMNS}
FIELDS = ("code", "category", "subtype", "township", "village", "lon", "lat", "depth_m", "owner",
          "phone", "abandon_reason", "abandon_date", "survey_date", "status", "note")  # fmt: skip


def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` wells shaped like a province's register (13 counties' townships, three categories)."""
    rng = np.random.default_rng(seed)
    cats = list(WellCategory)
    cat = rng.integers(0, len(cats), n)
    sub = [WELL_SUBTYPES[cats[c]][k % len(WELL_SUBTYPES[cats[c]])] for k, c in enumerate(cat)]
    days = rng.integers(0, 20 * 365, n)
    abandon = (np.datetime64("2000-01-01") + days).astype(str)
    survey = (np.datetime64("2024-03-01") + rng.integers(0, 600, n)).astype(str)
    owner_known = rng.random(n) < 0.7
    return pd.DataFrame({
        "code": [f"SX-FJ-{i:06d}" for i in range(n)],
        "category": [cats[c].value for c in cat],
        "subtype": sub,
        "township": [f"第{k % 180:03d}镇" for k in range(n)],
        "village": [f"第{k % 4000:04d}村" for k in range(n)],
        "lon": np.round(110.2 + rng.random(n) * 4.3, 6),
        "lat": np.round(34.6 + rng.random(n) * 5.9, 6),
        "depth_m": np.round(rng.lognormal(4, 0.8, n), 1),
        "owner": np.where(owner_known, [f"第{k % 4000:04d}村村民委员会" for k in range(n)], "不详"),
        "phone": [f"1390359{k % 10000:04d}" for k in range(n)],
        "abandon_reason": "水位下降，已停用",
        "abandon_date": abandon,
        "survey_date": survey,
        "status": "已排查登记",
        "note": "",
    })  # fmt: skip


def changed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every row changed in two fields (井深 and 备注), no status change."""
    out = frame.copy()
    out["depth_m"] = (out["depth_m"] + 1.5).round(1)
    out["note"] = "2026年复核：井深已更正"
    return out


def write(frame: pd.DataFrame, path: Path) -> Path:
    """The ledger file as county staff send it (template headers)."""
    out = frame.rename(columns=HEADER)
    if path.suffix == ".xlsx":
        out.to_excel(path, index=False, sheet_name="废弃井台账")
    else:
        out.to_csv(path, index=False, encoding="utf-8-sig")
    return path


@contextmanager
def scratch_url(db_url: str | None, tmp: Path) -> Iterator[str]:
    """A database of our own: a new SQLite file, or a new PostgreSQL database dropped after."""
    if db_url is None:
        yield f"sqlite:///{tmp / 'ledger.sqlite'}"
        return
    url = make_url(db_url)
    name = f"bench_ledger_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def real_import(store: Store, path: Path) -> tuple[float, str, int]:
    """(seconds, report summary, progress calls) of one import through the UI/CLI path."""
    calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    t0 = time.perf_counter()
    rep = import_ledger_file(store, ADMIN, path, AUTHORITY, progress=progress)
    return time.perf_counter() - t0, rep.summary(), calls


def bare_insert(engine: sa.Engine, path: Path) -> float:
    """pandas read + bulk INSERT of the same rows into a plain table (no checks, no audit)."""
    meta = sa.MetaData()
    table = sa.Table("bench_bare_well", meta, *(sa.Column(f, sa.Text) for f in FIELDS))
    meta.drop_all(engine)
    meta.create_all(engine)
    t0 = time.perf_counter()
    frame = _read(path)
    with engine.begin() as conn:
        _chunks(conn, sa.insert(table), frame.to_dict("records"))
    return time.perf_counter() - t0


def bare_update(engine: sa.Engine, path: Path) -> float:
    """pandas read + bulk UPDATE by code of that table with the changed rows."""
    table = sa.Table("bench_bare_well", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE UNIQUE INDEX ix_bench_bare_code ON bench_bare_well (code)"))
    t0 = time.perf_counter()
    frame = _read(path).rename(columns={"code": "b_code"})
    stmt = (
        sa.update(table)
        .where(table.c.code == sa.bindparam("b_code"))
        .values({f: sa.bindparam(f) for f in FIELDS if f != "code"})
    )
    with engine.begin() as conn:
        _chunks(conn, stmt, frame.to_dict("records"))
    return time.perf_counter() - t0


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = list(FIELDS)
    return frame


def _chunks(conn: sa.Connection, stmt: sa.Executable, rows: list[dict[str, str]]) -> None:
    for i in range(0, len(rows), 5_000):
        conn.execute(stmt, rows[i : i + 5_000])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wells", type=int, default=100_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--db-url", default=None, help="PostgreSQL URL (default: SQLite in a temp dir)")
    args = ap.parse_args()
    n = args.wells
    with tempfile.TemporaryDirectory() as d, scratch_url(args.db_url, Path(d)) as url:
        tmp = Path(d)
        base = make_frame(n)
        first = write(base, tmp / f"台账_{n}.{args.format}")
        second = write(changed(base), tmp / f"台账_{n}_复核.{args.format}")
        backend = make_url(url).get_backend_name()
        print(f"ledger import, {n:,} wells, .{args.format}, {backend}")
        t0 = time.perf_counter()
        parsed = read_ledger(first)
        t_parse = time.perf_counter() - t0
        assert len(parsed.rows) == n, parsed.issues[:3]
        figures: list[tuple[str, float, str]] = [("read + validate file only", t_parse, "")]
        with Store.open(url) as store:
            for label, path in (("create", first), ("update", second), ("no-op", second)):
                secs, summary, calls = real_import(store, path)
                figures.append(
                    (f"import_ledger_file: {label}", secs, f"{summary}; {calls} progress calls")
                )
            audit = store.engine.connect()
            with audit:
                n_audit = audit.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
                versions = audit.execute(
                    sa.text("SELECT min(version), max(version) FROM abandoned_well")
                ).one()
            engine = store.engine
            figures.append(("reference: read + bulk INSERT", bare_insert(engine, first), ""))
            figures.append(("reference: read + bulk UPDATE", bare_update(engine, second), ""))
        for label, secs, note in figures:
            print(f"  {label:<34} {secs:8.2f} s  {n / secs:>10,.0f} rows/s  {note}")
        print(f"  audit rows {n_audit:,} (expected {3 * n:,}); well versions {tuple(versions)}")


if __name__ == "__main__":
    main()
