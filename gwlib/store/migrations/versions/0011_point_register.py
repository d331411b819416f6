"""Point register (点位登记表): 监测用途 beside 点位类别, 备注, 建井日期 and the coordinates as given

点位类别 becomes the network level alone. The two categories that were purposes become a level
and a purpose: 水源地监测井 → 县控 + 饮用水源, 污染源监测井 → 自行监测 + 污染风险监控.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SPLIT = (("水源地监测井", "县控", "饮用水源"), ("污染源监测井", "自行监测", "污染风险监控"))


def upgrade() -> None:
    op.add_column(
        "monitoring_point",
        sa.Column("purpose", sa.String(length=16), server_default="区域", nullable=False),
    )
    op.add_column(
        "monitoring_point", sa.Column("note", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("monitoring_point", sa.Column("established", sa.Date(), nullable=True))
    op.add_column("monitoring_point", sa.Column("input_x", sa.Float(), nullable=True))
    op.add_column("monitoring_point", sa.Column("input_y", sa.Float(), nullable=True))
    op.add_column(
        "monitoring_point",
        sa.Column("input_crs", sa.String(length=64), server_default="", nullable=False),
    )
    mp = sa.table("monitoring_point", sa.column("category"), sa.column("purpose"))
    for old, level, purpose in SPLIT:
        op.execute(
            mp.update().where(mp.c.category == old).values(category=level, purpose=purpose)
        )


def downgrade() -> None:
    mp = sa.table("monitoring_point", sa.column("category"), sa.column("purpose"))
    for old, level, purpose in SPLIT:
        op.execute(
            mp.update()
            .where((mp.c.category == level) & (mp.c.purpose == purpose))
            .values(category=old)
        )
    with op.batch_alter_table("monitoring_point") as batch:
        for name in ("input_crs", "input_y", "input_x", "established", "note", "purpose"):
            batch.drop_column(name)
