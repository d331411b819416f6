"""The PostgreSQL role the application runs as, and what it may do.

Triggers make the history tables append-only, but the role that owns a table can still
``ALTER TABLE … DISABLE TRIGGER``, ``TRUNCATE`` after that, or ``DROP`` it. So two roles:

* the **owner** owns the database and its tables; it runs ``python -m gwlib migrate`` (schema
  changes), ``restore`` and ``demo --replace``;
* the **application role** owns nothing: SELECT and INSERT on the history tables
  (:data:`~gwlib.store.schema.HISTORY_TABLES`), SELECT, INSERT, UPDATE and DELETE on every other
  table, SELECT on ``alembic_version`` and USAGE on the id sequences.

:func:`app_role_grants` writes those statements; :func:`grant_app_role` checks the role and runs
them as the owner, in one transaction, after every migration (a new table needs its grant).
SQLite has no roles: there the file's permissions decide (docs/deploy.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gwlib.errors import StoreError
from gwlib.store import Store
from gwlib.store.engine import owner_only
from gwlib.store.schema import HISTORY_TABLES, metadata

VERSION_TABLE = "alembic_version"


def require_postgresql(dialect: str) -> None:
    """Roles and grants exist on PostgreSQL only."""
    if dialect != "postgresql":
        raise StoreError(
            "SQLite 没有数据库角色，无需授权：历史表由触发器保证只能追加，"
            "数据库文件的读写权限由操作系统控制（见 docs/deploy.md）"
        )


def app_role_grants(role: str, database: str, schema: str = "public") -> list[str]:
    """The SQL that gives ``role`` exactly the application's privileges (and nothing else)."""
    q = postgresql.dialect().identifier_preparer.quote  # type: ignore[no-untyped-call]
    r, s = q(role), q(schema)
    history = [q(t) for t in HISTORY_TABLES]
    others = [q(t.name) for t in metadata.sorted_tables if t.name not in HISTORY_TABLES]
    every = ", ".join([*others, *history, q(VERSION_TABLE)])
    return [
        f"REVOKE ALL ON {every} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
        f"GRANT CONNECT ON DATABASE {q(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT ON {q(VERSION_TABLE)} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(others)} TO {r}",
        f"GRANT SELECT, INSERT ON {', '.join(history)} TO {r}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
    ]


def grant_app_role(store: Store, role: str) -> list[str]:
    """Give ``role`` the application's privileges on ``store``'s database; returns the SQL run.

    Refuses a role that does not exist, is a superuser, or owns (or inherits from the owner
    of) the tables: triggers would not hold it.
    """
    require_postgresql(store.dialect)
    with owner_only(f"给角色 {role} 授权"), store.transaction() as conn:
        found = conn.execute(
            sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if found is None:
            raise StoreError(
                f"数据库角色「{role}」不存在：请先由管理员建立，例如 "
                f"CREATE ROLE {role} LOGIN PASSWORD '口令'"
            )
        if found[0]:
            raise StoreError(f"角色「{role}」是超级用户，不受触发器和授权限制，不能用作应用角色")
        owner = conn.execute(
            sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log' "
                    "AND schemaname = current_schema()")
        ).scalar_one()  # fmt: skip
        inherits = conn.execute(
            sa.text("SELECT pg_has_role(:r, :o, 'USAGE')"), {"r": role, "o": owner}
        ).scalar_one()
        if inherits:
            raise StoreError(
                f"角色「{role}」就是数据表的所有者「{owner}」或继承其权限，"
                "可以停用触发器、清空历史表；应用须使用另一个不拥有任何表的角色"
            )
        database, schema = conn.execute(
            sa.text("SELECT current_database(), current_schema()")
        ).one()
        statements = app_role_grants(role, database, schema)
        for statement in statements:
            conn.execute(sa.text(statement))
    return statements
