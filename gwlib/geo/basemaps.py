"""Basemaps for the map page, and the datum each expects.

The default is :data:`NONE` — vector boundaries only — because the county intranet has no
internet. 天地图 (Web Mercator ``_w`` layers, CGCS2000 ≈ WGS 84) needs a token; OpenStreetMap and
高德 need the internet; a custom intranet XYZ URL serves whatever the county's own tile server
has. Only 高德 (and a custom server flagged ``gcj02``) draws in GCJ-02, so only then are our WGS 84
coordinates shifted with :func:`gwlib.geo.crs.wgs84_to_gcj02` before drawing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gwlib.geo.crs import transform_geometry, wgs84_to_gcj02

NONE = "none"
TIANDITU_VEC = "tianditu_vec"
TIANDITU_IMG = "tianditu_img"
OSM = "osm"
AMAP = "amap"
CUSTOM = "custom"

_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={token}"
)


@dataclass(frozen=True)
class TileSpec:
    url: str  # Leaflet XYZ template
    attribution: str
    subdomains: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class Basemap:
    key: str
    label: str
    tiles: tuple[TileSpec, ...]  # drawn bottom to top (imagery, then annotation)
    gcj02: bool = False
    online: bool = False  # needs the internet

    def to_display(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Our WGS 84 lon/lat as this basemap expects them (shifted to GCJ-02 for 高德)."""
        return wgs84_to_gcj02(lon, lat) if self.gcj02 else (lon, lat)

    def geometry_to_display(self, geom: Mapping[str, Any]) -> dict[str, Any]:
        return transform_geometry(geom, wgs84_to_gcj02) if self.gcj02 else dict(geom)


def _tianditu(key: str, label: str, base: str, note: str, token: str) -> Basemap:
    tiles = tuple(
        TileSpec(
            _TDT.replace("{layer}", layer).replace("{token}", token),
            "天地图（国家地理信息公共服务平台）",
            subdomains="01234567",
        )
        for layer in (base, note)
    )
    return Basemap(key, label, tiles, online=True)


def available(settings: Mapping[str, Any]) -> dict[str, Basemap]:
    """The basemaps these settings allow, in menu order.

    ``settings`` (e.g. the ``[map]`` table of ``.streamlit/secrets.toml``): ``tianditu_token``,
    ``custom_url`` (an XYZ template on the intranet), ``custom_name``, ``custom_gcj02``.
    """
    out = {NONE: Basemap(NONE, "无底图（仅矢量边界）", ())}
    token = str(settings.get("tianditu_token") or "").strip()
    if token:
        out[TIANDITU_VEC] = _tianditu(TIANDITU_VEC, "天地图 矢量+注记", "vec", "cva", token)
        out[TIANDITU_IMG] = _tianditu(TIANDITU_IMG, "天地图 影像+注记", "img", "cia", token)
    custom = str(settings.get("custom_url") or "").strip()
    if custom:
        out[CUSTOM] = Basemap(
            CUSTOM,
            str(settings.get("custom_name") or "内网瓦片服务"),
            (TileSpec(custom, str(settings.get("custom_attribution") or "内网瓦片服务")),),
            gcj02=bool(settings.get("custom_gcj02", False)),
        )
    out[OSM] = Basemap(
        OSM,
        "OpenStreetMap（需互联网）",
        (TileSpec("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap 贡献者"),),
        online=True,
    )
    out[AMAP] = Basemap(
        AMAP,
        "高德地图（需互联网，GCJ-02）",
        (
            TileSpec(
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
                "&x={x}&y={y}&z={z}",
                "© 高德地图",
                subdomains="1234",
            ),
        ),
        gcj02=True,
        online=True,
    )
    return out


def default_key(settings: Mapping[str, Any]) -> str:
    """The configured default basemap if it is available, else :data:`NONE`."""
    key = str(settings.get("basemap") or NONE)
    return key if key in available(settings) else NONE
