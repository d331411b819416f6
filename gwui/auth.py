"""Signing in, in the sidebar of every page.

* Password accounts from ``gwlib.store.users`` (Argon2id hashes; create them with
  ``python -m gwlib users add NAME --role editor``).
* Single sign-on through ``st.login`` (OIDC) when ``.streamlit/secrets.toml`` has an ``[auth]``
  section; the identity's e-mail (or subject) is looked up in the same user table for its role,
  and an unregistered identity is a viewer.
* Idle sessions expire after ``GWLIB_IDLE_MINUTES`` (default 30) without any interaction.
* ``GWLIB_REQUIRE_LOGIN=1`` hides every page until someone signs in; otherwise visitors read
  everything and change nothing (viewer).

The signed-in user and role live in session state under the keys of :mod:`gwui.session`.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from gwlib.store.users import authenticate, sso_user
from gwui import keys, labels
from gwui.loaders import get_store
from gwui.render import md
from gwui.session import ROLE_KEY, USER_KEY, current_role, current_user

LAST_SEEN_KEY = "auth.last_seen"
SSO_KEY = "auth.via_sso"


def idle_limit_s() -> float:
    try:
        return max(1.0, float(os.environ.get("GWLIB_IDLE_MINUTES", "30"))) * 60
    except ValueError:
        return 30 * 60.0


def login_required() -> bool:
    return os.environ.get("GWLIB_REQUIRE_LOGIN", "").strip().lower() in ("1", "true", "yes")


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml
        return False


def _sign_in(user: str, role: str, via_sso: bool = False) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[ROLE_KEY] = role
    st.session_state[SSO_KEY] = via_sso
    st.session_state[LAST_SEEN_KEY] = time.time()


def _sign_out() -> None:
    for k in (USER_KEY, ROLE_KEY, LAST_SEEN_KEY, SSO_KEY):
        st.session_state.pop(k, None)


def _expire_idle() -> bool:
    """Sign out a session idle for too long; True when that just happened."""
    if not current_user():
        return False
    now = time.time()
    last = float(st.session_state.get(LAST_SEEN_KEY, now))
    if now - last > idle_limit_s():
        _sign_out()
        return True
    st.session_state[LAST_SEEN_KEY] = now
    return False


def sidebar() -> None:
    """The sign-in box (or who is signed in), and the gate when login is required."""
    expired = _expire_idle()
    sso = sso_configured()
    if sso and not current_user() and getattr(st.user, "is_logged_in", False):
        ident = str(st.user.get("email") or st.user.get("sub") or "")
        known = sso_user(get_store(), ident) if ident else None
        _sign_in(known.username if known else ident, known.role if known else "viewer", True)
    with st.sidebar:
        if expired:
            st.warning("长时间未操作，已自动退出登录，请重新登录。")
        if current_user():
            role = labels.ROLE_LABELS.get(current_role(), current_role())
            st.caption(f"已登录：**{md(current_user())}**（{role}）")
            if st.button("退出登录", key=keys.AUTH_LOGOUT):
                via_sso = bool(st.session_state.get(SSO_KEY))
                _sign_out()
                if via_sso:
                    st.logout()
                st.rerun()
        else:
            with st.form(keys.AUTH_FORM, clear_on_submit=True):
                st.markdown("**登录**")
                name = st.text_input("用户名", key=keys.AUTH_USER)
                password = st.text_input("密码", type="password", key=keys.AUTH_PASSWORD)
                submitted = st.form_submit_button("登录", key=keys.AUTH_SUBMIT)
            if submitted:
                user = authenticate(get_store(), name, password) if name and password else None
                if user is None:
                    st.error("用户名或密码不正确，或账号已停用。")
                else:
                    _sign_in(user.username, user.role)
                    st.rerun()
            if sso:
                st.button("统一身份认证登录", key=keys.AUTH_SSO, on_click=st.login)
    if login_required() and not current_user():
        st.title(labels.APP_TITLE)
        st.info("请先在左侧登录。")
        st.stop()
