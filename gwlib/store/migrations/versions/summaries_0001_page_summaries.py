"""Summaries pages read, rebuilt on write (gwlib/store/summaries.py): table ``summary``, and a
record of changes per family of data that database triggers keep on every change, whoever makes
it (the program, a script, a DBA's SQL), so a summary is never read stale.

PostgreSQL: one statement-level trigger per table (INSERT, UPDATE, DELETE, TRUNCATE) adds the
writing transaction's id to ``change_tx`` (once per family and transaction; concurrent writers
insert different keys and never wait for each other, and the row becomes visible with the
transaction's data). SQLite, where writers are serialised anyway, raises a counter in
``change_counter`` from row-level triggers: UPDATE on every watched table, and INSERT and DELETE
on the small ones (:data:`ALL_EVENTS`); inserts and deletions of samples and trend results (bulk,
millions of rows) are seen by the stamp's counts, largest ids and newest times instead.

Revision ID: summaries_0001
Revises: projects_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "summaries_0001"
down_revision = "projects_0002"
branch_labels = None
depends_on = None

#: family -> the tables whose changes make its summaries stale (gwlib.store.summaries.WATCHED)
WATCHED = {
    "monitoring": ("sample", "measurement", "trend_result", "monitoring_point", "import_batch"),
    "wells": ("abandoned_well",),
}
#: SQLite: tables small enough for a row trigger on INSERT and DELETE as well as UPDATE.
ALL_EVENTS = ("monitoring_point", "import_batch", "abandoned_well")
FUNCTION = "gwlib_count_change"


def _sqlite_events(table: str) -> tuple[str, ...]:
    return ("INSERT", "UPDATE", "DELETE") if table in ALL_EVENTS else ("UPDATE",)


def upgrade() -> None:
    op.create_table(
        "summary",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
    )
    counter = op.create_table(
        "change_counter",
        sa.Column("name", sa.String(length=16), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.bulk_insert(counter, [{"name": f, "n": 0} for f in WATCHED])
    op.create_table(
        "change_tx",
        sa.Column("name", sa.String(length=16), primary_key=True),
        sa.Column("tx", sa.BigInteger(), primary_key=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO change_tx (name, tx) VALUES (TG_ARGV[0], txid_current()) "
            "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
        )
        for family, tables in WATCHED.items():
            for table in tables:
                op.execute(
                    f"CREATE TRIGGER {table}_count_change AFTER INSERT OR UPDATE OR DELETE OR "
                    f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION "
                    f"{FUNCTION}('{family}')"
                )
        return
    for family, tables in WATCHED.items():
        for table in tables:
            for event in _sqlite_events(table):
                op.execute(
                    f"CREATE TRIGGER {table}_count_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN UPDATE change_counter SET n = n + 1 WHERE name = '{family}'; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for tables in WATCHED.values():
            for table in tables:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_count_change ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    else:
        for tables in WATCHED.values():
            for table in tables:
                for event in _sqlite_events(table):
                    op.execute(f"DROP TRIGGER IF EXISTS {table}_count_{event.lower()}")
    op.drop_table("change_tx")
    op.drop_table("change_counter")
    op.drop_table("summary")
