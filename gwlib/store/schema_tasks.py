"""Tables of the annual task checklist: the manual status and evidence of each plan task, and
their append-only change log (who, when, old → new, note). Migration ``0003``.

A task is named by its plan (year, region, plan title) and its section and number as printed,
because :meth:`Store.save_plan` replaces a plan's task rows when the plan is re-imported; the
status survives a re-import of the same plan.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, UniqueConstraint

from gwlib.store.schema import metadata


def _task_key() -> tuple[Column[object], ...]:
    return (
        Column("year", Integer, nullable=False),
        Column("region", String(64), nullable=False),
        Column("plan_title", String(256), nullable=False),
        Column("section", String(128), nullable=False, server_default=""),
        Column("number", Integer, nullable=False),
    )


task_status = Table(
    "task_status",
    metadata,
    Column("id", Integer, primary_key=True),
    *_task_key(),
    Column("status", String(16), nullable=False),
    Column("evidence", Text, nullable=False, server_default=""),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("year", "region", "plan_title", "section", "number"),
)

task_status_log = Table(
    "task_status_log",
    metadata,
    Column("id", Integer, primary_key=True),
    *_task_key(),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("old_status", String(16), nullable=False, server_default=""),
    Column("new_status", String(16), nullable=False),
    Column("old_evidence", Text, nullable=False, server_default=""),
    Column("new_evidence", Text, nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
)
Index("ix_task_status_log_year", task_status_log.c.year)
