"""Overview page behaviour, driven by widget keys."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwlib.summaries import latest_samples
from gwui import keys
from tests.app.conftest import APP


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_year_filter_changes_the_figures(app_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    year_box = at.selectbox(key=keys.OVERVIEW_YEAR)
    years = year_box.options
    assert len(years) >= 5
    store = Store.open(app_env)
    samples = store.samples()
    for year_label in (years[0], years[-1]):
        year = int(year_label.split()[0])
        at.selectbox(key=keys.OVERVIEW_YEAR).select(year).run()
        assert not at.exception
        latest = latest_samples(samples, year)
        expected_v = (latest["quality_class"] == 5).mean() * 100
        assert _metric(at, "Ⅴ类点位占比") == f"{expected_v:.1f}%"
        assert _metric(at, "已采样点位").startswith(f"{latest['point'].nunique()} / ")
    store.close()


def test_well_counts_shown(app_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    store = Store.open(app_env)
    n = len(store.wells())
    store.close()
    assert _metric(at, "清单内井数") == f"{n} 眼"
