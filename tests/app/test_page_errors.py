"""No page shows Streamlit's English error box (issue 17 item 2): an unexpected error becomes a
Chinese notice with a log reference; a gwlib error its own Chinese message. The 一张图 page
with the 高德地图 (GCJ-02) basemap draws every zone, holes included."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from gwlib.errors import InputError
from gwui import keys
from tests.app.conftest import APP

TIMEOUT_S = 90


def _map(monkeypatch: pytest.MonkeyPatch, boom: BaseException | None) -> AppTest:
    if boom is not None:
        def fail(*args: object, **kwargs: object) -> None:
            raise boom

        monkeypatch.setattr("gwui.mapview.assemble_map", fail)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/map.py").run()
    return at


def test_an_unexpected_error_is_a_chinese_notice(
    app_env: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="gwui"):
        at = _map(monkeypatch, ValueError("zone geometry: inhomogeneous shape"))
    assert not at.exception
    (err,) = at.error
    assert "本页出现内部错误" in err.value and "编号" in err.value
    ref = err.value.split("编号 ")[1][:8]
    assert any(ref in r.getMessage() for r in caplog.records)  # the log names the same ref
    assert "inhomogeneous" not in err.value


def test_a_gwlib_error_shows_its_message(app_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _map(monkeypatch, InputError("坐标无法换算", value="x"))
    assert not at.exception
    assert any("坐标无法换算" in e.value for e in at.error)


def test_amap_basemap_draws_the_demo(app_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _map(monkeypatch, None)
    at.selectbox(key=keys.MAP_BASEMAP).set_value("amap").run()
    assert not at.exception and not at.error


def test_a_database_older_than_the_program_says_to_migrate(
    app_env_writable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing column (the database not migrated to this program's schema) is named as such,
    with the command that fixes it — not as "数据库服务未启动"."""
    import sqlalchemy as sa

    from gwlib.store import Store
    from gwui import labels

    with Store.open(app_env_writable) as store, store.transaction() as conn:
        conn.execute(sa.text("ALTER TABLE plan_target DROP COLUMN due"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/tasks.py").run()
    errors = [e.value for e in at.error]
    assert any(labels.DB_SCHEMA in e and "due" in e for e in errors), errors
    assert not any(labels.DB_UNAVAILABLE in e for e in errors)
