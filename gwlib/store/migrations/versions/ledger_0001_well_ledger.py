"""well ledger: status history, sealing record, documents, audit log, users

Revision ID: ledger_0001
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_log is append-only"


def upgrade() -> None:
    op.create_table(
        "well_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("well_code", sa.String(length=64), nullable=False),
        sa.Column("from_status", sa.String(length=16), server_default="", nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_well_event")),
    )
    op.create_index("ix_well_event_well_code", "well_event", ["well_code"], unique=False)
    op.create_table(
        "well_sealing",
        sa.Column("well_code", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=64), server_default="", nullable=False),
        sa.Column("wellhead", sa.Text(), server_default="", nullable=False),
        sa.Column("aquitard_seals", sa.Text(), server_default="", nullable=False),
        sa.Column("contractor", sa.String(length=128), server_default="", nullable=False),
        sa.Column("cost_wan", sa.Float(), nullable=True),
        sa.Column("funding_source", sa.String(length=128), server_default="", nullable=False),
        sa.Column("acceptance_date", sa.Date(), nullable=True),
        sa.Column("acceptance_conclusion", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("well_code", name=op.f("pk_well_sealing")),
    )
    op.create_table(
        "well_seal_interval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("well_code", sa.String(length=64), nullable=False),
        sa.Column("top_m", sa.Float(), nullable=False),
        sa.Column("bottom_m", sa.Float(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("material", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_well_seal_interval")),
    )
    op.create_index(
        "ix_well_seal_interval_well_code", "well_seal_interval", ["well_code"], unique=False
    )
    op.create_table(
        "well_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("well_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=256), nullable=False),
        sa.Column("stored_name", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_note", sa.Text(), server_default="", nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_well_document")),
    )
    op.create_index("ix_well_document_well_code", "well_document", ["well_code"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ts_utc", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), server_default="", nullable=False),
        sa.Column("old_value", sa.Text(), server_default="", nullable=False),
        sa.Column("new_value", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_entity_key", "audit_log", ["entity_key"], unique=False)
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE on audit_log in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("app_user")
    op.drop_index("ix_audit_log_entity_key", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_well_document_well_code", table_name="well_document")
    op.drop_table("well_document")
    op.drop_index("ix_well_seal_interval_well_code", table_name="well_seal_interval")
    op.drop_table("well_seal_interval")
    op.drop_table("well_sealing")
    op.drop_index("ix_well_event_well_code", table_name="well_event")
    op.drop_table("well_event")
