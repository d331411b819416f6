"""AppTest fixtures: the session's demo database (tests/conftest.py), caches cleared around
every test. ``app_env`` shares the read-only demo; ``app_env_writable`` gives the test its own
copy, for a test that saves something through the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

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
