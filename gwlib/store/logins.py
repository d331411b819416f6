"""Signing in: browser sessions kept in the database and bound to a cookie.

::

    password ──▶ authenticate ──▶ start_session ──▶ token (the browser keeps it in a cookie)
                                                        │
                                                 every run: resume_session(token)
                                                   ├─ user: the account's role now
                                                   └─ None: ended, expired, disabled: why

**Sessions.** :func:`start_session` returns a random token and stores only its SHA-256. Every run
of a page calls :func:`resume_session` with the token the browser sent: the session must not have
ended, must have been used within the idle limit and started within the absolute limit, and its
account must still be active; the role returned is the one the database holds now.

Nothing here reads the clock: callers pass ``now`` (UTC, naive).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from gwlib.errors import PermissionDenied
from gwlib.store import Store
from gwlib.store.schema_auth import login_session
from gwlib.store.schema_ledger import app_user
from gwlib.store.users import _HASHER, User

TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(store: Store, username: str, password: str, *, now: dt.datetime) -> User | None:
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
    values: dict[str, Any] = {"last_login": now}
    if _HASHER.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = _HASHER.hash(password)
    with store.transaction() as conn:
        conn.execute(sa.update(app_user).where(app_user.c.id == row["id"]).values(**values))
    return User(row["username"], row["display_name"], row["role"])


# -- single sign-on ---------------------------------------------------------------------------


def sso_account(store: Store, identity: str, email_verified: object) -> User | None:
    """The account for an identity from single sign-on: None for an identity not registered
    (a viewer); :class:`PermissionDenied` when the provider has not verified the e-mail, or
    when the account is disabled (a disabled account is never a viewer instead)."""
    if email_verified is not True:
        raise PermissionDenied(
            "统一身份认证未确认此邮箱（email_verified 不为 true），不能登录本系统。"
            "请先在统一身份认证中验证邮箱，或联系管理员。"
        )
    with store.engine.connect() as conn:
        row = (
            conn.execute(sa.select(app_user).where(app_user.c.username == identity.strip()))
            .mappings()
            .one_or_none()
        )
    if row is None:
        return None
    if not row["active"]:
        raise PermissionDenied(f"账号「{row['username']}」已停用，不能登录。请联系管理员。")
    return User(row["username"], row["display_name"], row["role"])


# -- sessions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resumed:
    """What a session token stands for now: the user (role as the database holds it now), or
    None with the reason in Chinese ("" when the user signed out)."""

    user: User | None
    via: str = ""
    reason: str = ""


END_MESSAGES = {
    "idle": "长时间未操作，已自动退出登录，请重新登录。",
    "lifetime": "登录已超过最长时限，已自动退出登录，请重新登录。",
    "disabled": "您的账号已被停用，已退出登录。如有疑问请联系管理员。",
    "logout": "",
}


def start_session(store: Store, user: User, *, via: str, client: str = "", now: dt.datetime) -> str:
    """Open a session for ``user`` (signed in ``via`` password or sso); return its token."""
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute(
            sa.insert(login_session).values(
                token_hash=token_hash(token),
                username=user.username,
                via=via,
                client=(client or "本机")[:64],
                created_at=now,
                last_seen=now,
            )
        )
    return token


def resume_session(
    store: Store,
    token: str,
    *,
    now: dt.datetime,
    idle: dt.timedelta,
    lifetime: dt.timedelta,
) -> Resumed:
    """The user behind ``token`` now, after the idle limit, the absolute lifetime and the
    account's active flag; a session that fails one of them is ended here."""
    if not token:
        return Resumed(None)
    s, u = login_session, app_user
    with store.engine.connect() as conn:
        row = (
            conn.execute(
                sa.select(s, u.c.role, u.c.active, u.c.display_name)
                .select_from(s.outerjoin(u, u.c.username == s.c.username))
                .where(s.c.token_hash == token_hash(token))
            )
            .mappings()
            .one_or_none()
        )
    if row is None:
        return Resumed(None)
    if row["ended_at"] is not None:
        return Resumed(None, row["via"], END_MESSAGES.get(row["end_reason"], ""))
    registered = row["role"] is not None
    if registered and not row["active"]:
        ending = "disabled"
    elif now - row["created_at"] > lifetime:
        ending = "lifetime"
    elif now - row["last_seen"] > idle:
        ending = "idle"
    else:
        ending = ""
    if ending:
        _end(store, row["id"], ending, now)
        return Resumed(None, row["via"], END_MESSAGES[ending])
    if now - row["last_seen"] >= TOUCH_EVERY:
        with store.transaction() as conn:
            conn.execute(sa.update(s).where(s.c.id == row["id"]).values(last_seen=now))
    if not registered:  # an identity from single sign-on that is not in the user table
        return Resumed(User(row["username"], "", "viewer"), row["via"])
    return Resumed(User(row["username"], row["display_name"], row["role"]), row["via"])


def _end(store: Store, session_id: int, reason: str, now: dt.datetime) -> None:
    s = login_session
    with store.transaction() as conn:
        conn.execute(
            sa.update(s)
            .where((s.c.id == session_id) & s.c.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )


def end_session(store: Store, token: str, *, now: dt.datetime, reason: str = "logout") -> None:
    """End the session of ``token`` (sign-out). Nothing happens for an unknown token."""
    s = login_session
    with store.transaction() as conn:
        row = (
            conn.execute(sa.select(s.c.id, s.c.ended_at).where(s.c.token_hash == token_hash(token)))
            .mappings()
            .one_or_none()
        )
        if row is None or row["ended_at"] is not None:
            return
        conn.execute(
            sa.update(s).where(s.c.id == row["id"]).values(ended_at=now, end_reason=reason)
        )
