"""Tables of the 调度 → 通报 → 督办 cycle (migration ``dispatch_0001``).

- ``dispatch_round``: one 调度 round of a plan year (code such as ``2025Q4``), its 期号, due
  date for the units' 填报, and a snapshot of every task's progress when it was opened.
- ``dispatch_report``: one unit's 填报 for one task in a round (status, what was done,
  evidence); a later 填报 of the same unit and task supersedes the earlier one, which is kept.
- ``dispatch_action``: 预警, 督办, 约谈 and 通报批评 issued in a round (unit, task, requirement,
  deadline) and the unit's response.

Every write goes through :mod:`gwlib.store.rounds` (editor check, audit row).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text, UniqueConstraint

from gwlib.store.schema import metadata

dispatch_round = Table(
    "dispatch_round",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False),  # 2025Q4
    Column("plan_year", Integer, nullable=False),
    Column("issue_no", Integer, nullable=False),  # 期号 within the plan year
    Column("period_end", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("snapshot", Text, nullable=False),  # JSON: task rows at opening
    UniqueConstraint("plan_year", "code"),
)

dispatch_report = Table(
    "dispatch_report",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("task_number", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("done_text", Text, nullable=False, server_default=""),
    Column("evidence", Text, nullable=False, server_default=""),
    Column("reported_by", String(64), nullable=False),
    Column("reported_at", DateTime, nullable=False),
)
Index("ix_dispatch_report_round", dispatch_report.c.round_id)

dispatch_action = Table(
    "dispatch_action",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # 预警 / 督办 / 约谈 / 通报批评
    Column("unit", String(64), nullable=False),
    Column("task_number", Integer),
    Column("requirement", Text, nullable=False, server_default=""),
    Column("deadline", Date),
    Column("issued_by", String(64), nullable=False),
    Column("issued_at", DateTime, nullable=False),
    Column("response", Text, nullable=False, server_default=""),
    Column("responded_by", String(64), nullable=False, server_default=""),
    Column("responded_at", DateTime),
)
Index("ix_dispatch_action_round", dispatch_action.c.round_id)
