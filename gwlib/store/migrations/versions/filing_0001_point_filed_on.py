"""最近报备日期 of a monitoring point (gwlib/store/schema.py ``monitoring_point.filed_on``): when
its operator last reported (报备) its recharge or geothermal tail-water monitoring.

Revision ID: filing_0001
Revises: values_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "filing_0001"
down_revision = "values_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitoring_point") as batch:
        batch.add_column(sa.Column("filed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitoring_point") as batch:
        batch.drop_column("filed_on")
