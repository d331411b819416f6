"""The 一张图 map's content as plain data: features, styles and popups for every layer, built
once per data refresh and cached. Nothing here is a Leaflet object; :mod:`gwui.mapview` turns
this data into the folium map. Texts stay plain here; they are escaped where they reach HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from gwlib.geo.basemaps import Basemap
from gwlib.geo.overlay import geometry_of
from gwlib.quality.classes import QualityClass
from gwlib.quality.point_checks import check_sentence
from gwlib.sources.findings import Layers
from gwlib.sources.maplayers import WELL_DETAIL_LIMIT, display_geometry, grid_cells, latest_classes
from gwlib.sources.model import PollutionCategory, ZoneKind
from gwlib.wells.lifecycle import SEALED_STAGES, UNSEALED_STAGES
from gwlib.wells.model import WellStatus
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
    points: pd.DataFrame, samples: pd.DataFrame, basemap: Basemap, base_path: str = "",
    checks: pd.DataFrame | None = None,
) -> list[dict]:
    """Monitoring point markers; ``checks`` (gwlib.quality.point_checks.point_checks) adds the
    requirement's 结论 and the 报备 status to the popups of 回灌 and 地热尾水 points."""
    out = []
    judged = {} if checks is None else {r["point"]: check_sentence(r)
                                        for r in checks.to_dict("records")}
    latest = latest_classes(points, samples)
    site = latest["lon"].round(6).astype(str) + "," + latest["lat"].round(6).astype(str)
    codes_at = latest.groupby(site)["code"].agg(list).to_dict()
    for p, where in zip(latest.itertuples(), site, strict=True):
        others = [c for c in codes_at[where] if c != p.code]
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
                ("执行要求与报备", judged.get(p.code, "")),
                # paired wells at one site: the marker on top names the others
                ("同一位置的点位", "、".join(others)),
            ],
            record_url("point", p.code, base_path),
        )
        tip = f"{p.code} {label}" + (f"（同一位置另有 {len(others)} 个点位）" if others else "")
        out.append(_feature(_point(basemap, p.lon, p.lat), style, _text(tip), popup))
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


#: Every overlay of the map as plain data: (kind "geo" | "cluster" | "grid", name, data, shown).
MapData = list[tuple[str, str, dict[str, Any], bool]]


def map_data(
    layers: Layers, boundaries: pd.DataFrame, basemap: Basemap, base_path: str = "",
    checks: pd.DataFrame | None = None,
) -> MapData:
    """The map's overlays, computed once (plain data: the app caches it between reruns);
    ``checks`` as :func:`point_features` takes them."""
    zones, wells = layers.zones, layers.wells
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
        ("污染源", pollution_features(layers.pollution_sources, basemap, base_path)),
        ("监测点位", point_features(layers.points, layers.samples, basemap, base_path, checks)),
        ("饮用水水源", drinking_source_features(layers.drinking_sources, basemap, base_path)),
    ):
        out.append(("geo", name, compact_features(features), True))
    county = boundaries[boundaries["level"] == "县"]
    if len(county):
        minx, miny, maxx, maxy = geometry_of(county.iloc[0]["geometry"]).bounds
        (x0, y0), (x1, y1) = (basemap.to_display(minx, miny), basemap.to_display(maxx, maxy))
        out.append(("bounds", "", {"bounds": [[y0, x0], [y1, x1]]}, False))
    return out
