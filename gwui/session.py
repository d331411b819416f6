"""Who is using the app in this browser session. The log-in code (:mod:`gwui.auth`) sets these
keys at the start of every run, from the database; everything else (audit entries, edit
buttons) reads them only through these functions.

A signed-in session is bound to the browser that signed in: that browser holds a random token
in the cookie :data:`COOKIE`, and session state keeps only the token's SHA-256. Streamlit lets a
new websocket take over a session by its id (the id shows in upload URLs, and so in proxy logs);
such a connection does not carry the cookie, so :func:`current_user` is "" there, in callbacks
as well as in the page.
"""

from __future__ import annotations

import streamlit as st

from gwlib.store.audit import Actor
from gwlib.store.logins import token_hash
from gwlib.store.users import ROLES

USER_KEY = "auth.user"  # login name
ROLE_KEY = "auth.role"  # "viewer" | "editor" | "admin", as the database held it at this run
NAME_KEY = "auth.display_name"
TOKEN_KEY = "auth.token_hash"  # SHA-256 of the browser's session cookie
COOKIE = "gwlib_session"


def browser_token() -> str:
    """The session token the browser sent when it opened this connection ("" if none)."""
    return str(st.context.cookies.get(COOKIE, "") or "")


def _bound() -> bool:
    held = st.session_state.get(TOKEN_KEY, "")
    token = browser_token()
    return bool(held) and bool(token) and held == token_hash(token)


def current_user() -> str:
    """Login name of the signed-in user, or "" when nobody is signed in in this browser."""
    user = str(st.session_state.get(USER_KEY, ""))
    return user if user and _bound() else ""


def current_role() -> str:
    """Role of the signed-in user; "viewer" when unknown (read-only is the safe default)."""
    if not current_user():
        return "viewer"
    role = str(st.session_state.get(ROLE_KEY, "viewer"))
    return role if role in ROLES else "viewer"


def can_edit() -> bool:
    return current_role() in ("editor", "admin")


def actor() -> Actor:
    """The signed-in user as gwlib's writer; gwlib reads the account's role again in each write."""
    return Actor(current_user())
