"""AppTest fixtures: the session's demo database (tests/conftest.py), caches cleared around
every test. ``app_env`` shares the read-only demo; ``app_env_writable`` gives the test its own
copy, for a test that saves something through the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from gwlib.store import Store
from gwlib.store.logins import start_session
from gwlib.store.users import User
from tests.accounts import add_accounts

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def _app_env(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GWLIB_DB_URL", url)
    monkeypatch.chdir(ROOT)
    # AppTest keeps its own bookkeeping dict in session state, which is not picklable; the
    # project's enforceSerializableSessionState=true would reject it. The browser tests run with
    # the committed config, so the app's own state is still checked there.
    monkeypatch.setattr(
        "streamlit.runtime.state.session_state.SessionState._check_serializable",
        lambda self: None,
    )
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's environment on the shared demo database (for tests that only read)."""
    yield from _app_env(demo_url, monkeypatch)


@pytest.fixture
def app_env_writable(demo_copy_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's environment on this test's own copy of the demo database."""
    yield from _app_env(demo_copy_url, monkeypatch)


def sign_in(monkeypatch: pytest.MonkeyPatch, url: str, username: str, role: str) -> str:
    """Sign ``username`` in as the sign-in form leaves it: a session in the database, and its
    token in the browser's cookie (AppTest has no browser, so the cookie reader returns it).
    The account is created with ``role`` if it does not exist. Returns the token."""
    store = Store.open(url)
    add_accounts(store, {username: role})
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    token = start_session(store, User(username, "", role), via="password", now=now)
    store.close()
    monkeypatch.setattr("gwui.session.browser_token", lambda: token)
    return token


@pytest.fixture(scope="module")
def app_env_module(demo_url: str) -> Iterator[str]:
    """``app_env`` for a module's fixtures (several pages run once, then compared)."""
    with pytest.MonkeyPatch.context() as mp:
        yield from _app_env(demo_url, mp)
