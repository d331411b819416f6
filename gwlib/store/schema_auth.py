"""Tables of signing in: the browser sessions of signed-in users, and the failure counters
that slow down password guessing. Migrations ``auth_0001`` and ``auth_0002``.

``login_session`` holds the SHA-256 of each browser's session token, never the token itself;
the token lives only in that browser's cookie. ``login_throttle`` counts consecutive failed
sign-ins per user name (``scope`` = ``user``) and per client address (``client``).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table

from gwlib.store.schema import metadata

login_session = Table(
    "login_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", String(64), nullable=False),
    Column("via", String(16), nullable=False),  # password / sso
    Column("client", String(64), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("end_reason", String(16), nullable=False, server_default=""),
)
Index("ix_login_session_username", login_session.c.username)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("scope", String(8), primary_key=True),  # user / client
    Column("key", String(128), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", DateTime, nullable=False),
    Column("locked_until", DateTime),
)
