"""项目储备库: quarterly progress entries (gwlib/store/schema_projects.py ``project_progress``)

Revision ID: projects_0002
Revises: registers_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "projects_0002"
down_revision = "registers_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_progress",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("project_code", sa.String(length=64), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("progress", sa.Text(), server_default="", nullable=False),
        sa.Column("spent_wan", sa.Float(), nullable=True),
        sa.Column("filename", sa.String(length=256), server_default="", nullable=False),
        sa.Column("stored_name", sa.String(length=128), server_default="", nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_project_progress_code", "project_progress", ["project_code"])


def downgrade() -> None:
    op.drop_index("ix_project_progress_code", table_name="project_progress")
    op.drop_table("project_progress")
