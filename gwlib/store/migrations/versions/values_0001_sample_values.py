"""The trend tests' input packed per sample (gwlib/store/schema.py ``sample_values``), filled
from the stored measurements.

Revision ID: values_0001
Revises: qc_0001
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from alembic import op

from gwlib.store.bulk import records
from gwlib.store.packed import pack_values

revision = "values_0001"
down_revision = "qc_0001"
branch_labels = None
depends_on = None

SAMPLES_PER_STEP = 5_000


def upgrade() -> None:
    table = op.create_table(
        "sample_values",
        sa.Column("sample_id", sa.Integer(),
                  sa.ForeignKey("sample.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("indicator_codes", sa.Text(), nullable=False),
        sa.Column("value_bytes", sa.LargeBinary(), nullable=False),
        sa.Column("censored_bytes", sa.LargeBinary(), nullable=False),
    )  # fmt: skip
    conn = op.get_bind()
    ids = [int(i) for (i,) in conn.execute(sa.text("SELECT id FROM sample ORDER BY id"))]
    read = sa.text(
        "SELECT sample_id, indicator_code, value, censored FROM measurement "
        "WHERE sample_id BETWEEN :a AND :b ORDER BY sample_id, id"
    )
    for i in range(0, len(ids), SAMPLES_PER_STEP):
        step = ids[i : i + SAMPLES_PER_STEP]
        rows = conn.execute(read, {"a": step[0], "b": step[-1]}).all()
        frame = pd.DataFrame(rows, columns=["sample_id", "indicator_code", "value", "censored"])
        packed = pack_values(frame)
        if len(packed):
            conn.execute(sa.insert(table), records(packed))


def downgrade() -> None:
    op.drop_table("sample_values")
