"""Zone files in and out: GeoJSON, zipped Shapefile and KML, with validation; GeoJSON and KML
export.

:func:`read_zones` returns every polygon it could use plus one :class:`gwlib.io.tables.Issue` per
feature it repaired (severity "warning") or rejected (severity "error"), naming the file, the
feature's number (1-based, as a GIS attribute table shows it), the field and what was expected.
Nothing is dropped silently.

- Only Polygon/MultiPolygon geometries are zones; points and lines are rejected.
- Self-intersecting or otherwise invalid polygons are repaired with ``shapely.make_valid`` and
  the polygonal part kept (a warning says what GEOS found); a geometry that repairs to nothing
  is rejected.
- Coordinates end up lon/lat WGS 84 (≈ CGCS2000). A Shapefile's ``.prj`` (or a GeoJSON ``crs``
  member) is honoured through pyproj, so CGCS2000 Gauss–Krüger files are converted; coordinates
  outside China's lon/lat range after that are rejected (usually a missing ``.prj``).
- A Shapefile's attribute encoding comes from its ``.cpg``; without one, UTF-8 is tried and
  then GBK (what Chinese GIS software writes by default).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd
import shapefile  # type: ignore[import-untyped]
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from gwlib.errors import InputError
from gwlib.fields import LAT_RANGE, LON_RANGE
from gwlib.io.archives import check_zip
from gwlib.io.tables import Issue

KML_NS = "http://www.opengis.net/kml/2.2"
GEOGRAPHIC = ("EPSG:4326", "EPSG:4490", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84")
#: A zones Shapefile is a few MB; pyshp holds every shape in memory (many times the file).
MAX_SHAPEFILE_ZIP_BYTES = 50 * 2**20
EXPORT_FIELDS = ("code", "name", "kind", "legal_status", "source_code", "basis", "requirements")


@dataclass(frozen=True)
class ImportedZone:
    """A polygon read from a file: its lon/lat GeoJSON geometry and the feature's attributes."""

    row: int
    name: str
    geometry: dict[str, Any]
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ZoneImport:
    zones: tuple[ImportedZone, ...]
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


# ---------------------------------------------------------------------------------------------
# Reading


def read_zones(data: bytes, filename: str, name_field: str = "") -> ZoneImport:
    """Zones from a ``.geojson``/``.json``, a zipped Shapefile (``.zip``) or a ``.kml`` file.

    ``name_field`` picks the attribute holding the zone name (default: the first of ``name``,
    ``名称``, ``NAME``, ``mc``, ``MC`` present).
    """
    suffix = PurePosixPath(filename.lower()).suffix
    issues: list[Issue] = []
    if suffix in (".geojson", ".json"):
        features = list(_geojson_features(data, filename, issues))
    elif suffix == ".zip":
        features = list(_shapefile_features(data, filename, issues))
    elif suffix == ".kml":
        features = list(_kml_features(data, filename, issues))
    else:
        issues.append(
            Issue(filename, None, "文件", suffix, "应为 .geojson、.json、.zip（Shapefile）或 .kml")
        )
        features = []
    zones = []
    for row, geometry, props in features:
        zone = _validate(filename, row, geometry, props, name_field, issues)
        if zone is not None:
            zones.append(zone)
    return ZoneImport(tuple(zones), tuple(issues))


Feature = tuple[int, dict[str, Any] | None, dict[str, Any]]


def _geojson_features(data: bytes, filename: str, issues: list[Issue]) -> Iterator[Feature]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        issues.append(Issue(filename, None, "文件", "", f"不是有效的 GeoJSON（UTF-8 JSON）：{exc}"))
        return
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection":
        items = doc.get("features") or []
    elif kind == "Feature":
        items = [doc]
    elif kind in ("Polygon", "MultiPolygon", "Point", "LineString", "MultiPoint",
                  "MultiLineString", "GeometryCollection"):  # fmt: skip
        items = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        issues.append(
            Issue(filename, None, "type", str(kind), "FeatureCollection、Feature 或几何对象")
        )
        return
    transform = _transformer_for(_geojson_crs(doc), filename, issues)
    if transform is False:
        return
    for row, item in enumerate(items, start=1):
        geom = item.get("geometry") if isinstance(item, dict) else None
        props = dict(item.get("properties") or {}) if isinstance(item, dict) else {}
        yield row, _reproject(geom, transform), props


def _geojson_crs(doc: Mapping[str, Any]) -> str | None:
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        return str(name) if name else None
    return None


def _shapefile_features(data: bytes, filename: str, issues: list[Issue]) -> Iterator[Feature]:
    try:
        check_zip(data, filename, what="zip 压缩包", max_total=MAX_SHAPEFILE_ZIP_BYTES)
    except InputError as exc:
        issues.append(Issue(filename, None, "文件", "", exc.reason))
        return
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = {PurePosixPath(n).suffix.lower(): n for n in archive.namelist()
             if not n.startswith("__MACOSX")}  # fmt: skip
    shps = [n for n in archive.namelist() if n.lower().endswith(".shp")]
    if len(shps) != 1 or ".dbf" not in names or ".shx" not in names:
        reason = "压缩包内应恰好有一组 Shapefile（.shp、.shx、.dbf，最好还有 .prj）"
        issues.append(Issue(filename, None, "文件", "、".join(archive.namelist())[:200], reason))
        return
    wanted: dict[str, str] = {k: names[k] for k in (".prj", ".cpg", ".shx", ".dbf") if k in names}
    wanted[".shp"] = shps[0]
    try:
        parts = {k: archive.read(n) for k, n in wanted.items()}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a bad CRC, truncated data
        issues.append(Issue(filename, None, "文件", "", f"压缩包已损坏，无法解压：{exc}"))
        return
    prj = parts[".prj"].decode("utf-8", "replace") if ".prj" in parts else None
    transform = _transformer_for(prj, filename, issues)
    if transform is False:
        return
    encodings = (
        [parts[".cpg"].decode("ascii", "replace").strip() or "utf-8"]
        if ".cpg" in parts
        else ["utf-8", "gbk"]
    )
    error = ""
    for encoding in encodings:
        try:
            reader = shapefile.Reader(
                shp=io.BytesIO(parts[".shp"]),
                shx=io.BytesIO(parts[".shx"]),
                dbf=io.BytesIO(parts[".dbf"]),
                encoding=encoding,
            )
            records = reader.shapeRecords()
            break
        except (UnicodeDecodeError, LookupError, shapefile.ShapefileException) as exc:
            error = str(exc)  # a wrong encoding shows up here too: try the next one
    else:
        reason = f"无法读取 Shapefile（属性表应为 UTF-8 或 GBK，或附 .cpg）：{error}"
        issues.append(Issue(filename, None, "文件", "、".join(encodings), reason[:300]))
        return
    for row, sr in enumerate(records, start=1):
        geom = sr.shape.__geo_interface__ if sr.shape.shapeType != shapefile.NULL else None
        yield row, _reproject(geom, transform), dict(sr.record.as_dict())


def _kml_features(data: bytes, filename: str, issues: list[Issue]) -> Iterator[Feature]:
    if b"<!DOCTYPE" in data[:2048].upper() or b"<!ENTITY" in data.upper():
        issues.append(Issue(filename, None, "文件", "DOCTYPE", "KML 中不允许 DOCTYPE/ENTITY 声明"))
        return
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        issues.append(Issue(filename, None, "文件", "", f"不是有效的 KML（XML）：{exc}"))
        return
    ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
    for row, mark in enumerate(root.iter(f"{ns}Placemark"), start=1):
        props: dict[str, Any] = {"name": (mark.findtext(f"{ns}name") or "").strip()}
        for item in mark.iter(f"{ns}Data"):
            props[item.get("name", "")] = (item.findtext(f"{ns}value") or "").strip()
        for item in mark.iter(f"{ns}SimpleData"):
            props[item.get("name", "")] = (item.text or "").strip()
        polygons = [_kml_polygon(p, ns) for p in mark.iter(f"{ns}Polygon")]
        if polygons:
            geom: dict[str, Any] | None = (
                {"type": "Polygon", "coordinates": polygons[0]}
                if len(polygons) == 1
                else {"type": "MultiPolygon", "coordinates": polygons}
            )
        elif any(True for tag in ("Point", "LineString") for _ in mark.iter(f"{ns}{tag}")):
            geom = {"type": "Point" if any(mark.iter(f"{ns}Point")) else "LineString",
                    "coordinates": []}  # fmt: skip
        else:
            geom = None
        yield row, geom, props


def _kml_polygon(poly: ET.Element, ns: str) -> list[list[list[float]]]:
    def ring(el: ET.Element | None) -> list[list[float]]:
        text = (el.findtext(f".//{ns}coordinates") if el is not None else "") or ""
        return [[float(v) for v in tup.split(",")[:2]] for tup in text.split()]

    rings = [ring(poly.find(f"{ns}outerBoundaryIs"))]
    rings += [ring(b) for b in poly.findall(f"{ns}innerBoundaryIs")]
    return rings


def _transformer_for(crs_text: str | None, filename: str, issues: list[Issue]) -> Any:
    """None for lon/lat input, a pyproj Transformer to WGS 84 otherwise, False if unusable."""
    if not crs_text or crs_text in GEOGRAPHIC:
        return None
    try:
        crs = CRS.from_user_input(crs_text)
    except Exception as exc:  # pyproj raises CRSError, a subclass of Exception
        issues.append(Issue(filename, None, "坐标系", crs_text[:80], f"无法识别的坐标系：{exc}"))
        return False
    if (
        crs.is_geographic
        and crs.ellipsoid
        and crs.ellipsoid.name in ("WGS 84", "CGCS2000", "GRS 1980")
    ):
        return None
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _reproject(geom: Mapping[str, Any] | None, transform: Any) -> dict[str, Any] | None:
    if geom is None:
        return None
    if transform is None:
        return dict(geom)
    try:
        g = shape(geom)
    except Exception:  # invalid structure: let validation report it
        return dict(geom)
    out: dict[str, Any] = mapping(shapely.transform(g, lambda xy: _xy(transform, xy)))
    return out


def _xy(transform: Any, xy: Any) -> Any:
    import numpy as np

    x, y = transform.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _validate(filename: str, row: int, geometry: dict[str, Any] | None, props: dict[str, Any],
              name_field: str, issues: list[Issue]) -> ImportedZone | None:  # fmt: skip
    def reject(column: str, value: object, reason: str) -> None:
        issues.append(Issue(filename, row, column, str(value)[:120], reason))

    if not geometry:
        reject("几何", "", "缺少几何（应为面 Polygon/MultiPolygon）")
        return None
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        reject("几何", kind, "应为面（Polygon 或 MultiPolygon），点和线不能作为区域")
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError) as exc:
        reject("几何", kind, f"坐标结构无效（每个环至少 4 个点且首尾相同）：{exc}")
        return None
    if geom.is_empty:
        reject("几何", kind, "几何为空")
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not (LON_RANGE[0] <= minx and maxx <= LON_RANGE[1] and LAT_RANGE[0] <= miny
            and maxy <= LAT_RANGE[1]):  # fmt: skip
        reject("坐标", f"{minx:.3f},{miny:.3f} – {maxx:.3f},{maxy:.3f}",
               f"经纬度应在中国范围内（经度 {LON_RANGE[0]}–{LON_RANGE[1]}，纬度 {LAT_RANGE[0]}–"
               f"{LAT_RANGE[1]}）；投影坐标的 Shapefile 请附 .prj")  # fmt: skip
        return None
    if not geom.is_valid:
        why = shapely.is_valid_reason(geom)
        fixed = shapely.make_valid(geom)
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
        repaired = shapely.union_all(parts) if parts else shapely.Polygon()
        if repaired.is_empty or repaired.area <= 0:
            reject("几何", why, "无效面且无法修复（修复后面积为零）")
            return None
        issues.append(Issue(filename, row, "几何", why, "无效面（如自相交）已自动修复，请核对范围",
                            severity="warning"))  # fmt: skip
        geom = repaired
    name = _name_of(props, name_field) or f"{PurePosixPath(filename).stem}-{row}"
    return ImportedZone(row, name, mapping(geom), {k: _plain(v) for k, v in props.items()})


def _name_of(props: Mapping[str, Any], name_field: str) -> str:
    for key in [name_field] if name_field else ["name", "名称", "NAME", "Name", "mc", "MC"]:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Writing


def zones_to_geojson(zones: pd.DataFrame) -> str:
    """Stored zones (``Store.zones()``) as a GeoJSON FeatureCollection, lon/lat WGS 84."""
    features = [
        {
            "type": "Feature",
            "properties": {k: row[k] for k in EXPORT_FIELDS if k in row},
            "geometry": json.loads(row["geometry"]),
        }
        for _, row in zones.iterrows()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def zones_to_kml(zones: pd.DataFrame, title: str = "区域") -> str:
    """Stored zones as KML 2.2 (one Placemark each, attributes in ExtendedData)."""
    ET.register_namespace("", KML_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(kml, f"{{{KML_NS}}}Document")
    ET.SubElement(doc, f"{{{KML_NS}}}name").text = title
    for _, row in zones.iterrows():
        mark = ET.SubElement(doc, f"{{{KML_NS}}}Placemark")
        ET.SubElement(mark, f"{{{KML_NS}}}name").text = str(row["name"])
        ext = ET.SubElement(mark, f"{{{KML_NS}}}ExtendedData")
        for key in EXPORT_FIELDS:
            if key in row:
                data = ET.SubElement(ext, f"{{{KML_NS}}}Data", name=key)
                ET.SubElement(data, f"{{{KML_NS}}}value").text = str(row[key] or "")
        geom = shape(json.loads(row["geometry"]))
        polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        parent = ET.SubElement(mark, f"{{{KML_NS}}}MultiGeometry") if len(polys) > 1 else mark
        for poly in polys:
            el = ET.SubElement(parent, f"{{{KML_NS}}}Polygon")
            for tag, ring in [("outerBoundaryIs", poly.exterior),
                              *(("innerBoundaryIs", r) for r in poly.interiors)]:  # fmt: skip
                lr = ET.SubElement(
                    ET.SubElement(el, f"{{{KML_NS}}}{tag}"), f"{{{KML_NS}}}LinearRing"
                )
                ET.SubElement(lr, f"{{{KML_NS}}}coordinates").text = " ".join(
                    f"{x:.7f},{y:.7f}" for x, y in ring.coords
                )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")
