"""AppTest fixtures: one demo database for the session, caches cleared around every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from gwlib.demo import build_demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'demo.sqlite'}"
    build_demo(url)
    return url


@pytest.fixture
def app_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GWLIB_DB_URL", demo_db_url)
    monkeypatch.chdir(ROOT)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_db_url
    st.cache_data.clear()
    st.cache_resource.clear()
