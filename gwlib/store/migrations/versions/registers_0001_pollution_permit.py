"""Pollution-source register (污染源登记表): 排污许可证编号 and 自行监测

Revision ID: registers_0001
Revises: zones_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registers_0001"
down_revision = "zones_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pollution_source") as batch:
        batch.add_column(
            sa.Column("permit_no", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("self_monitoring", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("pollution_source") as batch:
        batch.drop_column("self_monitoring")
        batch.drop_column("permit_no")
