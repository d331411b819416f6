"""Tables of the 调度 → 通报 → 督办 cycle (migrations ``dispatch_0001``, ``dispatch_0002``).

- ``dispatch_round``: one 调度 round of a plan year (code such as ``2025Q4``), its 期号, due
  date for the units' 填报, and a snapshot of every task's progress when it was opened.
- ``dispatch_report``: one unit's 填报 for one task in a round (status, what was done,
  evidence); a later 填报 of the same unit and task supersedes the earlier one, which is kept.
- ``dispatch_evidence``: the evidence files of a 填报, each with its review status.
- ``dispatch_action``: 预警, 督办, 约谈 and 通报批评 issued in a round (unit, task, requirement,
  deadline) and the unit's response.

Every write goes through :mod:`gwlib.store.rounds` (editor check, audit row).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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

#: Evidence files of a 填报, stored like the ledger's documents (content-addressed under the
#: attachments directory) and reviewed the same way (未审 / 需补充 / 已审 / 有缺陷).
dispatch_evidence = Table(
    "dispatch_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("dispatch_report.id", ondelete="CASCADE"),
           nullable=False),
    Column("filename", String(256), nullable=False),
    Column("stored_name", String(128), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("review_status", String(8), nullable=False),
    Column("review_note", Text, nullable=False, server_default=""),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
)  # fmt: skip
Index("ix_dispatch_evidence_report", dispatch_evidence.c.report_id)

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
