"""调度 rounds, units' 填报 and 督办 actions (gwlib/store/schema_dispatch.py)

Revision ID: dispatch_0001
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0001"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("issue_no", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.UniqueConstraint("plan_year", "code"),
    )
    op.create_table(
        "dispatch_report",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("task_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_text", sa.Text(), server_default="", nullable=False),
        sa.Column("evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_dispatch_report_round", "dispatch_report", ["round_id"])
    op.create_table(
        "dispatch_action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("task_number", sa.Integer(), nullable=True),
        sa.Column("requirement", sa.Text(), server_default="", nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("response", sa.Text(), server_default="", nullable=False),
        sa.Column("responded_by", sa.String(length=64), server_default="", nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_dispatch_action_round", "dispatch_action", ["round_id"])


def downgrade() -> None:
    op.drop_table("dispatch_action")
    op.drop_table("dispatch_report")
    op.drop_table("dispatch_round")
