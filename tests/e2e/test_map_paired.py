"""Wells or monitoring points at the same coordinates (a pair of wells at one site) do not hide
each other on the map (issue 17, item 3): the popup of either lists them all. The map is built
as the app builds it and opened in Chromium, its Leaflet files served from static/vendor."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Route

from gwlib.geo import basemaps
from gwlib.wells.model import WellStatus
from gwui.mapfeatures import point_features, well_layer_data
from gwui.mapview import WellClusterLayer, assemble_map
from gwui.webassets import URL_PREFIX, VENDOR

pytestmark = pytest.mark.e2e
ORIGIN = "http://gw.test"


def _wells() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["JX-FJ-0001", "JX-FJ-0002", "JX-FJ-0003"],
        "lon": [111.5, 111.5, 111.6], "lat": [35.5, 35.5, 35.6],
        "status": [WellStatus.REGISTERED.value] * 3, "category": ["取水井"] * 3,
        "subtype": ["", "", ""], "township": ["横水镇"] * 3, "village": ["甲村", "甲村", "乙村"],
    })  # fmt: skip


def _serve(route: Route, html: str) -> None:
    """The map page itself, and Leaflet's files from static/vendor (nothing else exists)."""
    path = route.request.url.removeprefix(ORIGIN)
    if path == "/map.html":
        route.fulfill(body=html, content_type="text/html; charset=utf-8")
        return
    local = VENDOR / path.removeprefix(f"/{URL_PREFIX}/")
    if local.is_file():
        route.fulfill(body=Path(local).read_bytes())
    else:
        route.abort()


def test_paired_wells_share_one_popup_that_lists_both(browser: Browser) -> None:
    basemap = basemaps.available({})[basemaps.default_key({})]
    kind, data = well_layer_data(_wells(), [WellStatus.REGISTERED], "报废井", basemap)
    assert kind == "cluster"
    fmap = assemble_map([(kind, "报废井", data, True)], basemap)
    html = fmap.get_root().render()
    page = browser.new_page()
    page.route(f"{ORIGIN}/**", lambda route: _serve(route, html))
    page.goto(f"{ORIGIN}/map.html")
    name = next(c.get_name() for c in fmap._children.values() if isinstance(c, WellClusterLayer))
    popups = page.evaluate(
        f"() => {name}.getLayers().map(m => m.getPopup()._content(m))"
    )
    paired = [p for p in popups if "JX-FJ-0001" in p]
    assert len(paired) == 2  # either marker of the pair
    assert all("JX-FJ-0002" in p and "坐标相同的井 2 眼" in p for p in paired)
    single = next(p for p in popups if "JX-FJ-0003" in p)
    assert "JX-FJ-0001" not in single and "坐标相同" not in single
    page.close()


def test_paired_points_name_each_other() -> None:
    basemap = basemaps.available({})[basemaps.default_key({})]
    points = pd.DataFrame({
        "code": ["JX-GK-01", "JX-GK-02", "JX-SK-01"], "name": ["浅层", "深层", "别处"],
        "lon": [111.5, 111.5, 111.7], "lat": [35.5, 35.5, 35.7], "category": ["国考"] * 3,
        "township": ["横水镇"] * 3, "target_class": [3, 3, 3],
    })  # fmt: skip
    samples = pd.DataFrame({"point": ["JX-GK-01", "JX-GK-02", "JX-SK-01"],
                            "date": pd.to_datetime(["2025-05-01"] * 3),
                            "quality_class": [3, 4, 2]})  # fmt: skip
    feats = {f["properties"]["popup"][0]: f["properties"] for f in
             point_features(points, samples, basemap)}  # fmt: skip
    rows = {k: dict(v["popup"][1]) for k, v in feats.items()}
    assert rows["监测点位 JX-GK-01"]["同一位置的点位"] == "JX-GK-02"
    assert rows["监测点位 JX-GK-02"]["同一位置的点位"] == "JX-GK-01"
    assert "同一位置的点位" not in rows["监测点位 JX-SK-01"]
    assert "另有 1 个点位" in feats["监测点位 JX-GK-01"]["tip"]


def test_zones_lie_under_points_whatever_order_layers_are_switched_on(browser: Browser) -> None:
    """With the 防治分区 layer switched on after the points, a click on a point still reaches
    the point: areas are drawn in a pane under the points' pane."""
    from gwlib.sources.findings import Layers
    from gwui.mapfeatures import map_data

    basemap = basemaps.available({})[basemaps.default_key({})]
    square = '{"type": "Polygon", "coordinates": [[[111.4, 35.4], [111.6, 35.4], [111.6, 35.6], [111.4, 35.6], [111.4, 35.4]]]}'
    zones = pd.DataFrame({"code": ["Z1"], "name": ["管控区"], "kind": ["管控类"],
                          "legal_status": ["已划定"], "basis": [""], "requirements": [""],
                          "source_code": [None], "geometry": [square]})  # fmt: skip
    points = pd.DataFrame({"code": ["JX-GK-01"], "name": ["点"], "lon": [111.5], "lat": [35.5],
                           "category": ["国考"], "township": ["横水镇"], "target_class": [3]})  # fmt: skip
    samples = pd.DataFrame({"point": ["JX-GK-01"], "date": pd.to_datetime(["2025-05-01"]),
                            "quality_class": [3]})  # fmt: skip
    empty = pd.DataFrame()
    layers = Layers(zones=zones, wells=_wells().iloc[0:0], drinking_sources=empty.assign(
        code=[], name=[], lon=[], lat=[]), pollution_sources=empty.assign(
        code=[], name=[], lon=[], lat=[], category=[]), points=points, samples=samples)
    boundaries = pd.DataFrame({"level": [], "name": [], "geometry": []})
    fmap = assemble_map(map_data(layers, boundaries, basemap), basemap)
    html = fmap.get_root().render()
    page = browser.new_page()
    page.route(f"{ORIGIN}/**", lambda route: _serve(route, html))
    page.goto(f"{ORIGIN}/map.html")
    panes = page.evaluate("""() => {
        const out = {};
        for (const k of Object.keys(window)) {
            const v = window[k];
            if (v && v.options && v.getLayers && v.options.pane && v.getLayers().length) {
                const f = v.getLayers()[0].feature;
                if (f) { out[f.geometry.type] = v.options.pane; }
            }
        }
        const map = Object.keys(window).map(k => window[k]).find(v => v && v.getPane && v.createPane);
        out.zAreas = +map.getPane("gwAreas").style.zIndex;
        out.zPoints = +getComputedStyle(map.getPane("overlayPane")).zIndex;
        return out;
    }""")
    assert panes["Polygon"] == "gwAreas" and panes["Point"] == "overlayPane"
    assert panes["zAreas"] < panes["zPoints"]
    page.close()
