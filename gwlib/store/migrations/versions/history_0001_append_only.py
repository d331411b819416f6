"""every history table append-only on both engines: audit_log, well_event, task_status_log

UPDATE and DELETE of a row are refused by a row trigger on SQLite and PostgreSQL; TRUNCATE by a
statement trigger on PostgreSQL (SQLite has no TRUNCATE). Replaces the English-message triggers
that ``ledger_0001`` put on ``audit_log``. The table list is frozen here, as a migration must be;
``gwlib.store.schema.HISTORY_TABLES`` is the living list and a test holds the two together.

Triggers do not stop the owner of a PostgreSQL table (``ALTER TABLE … DISABLE TRIGGER``, ``DROP``):
the application runs as a role that owns nothing (docs/deploy.md, ``gwlib migrate
--grant-app-role``).

Revision ID: history_0001
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "history_0001"
down_revision = "0007"
branch_labels = None
depends_on = None

#: table -> its name in messages
HISTORY = {
    "audit_log": "审计日志",
    "well_event": "封井流程记录",
    "task_status_log": "任务状态变更记录",
}
VERB = {"UPDATE": "修改", "DELETE": "删除", "TRUNCATE": "清空"}
FUNCTION = "gwlib_append_only"

# What ledger_0001 created on audit_log (dropped here, recreated by downgrade).
OLD_MESSAGE = "audit_log is append-only"


def message(table: str, op_name: str) -> str:
    """The refusal, the same text on both engines."""
    return f"{HISTORY[table]}（{table}）只能追加，不允许{VERB[op_name]}已有记录"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        # One function; the table's label comes as the trigger's argument.
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '%（%）只能追加，不允许%已有记录', TG_ARGV[0], TG_TABLE_NAME, "
            "CASE TG_OP WHEN 'UPDATE' THEN '修改' WHEN 'DELETE' THEN '删除' ELSE '清空' END "
            "USING ERRCODE = 'restrict_violation'; "
            "END $$"
        )
        for table, label in HISTORY.items():
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}('{label}')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{label}')"
            )
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for table in HISTORY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message(table, event)}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in HISTORY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{OLD_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for table in HISTORY:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{OLD_MESSAGE}'); END"
        )
