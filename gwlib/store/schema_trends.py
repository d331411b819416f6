"""Stored trend results: computed in a batch step, read by pages (never recomputed per rerun)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, Integer, String, Table, UniqueConstraint

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
