"""QA/QC samples: 平行样 and blanks in a table of their own (gwlib/store/schema.py ``qc_result``)

Revision ID: qc_0001
Revises: summaries_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "qc_0001"
down_revision = "summaries_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qc_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(),
                  sa.ForeignKey("monitoring_point.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sample_date", sa.Date(), nullable=False),
        sa.Column("sample_code", sa.String(length=64), server_default="", nullable=False),
        sa.Column("qc_type", sa.String(length=16), nullable=False),
        sa.Column("indicator_code", sa.String(length=16), nullable=False),
        sa.Column("reported_name", sa.String(length=128), server_default="", nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), server_default="", nullable=False),
        sa.Column("censored", sa.Boolean(), nullable=False),
        sa.Column("raw_value", sa.String(length=64), server_default="", nullable=False),
        sa.Column("raw_unit", sa.String(length=32), server_default="", nullable=False),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
    )  # fmt: skip
    op.create_index("ix_qc_result_point_date", "qc_result", ["point_id", "sample_date"])
    op.create_index("ix_qc_result_batch_id", "qc_result", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_qc_result_batch_id", table_name="qc_result")
    op.drop_index("ix_qc_result_point_date", table_name="qc_result")
    op.drop_table("qc_result")
