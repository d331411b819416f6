"""Pollution-source register: 执法检查(次) and 违法线索 (the brief's enforcement section)

Revision ID: registers_0002
Revises: dispatch_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "registers_0002"
down_revision = "dispatch_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pollution_source") as batch:
        batch.add_column(sa.Column("inspections", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("violations", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("pollution_source") as batch:
        batch.drop_column("violations")
        batch.drop_column("inspections")
