"""Who writes, and the audit trail every write leaves.

* :class:`Actor` names the writer; each write checks the account's role *at the time of the
  write*, inside its own transaction (:meth:`Actor.require_write`), so a session opened before
  the account was disabled or demoted cannot write after it.
* :func:`write_audit` adds one ``audit_log`` row per changed field (who, when, field, old → new)
  in the caller's transaction; the table refuses UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gwlib.errors import PermissionDenied, ValidationError
from gwlib.store import Store
from gwlib.store.schema_ledger import app_user, audit_log

ROLES = ("viewer", "editor", "admin")
ROLE_NAMES = {"viewer": "查看者", "editor": "编辑", "admin": "管理员"}
WRITE_ROLES = ("editor", "admin")
CLI_PREFIX = "命令行:"
MAX_USER_CHARS = 64  # audit_log.user_name


@dataclass(frozen=True)
class Actor:
    """Who is writing.

    ``user`` names an account in ``app_user``. The actor carries no role: every write calls
    :meth:`require_write` (or :meth:`require_admin`) on its own transaction's connection, which
    reads the account's active flag and role at that moment (on PostgreSQL with ``FOR SHARE``,
    so a concurrent disable waits for the write to finish and every later write sees it).

    A command-line operator (:meth:`command_line`) has no account: whoever can run
    ``python -m gwlib`` on the server can open the database directly. The audit log names
    the operating-system user as ``命令行:<user>``.
    """

    user: str
    local: bool = False

    @classmethod
    def command_line(cls, os_user: str, declared: str = "") -> Actor:
        """The operator of a command on the server; ``declared`` is a name they gave (e.g. the
        person who filled the spreadsheet), recorded next to theirs, never instead of it."""
        name = f"{CLI_PREFIX}{os_user}"
        if declared.strip():
            name += f"（声明为 {declared.strip()}）"
        if len(name) > MAX_USER_CHARS:
            raise ValidationError(
                "操作人", name, f"不超过 {MAX_USER_CHARS} 个字符（审计日志的操作人列宽度）"
            )
        return cls(name, local=True)

    def require_write(self, conn: Connection) -> str:
        """The account's role now if it may change data (editor, admin); else PermissionDenied."""
        return self._require(conn, WRITE_ROLES, "只能查看，不能修改")

    def require_admin(self, conn: Connection) -> str:
        """The account's role now, if it may manage users (admin); else PermissionDenied."""
        return self._require(conn, ("admin",), "不能管理用户（只有管理员能管理用户）")

    def _require(self, conn: Connection, allowed: Sequence[str], denied: str) -> str:
        if self.local:
            return "admin"
        if not self.user:
            raise PermissionDenied("请先登录")
        row = conn.execute(
            sa.select(app_user.c.role, app_user.c.active)
            .where(app_user.c.username == self.user)
            .with_for_update(read=True)
        ).one_or_none()
        if row is None or not row.active:
            raise PermissionDenied(
                f"账号「{self.user}」已停用或不存在，不能修改。请重新登录或联系管理员。"
            )
        if row.role not in allowed:
            role = ROLE_NAMES.get(row.role, row.role)
            raise PermissionDenied(f"用户 {self.user} 的角色为「{role}」，{denied}")
        return str(row.role)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def audit_text(value: Any) -> str:
    """A value as the audit log shows it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def db_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def same_value(a: Any, b: Any) -> bool:
    return audit_text(db_value(a)) == audit_text(db_value(b))


def write_audit(
    conn: Connection,
    actor: Actor,
    action: str,
    entity: str,
    key: str,
    changes: Sequence[tuple[str, Any, Any]] = (),
    note: str = "",
    ts: dt.datetime | None = None,
) -> None:
    ts = ts or utc_now()
    rows = [
        {
            "ts_utc": ts,
            "user_name": actor.user,
            "action": action,
            "entity": entity,
            "entity_key": key,
            "field": name,
            "old_value": audit_text(old),
            "new_value": audit_text(new),
            "note": note,
        }
        for name, old, new in changes
    ] or [
        {
            "ts_utc": ts,
            "user_name": actor.user,
            "action": action,
            "entity": entity,
            "entity_key": key,
            "note": note,
        }
    ]
    conn.execute(sa.insert(audit_log), rows)


def history(store: Store, code: str) -> pd.DataFrame:
    """The well's audit trail, newest first."""
    a = audit_log
    return store._frame(
        sa.select(
            a.c.ts_utc, a.c.user_name, a.c.action, a.c.entity, a.c.field,
            a.c.old_value, a.c.new_value, a.c.note,
        )
        .where(a.c.entity_key == code)
        .order_by(a.c.id.desc())
    )  # fmt: skip
