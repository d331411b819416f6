"""Users of the app and their roles, with passwords hashed by Argon2id (argon2-cffi).

Roles: ``viewer`` (leaders: read everything, change nothing), ``editor`` (section staff: edit the
ledger), ``admin`` (also manages users). A user signed in through single sign-on (``st.login``,
OIDC) is matched by ``username`` = the e-mail or subject the identity provider gives; such a user
may have no password (``password_hash`` empty), and then cannot sign in with one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gwlib.errors import StoreError, ValidationError
from gwlib.store import Store
from gwlib.store.ledger import Actor, _audit
from gwlib.store.schema_ledger import app_user

ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("密码", "（已隐藏）", f"至少 {MIN_PASSWORD} 个字符")
    return _HASHER.hash(password)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError("角色", role, "、".join(ROLES))
    return role


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_user(
    store: Store,
    username: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    by: Actor | None = None,
) -> User:
    """Add a user. ``password`` None makes an SSO-only account. ``by`` defaults to the CLI."""
    name = username.strip()
    if not name or len(name) > 64:
        raise ValidationError("用户名", username, "1–64 个字符")
    _check_role(role)
    pw_hash = hash_password(password) if password is not None else ""
    actor = by or Actor("命令行", "admin")
    if by is not None and by.role != "admin":
        raise ValidationError("操作者角色", by.role, "admin（只有管理员能管理用户）")
    with store.transaction() as conn:
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
        _audit(conn, actor, "create", "user", name, [("role", None, role)])
    return User(name, display_name.strip(), role)


def update_user(
    store: Store,
    username: str,
    by: Actor,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> None:
    """Change a user's role, password or active flag (admin only; audited, password not shown)."""
    if by.role != "admin":
        raise ValidationError("操作者角色", by.role, "admin（只有管理员能管理用户）")
    with store.transaction() as conn:
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
            values["role"] = _check_role(role)
            changes.append(("role", row["role"], role))
        if password is not None:
            values["password_hash"] = hash_password(password)
            changes.append(("password", "", "（已更改）"))
        if active is not None and active != row["active"]:
            values["active"] = active
            changes.append(("active", row["active"], active))
        if values:
            conn.execute(
                sa.update(app_user).where(app_user.c.username == username).values(**values)
            )
            _audit(conn, by, "update", "user", username, changes)


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user if the password matches an active account, else None (same for every failure)."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(sa.select(app_user).where(app_user.c.username == username.strip()))
            .mappings()
            .one_or_none()
        )
    if row is None or not row["active"] or not row["password_hash"]:
        _HASHER.hash("timing-equaliser")  # as slow as a real check: no user enumeration by time
        return None
    try:
        _HASHER.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    values: dict[str, object] = {"last_login": _now()}
    if _HASHER.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = _HASHER.hash(password)
    with store.transaction() as conn:
        conn.execute(sa.update(app_user).where(app_user.c.id == row["id"]).values(**values))
    return User(row["username"], row["display_name"], row["role"])


def sso_user(store: Store, username: str) -> User | None:
    """The active account for an identity from single sign-on, or None if not registered."""
    with store.engine.connect() as conn:
        row = (
            conn.execute(sa.select(app_user).where(app_user.c.username == username.strip()))
            .mappings()
            .one_or_none()
        )
    if row is None or not row["active"]:
        return None
    return User(row["username"], row["display_name"], row["role"])


def users(store: Store) -> pd.DataFrame:
    """All users without their password hashes."""
    t = app_user
    return store._frame(
        sa.select(
            t.c.username, t.c.display_name, t.c.role, t.c.active, t.c.created_at, t.c.last_login
        ).order_by(t.c.username)
    )
