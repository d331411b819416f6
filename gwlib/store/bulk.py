"""Writing many rows fast: frames straight to the driver (SQLite ``executemany``, PostgreSQL
``COPY``), domain objects as rows, and graded samples with their measurements."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from enum import Enum
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import StoreError
from gwlib.store import schema
from gwlib.store.packed import pack_values

CHUNK = 5_000


def row_tuples(frame: pd.DataFrame, pydatetime: bool = False) -> list[tuple[Any, ...]]:
    """DataFrame rows as tuples with NaN/NaT as None and numpy scalars as Python values
    (column by column: a value-by-value conversion took half the import time); with
    ``pydatetime``, times as :class:`datetime.datetime` rather than pandas Timestamps."""
    columns = []
    for c in frame.columns:
        col = frame[c]
        if pydatetime and pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.to_pydatetime()
        values = col.tolist()  # Python scalars
        missing = frame[c].isna().to_numpy()
        if missing.any():
            values = [None if m else v for v, m in zip(values, missing, strict=True)]
        columns.append(values)
    return list(zip(*columns, strict=True))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts (:func:`row_tuples`)."""
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in row_tuples(frame)]


_PLAIN_TYPES = (sa.Integer, sa.Float, sa.String, sa.Boolean, sa.LargeBinary)  # Text: String
# SQLAlchemy's storage format for dates and times on SQLite (its defaults), so rows written
# straight to the driver read back exactly as rows written through SQLAlchemy.
_SQLITE_FORMATS = {sa.DateTime: "%Y-%m-%d %H:%M:%S.%f", sa.Date: "%Y-%m-%d"}


def _sqlite_text(values: pd.Series, fmt: str) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.strftime(fmt).where(stamps.notna(), None)


def insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Insert a frame in chunks, converting one chunk at a time (memory stays flat).

    Plain columns (numbers, text, flags, dates, times) skip SQLAlchemy's per-value parameter
    processing, which was half the cost of a results import and most of a trend refresh: on
    SQLite the rows go to the driver's ``executemany`` as tuples, dates and times written in
    SQLAlchemy's own text format; on PostgreSQL they go through ``COPY … FROM STDIN`` in the
    same transaction (row triggers fire as for INSERT). Columns of any other type keep the
    SQLAlchemy path."""
    names = [str(c) for c in frame.columns]
    types = [table.c[n].type for n in names]
    simple = all(isinstance(t, _PLAIN_TYPES + tuple(_SQLITE_FORMATS)) for t in types)
    if simple and conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_frame(conn, table, frame, names)
        return
    plain = simple and conn.dialect.name == "sqlite"
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
        f"VALUES ({', '.join('?' * len(names))})"
    )
    for i in range(0, len(frame), CHUNK):
        chunk = frame.iloc[i : i + CHUNK]
        if not plain:
            conn.execute(sa.insert(table), records(chunk))
            continue
        chunk = chunk.copy()
        for n, t in zip(names, types, strict=True):
            fmt = next((f for k, f in _SQLITE_FORMATS.items() if isinstance(t, k)), None)
            if fmt:
                chunk[n] = _sqlite_text(chunk[n], fmt)
        conn.exec_driver_sql(sql, row_tuples(chunk))


def _copy_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame, names: list[str]) -> None:
    """``COPY`` the frame's rows into ``table`` on this connection's transaction (psycopg 3)."""
    cols = ", ".join(f'"{n}"' for n in names)
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for i in range(0, len(frame), CHUNK):
            for row in row_tuples(frame.iloc[i : i + CHUNK], pydatetime=True):
                copy.write_row(row)


def row_of(obj: Any) -> dict[str, Any]:
    """A domain object as a table row: enums to their values, geometry to GeoJSON text."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, Enum):
            v = v.value
        elif isinstance(v, Mapping):
            v = json.dumps(v, ensure_ascii=False)
        elif v is None and f.name == "plan_type":
            v = ""
        out[f.name] = v
    return out


def point_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    """Ids of the points with these codes; :class:`StoreError` naming the unregistered ones."""
    mp = schema.monitoring_point
    ids = {str(c): int(i) for c, i in conn.execute(sa.select(mp.c.code, mp.c.id)).all()}
    missing = sorted(set(codes) - set(ids))
    if missing:
        raise StoreError("以下点位编码不在点位表中，请先登记点位：" + "、".join(missing[:20]))
    return ids


def insert_graded(
    conn: Connection,
    samples: pd.DataFrame,
    detail: pd.DataFrame,
    std: Any,
    ids: Mapping[str, int],
    source_file: str = "",
    batch_id: int | None = None,
) -> None:
    """Insert graded samples (one row per point and date) and their measurements.

    ``samples`` and ``detail`` have the columns :func:`gwlib.quality.assess.assess` gives;
    ``std`` is the :class:`~gwlib.quality.standards.StandardSet` they were graded with.
    """
    st = schema.sample
    codes = [i.code for i in std.indicators]
    units = [i.unit for i in std.indicators]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    s = samples.assign(
        point_id=samples["point"].map(ids), sample_date=pd.to_datetime(samples["date"]).dt.date
    )
    rows = pd.DataFrame(
        {
            "point_id": s["point_id"],
            "sample_date": s["sample_date"],
            "period": s.get("period", pd.Series("", index=s.index)).fillna(""),
            "lab": s.get("lab", pd.Series("", index=s.index)).fillna(""),
            "water_level_m": s.get("water_level", pd.Series(float("nan"), index=s.index)),
            "quality_class": s["class"],
            "limiting": s["limiting_codes"],
            "n_graded": s["n_graded"],
            "standard": std.code,
            "source_file": source_file,
            "graded_at": now,
            "batch_id": batch_id,
        }
    )
    insert_frame(conn, st, rows)
    point_list = sorted({int(p) for p in s["point_id"]})
    sid = pd.DataFrame(
        [
            tuple(r)
            for i in range(0, len(point_list), CHUNK)
            for r in conn.execute(
                sa.select(st.c.id, st.c.point_id, st.c.sample_date).where(
                    st.c.point_id.in_(point_list[i : i + CHUNK])
                )
            ).all()
        ],
        columns=["sample_id", "point_id", "sample_date"],
    )
    d = detail.assign(
        point_id=detail["point"].map(ids), sample_date=pd.to_datetime(detail["date"]).dt.date
    )
    d = d.merge(sid, on=["point_id", "sample_date"], how="left")
    known = d["indicator"] >= 0
    code_arr = pd.Series([*codes, ""]).iloc[d["indicator"].where(known, len(codes))]
    unit_arr = pd.Series([*units, ""]).iloc[d["indicator"].where(known, len(codes))]
    mrows = pd.DataFrame(
        {
            "sample_id": d["sample_id"].to_numpy(),
            "indicator_code": code_arr.to_numpy(),
            "reported_name": d["indicator_raw"].to_numpy(),
            "value": d["value"].to_numpy(),
            "unit": unit_arr.to_numpy(),
            "qualifier": d["qualifier"].to_numpy(),
            "censored": d["censored"].to_numpy(),
            "quality_class": d["class"].to_numpy(),
            "exceedance": d["exceedance"].to_numpy(),
            "raw_value": d["raw_value"].astype("str").str.slice(0, 64).to_numpy(),
            "raw_unit": d["raw_unit"].astype("str").str.slice(0, 32).to_numpy(),
        }
    )
    insert_measurements(conn, mrows)


def insert_measurements(conn: Connection, measurements: pd.DataFrame) -> None:
    """Insert measurement rows and their samples' packed values (:func:`pack_values`): every
    write of measurements goes through here. The samples must have no measurements yet."""
    insert_frame(conn, schema.measurement, measurements)
    insert_frame(conn, schema.sample_values, pack_values(measurements))
