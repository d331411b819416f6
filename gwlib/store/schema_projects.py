"""项目储备库 tables (migrations ``projects_0001``, ``projects_0002``); funds in 万元."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from gwlib.store.schema import metadata

project = Table(
    "project",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(256), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("township", String(64), nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("total_wan", Float, nullable=False, server_default="0"),
    Column("central_wan", Float, nullable=False, server_default="0"),
    Column("provincial_wan", Float, nullable=False, server_default="0"),
    Column("local_wan", Float, nullable=False, server_default="0"),
    Column("allocated_wan", Float, nullable=False, server_default="0"),
    Column("spent_wan", Float, nullable=False, server_default="0"),
    Column("start_date", Date),
    Column("finish_date", Date),
    Column("wells", Text, nullable=False, server_default=""),
    Column("sources", Text, nullable=False, server_default=""),
    Column("pollution_sources", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
)


#: A project's quarterly progress (季度调度): what was done, cumulative 已支出 at the quarter's
#: end, and an evidence file stored like the ledger's documents (optional).
project_progress = Table(
    "project_progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_code", String(64), nullable=False),
    Column("quarter", String(8), nullable=False),
    Column("progress", Text, nullable=False, server_default=""),
    Column("spent_wan", Float),
    Column("filename", String(256), nullable=False, server_default=""),
    Column("stored_name", String(128), nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)
Index("ix_project_progress_code", project_progress.c.project_code)
