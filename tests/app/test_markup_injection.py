"""Free text typed by users never renders as markup or makes the browser fetch anything."""

from __future__ import annotations

import json

import sqlalchemy as sa
from streamlit_folium import generate_leaflet_string

from gwlib.geo import basemaps
from gwlib.sources.findings import Layers
from gwlib.store import Store
from gwui.mapfeatures import map_data
from gwui.mapview import assemble_map
from gwui.render import md

PAYLOADS = [
    "![x](http://evil.example/p.png)",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "**粗体** _斜体_ `代码`",
]


def test_md_escapes_every_markup_character() -> None:
    for text in PAYLOADS:
        escaped = md(text)
        for ch in "![]()<>*_`":
            assert ch not in escaped.replace("\\" + ch, "")
        # Unescaping gives the text back: nothing is lost, only neutralised.
        assert escaped.replace("\\", "") == text.replace("\\", "")


def test_map_layers_never_evaluate_template_syntax_in_user_text(demo_copy_url: str) -> None:
    """Folium renders each layer's script a second time as a Jinja template; user text in a
    layer (a zone or well name) must reach the page as written, never evaluated on the server."""
    url = demo_copy_url
    payload = "{{ 7*7 }}{% if true %}求值了{% endif %}"
    with Store.open(url) as store:
        with store.transaction() as conn:
            conn.execute(sa.text("UPDATE zone SET name = :n"), {"n": f"区{payload}"})
            conn.execute(sa.text("UPDATE abandoned_well SET village = :n"), {"n": f"村{payload}"})
        layers = Layers(
            zones=store.zones(), wells=store.wells(), drinking_sources=store.drinking_sources(),
            pollution_sources=store.pollution_sources(), points=store.points(),
            samples=store.samples(),
        )
        boundaries = store.boundaries()
    basemap = basemaps.available({})[basemaps.default_key({})]
    fmap = assemble_map(map_data(layers, boundaries, basemap), basemap)
    # Both ways the page is made: folium's figure, and streamlit-folium's own walk of the layers.
    page = fmap.get_root().render() + generate_leaflet_string(fmap)
    for prefix in ("区", "村"):  # as JSON text in the page, never evaluated
        assert json.dumps(f"{prefix}{payload}", ensure_ascii=False)[1:-1] in page
        assert f"{prefix}49" not in page
