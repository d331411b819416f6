"""Signing in under AppTest: the role the database holds now is the one shown and used on the
next run; a disabled account is signed out; sessions end after the idle time and the absolute
lifetime; a connection without the browser's cookie is not signed in; the sign-in form counts
failures; the 修改用户 form never carries a password over to the next user."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwlib.store import users as U
from gwlib.store.logins import token_hash
from gwlib.store.schema_auth import login_session
from gwlib.store.schema_ledger import app_user, audit_log
from gwui import keys
from tests.accounts import LOCAL, add_accounts
from tests.app.conftest import APP, sign_in

TIMEOUT_S = 60


def _signed_in_as(at: AppTest) -> str:
    """The sidebar's "已登录：name（role）" line, or "" when the sign-in form shows instead."""
    lines = [c.value for c in at.sidebar.caption if str(c.value).startswith("已登录")]
    return lines[0] if lines else ""


def _users_page(at: AppTest) -> AppTest:
    at.switch_page("views/users.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _hash_of(store: Store, name: str) -> str:
    with store.engine.connect() as c:
        return str(
            c.execute(
                sa.select(app_user.c.password_hash).where(app_user.c.username == name)
            ).scalar_one()
        )


def test_role_change_takes_effect_on_next_run(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(app_env_writable)
    add_accounts(store, {"r-admin0": "admin"})
    sign_in(monkeypatch, app_env_writable, "r-admin1", "admin")
    at = _users_page(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    assert _signed_in_as(at) == "已登录：**r\\-admin1**（管理员）"
    assert at.text_input(key="users.add.name")  # the admin's forms
    roles = set(at.dataframe[0].value["role"])  # roles in words, never admin/editor/viewer
    assert roles <= {"管理员", "编辑", "查看者"} and "管理员" in roles

    U.update_user(store, "r-admin1", by=LOCAL, role="viewer")  # e.g. from another admin's page
    at.run()
    assert _signed_in_as(at) == "已登录：**r\\-admin1**（查看者）"
    assert any("只有管理员" in i.value for i in at.info)
    assert not [w for w in at.text_input if w.key == "users.add.name"]

    U.update_user(store, "r-admin1", by=LOCAL, active=False)
    at.run()
    assert _signed_in_as(at) == ""
    assert any("已被停用" in w.value for w in at.sidebar.warning)
    assert at.sidebar.text_input(key=keys.AUTH_USER)  # the sign-in form again


@pytest.mark.parametrize(
    ("column", "age", "message"),
    [("last_seen", dt.timedelta(minutes=31), "长时间未操作"),
     ("created_at", dt.timedelta(hours=12, minutes=1), "最长时限")],
)  # fmt: skip
def test_sessions_end_after_idle_time_and_lifetime(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch, column: str, age: dt.timedelta, message: str
) -> None:
    monkeypatch.setenv("GWLIB_IDLE_MINUTES", "30")
    monkeypatch.setenv("GWLIB_SESSION_HOURS", "12")
    token = sign_in(monkeypatch, app_env_writable, "r-editor", "editor")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert _signed_in_as(at).endswith("（编辑）")
    store = Store.open(app_env_writable)
    mine = login_session.c.token_hash == token_hash(token)
    with store.transaction() as c:
        then = c.execute(sa.select(login_session.c[column]).where(mine)).scalar_one()
        c.execute(sa.update(login_session).where(mine).values({column: then - age}))
    at.run()
    assert _signed_in_as(at) == ""
    assert any(message in w.value for w in at.sidebar.warning)
    at.run()  # said once, not on every run
    assert not at.sidebar.warning and _signed_in_as(at) == ""


def test_connection_without_the_cookie_is_not_signed_in(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another websocket on the same session (a session id replayed from a proxy log) does not
    carry the browser's cookie: nobody is signed in there, although session state still holds
    what the signed-in browser left."""
    sign_in(monkeypatch, app_env_writable, "r-admin2", "admin")
    at = _users_page(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    assert _signed_in_as(at).endswith("（管理员）")
    for other in ("", "forged-token-0123456789abcdef"):
        monkeypatch.setattr("gwui.session.browser_token", lambda other=other: other)
        at.run()
        assert _signed_in_as(at) == ""
        assert any("只有管理员" in i.value for i in at.info)


def test_sign_in_form_counts_failures_and_audits(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gwui.session.browser_token", lambda: "")
    store = Store.open(app_env_writable)
    U.create_user(store, "r-form", "editor", "Right-password-1", by=LOCAL)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()

    def submit(password: str) -> None:
        at.sidebar.text_input(key=keys.AUTH_USER).input("r-form")
        at.sidebar.text_input(key=keys.AUTH_PASSWORD).input(password)
        at.sidebar.button(key=keys.AUTH_SUBMIT).click().run()
        assert not at.exception, [e.value for e in at.exception]

    for _ in range(5):
        submit("Wrong-password-1")
        assert any("用户名或密码不正确" in e.value for e in at.sidebar.error)
    submit("Right-password-1")  # locked now: the right password is not even checked
    assert any("暂停登录" in e.value for e in at.sidebar.error)
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(audit_log.c.action, audit_log.c.note)
            .where(audit_log.c.user_name == "r-form")
            .order_by(audit_log.c.id)
        ).all()
        sessions = c.execute(
            sa.select(sa.func.count()).where(login_session.c.username == "r-form")
        ).scalar_one()
    assert [a for a, _ in rows] == ["login_failed"] * 5
    assert rows[-1][1] == "密码不正确；暂停登录 1 分钟"
    assert sessions == 0


def test_sign_in_form_opens_a_session_and_hands_the_cookie_over(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gwui.session.browser_token", lambda: "")
    store = Store.open(app_env_writable)
    U.create_user(store, "r-ok", "editor", "Right-password-2", by=LOCAL)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.sidebar.text_input(key=keys.AUTH_USER).input("r-ok")
    at.sidebar.text_input(key=keys.AUTH_PASSWORD).input("Right-password-2")
    at.sidebar.button(key=keys.AUTH_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    scripts = [h.proto.body for h in at.get("html") if "gwlib_session" in h.proto.body]
    assert len(scripts) == 1 and "gwlib_session=" in scripts[0] and "SameSite=Strict" in scripts[0]
    token = scripts[0].split("gwlib_session=")[1].split(";")[0]
    with store.engine.connect() as c:
        row = c.execute(
            sa.select(login_session.c.username, login_session.c.via).where(
                login_session.c.token_hash == token_hash(token)
            )
        ).one()
        audit = c.execute(
            sa.select(audit_log.c.action).where(audit_log.c.user_name == "r-ok")
        ).all()
    assert tuple(row) == ("r-ok", "password") and ("login",) in audit
    # the reloaded page's connection carries the cookie: signed in; then sign out
    monkeypatch.setattr("gwui.session.browser_token", lambda: token)
    at.run()
    assert _signed_in_as(at).endswith("（编辑）")
    at.sidebar.button(key=keys.AUTH_LOGOUT).click().run()
    with store.engine.connect() as c:
        ended = c.execute(
            sa.select(login_session.c.end_reason).where(
                login_session.c.token_hash == token_hash(token)
            )
        ).scalar_one()
    assert ended == "logout"
    at.run()  # the old cookie, if the browser still sends it, signs nobody in
    assert _signed_in_as(at) == ""


def test_edit_form_never_carries_a_password_to_the_next_user(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(app_env_writable)
    U.create_user(store, "r-u1", "viewer", "First-password-1", by=LOCAL)
    U.create_user(store, "r-u2", "viewer", "Second-password-2", by=LOCAL)
    sign_in(monkeypatch, app_env_writable, "r-admin3", "admin")
    at = _users_page(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
    u1, u2 = _hash_of(store, "r-u1"), _hash_of(store, "r-u2")
    assert at.text_input(key="users.edit.password").value == ""  # never prefilled

    at.selectbox(key="users.edit.name").set_value("r-u1")
    at.text_input(key="users.edit.password").input("Reset-password-3")
    at.button(key="users.edit.submit").click().run()
    assert not at.exception and any("已更新" in s.value for s in at.success)
    assert _hash_of(store, "r-u1") != u1
    assert at.text_input(key="users.edit.password").value == ""  # cleared on submit

    at.selectbox(key="users.edit.name").set_value("r-u2")
    at.selectbox(key="users.edit.role").set_value("editor")
    at.button(key="users.edit.submit").click().run()
    assert not at.exception and any("已更新" in s.value for s in at.success)
    assert _hash_of(store, "r-u2") == u2  # role changed, password untouched
    assert U.users(store).set_index("username").loc["r-u2", "role"] == "editor"


def _sso(monkeypatch: pytest.MonkeyPatch, identity: str, verified: object) -> None:
    """Single sign-on configured, and ``st.login`` done as ``identity`` (AppTest has no
    identity provider: the two functions that read ``st.secrets`` and ``st.user`` answer)."""
    monkeypatch.setattr("gwui.auth.sso_configured", lambda: True)
    monkeypatch.setattr("gwui.auth._sso_identity", lambda: (identity, verified))


def _sessions_of(store: Store, name: str) -> list[tuple[str, str]]:
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(login_session.c.via, login_session.c.end_reason).where(
                login_session.c.username == name
            )
        ).all()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    ("verified", "active", "refusal"),
    [(True, False, "已停用"), (False, True, "email_verified"), (None, True, "email_verified")],
)
def test_sso_refusals_are_not_viewer_sessions(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch, verified: object, active: bool, refusal: str
) -> None:
    store = Store.open(app_env_writable)
    name = f"sso-{active}-{verified}@county.gov.cn"
    U.create_user(store, name, "editor", None, by=LOCAL)
    if not active:
        U.update_user(store, name, by=LOCAL, active=False)
    monkeypatch.setattr("gwui.session.browser_token", lambda: "")
    _sso(monkeypatch, name, verified)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(refusal in e.value for e in at.sidebar.error)
    assert _signed_in_as(at) == "" and _sessions_of(store, name) == []
    assert at.sidebar.button(key=keys.AUTH_SSO_LOGOUT)  # a way out of the identity provider
    monkeypatch.setenv("GWLIB_REQUIRE_LOGIN", "1")
    at.run()
    assert any("请先在左侧登录" in i.value for i in at.info)  # and no page


def test_sso_identity_opens_a_session_with_its_role(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(app_env_writable)
    U.create_user(store, "sso-ok@county.gov.cn", "editor", None, by=LOCAL)
    monkeypatch.setattr("gwui.session.browser_token", lambda: "")
    _sso(monkeypatch, "sso-ok@county.gov.cn", True)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    [script] = [h.proto.body for h in at.get("html") if "gwlib_session" in h.proto.body]
    token = script.split("gwlib_session=")[1].split(";")[0]
    assert _sessions_of(store, "sso-ok@county.gov.cn") == [("sso", "")]
    monkeypatch.setattr("gwui.session.browser_token", lambda: token)
    at.run()
    assert _signed_in_as(at).endswith("（编辑）")
    # signed out of the identity provider meanwhile (another identity): the session ends
    _sso(monkeypatch, "someone-else@county.gov.cn", True)
    at.run()
    assert not _signed_in_as(at).startswith("已登录：**sso\\-ok")
    assert _sessions_of(store, "sso-ok@county.gov.cn") == [("sso", "sso")]
