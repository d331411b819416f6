"""Stored derived results: trend results, computed in a batch step, and the summaries pages read
(:mod:`gwlib.store.summaries`); never recomputed per rerun."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gwlib.store.schema import metadata

trend_result = Table(
    "trend_result",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("point", String(64), nullable=False),
    Column("indicator_code", String(16), nullable=False),
    Column("method", String(16), nullable=False),  # "mk" (Mann-Kendall) | "seasonal"
    Column("n", Integer, nullable=False),
    Column("n_nd", Integer, nullable=False),
    Column("s", Float, nullable=False),
    Column("var_s", Float, nullable=False),
    Column("z", Float, nullable=False),
    Column("p", Float, nullable=False),
    Column("tau", Float),
    Column("slope", Float),  # Sen's slope per year, standard's unit
    Column("cov", Float),
    Column("category", String(16), nullable=False),
    Column("first_date", String(10), nullable=False),
    Column("last_date", String(10), nullable=False),
    Column("computed_at", DateTime, nullable=False),
    UniqueConstraint("point", "indicator_code", "method"),
)

#: One summary frame per name (Parquet), with the stamp of the data it was built from.
summary = Table(
    "summary",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("stamp", Text, nullable=False),
    Column("built_at", DateTime, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)

#: Changes per family of data ("monitoring", "wells"), kept by database triggers on every
#: change to the family's tables (migration summaries_0001): part of each summary's stamp.
#: SQLite raises a counter; PostgreSQL logs each writing transaction's id (no row that
#: concurrent writers would wait for).
change_counter = Table(
    "change_counter",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("n", BigInteger, nullable=False, server_default="0"),
)
change_tx = Table(
    "change_tx",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("tx", BigInteger, primary_key=True),
)
