"""Signing in: sessions (idle, lifetime, disabled, role now) and single sign-on rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gwlib.errors import PermissionDenied
from gwlib.store import Store
from gwlib.store import logins as LG
from gwlib.store import users as U
from tests.accounts import LOCAL

T0 = dt.datetime(2026, 3, 1, 8, 0)
PW = "Correct-horse-7"
IDLE, LIFE = dt.timedelta(minutes=30), dt.timedelta(hours=12)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'logins.sqlite'}"
    else:
        url = str(request.getfixturevalue("fresh_pg_url"))
    s = Store.open(url)
    U.create_user(s, "zhang", "editor", PW, "张工", by=LOCAL)
    U.create_user(s, "root", "admin", None, by=LOCAL)
    yield s
    s.close()


# -- sessions -------------------------------------------------------------------------------------


def _resume(store: Store, token: str, now: dt.datetime) -> LG.Resumed:
    return LG.resume_session(store, token, now=now, idle=IDLE, lifetime=LIFE)


def test_session_reads_the_role_now_and_ends_when_disabled(store: Store) -> None:
    user = LG.authenticate(store, "zhang", PW, now=T0)
    assert user is not None
    token = LG.start_session(store, user, via="password", client="10.0.0.5", now=T0)
    assert _resume(store, token, T0).user == user
    U.update_user(store, "zhang", by=LOCAL, role="viewer")
    assert _resume(store, token, T0).user == U.User("zhang", "张工", "viewer")
    U.update_user(store, "zhang", by=LOCAL, active=False)
    gone = _resume(store, token, T0)
    assert gone.user is None and "已被停用" in gone.reason
    U.update_user(store, "zhang", by=LOCAL, active=True)
    assert _resume(store, token, T0).user is None  # enabling again does not revive it
    # disabled behind the app's back (SQL): the account is read on every resume
    token = LG.start_session(store, user, via="password", now=T0)
    with store.transaction() as c:
        c.execute(
            sa.update(U.app_user).where(U.app_user.c.username == "zhang").values(active=False)
        )
    gone = _resume(store, token, T0)
    assert gone.user is None and "已被停用" in gone.reason
    assert _resume(store, "not-a-token", T0) == LG.Resumed(None)
    assert _resume(store, "", T0) == LG.Resumed(None)


def test_idle_time_and_lifetime(store: Store) -> None:
    user = U.User("zhang", "张工", "editor")
    token = LG.start_session(store, user, via="password", now=T0)
    now = T0
    for _ in range(24):  # busy all day: every 29 minutes, 11 h 36 min in all
        now += dt.timedelta(minutes=29)
        assert _resume(store, token, now).user is not None, now
    now += dt.timedelta(minutes=29)  # 12 h 5 min after signing in
    gone = _resume(store, token, now)
    assert gone.user is None and "最长时限" in gone.reason
    idle = LG.start_session(store, user, via="password", now=T0)
    assert _resume(store, idle, T0 + dt.timedelta(minutes=29)).user is not None
    gone = _resume(store, idle, T0 + dt.timedelta(minutes=59, seconds=1))
    assert gone.user is None and "长时间未操作" in gone.reason


def test_sign_out_is_final(store: Store) -> None:
    user = U.User("zhang", "张工", "editor")
    token = LG.start_session(store, user, via="password", client="10.0.0.5", now=T0)
    LG.end_session(store, token, now=T0 + dt.timedelta(minutes=5))
    LG.end_session(store, token, now=T0 + dt.timedelta(minutes=6))  # twice: one row
    assert _resume(store, token, T0 + dt.timedelta(minutes=5)) == LG.Resumed(None, "password", "")


def test_tokens_are_random_and_stored_hashed(store: Store) -> None:
    user = U.User("zhang", "张工", "editor")
    tokens = {LG.start_session(store, user, via="password", now=T0) for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 40 for t in tokens)
    with store.engine.connect() as c:
        stored = set(c.execute(sa.text("select token_hash from login_session")).scalars())
    assert not stored & tokens and stored == {LG.token_hash(t) for t in tokens}


# -- single sign-on -------------------------------------------------------------------------------


def test_sso_requires_a_verified_email_and_an_active_account(store: Store) -> None:
    U.create_user(store, "li@county.gov.cn", "editor", None, "李工", by=LOCAL)
    assert LG.sso_account(store, "li@county.gov.cn", True) == U.User(
        "li@county.gov.cn", "李工", "editor"
    )
    for unverified in (False, None, "true", 1):
        with pytest.raises(PermissionDenied, match="email_verified"):
            LG.sso_account(store, "li@county.gov.cn", unverified)
    assert LG.sso_account(store, "visitor@county.gov.cn", True) is None  # a viewer
    U.update_user(store, "li@county.gov.cn", by=LOCAL, active=False)
    with pytest.raises(PermissionDenied, match="已停用"):
        LG.sso_account(store, "li@county.gov.cn", True)
    # an SSO-only account has no password to sign in with
    assert LG.authenticate(store, "root", "", now=T0) is None


def test_unregistered_sso_identity_is_a_viewer_session(store: Store) -> None:
    token = LG.start_session(
        store, U.User("visitor@county.gov.cn", "", "viewer"), via="sso", now=T0
    )
    assert _resume(store, token, T0) == LG.Resumed(
        U.User("visitor@county.gov.cn", "", "viewer"), "sso"
    )
