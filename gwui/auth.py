"""Signing in, in the sidebar of every page.

* Password accounts from ``gwlib.store.users`` (Argon2id hashes; create them with
  ``python -m gwlib users add NAME --role editor``). Failures slow the name and the client down
  (:mod:`gwlib.store.logins`); the client is the connection's address (``st.context.ip_address``;
  behind a reverse proxy, Streamlit's server takes it from ``X-Forwarded-For`` only when the proxy
  is listed in ``FORWARDED_ALLOW_IPS``, default 127.0.0.1).
* Single sign-on through ``st.login`` (OIDC) when ``.streamlit/secrets.toml`` has an ``[auth]``
  section; the identity's e-mail (which the provider must have verified) or subject is looked up
  in the same user table for its role. An unregistered identity is a viewer; a disabled account
  is refused.
* A sign-in opens a session in the database and gives the browser its token in a cookie
  (:data:`gwui.session.COOKIE`, ``SameSite=Strict``); the page then reloads, so that the new
  connection carries the cookie. Every run looks the token up again: the role shown and used is
  the one the database holds now, and a disabled account is signed out at once.
* Sessions end after ``GWLIB_IDLE_MINUTES`` (default 30) without any interaction, and
  ``GWLIB_SESSION_HOURS`` (default 12) after signing in, whatever happens.
* ``GWLIB_REQUIRE_LOGIN=1`` hides every page until someone signs in; otherwise visitors read
  everything and change nothing (viewer).
"""

from __future__ import annotations

import datetime as dt
import os
import re

import streamlit as st

from gwlib.errors import LoginRefused, PermissionDenied
from gwlib.store import Store
from gwlib.store.logins import (
    Resumed,
    authenticate,
    end_session,
    resume_session,
    sso_account,
    start_session,
    token_hash,
)
from gwlib.store.users import User
from gwui import keys, labels, session
from gwui.loaders import app_title, get_store
from gwui.render import md
from gwui.session import (
    COOKIE,
    NAME_KEY,
    ROLE_KEY,
    TOKEN_KEY,
    USER_KEY,
    current_role,
    current_user,
)

SSO_KEY = "auth.via_sso"
DEAD_TOKEN_KEY = "auth.dead_token"  # hash of a cookie already found ended in this connection
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _env_number(name: str, default: float) -> float:
    try:
        return max(0.01, float(os.environ.get(name, "") or default))
    except ValueError:
        return default


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=_env_number("GWLIB_IDLE_MINUTES", 30))


def session_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=_env_number("GWLIB_SESSION_HOURS", 12))


def login_required() -> bool:
    return os.environ.get("GWLIB_REQUIRE_LOGIN", "").strip().lower() in ("1", "true", "yes")


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml
        return False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def client_address() -> str:
    """The address sign-in failures are counted against ("本机" for this computer, and when
    there is no connection, as under AppTest)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "本机"


def _cookie_script(token: str, reload: bool) -> str:
    """Set (``token``) or delete ("") the session cookie in the browser; then reload the page,
    so that a new connection carries the cookie."""
    if token and not _TOKEN.fullmatch(token):
        raise ValueError("session token must be URL-safe base64")
    life = "" if token else "; Max-Age=0"
    return (
        "<script>(function(){"
        'var secure = location.protocol === "https:" ? "; Secure" : "";'
        f'document.cookie = "{COOKIE}={token}; Path=/; SameSite=Strict{life}" + secure;'
        + ("location.reload();" if reload else "")
        + "})();</script>"
    )


def _hand_over(token: str, message: str) -> None:
    """Give the browser its cookie (or take it away) and reload; nothing more in this run."""
    st.sidebar.html(_cookie_script(token, reload=True), unsafe_allow_javascript=True)
    st.sidebar.info(message)
    st.stop()


def _sso_identity() -> tuple[str, object]:
    """(identity, email_verified) of the ``st.login`` user; ("", None) when not signed in."""
    if not getattr(st.user, "is_logged_in", False):
        return "", None
    email = str(st.user.get("email") or "")
    if email:
        return email, st.user.get("email_verified")
    return str(st.user.get("sub") or ""), True  # a subject is the provider's own id


def _clear() -> None:
    for k in (USER_KEY, ROLE_KEY, NAME_KEY, TOKEN_KEY, SSO_KEY):
        st.session_state.pop(k, None)


def _refresh(store: Store, now: dt.datetime) -> str:
    """Who this browser is signed in as, from its cookie and the database, into session state;
    the reason to show when its session has just been found ended ("" otherwise)."""
    _clear()
    token = session.browser_token()
    if not token:
        return ""
    found = resume_session(store, token, now=now, idle=idle_limit(), lifetime=session_lifetime())
    if found.user is not None and found.via == "sso" and _sso_identity()[0] != found.user.username:
        end_session(store, token, now=now, reason="sso")  # signed out of, or changed, the SSO
        found = Resumed(None, "sso")
    if found.user is None:
        if st.session_state.get(DEAD_TOKEN_KEY) == token_hash(token):
            return ""
        st.session_state[DEAD_TOKEN_KEY] = token_hash(token)
        st.sidebar.html(_cookie_script("", reload=False), unsafe_allow_javascript=True)
        if found.via == "sso" and found.reason and _sso_identity()[0]:
            st.logout()  # or the identity cookie would open a new session at once
        return found.reason
    st.session_state[USER_KEY] = found.user.username
    st.session_state[ROLE_KEY] = found.user.role
    st.session_state[NAME_KEY] = found.user.display_name
    st.session_state[TOKEN_KEY] = token_hash(token)
    st.session_state[SSO_KEY] = found.via == "sso"
    return ""


def _sso_sign_in(store: Store, now: dt.datetime) -> str:
    """Open a session for the ``st.login`` identity; the refusal to show, if refused."""
    ident, verified = _sso_identity()
    if not ident:
        return ""
    try:
        user = sso_account(store, ident, verified) or User(ident, "", "viewer")
    except PermissionDenied as exc:
        return str(exc)
    token = start_session(store, user, via="sso", client=client_address(), now=now)
    _hand_over(token, "正在登录…")
    return ""


def _password_form(store: Store) -> None:
    with st.form(keys.AUTH_FORM, clear_on_submit=True):
        st.markdown("**登录**")
        name = st.text_input("用户名", key=keys.AUTH_USER)
        password = st.text_input("密码", type="password", key=keys.AUTH_PASSWORD)
        submitted = st.form_submit_button("登录", key=keys.AUTH_SUBMIT)
    if not submitted:
        return
    if not (name and password):
        st.error("请输入用户名和密码。")
        return
    try:
        user = authenticate(store, name, password, client=client_address(), now=_now())
    except LoginRefused as exc:
        st.error(str(exc))
        return
    if user is None:
        st.error("用户名或密码不正确，或账号已停用。")
        return
    token = start_session(store, user, via="password", client=client_address(), now=_now())
    _hand_over(token, "正在登录…")


def _sign_out(store: Store) -> None:
    via_sso = bool(st.session_state.get(SSO_KEY))
    end_session(store, session.browser_token(), now=_now())
    _clear()
    if via_sso and _sso_identity()[0]:
        st.sidebar.html(_cookie_script("", reload=False), unsafe_allow_javascript=True)
        st.logout()  # deletes Streamlit's identity cookie and leaves through the provider
        st.stop()
    _hand_over("", "已退出登录。")


def sidebar() -> None:
    """The sign-in box (or who is signed in), and the gate when login is required."""
    store = get_store()
    now = _now()
    notice = _refresh(store, now)
    sso = sso_configured()
    refused = ""
    if sso and not current_user() and not notice:
        refused = _sso_sign_in(store, now)
    with st.sidebar:
        if notice:
            st.warning(notice)
        if refused:
            st.error(refused)
        if current_user():
            role = labels.ROLE_LABELS.get(current_role(), current_role())
            st.caption(f"已登录：**{md(current_user())}**（{role}）")
            if st.button("退出登录", key=keys.AUTH_LOGOUT):
                _sign_out(store)
        else:
            _password_form(store)
            if refused:
                st.button("退出统一身份认证", key=keys.AUTH_SSO_LOGOUT, on_click=st.logout)
            elif sso:
                st.button("统一身份认证登录", key=keys.AUTH_SSO, on_click=st.login)
    if login_required() and not current_user():
        st.title(app_title())
        st.info("请先在左侧登录。")
        st.stop()
