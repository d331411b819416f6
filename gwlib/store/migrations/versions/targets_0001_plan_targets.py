"""The plan's targets as records (gwlib/store/schema.py ``plan_target``), filled from the 工作目标
of the plans already stored.

Revision ID: targets_0001
Revises: projects_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "targets_0001"
down_revision = "projects_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from gwlib.plans.goals import plan_goals

    target = op.create_table(
        "plan_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("action_plan.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=32), server_default="", nullable=False),
        sa.Column("purpose", sa.String(length=32), server_default="", nullable=False),
        sa.Column("cls", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
    )  # fmt: skip
    conn = op.get_bind()
    rows = []
    plans = conn.execute(sa.text("SELECT id, year, goals FROM action_plan")).all()
    for plan_id, year, goals in plans:
        rows += [
            {"plan_id": plan_id, "position": i, "kind": g.kind, "level": g.level or "",
             "purpose": g.purpose or "", "cls": g.cls, "value": g.value, "due": g.due,
             "text": g.text}
            for i, g in enumerate(plan_goals(goals or "", int(year)))
        ]  # fmt: skip
    if rows:
        op.bulk_insert(target, rows)


def downgrade() -> None:
    op.drop_table("plan_target")
