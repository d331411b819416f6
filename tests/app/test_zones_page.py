"""保护区与分区导入 page: viewers read only; an editor uploads a GeoJSON of 管控类 zones, sees them
counted, listed with their area and drawn on the preview map, and commits them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gwlib.store import Store
from gwui import keys, labels
from tests.app.conftest import APP, sign_in
from tests.gwlib.test_geo_zones import FIRST, SECOND
from tests.gwlib.test_zones_import import _geojson

TIMEOUT_S = 90


def _page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/zones_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_reads_only(app_env: str) -> None:
    at = _page()
    assert not at.get("file_uploader")
    assert any(i.value == labels.READ_ONLY for i in at.info)


def test_editor_previews_and_commits(app_env_writable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(monkeypatch, app_env_writable, "zhao", "editor")
    with Store.open(app_env_writable) as store:
        before = len(store.zones())
    at = _page()
    at.selectbox(key=keys.ZONES_KIND).set_value("管控类").run()
    data = _geojson(("新管控区甲", SECOND), ("新管控区乙", FIRST))
    at.file_uploader(key=keys.ZONES_UPLOAD).set_value(("分区.geojson", data, "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["新增"], metrics["拒收"]) == ("2 个", "0 个要素")
    zones = next(d.value for d in at.dataframe if "area_km2" in d.value.columns)
    assert sorted(zones["name"]) == ["新管控区乙", "新管控区甲"]
    assert zones["area_km2"].between(0.5, 30).all()
    # The preview map is a component AppTest cannot look into; the browser test draws it.
    at.button(key=keys.ZONES_COMMIT).click().run()
    assert any("imported 2, updated 0" in s.value for s in at.success)
    with Store.open(app_env_writable) as store:
        assert len(store.zones()) == before + 2
