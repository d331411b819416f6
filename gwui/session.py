"""Who is using the app in this browser session. The log-in code sets these keys; everything
else (audit entries, edit buttons) reads them only through these functions."""

from __future__ import annotations

import streamlit as st

USER_KEY = "auth.user"  # login name
ROLE_KEY = "auth.role"  # "viewer" | "editor" | "admin"

ROLES = ("viewer", "editor", "admin")


def current_user() -> str:
    """Login name of the signed-in user, or "" when nobody is signed in."""
    return str(st.session_state.get(USER_KEY, ""))


def current_role() -> str:
    """Role of the signed-in user; "viewer" when unknown (read-only is the safe default)."""
    role = str(st.session_state.get(ROLE_KEY, "viewer"))
    return role if role in ROLES else "viewer"


def can_edit() -> bool:
    return current_role() in ("editor", "admin")
