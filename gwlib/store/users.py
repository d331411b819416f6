"""Users of the app and their roles, with passwords hashed by Argon2id (argon2-cffi).

Roles: ``viewer`` (leaders: read everything, change nothing), ``editor`` (section staff: edit the
ledger), ``admin`` (also manages users). A user signed in through single sign-on (``st.login``,
OIDC) is matched by ``username`` = the e-mail or subject the identity provider gives; such a user
may have no password (``password_hash`` empty), and then cannot sign in with one.

Rules kept here, whoever calls (the 用户管理 page or ``python -m gwlib users``):

* Only an admin manages users; the admin's account is read again inside the write
  (:meth:`~gwlib.store.audit.Actor.require_admin`).
* The last active admin can be neither demoted nor disabled.
* Passwords follow :func:`check_password` (see :data:`PASSWORD_RULES`).
* Every change is in ``audit_log``; a disabled account's open sessions end at once.

Argon2 takes about 64 MiB and tens of milliseconds per hash: at most :data:`ARGON2_SLOTS`
run at once in a process (:func:`argon2_slot`); the rest wait up to :data:`ARGON2_WAIT_S`.
"""

from __future__ import annotations

import datetime as dt
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher

from gwlib.errors import LoginRefused, StoreError, ValidationError
from gwlib.store import Store
from gwlib.store.audit import CLI_PREFIX, ROLE_NAMES, ROLES, Actor, write_audit
from gwlib.store.schema_auth import login_session, login_throttle
from gwlib.store.schema_ledger import app_user

__all__ = [
    "MIN_PASSWORD",
    "PASSWORD_RULES",
    "ROLES",
    "User",
    "check_password",
    "create_user",
    "update_user",
    "users",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 256
PASSWORD_RULES = (
    f"至少 {MIN_PASSWORD} 个字符；至少含小写字母、大写字母、数字、其他字符（符号、空格、汉字）"
    "中的 3 类；不等于也不包含用户名；不是常见密码"
)
#: Passwords that pass the length and character-class rules but are among the first tried by
#: anyone guessing (lists of leaked passwords, and the ones written on office monitors).
#: Compared ignoring case.
COMMON_PASSWORDS = frozenset(
    p.casefold()
    for p in (
        "Password123", "Password123!", "Password@123", "Passw0rd123", "P@ssw0rd123",
        "P@ssword123", "Passw0rd!23", "Password1234", "Pa$$w0rd123", "Admin@12345",
        "Admin@123456", "Admin123456", "Admin12345!", "Abc@123456", "Abc123456!",
        "Abcd@123456", "Aa123456789", "Aa12345678", "Aa@123456789", "Qwerty12345",
        "Qwerty@123", "Qwerty123!", "Qwer@123456", "Qwer1234!@#$", "1qaz@WSX3edc",
        "1qaz!QAZ2wsx", "1qaz2wsx#EDC", "1QAZ2wsx3edc", "Zxcvbnm123!", "Zxc@123456",
        "Welcome123", "Welcome@123", "Welcome1234", "Huawei@123", "Huawei12345",
        "Changeme123", "Changeme@123", "Test@123456", "Test123456!", "Root@123456",
        "Sa123456789", "Woaini1314!", "Woaini@1314", "Iloveyou123", "Letmein123!",
        "Gwlib@123456", "Gwlib123456",
    )
)  # fmt: skip
ARGON2_SLOTS = 2
ARGON2_WAIT_S = 5.0
_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
_ARGON2 = threading.BoundedSemaphore(ARGON2_SLOTS)
BUSY_MESSAGE = "正在登录的人较多，服务器暂时忙不过来：请稍后再试。"


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor(self.username)


@contextmanager
def argon2_slot() -> Iterator[PasswordHasher]:
    """The hasher, once one of the :data:`ARGON2_SLOTS` is free; :class:`LoginRefused` when
    none frees up within :data:`ARGON2_WAIT_S` (32 guesses at once took 1.5 GB otherwise)."""
    if not _ARGON2.acquire(timeout=ARGON2_WAIT_S):
        raise LoginRefused(BUSY_MESSAGE, ARGON2_WAIT_S)
    try:
        yield _HASHER
    finally:
        _ARGON2.release()


def _classes(password: str) -> int:
    lower = any(c.islower() and c.isascii() for c in password)
    upper = any(c.isupper() and c.isascii() for c in password)
    digit = any(c in string.digits for c in password)
    other = any(not (c.isascii() and c.isalnum()) for c in password)
    return lower + upper + digit + other


def check_password(password: str, username: str) -> None:
    """Raise :class:`ValidationError` naming the first rule of :data:`PASSWORD_RULES` that
    ``password`` breaks (the value itself is never shown)."""
    hidden = "（已隐藏）"
    if len(password) < MIN_PASSWORD:
        raise ValidationError("密码", hidden, f"至少 {MIN_PASSWORD} 个字符")
    if len(password) > MAX_PASSWORD:
        raise ValidationError("密码", hidden, f"不超过 {MAX_PASSWORD} 个字符")
    if _classes(password) < 3:
        raise ValidationError(
            "密码", hidden, "至少含小写字母、大写字母、数字、其他字符（符号、空格、汉字）中的 3 类"
        )
    folded, name = password.casefold(), username.strip().casefold()
    if name and (folded == name or (len(name) >= 3 and name in folded)):
        raise ValidationError("密码", hidden, "不等于也不包含用户名")
    if folded in COMMON_PASSWORDS:
        raise ValidationError("密码", hidden, "不是常见密码（此密码在常见密码表中，请换一个）")


def hash_password(password: str, username: str) -> str:
    check_password(password, username)
    with argon2_slot() as hasher:
        return hasher.hash(password)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError("角色", role, "、".join(f"{r}（{ROLE_NAMES[r]}）" for r in ROLES))
    return role


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_user(
    store: Store,
    username: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    *,
    by: Actor,
) -> User:
    """Add a user (``by``: an admin, or :meth:`Actor.command_line`). ``password`` None makes an
    SSO-only account."""
    name = username.strip()
    if not name or len(name) > 64:
        raise ValidationError("用户名", username, "1–64 个字符")
    if name.startswith(CLI_PREFIX.rstrip(":")):
        raise ValidationError(
            "用户名", username, f"不以「{CLI_PREFIX}」开头（审计日志用它标记命令行）"
        )
    _check_role(role)
    pw_hash = hash_password(password, name) if password is not None else ""
    with store.transaction() as conn:
        by.require_admin(conn)
        exists = conn.execute(
            sa.select(app_user.c.id).where(app_user.c.username == name)
        ).one_or_none()
        if exists:
            raise StoreError(f"用户「{name}」已存在")
        conn.execute(
            sa.insert(app_user).values(
                username=name,
                display_name=display_name.strip(),
                role=role,
                password_hash=pw_hash,
                active=True,
                created_at=_now(),
            )
        )
        changes: list[tuple[str, object, object]] = [
            ("role", None, role),
            ("display_name", None, display_name.strip()),
        ]
        if pw_hash:
            changes.append(("password", "", "（已设置）"))
        write_audit(conn, by, "create", "user", name, changes)
    return User(name, display_name.strip(), role)


def _lock_admins(conn: sa.Connection) -> list[str]:
    """The active admins, their rows locked until the end of the transaction (PostgreSQL), in
    id order, so that two admins demoting each other at once cannot both succeed."""
    rows = conn.execute(
        sa.select(app_user.c.username)
        .where((app_user.c.role == "admin") & app_user.c.active)
        .order_by(app_user.c.id)
        .with_for_update()
    ).all()
    return [r.username for r in rows]


def update_user(
    store: Store,
    username: str,
    *,
    by: Actor,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> None:
    """Change a user's role, password or active flag (admin only; audited, password not shown).

    The last active admin keeps both role and active flag. Disabling an account ends its open
    sessions; a new password also clears its failed-sign-in count.
    """
    if role is not None:
        _check_role(role)
    pw_hash = hash_password(password, username) if password is not None else None
    now = _now()
    with store.transaction() as conn:
        admins = _lock_admins(conn)
        by.require_admin(conn)
        row = (
            conn.execute(sa.select(app_user).where(app_user.c.username == username))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise StoreError(f"没有用户「{username}」")
        values: dict[str, object] = {}
        changes: list[tuple[str, object, object]] = []
        if role is not None and role != row["role"]:
            values["role"] = role
            changes.append(("role", row["role"], role))
        if pw_hash is not None:
            values["password_hash"] = pw_hash
            changes.append(("password", "", "（已更改）"))
        if active is not None and active != row["active"]:
            values["active"] = active
            changes.append(("active", row["active"], active))
        loses_admin = values.get("role", "admin") != "admin" or values.get("active") is False
        if username in admins and loses_admin and len(admins) == 1:
            raise ValidationError(
                "用户", username, "另有一名启用的管理员后才能降级或停用（这是最后一名启用的管理员）"
            )
        if not values:
            return
        conn.execute(sa.update(app_user).where(app_user.c.username == username).values(**values))
        if values.get("active") is False:
            conn.execute(
                sa.update(login_session)
                .where((login_session.c.username == username) & login_session.c.ended_at.is_(None))
                .values(ended_at=now, end_reason="disabled")
            )
        if pw_hash is not None:
            conn.execute(
                sa.delete(login_throttle).where(
                    (login_throttle.c.scope == "user") & (login_throttle.c.key == username)
                )
            )
        write_audit(conn, by, "update", "user", username, changes, ts=now)


def users(store: Store) -> pd.DataFrame:
    """All users without their password hashes."""
    t = app_user
    return store._frame(
        sa.select(
            t.c.username, t.c.display_name, t.c.role, t.c.active, t.c.created_at, t.c.last_login
        ).order_by(t.c.username)
    )
