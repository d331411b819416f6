"""AppTest fixtures: one demo database for the session, caches cleared around every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from gwlib.demo import build_demo

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'demo.sqlite'}"
    build_demo(url)
    return url


@pytest.fixture
def app_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GWLIB_DB_URL", demo_db_url)
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
    yield demo_db_url
    st.cache_data.clear()
    st.cache_resource.clear()
