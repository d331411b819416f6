"""项目储备库 (gwlib/store/schema_projects.py)

Revision ID: projects_0001
Revises: registers_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "projects_0001"
down_revision = "registers_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=64), nullable=False, unique=True),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("township", sa.String(length=64), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *[sa.Column(c, sa.Float(), server_default="0", nullable=False) for c in ("total_wan", "central_wan", "provincial_wan",
                                                   "local_wan", "allocated_wan", "spent_wan")],
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("finish_date", sa.Date(), nullable=True),
        *[sa.Column(c, sa.Text(), server_default="", nullable=False)
          for c in ("wells", "sources", "pollution_sources", "note")],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("project")
