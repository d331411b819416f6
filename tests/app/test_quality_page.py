"""水质类别与趋势 page behaviour, driven by widget keys."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from gwlib.quality.annual import exceedance_table
from gwlib.quality.standards import get_standard
from gwlib.store import Store
from gwui import keys
from tests.app.conftest import APP


def _quality_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("views/quality.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_exceedance_table_follows_year_filter(app_env: str) -> None:
    at = _quality_page()
    year = 2021
    at.session_state[keys.FILTER_YEAR] = year  # sidebar filter, set by key
    at.run()
    with Store.open(app_env) as store:
        ex = exceedance_table(store.measurements(), store.points(), get_standard())
    expected = ex[ex["date"].astype(str).str.startswith(str(year))]
    assert len(at.tabs[4].dataframe[0].value) == len(expected)
    assert len(expected) > 0


def test_point_report_shows_trend_statistics(app_env: str) -> None:
    at = _quality_page()
    box = at.selectbox(key=keys.QUALITY_POINT)
    point = box.options[-1].split("\u3000")[0]  # options are shown as "code　name"
    box.select(point).run()
    assert not at.exception
    assert at.selectbox(key=keys.QUALITY_POINT).value == point
    picked = at.multiselect(key=keys.QUALITY_POINT_INDICATORS).value
    assert picked, "the limiting indicators are preselected"
    texts = " ".join(m.value for m in at.markdown)
    assert "Kendall τ" in texts and "Sen 斜率" in texts and "趋势：" in texts
    assert point


def test_township_filter_narrows_the_matrix(app_env: str) -> None:
    at = _quality_page()
    full = len(at.tabs[1].dataframe[0].value)
    with Store.open(app_env) as store:
        pts = store.points()
    township = sorted(pts["township"])[0]
    at.session_state[keys.FILTER_TOWNSHIP] = [township]  # sidebar filter, set by key
    at.run()
    narrowed = at.tabs[1].dataframe[0].value
    assert 0 < len(narrowed) < full
    allowed = set(pts[pts["township"] == township]["code"])
    assert set(narrowed["point"]) <= allowed
