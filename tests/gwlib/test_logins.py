"""Signing in: the password policy, back-off per user name and per client kept in the database,
at most two Argon2 checks at once, sessions (idle, lifetime, disabled, role now), single sign-on
rules, and the audit rows of sign-ins and sign-outs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from gwlib.errors import LoginRefused, PermissionDenied, ValidationError
from gwlib.store import Store
from gwlib.store import logins as LG
from gwlib.store import users as U
from gwlib.store.schema_auth import login_throttle
from gwlib.store.schema_ledger import audit_log
from tests.accounts import LOCAL

T0 = dt.datetime(2026, 3, 1, 8, 0)
PW = "Correct-horse-7"
IDLE, LIFE = dt.timedelta(minutes=30), dt.timedelta(hours=12)


@pytest.fixture
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Real Argon2id at its lowest cost: these tests count checks, they do not time them (the
    default parameters are tested in test_ledger_store.py)."""
    monkeypatch.setattr(U, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    dummy = LG._no_such_user  # a hash made with the hasher in use
    dummy.cache_clear()
    yield
    dummy.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, cheap_argon2: None) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'logins.sqlite'}"
    else:
        url = str(request.getfixturevalue("fresh_pg_url"))
    s = Store.open(url)
    U.create_user(s, "zhang", "editor", PW, "张工", by=LOCAL)
    U.create_user(s, "root", "admin", None, by=LOCAL)
    yield s
    s.close()


def _audit(store: Store, *actions: str) -> list[tuple[str, str, str, str]]:
    a = audit_log
    with store.engine.connect() as c:
        rows = c.execute(
            sa.select(a.c.user_name, a.c.action, a.c.entity_key, a.c.note)
            .where(a.c.action.in_(actions))
            .order_by(a.c.id)
        ).all()
    return [tuple(r) for r in rows]


# -- password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Short-1", "至少 10 个字符"),
        ("x" * 257 + "A1", "不超过 256"),
        ("alllowercase", "3 类"),
        ("lowercase123", "3 类"),
        ("UPPER-lower", None),  # upper, lower, other
        ("数字和汉字的密码abc1", None),  # lower, digit, other (汉字)
        ("Zhang-2026!", "用户名"),
        ("ZHANG", "至少 10"),
        ("Password123", "常见密码"),
        ("p@ssw0rd123", "常见密码"),
        ("Correct-horse-7", None),
    ],
)
def test_password_policy(password: str, broken: str | None) -> None:
    if broken is None:
        U.check_password(password, "zhang")
    else:
        with pytest.raises(ValidationError, match=broken) as err:
            U.check_password(password, "zhang")
        assert password not in str(err.value)  # never echoed


def test_password_equal_to_a_short_username_is_refused() -> None:
    with pytest.raises(ValidationError, match="用户名"):
        U.check_password("Ab1-Ab1-Ab1", "ab1-ab1-ab1")
    U.check_password("Li-password-1", "li")  # a 2-letter name inside a password is allowed


# -- back-off -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "free", "minutes"),
    [(4, 5, 0), (5, 5, 1), (6, 5, 2), (8, 5, 8), (9, 5, 15), (60, 5, 15), (20, 20, 1)],
)
def test_lock_duration(failures: int, free: int, minutes: int) -> None:
    assert LG.lock_duration(failures, free) == dt.timedelta(minutes=minutes)


def test_user_lockout_then_release(store: Store) -> None:
    for _ in range(LG.USER_FREE_FAILURES):
        assert LG.authenticate(store, "zhang", "Wrong-pass-1", client="10.0.0.9", now=T0) is None
    # locked: even the right password is refused without being checked, and said so
    with pytest.raises(LoginRefused, match=r"该账号.*1 分钟后"):
        LG.authenticate(store, "zhang", PW, client="10.0.0.8", now=T0 + dt.timedelta(seconds=30))
    user = LG.authenticate(
        store, "zhang", PW, client="10.0.0.8", now=T0 + dt.timedelta(minutes=1, seconds=1)
    )
    assert user is not None and user.role == "editor"
    # the success cleared the name's count: 4 more failures do not lock it
    for _ in range(LG.USER_FREE_FAILURES - 1):
        LG.authenticate(
            store, "zhang", "Wrong-pass-1", client="10.0.0.9", now=T0 + dt.timedelta(minutes=2)
        )
    assert LG.authenticate(store, "zhang", PW, now=T0 + dt.timedelta(minutes=2)) is not None
    failed = _audit(store, "login_failed")
    assert len(failed) == 2 * LG.USER_FREE_FAILURES - 1
    assert failed[0] == ("zhang", "login_failed", "10.0.0.9", "密码不正确")
    assert failed[LG.USER_FREE_FAILURES - 1][3] == "密码不正确；暂停登录 1 分钟"


def test_back_off_doubles_and_counts_are_forgotten(store: Store) -> None:
    now = T0
    for _ in range(LG.USER_FREE_FAILURES + 2):
        LG.authenticate(store, "zhang", "Wrong-pass-1", now=now)
        now += LG.MAX_LOCK  # wait out each lock
    with store.engine.connect() as c:
        row = c.execute(sa.select(login_throttle).where(login_throttle.c.scope == "user")).one()
    assert row.failures == LG.USER_FREE_FAILURES + 2
    assert row.locked_until - row.last_failure == dt.timedelta(minutes=4)
    # an hour without failures: the count starts again at 1
    later = row.last_failure + LG.FORGET_AFTER + dt.timedelta(minutes=1)
    LG.authenticate(store, "zhang", "Wrong-pass-1", now=later)
    with store.engine.connect() as c:
        row = c.execute(sa.select(login_throttle).where(login_throttle.c.scope == "user")).one()
    assert (row.failures, row.locked_until) == (1, None)


def test_unknown_names_are_locked_the_same_way(store: Store) -> None:
    for k, name in enumerate(("zhang", "Secret-typed-here-1")):  # a password in the name field
        for _ in range(LG.USER_FREE_FAILURES):
            LG.authenticate(store, name, "Wrong-pass-1", client=f"10.0.0.{k}", now=T0)
        with pytest.raises(LoginRefused) as err:
            LG.authenticate(store, name, "Wrong-pass-1", client=f"10.0.0.{k}", now=T0)
        assert str(err.value).startswith("该账号连续登录失败次数过多")
    failed = _audit(store, "login_failed")
    assert {r[0] for r in failed} == {"zhang", LG.UNKNOWN_NAME}
    assert not any("Secret-typed-here-1" in str(r) for r in failed)
    assert failed[-1][3] == "没有此用户；暂停登录 1 分钟"


def test_client_lockout_across_user_names(store: Store) -> None:
    for k in range(LG.CLIENT_FREE_FAILURES):
        LG.authenticate(store, f"guess{k}", "Wrong-pass-1", client="10.6.6.6", now=T0)
    with pytest.raises(LoginRefused, match="本机"):
        LG.authenticate(store, "zhang", PW, client="10.6.6.6", now=T0)
    assert LG.authenticate(store, "zhang", PW, client="10.0.0.1", now=T0) is not None  # others
    # a success from another client does not clear this client's count
    with pytest.raises(LoginRefused):
        LG.authenticate(store, "zhang", PW, client="10.6.6.6", now=T0)


def test_admin_password_reset_clears_the_lock(store: Store) -> None:
    for _ in range(LG.USER_FREE_FAILURES):
        LG.authenticate(store, "zhang", "Wrong-pass-1", now=T0)
    U.update_user(store, "zhang", by=LOCAL, password="New-password-8")
    assert LG.authenticate(store, "zhang", "New-password-8", now=T0) is not None


def test_throttle_survives_a_restart(store: Store) -> None:
    """Kept in the database: a second process (another replica) sees the same lock."""
    for _ in range(LG.USER_FREE_FAILURES):
        LG.authenticate(store, "zhang", "Wrong-pass-1", now=T0)
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    with pytest.raises(LoginRefused):
        LG.authenticate(other, "zhang", PW, now=T0)
    other.close()


# -- at most two Argon2 checks at once ------------------------------------------------------------


class SlowHasher:
    """Stands in for argon2's PasswordHasher: each check takes 50 ms; records how many run at
    once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.peak = self.calls = 0

    def _work(self) -> None:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1

    def verify(self, stored: str, password: str) -> bool:
        self._work()
        if stored != "hash:" + password:
            from argon2.exceptions import VerifyMismatchError

            raise VerifyMismatchError
        return True

    def hash(self, password: str) -> str:
        self._work()
        return "hash:" + password

    def check_needs_rehash(self, stored: str) -> bool:
        return False


def test_at_most_two_argon2_checks_at_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = SlowHasher()
    monkeypatch.setattr(U, "_HASHER", fake)
    monkeypatch.setattr(LG, "_no_such_user", lambda: "hash:-")
    with store.transaction() as c:
        c.execute(sa.update(U.app_user).values(password_hash="hash:" + PW))
    results: list[Any] = []

    def guess(k: int) -> None:
        try:
            results.append(LG.authenticate(store, f"u{k}", "x", client=f"c{k}", now=T0))
        except LoginRefused as exc:
            results.append(exc)

    threads = [threading.Thread(target=guess, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.peak == U.ARGON2_SLOTS == 2
    assert fake.calls == 12 and results == [None] * 12  # the rest waited their turn
    # nobody frees a slot within the wait: "稍后再试", and no check runs
    monkeypatch.setattr(U, "ARGON2_WAIT_S", 0.05)
    for _ in range(U.ARGON2_SLOTS):
        U._ARGON2.acquire()
    try:
        with pytest.raises(LoginRefused, match="稍后再试"):
            LG.authenticate(store, "zhang", PW, now=T0)
    finally:
        for _ in range(U.ARGON2_SLOTS):
            U._ARGON2.release()
    assert fake.calls == 12


# -- sessions -------------------------------------------------------------------------------------


def _resume(store: Store, token: str, now: dt.datetime) -> LG.Resumed:
    return LG.resume_session(store, token, now=now, idle=IDLE, lifetime=LIFE)


def test_session_reads_the_role_now_and_ends_when_disabled(store: Store) -> None:
    user = LG.authenticate(store, "zhang", PW, client="10.0.0.5", now=T0)
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


def test_sign_out_is_final_and_audited(store: Store) -> None:
    user = U.User("zhang", "张工", "editor")
    token = LG.start_session(store, user, via="password", client="10.0.0.5", now=T0)
    LG.end_session(store, token, now=T0 + dt.timedelta(minutes=5))
    LG.end_session(store, token, now=T0 + dt.timedelta(minutes=6))  # twice: one row
    assert _resume(store, token, T0 + dt.timedelta(minutes=5)) == LG.Resumed(None, "password", "")
    assert _audit(store, "login", "logout") == [
        ("zhang", "login", "10.0.0.5", "密码"),
        ("zhang", "logout", "10.0.0.5", ""),
    ]


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
    assert _audit(store, "login_failed")[-1][3] == "仅限统一身份认证登录"


def test_unregistered_sso_identity_is_a_viewer_session(store: Store) -> None:
    token = LG.start_session(
        store, U.User("visitor@county.gov.cn", "", "viewer"), via="sso", now=T0
    )
    assert _resume(store, token, T0) == LG.Resumed(
        U.User("visitor@county.gov.cn", "", "viewer"), "sso"
    )
