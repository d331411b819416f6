"""Import batches (导入批次) and replaced sample versions, for results imports that can be
corrected and withdrawn

Revision ID: 0010
Revises: auth_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "auth_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("n_new", sa.Integer(), nullable=False),
        sa.Column("n_updated", sa.Integer(), nullable=False),
        sa.Column("n_unchanged", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), server_default="有效", nullable=False),
        sa.Column("withdrawn_by", sa.String(length=64), server_default="", nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index("ix_import_batch_sha256", "import_batch", ["sha256"], unique=False)
    # A plain ADD COLUMN (no foreign key): SQLite then alters in place instead of copying the
    # table, and a copy of ``sample`` would cascade-delete its measurements.
    op.add_column("sample", sa.Column("batch_id", sa.Integer(), nullable=True))
    op.create_index("ix_sample_batch_id", "sample", ["batch_id"], unique=False)
    op.create_table(
        "sample_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("sample_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=16), server_default="", nullable=False),
        sa.Column("lab", sa.String(length=128), server_default="", nullable=False),
        sa.Column("water_level_m", sa.Float(), nullable=True),
        sa.Column("quality_class", sa.Integer(), nullable=False),
        sa.Column("limiting", sa.Text(), server_default="", nullable=False),
        sa.Column("n_graded", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=32), nullable=False),
        sa.Column("source_file", sa.String(length=256), server_default="", nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("replaced_by", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("measurements", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_version")),
    )
    op.create_index("ix_sample_version_replaced_by", "sample_version", ["replaced_by"])
    op.create_index("ix_sample_version_batch_id", "sample_version", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_sample_version_batch_id", table_name="sample_version")
    op.drop_index("ix_sample_version_replaced_by", table_name="sample_version")
    op.drop_table("sample_version")
    op.drop_index("ix_sample_batch_id", table_name="sample")
    with op.batch_alter_table("sample") as batch:
        batch.drop_column("batch_id")
    op.drop_index("ix_import_batch_sha256", table_name="import_batch")
    op.drop_table("import_batch")
