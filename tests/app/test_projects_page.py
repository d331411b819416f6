"""项目储备库 page: figures with units, downloads for everyone, import for editors only."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from gwlib.projects.figures import reserve_figures
from gwlib.projects.register import HEADERS
from gwlib.store import Store
from gwlib.store.projects import projects
from gwui import keys
from tests.app.conftest import APP, sign_in

ROW = "P1,封井回填一期,封井回填,古绛镇,实施中,2023,500,300,100,100,400,380,2023-05-01,,,,,"


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("views/projects.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_sees_figures_but_no_upload(app_env: str) -> None:
    at = _page()
    assert not at.get("file_uploader")
    assert {m.label for m in at.metric} >= {"项目", "下达资金（万元）", "资金执行率", "开工率"}


def test_editor_imports(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    at = _page()
    data = (",".join(HEADERS) + "\n" + ROW + "\n").encode()
    at.file_uploader(key=keys.PROJECTS_UPLOAD).set_value(("项目.csv", data, "text/csv")).run()
    at.button(key=keys.PROJECTS_COMMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("imported 1" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    with Store.open(app_env_writable) as store:
        p = projects(store)
    f = reserve_figures(p, dt.date(2025, 12, 31))
    assert "P1" in set(p["code"]) and len(p) > 1  # beside the demo's reserve
    assert metrics["项目"] == f"{len(p)} 个"
    assert f.execution is not None
    assert metrics["资金执行率"] == f"{f.execution:.1f}%"
    assert metrics["下达资金（万元）"] == f"{f.allocated_wan:,.1f}"
