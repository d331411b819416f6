"""What the map draws, as plain tables: each monitoring point's latest class against its target,
zone outlines simplified for display, and the view that fits a bounding box.

No HTML here (the UI escapes and styles); coordinates stay WGS 84 lon/lat until a basemap that
wants GCJ-02 shifts them (:mod:`gwlib.geo.basemaps`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from gwlib.geo.overlay import geometry_of
from gwlib.quality.classes import graded

#: Outline simplification for display (degrees; about 10 m at 35°N). Findings use full geometry.
DISPLAY_TOLERANCE_DEG = 1e-4
TILE_PX = 256
MIN_ZOOM, MAX_ZOOM = 5, 17


def latest_classes(
    points: pd.DataFrame, samples: pd.DataFrame, as_of: dt.date | None = None
) -> pd.DataFrame:
    """``points`` with ``latest_class`` (0 = no graded sample), ``latest_date`` and
    ``misses_target`` (latest class worse than ``target_class``), from samples up to ``as_of``."""
    done = samples[graded(samples["quality_class"])] if len(samples) else samples
    if as_of is not None and len(done):
        done = done[pd.to_datetime(done["date"]) <= pd.Timestamp(as_of)]
    latest = (
        done.sort_values(["point", "date"]).groupby("point").tail(1)
        if len(done)
        else pd.DataFrame(
            {"point": pd.Series(dtype=object), "date": [], "quality_class": pd.Series(dtype=int)}
        )
    )
    out = points.merge(
        latest[["point", "date", "quality_class"]].rename(
            columns={"date": "latest_date", "quality_class": "latest_class"}
        ),
        how="left",
        left_on="code",
        right_on="point",
    ).drop(columns="point")
    out["latest_class"] = out["latest_class"].fillna(0).astype(int)
    out["misses_target"] = (out["latest_class"] > 0) & (out["latest_class"] > out["target_class"])
    return out


def display_geometry(value: str, tolerance: float = DISPLAY_TOLERANCE_DEG) -> dict[str, Any]:
    """A stored GeoJSON geometry, simplified for drawing (topology kept), its coordinates
    rounded to 6 decimals (about 0.1 m: the page carries no false precision)."""
    geom = shapely.simplify(geometry_of(value), tolerance, preserve_topology=True)
    geom = shapely.transform(geom, lambda xy: np.round(xy, 6))
    out: dict[str, Any] = mapping(geom)
    return out


def fit_view(
    bbox: tuple[float, float, float, float], width_px: int = 800, height_px: int = 600
) -> tuple[tuple[float, float], int]:
    """(center (lat, lon), zoom) of a Web-Mercator map that shows ``bbox`` (lon/lat) whole."""
    minx, miny, maxx, maxy = bbox

    def merc(lat: float) -> float:
        phi = math.radians(max(min(lat, 85.0), -85.0))
        return math.log(math.tan(math.pi / 4 + phi / 2))

    dx = max(maxx - minx, 1e-9)
    dy = max(merc(maxy) - merc(miny), 1e-9)
    zoom_x = math.log2(width_px * 360.0 / (TILE_PX * dx))
    zoom_y = math.log2(height_px * 2 * math.pi / (TILE_PX * dy))
    zoom = int(max(MIN_ZOOM, min(MAX_ZOOM, math.floor(min(zoom_x, zoom_y)))))
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom


#: Above this many wells in a layer the map shows counts per grid cell instead of single wells:
#: 100,000 markers take the browser tens of seconds to create and cluster.
WELL_DETAIL_LIMIT = 5_000
MAX_GRID_CELLS = 1_500


def grid_cells(
    lon: np.ndarray, lat: np.ndarray, max_cells: int = MAX_GRID_CELLS, cell_deg: float = 0.01
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Points counted per square grid cell: (centroid lon, centroid lat, count, cell size in
    degrees). The cell doubles from ``cell_deg`` (about 1 km) until there are at most
    ``max_cells`` occupied cells."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    while True:
        key = np.floor(x / cell_deg).astype(np.int64) * 1_000_003 + np.floor(y / cell_deg).astype(
            np.int64
        )
        cells, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        if len(cells) <= max_cells or not len(x):
            break
        cell_deg *= 2
    cx = np.bincount(inverse, weights=x, minlength=len(cells)) / counts
    cy = np.bincount(inverse, weights=y, minlength=len(cells)) / counts
    return cx, cy, counts, cell_deg
