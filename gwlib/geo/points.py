"""Coordinates of a register's rows (监测点位, 水源地, 污染源): 经度/纬度 or X坐标/Y坐标, each row
with its own 坐标系 or a default for the file.

Per row:

- the row's 坐标系 cell, else ``default_crs`` (the import's ``--crs`` or the sheet's); an
  unreadable 坐标系 is an error in that cell;
- 经度/纬度 when filled, read in the geographic form of that 坐标系 (its datum for a projected one,
  so 「西安80 3度带 37带」 reads 经度/纬度 as 西安80; GCJ-02/BD-09 as such); with no 坐标系 at all,
  经度/纬度 are CGCS2000 (≈ WGS 84), the national default;
- else X坐标/Y坐标 in that 坐标系, which must then be given (else an error saying where to put
  it);
- both filled: 经度/纬度 are used, and a warning says when X/Y put the point more than
  :data:`AGREE_M` metres away.

Conversion is :func:`gwlib.geo.convert.columns_to_wgs84`, once per distinct 坐标系, so a register of
10,000 rows with a handful of 坐标系 costs a handful of vectorised calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pyproj import Geod

from gwlib.errors import ValueFormatError
from gwlib.geo.convert import Converted, columns_to_wgs84
from gwlib.geo.resolve import CrsKind, ResolvedCrs, resolve_crs
from gwlib.io.tables import Issue

AGREE_M = 100.0
DEFAULT_GEOGRAPHIC = "CGCS2000"
LABELS = {"lon": "经度", "lat": "纬度", "x": "X坐标", "y": "Y坐标", "crs": "坐标系"}
_GEOD = Geod(ellps="WGS84")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip()


def point_coordinates(
    lon: Sequence[object] | None,
    lat: Sequence[object] | None,
    x: Sequence[object] | None = None,
    y: Sequence[object] | None = None,
    crs: Sequence[object] | None = None,
    default_crs: str | ResolvedCrs | None = None,
    *,
    rows: Sequence[int] | None = None,
    file: str = "",
    sheet: str = "",
    lon_hint: float | None = None,
    labels: Mapping[str, str] = LABELS,
) -> Converted:
    """WGS 84 lon/lat per row and the issues (see the module docstring). Columns the sheet does
    not have are None. A ``default_crs`` that cannot be read raises ValueFormatError."""
    n = max(len(c) for c in (lon, lat, x, y, crs) if c is not None) if any(
        c is not None for c in (lon, lat, x, y, crs)) else 0  # fmt: skip
    cols: dict[str, list[object]] = {
        k: list(v) if v is not None else [None] * n
        for k, v in (("lon", lon), ("lat", lat), ("x", x), ("y", y), ("crs", crs))
    }
    row_no = list(rows) if rows is not None else list(range(1, n + 1))
    default = resolve_crs(default_crs, lon_hint) if default_crs is not None and str(
        default_crs).strip() else None  # fmt: skip
    out_lon, out_lat = np.full(n, np.nan), np.full(n, np.nan)
    issues: list[Issue] = []
    resolved: dict[str, ResolvedCrs | str] = {}  # text → CRS or the reason it is unreadable
    groups: dict[tuple[str, str], list[int]] = {}  # (坐标系 text, "ll" | "xy") → positions
    for i in range(n):
        text = "" if _blank(cols["crs"][i]) else str(cols["crs"][i]).strip()
        if text and text not in resolved:
            try:
                resolved[text] = resolve_crs(text, lon_hint)
            except ValueFormatError as exc:
                resolved[text] = exc.reason
        if text and isinstance(resolved[text], str):
            issues.append(Issue(file, row_no[i], labels["crs"], text[:80], str(resolved[text]),
                                "error", sheet))  # fmt: skip
            continue
        has_ll = not (_blank(cols["lon"][i]) and _blank(cols["lat"][i]))
        has_xy = not (_blank(cols["x"][i]) and _blank(cols["y"][i]))
        if has_ll or has_xy:
            groups.setdefault((text, "ll" if has_ll else "xy"), []).append(i)
    both: list[int] = []
    for (text, kind), idx in groups.items():
        r = resolved[text] if text else default
        assert not isinstance(r, str)
        if kind == "ll":
            got = _convert(cols, idx, ("lon", "lat"), _geographic_of(r, lon_hint), True, row_no,
                           file, sheet, lon_hint, labels)  # fmt: skip
            both += [i for i in idx if not (_blank(cols["x"][i]) and _blank(cols["y"][i]))]
        elif r is None:
            why = (f"填了{labels['x']}/{labels['y']}，但没有坐标系：请在「{labels['crs']}」列填写"
                   "（如 CGCS2000 3度带 37带），或导入时指定坐标系")  # fmt: skip
            issues += [Issue(file, row_no[i], labels["crs"], "", why, "error", sheet) for i in idx]
            continue
        else:
            got = _convert(cols, idx, ("x", "y"), r, False, row_no, file, sheet, lon_hint, labels)
        out_lon[idx], out_lat[idx] = got.lon, got.lat
        issues += got.issues
    issues += _disagreements(both, cols, resolved, default, out_lon, out_lat, row_no, file, sheet,
                             lon_hint, labels)  # fmt: skip
    return Converted(out_lon, out_lat, tuple(_dedupe(issues)))


def _geographic_of(r: ResolvedCrs | None, lon_hint: float | None) -> ResolvedCrs:
    """The 坐标系 in which 经度/纬度 are read for a row whose 坐标系 is ``r``."""
    if r is None:
        return resolve_crs(DEFAULT_GEOGRAPHIC, lon_hint)
    if r.kind is CrsKind.PROJECTED and r.datum is not None:
        return resolve_crs(str(r.datum), lon_hint)
    if r.kind is CrsKind.PROJECTED:
        return resolve_crs(DEFAULT_GEOGRAPHIC, lon_hint)
    return r


def _convert(cols: dict[str, list[object]], idx: list[int], pair: tuple[str, str],
             r: ResolvedCrs, degrees: bool, row_no: list[int], file: str, sheet: str,
             lon_hint: float | None, labels: Mapping[str, str]) -> Converted:  # fmt: skip
    a = ["" if _blank(cols[pair[0]][i]) else cols[pair[0]][i] for i in idx]
    b = ["" if _blank(cols[pair[1]][i]) else cols[pair[1]][i] for i in idx]
    return columns_to_wgs84(a, b, r, degrees=degrees, labels=(labels[pair[0]], labels[pair[1]]),
                            rows=[row_no[i] for i in idx], file=file, sheet=sheet,
                            lon_hint=lon_hint)  # fmt: skip


def _disagreements(both: list[int], cols: dict[str, list[object]],
                   resolved: dict[str, ResolvedCrs | str], default: ResolvedCrs | None,
                   lon: np.ndarray, lat: np.ndarray, row_no: list[int], file: str, sheet: str,
                   lon_hint: float | None, labels: Mapping[str, str]) -> list[Issue]:  # fmt: skip
    """Rows with both 经度/纬度 and X/Y: a warning where the two places are far apart."""
    out: list[Issue] = []
    by_crs: dict[str, list[int]] = {}
    for i in both:
        text = "" if _blank(cols["crs"][i]) else str(cols["crs"][i]).strip()
        if np.isfinite(lon[i]) and (text or default is not None):
            by_crs.setdefault(text, []).append(i)
    for text, idx in by_crs.items():
        r = resolved[text] if text else default
        if not isinstance(r, ResolvedCrs):
            continue
        got = _convert(cols, idx, ("x", "y"), r, False, row_no, file, sheet, lon_hint, labels)
        ok = np.isfinite(got.lon)
        if not ok.any():
            continue
        sel = np.asarray(idx)[ok]
        dist = _GEOD.inv(lon[sel], lat[sel], got.lon[ok], got.lat[ok])[2]
        for i, d in zip(sel, np.atleast_1d(dist), strict=True):
            if d > AGREE_M:
                out.append(Issue(file, row_no[i], labels["x"], str(cols["x"][i])[:40],
                                 f"按{labels['x']}/{labels['y']}换算的位置离{labels['lon']}/"
                                 f"{labels['lat']}约 {d:,.0f} 米：已使用{labels['lon']}/"
                                 f"{labels['lat']}，请核对", "warning", sheet))  # fmt: skip
    return out


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """File-wide notes once; row issues in row order."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for i in sorted(issues, key=lambda i: (i.row or 0, i.severity != "error")):
        key = (i.row, i.column, i.reason)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
