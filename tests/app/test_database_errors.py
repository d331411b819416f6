"""The database going away: the app says so clearly and recovers when it returns."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP


def test_unreachable_database_shows_a_message_then_recovers(
    app_env: str, monkeypatch: pytest.MonkeyPatch, free_port
) -> None:  # type: ignore[no-untyped-def]
    # Nothing listens on this port: the database is "gone".
    monkeypatch.setenv("GWLIB_DB_URL", f"postgresql+psycopg://gw@127.0.0.1:{free_port()}/gw")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("暂时无法读写数据库" in e.value for e in at.error)
    # The database is back: the next run works, nothing stale was cached.
    monkeypatch.setenv("GWLIB_DB_URL", app_env)
    at.run()
    assert not at.exception and not at.error
    assert any(t.value == "总览" for t in at.title)
