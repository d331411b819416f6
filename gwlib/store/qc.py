"""QA/QC samples in the database (table ``qc_result``; the rules: :mod:`gwlib.quality.qc`).

A results import writes its file's QC samples in the same transaction as its routine samples
(:func:`write_qc`, called by :func:`gwlib.store.results.commit_results`): new ones are inserted
with the batch's id; a changed one's stored rows are marked ``replaced_by`` the batch and its new
rows inserted. Withdrawing the batch (:func:`withdraw_qc`) deletes its rows and brings back the
ones it replaced. Nothing here touches ``sample``: a QC sample never counts as a point's sample.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import StoreError
from gwlib.quality.qc import (
    BLANKS,
    CHANGED,
    NEW,
    PARALLEL,
    QC_COLUMNS,
    blank_detections,
    empty_qc,
    parallel_pairs,
)
from gwlib.store import Store, schema
from gwlib.store.bulk import CHUNK, insert_frame
from gwlib.store.imports import ACTIVE

_COLS = [c for c in QC_COLUMNS if c not in ("point", "date")]


def _select() -> sa.Select[tuple[object, ...]]:
    q, mp = schema.qc_result, schema.monitoring_point
    return (
        sa.select(mp.c.code.label("point"), q.c.sample_date.label("date"), *[q.c[c] for c in _COLS])
        .join(mp, mp.c.id == q.c.point_id)
        .where(q.c.replaced_by.is_(None))
    )


def stored_qc(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """The stored (live) QC measurements of the points and days in ``keys`` (``point``,
    ``date``)."""
    if keys.empty:
        return empty_qc()
    q = schema.qc_result
    days = pd.to_datetime(keys["date"]).dt.date
    got = store._frame(_select().where(q.c.sample_date.between(days.min(), days.max())))
    if got.empty:
        return empty_qc()
    got["date"] = pd.to_datetime(got["date"]).dt.date
    want = keys.assign(date=days)[["point", "date"]].drop_duplicates()
    return got.merge(want, on=["point", "date"])[QC_COLUMNS]


def qc_results(store: Store) -> pd.DataFrame:
    """Every live QC measurement, by point, day and 样品编号."""
    got = store._frame(_select())
    if got.empty:
        return empty_qc()
    got["date"] = pd.to_datetime(got["date"]).dt.date
    return got[QC_COLUMNS].sort_values(["point", "date", "sample_code", "indicator_code"],
                                       ignore_index=True)  # fmt: skip


def qc_report(
    store: Store, limit_pct: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(parallel pairs with their relative difference, indicators detected in blanks) of every
    live QC sample (:func:`gwlib.quality.qc.parallel_pairs`, :func:`~.blank_detections`)."""
    qc = qc_results(store)
    par = qc[qc["qc_type"] == PARALLEL]
    routine = _routine_beside(store, par[["point", "date"]].drop_duplicates())
    return parallel_pairs(routine, par, limit_pct), blank_detections(qc[qc["qc_type"].isin(BLANKS)])


def _routine_beside(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """The routine measurements of these points and days (those with a 平行样): a query on the
    few points and days, so a province's millions of measurements are not scanned."""
    cols = ["point", "date", "indicator_code", "value", "censored"]
    if keys.empty:
        return pd.DataFrame(columns=cols)
    st, ms, mp = schema.sample, schema.measurement, schema.monitoring_point
    got = store._frame(
        sa.select(mp.c.code.label("point"), st.c.sample_date.label("date"), ms.c.indicator_code,
                  ms.c.value, ms.c.censored)
        .join(st, st.c.id == ms.c.sample_id).join(mp, mp.c.id == st.c.point_id)
        .where(mp.c.code.in_(sorted(set(keys["point"])))
               & st.c.sample_date.in_(sorted(set(keys["date"]))))
    )  # fmt: skip
    if got.empty:
        return pd.DataFrame(columns=cols)
    got = got.assign(date=pd.to_datetime(got["date"]).dt.date)
    return got.merge(keys, on=["point", "date"])[cols]


def write_qc(
    conn: Connection, samples: pd.DataFrame, detail: pd.DataFrame, ids: dict[str, int],
    batch_id: int,
) -> int:  # fmt: skip
    """Write a plan's QC samples (see the module docstring); returns the rows inserted."""
    q = schema.qc_result
    live = samples[samples["status"].isin([NEW, CHANGED])]
    if live.empty:
        return 0
    for r in live[live["status"] == CHANGED].to_dict("records"):
        conn.execute(
            sa.update(q)
            .where((q.c.point_id == ids[str(r["point"])]) & (q.c.sample_date == r["date"])
                   & (q.c.sample_code == r["sample_code"]) & (q.c.qc_type == r["qc_type"])
                   & q.c.replaced_by.is_(None))
            .values(replaced_by=batch_id)
        )  # fmt: skip
    rows = detail.assign(
        batch_id=batch_id,
        point_id=detail["point"].astype(str).map(ids).astype("int64"),
        sample_date=detail["date"],
    ).drop(columns=["point", "date"])
    for i in range(0, len(rows), CHUNK):
        insert_frame(conn, q, rows.iloc[i : i + CHUNK])
    return len(rows)


def withdraw_qc(conn: Connection, batch_id: int) -> int:
    """Remove a withdrawn batch's QC rows and bring back those it replaced; returns the rows
    removed. A later active batch that replaced this batch's QC rows must be withdrawn first."""
    q, b = schema.qc_result, schema.import_batch
    later = conn.execute(
        sa.select(q.c.replaced_by).join(b, b.c.id == q.c.replaced_by)
        .where((q.c.batch_id == batch_id) & (b.c.status == ACTIVE)).distinct()
    ).scalars().all()  # fmt: skip
    if later:
        which = "、".join(f"批次 {n}" for n in later)
        raise StoreError(f"导入批次 {batch_id} 的质控样已被后来的{which}修改：请先撤回后来的批次")
    removed = conn.execute(sa.delete(q).where(q.c.batch_id == batch_id)).rowcount
    conn.execute(sa.update(q).where(q.c.replaced_by == batch_id).values(replaced_by=None))
    return int(removed or 0)
