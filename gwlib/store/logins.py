"""Signing in: password checks slowed down after failures, and browser sessions kept in the
database and bound to a cookie.

::

    password ──▶ authenticate ──▶ start_session ──▶ token (the browser keeps it in a cookie)
                     │                                  │
      failures ──▶ login_throttle                every run: resume_session(token)
      (per user name, per client)                  ├─ user: the account's role now
                                                    └─ None: ended, expired, disabled: why

**Back-off.** Consecutive failures are counted per user name and per client address. After
:data:`USER_FREE_FAILURES` failures for a name (or :data:`CLIENT_FREE_FAILURES` from a client),
each further failure locks it for 1, 2, 4 … minutes, at most :data:`MAX_LOCK`; while locked, no
password is even checked. A count starts again after :data:`FORGET_AFTER` without failures; a
success clears the user name's count (not the client's), and so does a new password set by an
admin. Names that do not exist are counted the same way, so a lock says nothing about whether an
account exists.

**Sessions.** :func:`start_session` returns a random token and stores only its SHA-256. Every run
of a page calls :func:`resume_session` with the token the browser sent: the session must not have
ended, must have been used within the idle limit and started within the absolute limit, and its
account must still be active; the role returned is the one the database holds now.

Failed and successful sign-ins and sign-outs are written to ``audit_log`` (entity ``session``,
key = client address). Nothing here reads the clock: callers pass ``now`` (UTC, naive).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, RowMapping

from gwlib.errors import LoginRefused, PermissionDenied
from gwlib.store import Store
from gwlib.store.audit import MAX_USER_CHARS, Actor, write_audit
from gwlib.store.schema_auth import login_session, login_throttle
from gwlib.store.schema_ledger import app_user
from gwlib.store.users import User, argon2_slot

USER_FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 20
FIRST_LOCK = dt.timedelta(minutes=1)
MAX_LOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _minutes(delta: dt.timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


# -- back-off ---------------------------------------------------------------------------------


def lock_duration(failures: int, free: int) -> dt.timedelta:
    """How long a name or client stays locked after its ``failures``-th failure in a row."""
    if failures < free:
        return dt.timedelta(0)
    return min(FIRST_LOCK * (1 << min(failures - free, 20)), MAX_LOCK)


def _throttle_keys(username: str, client: str) -> dict[str, str]:
    return {"user": username[:128], "client": (client or "本机")[:128]}


def _check_locks(conn: Connection, keys: Mapping[str, str], now: dt.datetime) -> None:
    t = login_throttle
    rows = conn.execute(
        sa.select(t.c.scope, t.c.locked_until).where(
            sa.or_(*((t.c.scope == s) & (t.c.key == k) for s, k in keys.items()))
        )
    ).all()
    for scope, until in sorted(rows):  # "client" before "user"
        if until is not None and until > now:
            wait = until - now
            who = "该账号" if scope == "user" else "本机（同一地址）"
            raise LoginRefused(
                f"{who}连续登录失败次数过多，已暂停登录：请 {_minutes(wait)} 分钟后再试，"
                "或请管理员重设密码。",
                wait.total_seconds(),
            )


def _record_failure(conn: Connection, keys: Mapping[str, str], now: dt.datetime) -> str:
    """Count one failure for the name and the client; the longest lock it set, as text."""
    t = login_throttle
    conn.execute(
        sa.delete(t).where(
            (t.c.last_failure < now - dt.timedelta(days=1))
            & sa.or_(t.c.locked_until.is_(None), t.c.locked_until < now)
        )
    )
    locked = dt.timedelta(0)
    for scope, key in keys.items():
        where = (t.c.scope == scope) & (t.c.key == key)
        row = conn.execute(sa.select(t).where(where).with_for_update()).mappings().one_or_none()
        if row is None or row["last_failure"] < now - FORGET_AFTER:
            failures = 1
        else:
            failures = int(row["failures"]) + 1
        free = USER_FREE_FAILURES if scope == "user" else CLIENT_FREE_FAILURES
        lock = lock_duration(failures, free)
        values = {
            "failures": failures,
            "last_failure": now,
            "locked_until": now + lock if lock else None,
        }
        if row is None:
            conn.execute(sa.insert(t).values(scope=scope, key=key, **values))
        else:
            conn.execute(sa.update(t).where(where).values(**values))
        locked = max(locked, lock)
    return f"；暂停登录 {_minutes(locked)} 分钟" if locked else ""


UNKNOWN_NAME = "（未登记的用户名）"


def _who(username: str, registered: bool) -> Actor:
    """The audit log's user column for a sign-in attempt: an account's name; never a name that
    is not an account, which is often a password typed into the wrong field."""
    return Actor(username[:MAX_USER_CHARS] if registered else UNKNOWN_NAME)


@functools.cache
def _no_such_user() -> str:
    """A hash of a random password: an unknown name costs one verification too, so the time of
    the answer does not tell whether an account exists."""
    with argon2_slot() as hasher:
        return hasher.hash(secrets.token_urlsafe(16))


def _failure_reason(row: RowMapping | None) -> str:
    if row is None:
        return "没有此用户"
    if not row["active"]:
        return "账号已停用"
    if not row["password_hash"]:
        return "仅限统一身份认证登录"
    return "密码不正确"


def authenticate(
    store: Store, username: str, password: str, *, client: str = "", now: dt.datetime
) -> User | None:
    """The user if the password matches an active account, else None (the same for every kind
    of failure; the audit log has the reason). :class:`LoginRefused` when the name or the client
    is locked, or when no password check can start within
    :data:`~gwlib.store.users.ARGON2_WAIT_S`."""
    name = username.strip()
    keys = _throttle_keys(name, client)
    dummy = _no_such_user()
    with argon2_slot() as hasher:
        with store.engine.connect() as conn:
            _check_locks(conn, keys, now)
            row = (
                conn.execute(sa.select(app_user).where(app_user.c.username == name))
                .mappings()
                .one_or_none()
            )
        stored = str(row["password_hash"]) if row is not None and row["active"] else ""
        try:
            ok = hasher.verify(stored or dummy, password) and bool(stored)
        except (VerificationError, InvalidHashError):
            ok = False
        rehash = hasher.hash(password) if ok and hasher.check_needs_rehash(stored) else ""
    with store.transaction() as conn:
        if not ok or row is None:
            lock = _record_failure(conn, keys, now)
            note = _failure_reason(row) + lock
            who = _who(name, row is not None)
            write_audit(conn, who, "login_failed", "session", keys["client"], note=note, ts=now)
            return None
        values: dict[str, Any] = {"last_login": now}
        if rehash:
            values["password_hash"] = rehash
        conn.execute(sa.update(app_user).where(app_user.c.id == row["id"]).values(**values))
        t = login_throttle
        conn.execute(sa.delete(t).where((t.c.scope == "user") & (t.c.key == keys["user"])))
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
        note = "统一身份认证" if via == "sso" else "密码"
        key = (client or "本机")[:64]
        write_audit(conn, user.actor, "login", "session", key, note=note, ts=now)
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
    """End the session of ``token`` (sign-out); audited. Nothing happens for an unknown token."""
    s = login_session
    with store.transaction() as conn:
        row = (
            conn.execute(
                sa.select(s.c.id, s.c.username, s.c.client, s.c.ended_at).where(
                    s.c.token_hash == token_hash(token)
                )
            )
            .mappings()
            .one_or_none()
        )
        if row is None or row["ended_at"] is not None:
            return
        conn.execute(
            sa.update(s).where(s.c.id == row["id"]).values(ended_at=now, end_reason=reason)
        )
        write_audit(conn, Actor(row["username"]), "logout", "session", row["client"], ts=now)
