"""Zones carry 批复文号 and 批复日期 beside 划定状态 (zone import)

Revision ID: zones_0001
Revises: dispatch_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "zones_0001"
down_revision = "dispatch_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "zone", sa.Column("approval_no", sa.String(length=128), server_default="", nullable=False)
    )
    op.add_column("zone", sa.Column("approval_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("zone") as batch:
        batch.drop_column("approval_date")
        batch.drop_column("approval_no")
