"""Evidence files of a 调度 填报 (gwlib/store/schema_dispatch.py ``dispatch_evidence``)

Revision ID: dispatch_0002
Revises: targets_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0002"
down_revision = "targets_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(),
                  sa.ForeignKey("dispatch_report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(length=256), nullable=False),
        sa.Column("stored_name", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("review_status", sa.String(length=8), nullable=False),
        sa.Column("review_note", sa.Text(), server_default="", nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )  # fmt: skip
    op.create_index("ix_dispatch_evidence_report", "dispatch_evidence", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_dispatch_evidence_report", table_name="dispatch_evidence")
    op.drop_table("dispatch_evidence")
