"""Every page in the registry runs under AppTest on the demo database without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gwui.pages import PAGES
from tests.app.conftest import APP

TIMEOUT_S = 60


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_page_runs(app_env: str, spec) -> None:  # type: ignore[no-untyped-def]
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    if not spec.default:
        at.switch_page(spec.path)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "内部错误" in e.value]  # caught by page_errors
    assert any(spec.title in t.value for t in at.title)
    assert any("模拟数据" in w.value for w in at.warning), "demo data must be labelled"

