"""A county's first day: ``python -m gwlib init`` makes an empty database for any county, and
every page runs on it, titled for that county, with nothing saying 绛县 or 模拟数据."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwlib.store.county import county_boundary, county_info
from gwui.pages import PAGES
from tests.app.conftest import APP, ROOT, _app_env

TIMEOUT_S = 60


@pytest.fixture(scope="module")
def wuqia(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('wuqia') / 'gw.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-m", "gwlib", "init", "--db", url, "--adcode", "653024"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "initialised 653024 新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县 (18,754 km²)"
    return url


@pytest.fixture
def env(wuqia: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _app_env(wuqia, monkeypatch)


def test_init_holds_the_county_and_nothing_else(wuqia: str) -> None:
    with Store.open(wuqia) as store:
        info = county_info(store)
        assert (info.adcode, info.name, info.title) == ("653024", "乌恰县", "乌恰县地下水污染防治")
        assert len(county_boundary(store)) == 1
        assert store.get_meta("metric_crs") == "EPSG:32643"  # UTM 43N, not 绛县's 49N
        counts = store.counts()
        assert all(counts[t] == 0 for t in ("monitoring_point", "sample", "abandoned_well",
                                            "zone", "drinking_source", "pollution_source"))


def test_init_refuses_a_database_with_data(demo_copy_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gwlib", "init", "--db", demo_copy_url, "--adcode", "140826"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "模拟数据" in done.stderr


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_every_page_runs_on_a_new_county(env: str, spec) -> None:  # type: ignore[no-untyped-def]
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    if not spec.default:
        at.switch_page(spec.path)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "内部错误" in e.value]  # caught by page_errors
    assert any("乌恰县地下水污染防治" in c.value for c in at.sidebar.caption)
    shown = " ".join(str(e.value) for kind in ("title", "markdown", "caption", "info", "warning")
                     for e in getattr(at, kind))  # fmt: skip
    assert "绛县" not in shown and "模拟数据" not in shown
