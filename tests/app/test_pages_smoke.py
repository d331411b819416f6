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


@pytest.fixture(scope="module")
def new_county_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new county's database on its first day: boundary only, nothing registered yet."""
    from gwlib.geo.counties import county
    from gwlib.store import Store
    from gwlib.store.county import init_county
    from tests.accounts import LOCAL

    url = f"sqlite:///{tmp_path_factory.mktemp('new-county') / 'new.sqlite'}"
    init_county(Store.open(url), county("140826"), LOCAL)
    return url


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_page_runs_on_an_empty_database(new_county_url: str, monkeypatch: pytest.MonkeyPatch,
                                        spec) -> None:  # type: ignore[no-untyped-def]
    from tests.app.conftest import _app_env

    for _ in _app_env(new_county_url, monkeypatch):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.run()
        if not spec.default:
            at.switch_page(spec.path)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert not [e.value for e in at.error if "内部错误" in e.value]  # caught by page_errors
        assert any(spec.title in t.value for t in at.title)
