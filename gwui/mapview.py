"""The 一张图 map as a folium figure that loads nothing from the internet.

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
from urllib.parse import quote

import folium
import numpy as np
import pandas as pd
from branca.element import Element
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from gwlib.geo.basemaps import Basemap
from gwlib.geo.overlay import geometry_of
from gwlib.quality.classes import QualityClass
from gwlib.sources.maplayers import WELL_DETAIL_LIMIT, display_geometry, grid_cells, latest_classes
from gwlib.sources.model import PollutionCategory, ZoneKind
from gwlib.wells.lifecycle import SEALED_STAGES, UNSEALED_STAGES
from gwlib.wells.model import WellStatus
from gwui import webassets
from gwui.pages import PAGES
from gwui.render import CLASS_COLOURS

NO_CLASS_COLOUR = "#9e9e9e"
MISSES_TARGET_BORDER = "#111111"
WELL_STATUS_COLOURS = {
    WellStatus.REGISTERED: "#d7263d",
    WellStatus.ASSESSED: "#ef8a17",
    WellStatus.PLANNED: "#c9a400",
    WellStatus.IN_WORKS: "#8e44ad",
    WellStatus.SEALED: "#2b7bba",
    WellStatus.ACCEPTED: "#3fa34d",
    WellStatus.DEFERRED: "#6d6d6d",
}
ZONE_STYLES: dict[ZoneKind, tuple[str, float]] = {
    ZoneKind.FIRST: ("#c0392b", 0.35),
    ZoneKind.SECOND: ("#e67e22", 0.25),
    ZoneKind.QUASI: ("#d4ac0d", 0.18),
    ZoneKind.RECHARGE: ("#2471a3", 0.12),
    ZoneKind.PROTECT: ("#1e8449", 0.15),
    ZoneKind.CONTROL: ("#a0522d", 0.2),
    ZoneKind.GENERAL: ("#7f8c8d", 0.06),
}
POLLUTION_GROUP_COLOURS = {
    "一企一库": "#6a3d9a",
    "两场两区": "#8c510a",
    "加油站": "#111111",
    "其他": "#7a7a7a",
}
SOURCE_COLOUR = "#0b3d91"
#: The page each kind of record links to (only when a page with that url_path is registered).
RECORD_PAGES = {
    "well": ("well-record", "code"),  # 单井档案 reads ?code=
    "point": ("quality", "point"),  # 水质类别与趋势 opens its 单点报告 on ?point=
    "drinking_source": ("sources", "code"),
    "pollution_source": ("pollution", "code"),
}


def _e(value: object) -> str:
    return html.escape("" if value is None or value != value else str(value))


def record_url(kind: str, code: str, base_path: str = "") -> str | None:
    """Link to a record's page, or None when that page is not in the registry."""
    url_path, param = RECORD_PAGES[kind]
    if url_path not in {p.url_path for p in PAGES}:
        return None
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return f"{base}/{url_path}?{param}={quote(code, safe='')}"


#: A popup: title, (field, value) rows, link to the record's page.
Popup = tuple[str, tuple[tuple[str, str], ...], str | None]


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)


def _popup(title: str, rows: Iterable[tuple[str, object]], link: str | None) -> Popup:
    """A popup's content as data (title, non-empty rows, link); :class:`GeoLayer` sends it and
    the browser escapes it."""
    kept = tuple((k, _text(v)) for k, v in rows if v not in ("", None))
    return (_text(title), kept, link)


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
    """GeoJSON features with a style, a tooltip and a popup (see :func:`_feature`); points are
    drawn as circle markers.

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
            return L.geoJSON(d.collection, {
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
        """``data`` from :func:`compact_features`."""
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoLayer"
        self.data = data


def compact_features(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Features (see :func:`_feature`) as :class:`GeoLayer` sends them: texts and styles in
    tables, referred to by number."""
    strings: dict[str, int] = {}
    styles: dict[str, int] = {}

    def ref(text: str) -> int:
        return strings.setdefault(text, len(strings))

    compact = []
    for f in features:
        props = f["properties"]
        style = json.dumps(props["style"], sort_keys=True)
        out: dict[str, Any] = {"s": styles.setdefault(style, len(styles))}
        out["t"] = ref(props["tip"]) if props["tip"] else -1
        if props["popup"]:
            title, rows, link = props["popup"]
            cells = [ref(_text(v)) for row in rows for v in row]
            out["p"] = [ref(title), cells, ref(link) if link else -1]
        compact.append({"type": "Feature", "geometry": f["geometry"], "properties": out})
    return {
        "collection": {"type": "FeatureCollection", "features": compact},
        "strings": list(strings),
        "styles": [json.loads(k) for k in styles],
    }


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
            var popup = function (layer) {
                var i = layer.options.gwIndex, code = d.code[i];
                var link = d.link ? '<a target="_top" href="'
                    + esc(d.link + encodeURIComponent(code)) + '">查看详情</a>' : '';
                return '<div class="gw-popup"><b>报废井 ' + esc(code) + '</b><table>'
                    + '<tr><th>类别</th><td>' + esc(d.kinds[d.k[i]]) + '</td></tr>'
                    + '<tr><th>位置</th><td>' + esc(d.places[d.p[i]]) + '</td></tr>'
                    + '<tr><th>状态</th><td>' + esc(d.statuses[d.s[i]]) + '</td></tr>'
                    + '</table>' + link + '</div>';
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


def well_layer_data(
    wells: pd.DataFrame,
    statuses: Iterable[WellStatus],
    name: str,
    basemap: Basemap,
    base_path: str = "",
) -> tuple[str, dict[str, Any]]:
    """("cluster", single wells as columns), or ("grid", counts per grid cell) when the layer
    is very large."""
    columns = well_columns(wells, statuses, basemap, base_path)
    if len(columns["lat"]) <= WELL_DETAIL_LIMIT:
        return "cluster", columns
    lon, lat, n, cell = grid_cells(np.asarray(columns["lon"]), np.asarray(columns["lat"]))
    return "grid", {
        "lon": np.round(lon, 5).tolist(),
        "lat": np.round(lat, 5).tolist(),
        "n": n.tolist(),
        "km": f"{cell * 111:.0f}",
        "colour": columns["colour"],
        "label": name,
    }


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


def _feature(
    geometry: Mapping[str, Any], style: dict[str, Any], tip: str, popup: Popup | None
) -> dict:
    """A GeoJSON feature for :class:`GeoLayer`: ``tip`` and ``popup`` are plain text."""
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"style": style, "tip": tip, "popup": popup},
    }


def _point(basemap: Basemap, lon: float, lat: float) -> dict[str, Any]:
    x, y = basemap.to_display(lon, lat)
    return {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}


def boundary_features(boundaries: pd.DataFrame, level: str, basemap: Basemap) -> list[dict]:
    rows = boundaries[boundaries["level"] == level]
    weight = 2.5 if level == "县" else 1.0
    style = {"color": "#333333", "weight": weight, "fill": False, "dashArray": None}
    if level != "县":
        style["dashArray"] = "4 3"
    return [
        _feature(
            basemap.geometry_to_display(display_geometry(r.geometry)),
            style,
            _text(r.name),
            None,
        )
        for r in rows.itertuples()
    ]


def zone_features(
    zones: pd.DataFrame, kinds: Iterable[ZoneKind], basemap: Basemap, base_path: str = ""
) -> list[dict]:
    out = []
    for kind in kinds:
        colour, opacity = ZONE_STYLES[kind]
        for z in zones[zones["kind"] == kind.value].itertuples():
            link = (
                record_url("drinking_source", z.source_code, base_path) if z.source_code else None
            )
            popup = _popup(
                z.name,
                [
                    ("类型", z.kind),
                    ("编码", z.code),
                    ("划定状态", z.legal_status),
                    ("划定依据", z.basis),
                    ("管理要求", z.requirements),
                ],
                link,
            )
            style = {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": opacity}
            geometry = basemap.geometry_to_display(display_geometry(z.geometry))
            out.append(_feature(geometry, style, _text(f"{z.kind}：{z.name}"), popup))
    return out


def point_features(
    points: pd.DataFrame, samples: pd.DataFrame, basemap: Basemap, base_path: str = ""
) -> list[dict]:
    out = []
    for p in latest_classes(points, samples).itertuples():
        cls = QualityClass(p.latest_class) if p.latest_class else None
        colour = CLASS_COLOURS[cls] if cls else NO_CLASS_COLOUR
        style = {
            "radius": 7,
            "color": MISSES_TARGET_BORDER if p.misses_target else "#ffffff",
            "weight": 3 if p.misses_target else 1.5,
            "fillColor": colour,
            "fillOpacity": 0.95,
        }
        label = cls.label if cls else "无评价结果"
        date = pd.Timestamp(p.latest_date).date().isoformat() if cls else ""
        popup = _popup(
            f"监测点位 {p.code}",
            [
                ("名称", p.name),
                ("类别", p.category),
                ("乡镇", p.township),
                ("最新类别", label),
                ("采样日期", date),
                ("目标类别", QualityClass(p.target_class).label),
                ("是否达标", "未达到目标" if p.misses_target else ("达到目标" if cls else "")),
            ],
            record_url("point", p.code, base_path),
        )
        out.append(
            _feature(_point(basemap, p.lon, p.lat), style, _text(f"{p.code} {label}"), popup)
        )
    return out


def drinking_source_features(
    sources: pd.DataFrame, basemap: Basemap, base_path: str = ""
) -> list[dict]:
    style = {
        "radius": 9,
        "color": "#ffffff",
        "weight": 2,
        "fillColor": SOURCE_COLOUR,
        "fillOpacity": 1.0,
    }
    return [
        _feature(
            _point(basemap, s.lon, s.lat),
            style,
            _text(s.name),
            _popup(
                s.name,
                [
                    ("规模", s.scale),
                    ("类型", s.source_type),
                    ("服务人口（人）", s.population),
                    ("取水量（t/d）", f"{s.capacity_t_d:g}"),
                    ("保护区", s.zones_status),
                    ("补给区", s.recharge_status),
                ],
                record_url("drinking_source", s.code, base_path),
            ),
        )
        for s in sources.itertuples()
    ]


def pollution_features(sources: pd.DataFrame, basemap: Basemap, base_path: str = "") -> list[dict]:
    out = []
    for s in sources.itertuples():
        group = PollutionCategory(s.category).group
        style = {
            "radius": 6,
            "color": "#ffffff",
            "weight": 1.5,
            "fillColor": POLLUTION_GROUP_COLOURS[group],
            "fillOpacity": 0.95,
        }
        popup = _popup(
            s.name,
            [
                ("类别", f"{s.category}（{group}）"),
                ("乡镇", s.township),
                ("重点排污单位", "是" if s.key_discharger else "否"),
                ("防渗改造", s.seepage_status),
                ("调查评估", s.survey_status),
                ("监测井（眼）", s.monitoring_wells),
            ],
            record_url("pollution_source", s.code, base_path),
        )
        out.append(_feature(_point(basemap, s.lon, s.lat), style, _text(s.name), popup))
    return out


def well_columns(
    wells: pd.DataFrame, statuses: Iterable[WellStatus], basemap: Basemap, base_path: str = ""
) -> dict[str, Any]:
    """Wells of the given statuses as compact columns for :class:`WellClusterLayer`."""
    order = list(WellStatus)
    w = wells[wells["status"].isin([s.value for s in statuses])]
    w = w[w["lon"].notna() & w["lat"].notna()]
    lon, lat = basemap.to_display(w["lon"].to_numpy(float), w["lat"].to_numpy(float))
    kinds = (w["category"] + "·" + w["subtype"].fillna("")).str.rstrip("·")
    places = w["township"].fillna("") + w["village"].fillna("")
    k_codes, k_uniques = pd.factorize(kinds)
    p_codes, p_uniques = pd.factorize(places)
    link = record_url("well", "", base_path)
    return {
        "lat": np.round(np.asarray(lat, dtype=float), 5).tolist(),
        "lon": np.round(np.asarray(lon, dtype=float), 5).tolist(),
        "s": [order.index(WellStatus(v)) for v in w["status"]],
        "code": w["code"].astype(str).tolist(),
        "k": k_codes.tolist(),
        "kinds": list(map(str, k_uniques)),
        "p": p_codes.tolist(),
        "places": list(map(str, p_uniques)),
        "statuses": [s.value for s in order],
        "colours": [WELL_STATUS_COLOURS[s] for s in order],
        "colour": "#2e4057",
        "link": link,
    }


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


#: Every overlay of the map as plain data: (kind "geo" | "cluster" | "grid", name, data, shown).
MapData = list[tuple[str, str, dict[str, Any], bool]]


def map_data(
    boundaries: pd.DataFrame,
    zones: pd.DataFrame,
    points: pd.DataFrame,
    samples: pd.DataFrame,
    wells: pd.DataFrame,
    drinking_sources: pd.DataFrame,
    pollution_sources: pd.DataFrame,
    basemap: Basemap,
    base_path: str = "",
) -> MapData:
    """The map's overlays, computed once (plain data: the app caches it between reruns)."""
    geo = [
        (
            "防治分区（保护类/管控类/一般区）",
            zone_features(zones, (ZoneKind.GENERAL, ZoneKind.CONTROL, ZoneKind.PROTECT), basemap),
            False,
        ),
        ("补给区", zone_features(zones, (ZoneKind.RECHARGE,), basemap, base_path), True),
        (
            "水源保护区（一级/二级/准）",
            zone_features(
                zones, (ZoneKind.QUASI, ZoneKind.SECOND, ZoneKind.FIRST), basemap, base_path
            ),
            True,
        ),
        ("乡镇界", boundary_features(boundaries, "乡镇", basemap), True),
        ("县界", boundary_features(boundaries, "县", basemap), True),
    ]
    out: MapData = [("geo", name, compact_features(f), show) for name, f, show in geo]
    well_layers = (
        (list(UNSEALED_STAGES), "报废井（未封井）", True),
        (list(SEALED_STAGES), "报废井（已封井/已销号）", False),
    )
    for statuses, name, show in well_layers:
        kind, data = well_layer_data(wells, statuses, name, basemap, base_path)
        out.append((kind, name, data, show))
    for name, features in (
        ("污染源", pollution_features(pollution_sources, basemap, base_path)),
        ("监测点位", point_features(points, samples, basemap, base_path)),
        ("饮用水水源", drinking_source_features(drinking_sources, basemap, base_path)),
    ):
        out.append(("geo", name, compact_features(features), True))
    county = boundaries[boundaries["level"] == "县"]
    if len(county):
        minx, miny, maxx, maxy = geometry_of(county.iloc[0]["geometry"]).bounds
        (x0, y0), (x1, y1) = (basemap.to_display(minx, miny), basemap.to_display(maxx, maxy))
        out.append(("bounds", "", {"bounds": [[y0, x0], [y1, x1]]}, False))
    return out


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
