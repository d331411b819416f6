"""项目储备库 table (migration ``projects_0001``); funds in 万元."""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, Integer, String, Table, Text

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
