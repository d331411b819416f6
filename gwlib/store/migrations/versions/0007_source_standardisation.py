"""规范化建设 of drinking sources: signage, fencing, rectification

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("signage", "fencing", "rectification")


def upgrade() -> None:
    with op.batch_alter_table("drinking_source") as batch:
        for name in COLUMNS:
            batch.add_column(
                sa.Column(name, sa.String(length=16), nullable=False, server_default="未开展")
            )


def downgrade() -> None:
    with op.batch_alter_table("drinking_source") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
