"""trend results

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trend_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point", sa.String(length=64), nullable=False),
        sa.Column("indicator_code", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("n_nd", sa.Integer(), nullable=False),
        sa.Column("s", sa.Float(), nullable=False),
        sa.Column("var_s", sa.Float(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("p", sa.Float(), nullable=False),
        sa.Column("tau", sa.Float(), nullable=True),
        sa.Column("slope", sa.Float(), nullable=True),
        sa.Column("cov", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("first_date", sa.String(length=10), nullable=False),
        sa.Column("last_date", sa.String(length=10), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trend_result")),
        sa.UniqueConstraint(
            "point",
            "indicator_code",
            "method",
            name=op.f("uq_trend_result_point_indicator_code_method"),
        ),
    )


def downgrade() -> None:
    op.drop_table("trend_result")
