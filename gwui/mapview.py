"""The 一张图 map as a folium figure that loads nothing from the internet: the Leaflet side.
What each layer holds (features, styles, popups) is plain data from :mod:`gwui.mapfeatures`.

Leaflet and Leaflet.markercluster come from ``static/vendor`` (:mod:`gwui.webassets`); no
bootstrap, jQuery, font or icon set is used. Every string that comes from the database is
escaped before it reaches HTML: in Python (``html.escape``) for the GeoJSON layers, and in the
browser (``esc``) for the abandoned-well layer, whose 100,000 rows travel as plain columns and
whose popups are built on click.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

import folium
from branca.element import Element
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from gwlib.geo.basemaps import Basemap
from gwlib.quality.classes import QualityClass
from gwlib.wells.model import WellStatus
from gwui import webassets
from gwui.mapfeatures import (
    NO_CLASS_COLOUR,
    POLLUTION_GROUP_COLOURS,
    SOURCE_COLOUR,
    WELL_STATUS_COLOURS,
    ZONE_STYLES,
    MapData,
)
from gwui.render import CLASS_COLOURS


def _e(value: object) -> str:
    return html.escape("" if value is None or value != value else str(value))


class OfflineMap(folium.Map):
    """A folium map whose only assets are Leaflet's own files, served by this app."""

    def __init__(self, base_path: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default_js = [("leaflet", webassets.url("leaflet/leaflet.js", base_path))]
        self.default_css = [("leaflet_css", webassets.url("leaflet/leaflet.css", base_path))]


class Redraw(folium.MacroElement):
    """Redraws the vector layers once the map's frame has its size: a map created in a frame
    still being laid out (a preview drawn on the rerun after an upload) kept polygons clipped
    to its first, empty view until the user panned."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.whenReady(function () {"
        " var m = {{ this._parent.get_name() }};"
        " setTimeout(function () { m.invalidateSize(); m.fire('moveend'); }, 250); });"
        "{% endmacro %}"
    )


class MetricScale(folium.MacroElement):
    """A scale bar in metres and kilometres only (Leaflet's default adds miles and feet)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({metric: true, imperial: false})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


class _Text(Element):
    """Text that is already rendered, emitted as is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class DataScript:
    """A layer whose script carries data (user text included): rendered once, as data.

    Branca's ``MacroElement.render`` wraps each rendered script in ``Element(text)``, which
    compiles the text as a new Jinja template and renders it again: megabytes of map data were
    lexed for seconds, and ``{{ … }}`` typed into a zone or well name was *evaluated* on the
    server. Here the script is added as plain text, and the rest of the usual rendering (JS/CSS
    links, add-to-map, children) runs with the script macro hidden. The class's ``_template``
    stays as it is for streamlit-folium, which renders the macro itself.
    """

    data: Any

    @property
    def data_json(self) -> str:
        """``data`` as compact JSON safe inside a <script> (as Jinja's tojson escapes), with
        Chinese as UTF-8 rather than \\uXXXX: half the bytes for names and popups."""
        text = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
            text = text.replace(ch, esc)
        return text

    def render(self, **kwargs: Any) -> None:
        element: Any = self
        macro = element._template.module.__dict__["script"]
        element.get_root().script.add_child(_Text(macro(element, kwargs)), name=element.get_name())
        element._template = _NO_MACROS  # hides the class's template from MacroElement.render
        try:
            super().render(**kwargs)  # type: ignore[misc]
        finally:
            del element._template


_NO_MACROS = Template("")


class GeoLayer(DataScript, Layer):
    """GeoJSON features with a style, a tooltip and a popup (see
    :func:`gwui.mapfeatures.compact_features`); points are drawn as circle markers.

    Sent compactly: every text (titles, field names, values, links) is sent once in a string
    table and features refer to it by number, styles likewise; the browser escapes the texts
    and builds a popup's HTML when it opens. Repeated words (类别, 乡镇, 未开展 …) no longer
    travel once per feature.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data_json|safe }}, S = d.strings, styles = d.styles;
            var esc = function (s) {
                return String(s).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            };
            var popupHtml = function (p) {
                var rows = "";
                for (var i = 0; i < p[1].length; i += 2) {
                    rows += "<tr><th>" + esc(S[p[1][i]]) + "</th><td>" + esc(S[p[1][i + 1]])
                        + "</td></tr>";
                }
                var link = p[2] >= 0 ? '<a href="' + esc(S[p[2]]) + '" target="_top">查看详情</a>'
                    : "";
                return '<div class="gw-popup"><b>' + esc(S[p[0]]) + "</b><table>" + rows
                    + "</table>" + link + "</div>";
            };
            // Areas and lines go in a pane under the points' pane, so that a point stays
            // clickable above a zone whatever order the layers are switched on in.
            var m = {{ this._parent.get_name() }}, features = d.collection.features;
            if (!m.getPane("gwAreas")) { m.createPane("gwAreas").style.zIndex = 390; }
            var points = features.length > 0 && features[0].geometry.type === "Point";
            return L.geoJSON(d.collection, {
                pane: points ? "overlayPane" : "gwAreas",
                style: function (f) { return styles[f.properties.s]; },
                pointToLayer: function (f, ll) {
                    return L.circleMarker(ll, styles[f.properties.s]);
                },
                onEachFeature: function (f, layer) {
                    var p = f.properties;
                    if (p.t >= 0) { layer.bindTooltip(esc(S[p.t])); }
                    if (p.p) {
                        layer.bindPopup(function () { return popupHtml(p.p); }, {maxWidth: 360});
                    }
                }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], name: str, show: bool = True) -> None:
        """``data`` from :func:`gwui.mapfeatures.compact_features`."""
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoLayer"
        self.data = data


class WellClusterLayer(DataScript, JSCSSMixin, Layer):
    """Abandoned wells as canvas circle markers in a marker cluster, fed from columns."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data_json|safe }};
            var esc = function (s) {
                return String(s).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            };
            var renderer = L.canvas({padding: 0.5});
            var group = L.markerClusterGroup({
                chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60,
                disableClusteringAtZoom: 16, spiderfyOnMaxZoom: false,
                iconCreateFunction: function (c) {
                    var n = c.getChildCount(), s = n < 100 ? 30 : (n < 1000 ? 36 : 44);
                    return L.divIcon({
                        html: '<div style="width:' + s + 'px;height:' + s + 'px;line-height:' + s
                            + 'px;border-radius:50%;background:' + d.colour + ';opacity:.85;'
                            + 'color:#fff;font:12px sans-serif;text-align:center">' + n + '</div>',
                        className: 'gw-cluster', iconSize: [s, s]});
                }
            });
            // Wells at the same coordinates (a pair of wells, one site) share one popup that
            // lists them all: otherwise the top marker hides the others at every zoom.
            var at = {};
            for (var j = 0; j < d.lat.length; j++) {
                var where = d.lat[j] + ',' + d.lon[j];
                (at[where] = at[where] || []).push(j);
            }
            var one = function (i) {
                var code = d.code[i];
                var link = d.link ? '<a target="_top" href="'
                    + esc(d.link + encodeURIComponent(code)) + '">查看详情</a>' : '';
                return '<b>报废井 ' + esc(code) + '</b><table>'
                    + '<tr><th>类别</th><td>' + esc(d.kinds[d.k[i]]) + '</td></tr>'
                    + '<tr><th>位置</th><td>' + esc(d.places[d.p[i]]) + '</td></tr>'
                    + '<tr><th>状态</th><td>' + esc(d.statuses[d.s[i]]) + '</td></tr>'
                    + '</table>' + link;
            };
            var popup = function (layer) {
                var i = layer.options.gwIndex, same = at[d.lat[i] + ',' + d.lon[i]];
                if (same.length === 1) { return '<div class="gw-popup">' + one(i) + '</div>'; }
                var shown = same.slice(0, 8), rest = same.length - shown.length;
                return '<div class="gw-popup" style="max-height:320px;overflow:auto">'
                    + '<div>此处坐标相同的井 ' + same.length + ' 眼：</div>'
                    + shown.map(one).join('<hr>')
                    + (rest > 0 ? '<div>另有 ' + rest + ' 眼，见台账</div>' : '') + '</div>';
            };
            var markers = new Array(d.lat.length);
            for (var i = 0; i < d.lat.length; i++) {
                markers[i] = L.circleMarker([d.lat[i], d.lon[i]], {
                    renderer: renderer, radius: 5, color: '#ffffff', weight: 1,
                    fillColor: d.colours[d.s[i]], fillOpacity: 0.95, gwIndex: i
                }).bindPopup(popup);
            }
            group.addLayers(markers);
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, data: Mapping[str, Any], name: str, base_path: str = "", show: bool = True
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "WellClusterLayer"
        self.data = dict(data)
        self.default_js = [
            ("markercluster", webassets.url("markercluster/leaflet.markercluster.js", base_path))
        ]
        self.default_css = [
            ("markercluster_css", webassets.url("markercluster/MarkerCluster.css", base_path))
        ]


class WellGridLayer(DataScript, JSCSSMixin, Layer):
    """Abandoned wells counted per grid cell: one bubble per cell, for layers too large to draw
    well by well (see :data:`gwlib.sources.maplayers.WELL_DETAIL_LIMIT`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data_json|safe }};
            var group = L.layerGroup();
            for (var i = 0; i < d.n.length; i++) {
                var n = d.n[i], s = n < 100 ? 26 : (n < 1000 ? 32 : 40);
                L.marker([d.lat[i], d.lon[i]], {icon: L.divIcon({
                    html: '<div style="width:' + s + 'px;height:' + s + 'px;line-height:' + s
                        + 'px;border-radius:50%;background:' + d.colour + ';opacity:.85;'
                        + 'color:#fff;font:11px sans-serif;text-align:center">' + n + '</div>',
                    className: 'gw-cluster', iconSize: [s, s]})})
                  .bindTooltip(d.label + '：' + n + ' 眼（约 ' + d.km + ' km 网格）')
                  .addTo(group);
            }
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: Mapping[str, Any], name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "WellGridLayer"
        self.data = dict(data)


class Legend(folium.MacroElement):
    """A legend (bottom left), folded to one line until opened, so that it covers no points;
    its text is ours, escaped anyway."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .gw-legend {background:rgba(255,255,255,.85);padding:3px 6px;font:10px/1.35 sans-serif;
                    border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:330px}
        .gw-legend summary {cursor:pointer;font-weight:bold}
        .gw-legend .body {columns:2;column-gap:10px}
        .gw-legend b {break-after:avoid}
        .gw-legend i {display:inline-block;width:12px;height:12px;margin-right:4px;
                      vertical-align:middle;border:1px solid #555}
        .gw-legend i.dot {border-radius:50%}
        .gw-popup th {text-align:left;padding-right:8px;white-space:nowrap;font-weight:normal;
                      color:#555}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'bottomleft'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'gw-legend');
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, sections: Iterable[tuple[str, Iterable[tuple[str, str, bool]]]]) -> None:
        super().__init__()
        self._name = "Legend"
        parts = []
        for title, items in sections:
            parts.append(f"<b>{_e(title)}</b><br>")  # one block per section
            parts.extend(
                f'<i class="{"dot" if dot else ""}" style="background:{colour}"></i>{_e(text)}<br>'
                for text, colour, dot in items
            )
        self.html = ('<details><summary>图例</summary><div class="body">' + "".join(parts)
                     + "</div></details>")


def legend() -> Legend:
    zone_items = [(k.value, ZONE_STYLES[k][0], False) for k in ZONE_STYLES]
    class_items = [(QualityClass(c).label, colour, True) for c, colour in CLASS_COLOURS.items()]
    class_items += [("无评价结果", NO_CLASS_COLOUR, True), ("黑框：劣于目标类别", "#ffffff", True)]
    well_items = [(s.value, WELL_STATUS_COLOURS[s], True) for s in WellStatus]
    pollution_items = [(g, c, True) for g, c in POLLUTION_GROUP_COLOURS.items()]
    return Legend(
        [
            ("区域", zone_items),
            ("监测点位（最新水质类别）", class_items),
            ("饮用水水源", [("水源井", SOURCE_COLOUR, True)]),
            ("报废井（封井回填状态）", well_items),
            ("污染源", pollution_items),
        ]
    )


def assemble_map(data: MapData, basemap: Basemap, base_path: str = "") -> folium.Map:
    """A new folium map (one per run: folium objects are not shared between sessions) from
    :func:`map_data`: base map, overlays, layer control and legend."""
    m = OfflineMap(
        base_path=base_path,
        location=[35.49, 111.57],
        zoom_start=10,
        tiles=None,
        control_scale=False,  # MetricScale: kilometres only
        # The map itself needs maxZoom when there is no tile layer (markercluster requires it).
        maxZoom=18,
        minZoom=5,
    )
    for i, tile in enumerate(basemap.tiles):
        folium.TileLayer(
            tiles=tile.url,
            attr=tile.attribution,
            name=basemap.label if i == 0 else f"{basemap.label}（注记）",
            subdomains=tile.subdomains or "abc",
            max_zoom=tile.max_zoom,
            overlay=i > 0,
            control=False,
        ).add_to(m)
    for kind, name, layer, show in data:
        if kind == "geo":
            GeoLayer(layer, name, show=show).add_to(m)
        elif kind == "cluster":
            WellClusterLayer(layer, name, base_path, show=show).add_to(m)
        elif kind == "grid":
            WellGridLayer(layer, name, show=show).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    legend().add_to(m)
    MetricScale().add_to(m)
    Redraw().add_to(m)
    for kind, _, layer, _ in data:
        if kind == "bounds":
            m.fit_bounds(layer["bounds"])
    return m


def highlight(bbox: tuple[float, float, float, float], basemap: Basemap) -> folium.FeatureGroup:
    """A dashed red frame around a finding's entities (added without redrawing the map)."""
    minx, miny, maxx, maxy = bbox
    pad = max(maxx - minx, maxy - miny, 0.004) * 0.15
    (x0, y0), (x1, y1) = (
        basemap.to_display(minx - pad, miny - pad),
        basemap.to_display(maxx + pad, maxy + pad),
    )
    group = folium.FeatureGroup(name="所选问题")
    folium.Rectangle(
        [[y0, x0], [y1, x1]], color="#ff0000", weight=3, dash_array="6 4", fill=False
    ).add_to(group)
    return group
