"""Summaries the pages read, kept in the database and rebuilt on write.

A province's pages read the same large frames on every first visit: every graded sample with its
point (80,000 rows), each point's latest measurements (186,000), the trend results (186,000
per method), a year's exceedances and the ledger's wells (100,000). Reading and shaping them
from the live tables costs about a second each; read from a summary (one Parquet payload in
table ``summary``) a few hundredths.

Each summary carries the **stamp** of the data it was built from: its family's change counter,
which database triggers raise on every change to the family's tables by anyone (migration
summaries_0001; on SQLite the bulk inserts and deletions of samples and trend results fire no
trigger), and, for the monitoring summaries, the counts, largest ids and newest times of the
sample, trend and import-batch tables and a hash of the point register; for the wells the count,
ids and versions of the ledger's rows. A write (an import, a correction, a withdrawal, a form,
the demo, an SQL statement) changes the stamp, so a summary is never read stale: :func:`cached`
rebuilds it from the live tables when the stamps differ. Writers call :func:`refresh` after they
commit, so the rebuild is paid by the write rather than by the next visitor. A database user
that cannot store a summary still gets correct figures: the frame is computed and used, only
not kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable

import pandas as pd
import sqlalchemy as sa

from gwlib.quality.annual import annual_classes
from gwlib.quality.model import Period
from gwlib.store import Store, schema
from gwlib.store.schema_trends import change_counter, change_tx, summary, trend_result

log = logging.getLogger(__name__)


def _latest(period: str) -> Callable[[Store], pd.DataFrame]:
    return lambda s: s.latest_measurements(period, live=True)


def _annual(period: str) -> Callable[[Store], pd.DataFrame]:
    def build(store: Store) -> pd.DataFrame:
        s = store.samples()
        return annual_classes(s[s["period"] == period] if period else s)

    return build


#: Summary name -> how to build it from the live tables.
BUILDERS: dict[str, Callable[[Store], pd.DataFrame]] = {
    "samples": lambda s: s.samples(live=True),
    "latest": _latest(""),
    **{f"latest:{p}": _latest(p) for p in Period},
    "annual": _annual(""),
    **{f"annual:{p}": _annual(p) for p in Period},
    "trends:mk": lambda s: s.trends("mk", live=True),
    "trends:seasonal": lambda s: s.trends("seasonal", live=True),
    "wells": lambda s: s.wells(live=True),
}
#: Names with a year: ``exceedances:YYYY`` (:meth:`Store.exceedances` of that year).
EXCEEDANCES = "exceedances:"
#: Summaries derived from the ledger's wells (the rest derive from the monitoring tables).
WELL_SUMMARIES = ("wells",)


def builder(name: str) -> Callable[[Store], pd.DataFrame] | None:
    """How to build summary ``name`` (None: no such summary)."""
    if name.startswith(EXCEEDANCES) and name[len(EXCEEDANCES) :].isdigit():
        year = int(name[len(EXCEEDANCES) :])
        return lambda s: s.exceedances(year, live=True)
    return BUILDERS.get(name)


#: Rebuilt by :func:`refresh` after a write of monitoring data: what the first pages a user
#: opens read (and the exceedances of the latest year with samples, the pages' default year).
ON_WRITE = ("samples", "annual", "latest", "trends:mk")
#: What a change to the point register alone makes stale (samples carry their point's attributes).
POINT_SUMMARIES = ("samples", "annual")


def _newest(
    conn: sa.Connection, table: sa.Table, when: sa.Column[dt.datetime]
) -> tuple[object, ...]:
    """(rows, largest id, sum of ids, time of the newest row): inserts give new ids and the
    newest row's time is its write's; deletions change the count or the sum."""
    top = sa.select(sa.func.max(table.c.id)).scalar_subquery()
    return (
        conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one(),
        conn.execute(sa.select(top)).scalar_one(),
        conn.execute(sa.select(sa.func.sum(table.c.id))).scalar_one(),
        conn.execute(sa.select(when).where(table.c.id == top)).scalar_one_or_none(),
    )


def _changes(conn: sa.Connection, family: str) -> tuple[object, ...]:
    """The family's record of changes kept by the database's triggers: SQLite's counter, or
    PostgreSQL's count and newest of the writing transactions."""
    if conn.dialect.name == "postgresql":
        g = change_tx
        q = sa.select(sa.func.count(), sa.func.max(g.c.tx)).where(g.c.name == family)
        return tuple(conn.execute(q).one())
    c = change_counter
    return (conn.execute(sa.select(c.c.n).where(c.c.name == family)).scalar_one_or_none(),)


def _monitoring_stamp(conn: sa.Connection) -> str:
    b, mp = schema.import_batch, schema.monitoring_point
    parts = [
        _changes(conn, "monitoring"),
        _newest(conn, schema.sample, schema.sample.c.graded_at),
        _newest(conn, trend_result, trend_result.c.computed_at),
        conn.execute(sa.select(sa.func.count(), sa.func.max(b.c.withdrawn_at),
                               sa.func.sum(sa.case((b.c.status == "有效", 1), else_=0)))
                     .where(b.c.kind == "results")).one(),  # a withdrawal of results
    ]  # fmt: skip
    points = conn.execute(sa.select(mp).order_by(mp.c.id)).all()
    # Plain tuples: a Row's own repr shortens long values (and is 5× slower).
    digest = hashlib.sha256(repr([tuple(p) for p in points]).encode()).hexdigest()[:16]
    return "|".join(str(tuple(p)) for p in parts) + "|" + digest


def _wells_stamp(conn: sa.Connection) -> str:
    """Every update of a well raises its ``version`` (a soft deletion too); an import replaces
    rows (new ids)."""
    w = schema.abandoned_well
    got = conn.execute(sa.select(sa.func.count(), sa.func.max(w.c.id), sa.func.sum(w.c.id),
                                 sa.func.sum(w.c.version))).one()  # fmt: skip
    return f"wells|{_changes(conn, 'wells')}|{tuple(got)}"


def stamp(store: Store, name: str = "samples") -> str:
    """A short fingerprint (a few milliseconds) of the data summary ``name`` derives from: the
    ledger's wells, or samples, trend results, import batches (a withdrawal) and the point
    register's content."""
    with store.engine.connect() as conn:
        return _wells_stamp(conn) if name in WELL_SUMMARIES else _monitoring_stamp(conn)


def _encode(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _decode(payload: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(payload))


def _store(store: Store, name: str, mark: str, frame: pd.DataFrame) -> None:
    row = {"name": name, "stamp": mark, "payload": _encode(frame),
           "built_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}  # fmt: skip
    try:
        with store.transaction() as conn:
            conn.execute(sa.delete(summary).where(summary.c.name == name))
            conn.execute(sa.insert(summary).values(**row))
    except sa.exc.DBAPIError as exc:  # a read-only user, or another process writing it now
        log.warning("summary %s not stored (%s); it is computed on each read", name, exc.orig)


def cached(store: Store, name: str) -> pd.DataFrame:
    """Summary ``name`` (:data:`BUILDERS`): the stored one when its stamp is current, else
    rebuilt from the live tables (and stored for the next reader)."""
    mark = stamp(store, name)
    with store.engine.connect() as conn:
        got = conn.execute(
            sa.select(summary.c.stamp, summary.c.payload).where(summary.c.name == name)
        ).one_or_none()
    if got is not None and got.stamp == mark:
        return _decode(got.payload)
    build = builder(name)
    if build is None:
        raise KeyError(f"no summary {name!r}")
    frame = build(store)
    _store(store, name, mark, frame)
    return frame


def annual(store: Store, period: str = "") -> pd.DataFrame:
    """:func:`gwlib.quality.annual.annual_classes` of every sample (of one 水期 when given): one
    row per point and year, as stored."""
    return cached(store, f"annual:{period}" if period else "annual")


def refresh(store: Store, names: tuple[str, ...] = ON_WRITE) -> None:
    """Rebuild ``names`` now (after a write), so that pages read them ready-made."""
    marks: dict[bool, str] = {}  # one stamp per family (wells or not) for the whole refresh

    def mark(name: str) -> str:
        family = name in WELL_SUMMARIES
        if family not in marks:
            marks[family] = stamp(store, name)
        return marks[family]

    for name in names:
        _store(store, name, mark(name), BUILDERS[name](store))
    if names == ON_WRITE:
        with store.engine.connect() as conn:
            last = conn.execute(sa.select(sa.func.max(schema.sample.c.sample_date))).scalar()
        if last is not None:
            name = f"{EXCEEDANCES}{last.year}"
            _store(store, name, mark(name), store.exceedances(last.year, live=True))
