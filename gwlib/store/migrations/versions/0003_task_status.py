"""task checklist: manual status and evidence of plan tasks, and their append-only change log

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def _key() -> list[sa.Column[object]]:
    return [
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("plan_title", sa.String(length=256), nullable=False),
        sa.Column("section", sa.String(length=128), server_default="", nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "task_status",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key(),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_status")),
        sa.UniqueConstraint(
            "year",
            "region",
            "plan_title",
            "section",
            "number",
            name=op.f("uq_task_status_year_region_plan_title_section_number"),
        ),
    )
    op.create_table(
        "task_status_log",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key(),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("old_status", sa.String(length=16), server_default="", nullable=False),
        sa.Column("new_status", sa.String(length=16), nullable=False),
        sa.Column("old_evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("new_evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_status_log")),
    )
    op.create_index("ix_task_status_log_year", "task_status_log", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_status_log_year", table_name="task_status_log")
    op.drop_table("task_status_log")
    op.drop_table("task_status")
