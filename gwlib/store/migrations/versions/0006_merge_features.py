"""merge the feature branches (task status, trend results, well ledger) into one head

Revision ID: 0006
Revises: 0003, 0005, ledger_0001
"""

from __future__ import annotations

revision = "0006"
down_revision = ("0003", "0005", "ledger_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
