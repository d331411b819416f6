"""Zone files in and out: GeoJSON, zipped Shapefile, KML/KMZ and 拐点坐标表 sheets (see
:mod:`gwlib.geo.corners`), with validation; GeoJSON and KML export.

:func:`read_zones` returns every polygon it could use plus one :class:`gwlib.io.tables.Issue` per
feature it repaired (severity "warning") or rejected (severity "error"), naming the file, the
feature's number (1-based, as a GIS attribute table shows it), the field and what was expected.
Nothing is dropped silently.

- Only Polygon/MultiPolygon geometries are zones; points and lines are rejected.
- Self-intersecting or otherwise invalid polygons are repaired with ``shapely.make_valid`` and
  the polygonal part kept (a warning says what GEOS found); a geometry that repairs to nothing
  is rejected.
- Coordinates end up lon/lat WGS 84 (≈ CGCS2000), converted by :mod:`gwlib.geo.convert`. The
  file's own 坐标系 wins: a Shapefile's ``.prj`` or a GeoJSON ``crs`` member (a different
  ``crs=`` argument gets a warning). Otherwise ``crs=`` (any text :func:`gwlib.geo.resolve_crs`
  reads, e.g. ``CGCS2000 3度带 37带`` or ``GCJ-02``) applies. A Shapefile with neither is read
  as lon/lat with a warning when its coordinates are degrees inside China; when they are metres
  it is an error asking for the 坐标系 — nothing is guessed. GeoJSON and KML without either are
  WGS 84 lon/lat, as their specifications say.
- A Shapefile's attribute encoding comes from its ``.cpg``; without one, UTF-8 is tried and
  then GBK (what Chinese GIS software writes by default).
- 划定状态, 批复文号 and 批复日期 are read from the attributes (Chinese or English field
  names, :data:`gwlib.geo.attributes.ATTRIBUTE_FIELDS`) into :class:`ImportedZone`; an
  unreadable value rejects the feature with the reason.
- Zip inputs (``.zip``, ``.kmz``, ``.xlsx``) are opened only after their member count and
  inflated size are checked (:func:`gwlib.geo.archive.open_zip`): a zip bomb is refused unread.

Size: about 460 lines in one module, because reading and writing the same formats share the
validation and the issue wording.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import shapefile  # type: ignore[import-untyped]
import shapely
from shapely.geometry import mapping, shape

from gwlib.errors import ValueFormatError
from gwlib.fields import LAT_RANGE, LON_RANGE
from gwlib.geo.archive import MAX_ZONE_ZIP_BYTES, kmz_document, open_zip, read_member
from gwlib.geo.attributes import zone_attributes
from gwlib.geo.convert import geometry_to_wgs84, within_china
from gwlib.geo.resolve import Datum, ResolvedCrs, resolve_crs, suggestion, width_of_zone
from gwlib.io.tables import MAX_INPUT_BYTES, Issue

KML_NS = "http://www.opengis.net/kml/2.2"
GEOGRAPHIC = ("EPSG:4326", "EPSG:4490", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84")
EXPORT_FIELDS = ("code", "name", "kind", "legal_status", "source_code", "basis", "requirements")


@dataclass(frozen=True)
class ImportedZone:
    """A polygon read from a file: its lon/lat GeoJSON geometry, the feature's attributes, and
    划定状态 / 批复文号 / 批复日期 when the file has them ("" / None when not)."""

    row: int
    name: str
    geometry: dict[str, Any]
    properties: dict[str, Any] = field(default_factory=dict)
    status: str = ""  # a LegalStatus value: 未划定 / 初步划定 / 已批复
    approval_no: str = ""
    approval_date: dt.date | None = None


@dataclass(frozen=True)
class ZoneImport:
    zones: tuple[ImportedZone, ...]
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


# ---------------------------------------------------------------------------------------------
# Reading


def read_zones(
    data: bytes,
    filename: str,
    name_field: str = "",
    crs: str | ResolvedCrs | None = None,
    lon_hint: float | None = None,
) -> ZoneImport:
    """Zones from a ``.geojson``/``.json``, a zipped Shapefile (``.zip``), ``.kml``/``.kmz``, or a
    拐点坐标表 (``.xlsx``/``.csv``, :func:`gwlib.geo.corners.read_corner_table`).

    ``name_field`` picks the attribute holding the zone name (default: the first of ``name``,
    ``名称``, ``NAME``, ``mc``, ``MC`` present). ``crs`` is the 坐标系 for files that do not say
    theirs; ``lon_hint`` (the county's longitude) picks a Gauss–Krüger zone nobody wrote.
    """
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in (".xlsx", ".xlsm", ".xls", ".csv", ".txt"):
        from gwlib.geo.corners import read_corner_table

        return read_corner_table(data, filename, crs=crs, lon_hint=lon_hint)
    issues: list[Issue] = []
    if len(data) > MAX_INPUT_BYTES:
        reason = f"文件过大（超过 {MAX_INPUT_BYTES // 2**20} MB）"
        return ZoneImport((), (Issue(filename, None, "文件", f"{len(data)} 字节", reason),))
    given = None
    if crs is not None and str(crs).strip():
        try:
            given = resolve_crs(crs, lon_hint)
        except ValueFormatError as exc:
            return ZoneImport((), (Issue(filename, None, "坐标系", exc.value, exc.reason),))
    declared: list[str] = []  # the file's own 坐标系, filled by the reader
    if suffix in (".geojson", ".json"):
        features = list(_geojson_features(data, filename, issues, declared))
    elif suffix == ".zip":
        features = list(_shapefile_features(data, filename, issues, declared))
    elif suffix in (".kml", ".kmz"):
        kml = kmz_document(data, filename, issues) if suffix == ".kmz" else data
        features = list(_kml_features(kml, filename, issues)) if kml is not None else []
    else:
        reason = "应为 .geojson、.json、.zip（Shapefile）、.kml、.kmz，或拐点坐标表 .xlsx、.csv"
        issues.append(Issue(filename, None, "文件", suffix, reason))
        features = []
    usable, target = _target_crs(features, declared, given, suffix, filename, lon_hint, issues)
    if not usable:
        return ZoneImport((), tuple(issues))
    zones = []
    notes: dict[str, None] = {}
    for row, geometry, props in features:
        if target is not None and geometry:
            converted, why, found = geometry_to_wgs84(geometry, target)
            notes.update(dict.fromkeys(found))
            if converted is None:
                issues.append(Issue(filename, row, "坐标", target.label, why))
                continue
            geometry = converted
        zone = _validate(filename, row, geometry, props, name_field, issues)
        if zone is not None:
            zones.append(zone)
    crs_text = target.text[:80] if target else ""
    issues += [Issue(filename, None, "坐标系", crs_text, n, "warning") for n in notes]
    return ZoneImport(tuple(zones), tuple(issues))


def _target_crs(features: list[Feature], declared: list[str], given: ResolvedCrs | None,
                suffix: str, filename: str, lon_hint: float | None,
                issues: list[Issue]) -> tuple[bool, ResolvedCrs | None]:  # fmt: skip
    """(usable, the 坐标系 to convert from — None when already lon/lat). The file's own 坐标系
    wins over ``given``; a Shapefile in metres without either is not usable."""
    own = declared[0] if declared else None
    if own is None:
        return _shapefile_without_prj(features, filename, issues) if (
            given is None and suffix == ".zip" and features) else (True, given)  # fmt: skip
    try:
        target = resolve_crs("WGS84" if own in GEOGRAPHIC else own, lon_hint)
    except ValueFormatError as exc:
        issues.append(Issue(filename, None, "坐标系", own[:80], f"无法识别的坐标系：{exc.reason}"))
        return False, None
    if given is not None and given.label != target.label:
        issues.append(Issue(filename, None, "坐标系", given.text[:80],
                            f"文件自带坐标系（{target.label}），已按文件的坐标系读取，"
                            "未使用指定的坐标系", "warning"))  # fmt: skip
    return True, target


def _shapefile_without_prj(features: list[Feature], filename: str,
                           issues: list[Issue]) -> tuple[bool, ResolvedCrs | None]:  # fmt: skip
    """Degrees inside China: read as lon/lat, with a warning. Metres: ask for the 坐标系."""
    xy = _all_coordinates(features)
    if within_china(xy[:, 0], xy[:, 1]).all():
        if len(xy):
            issues.append(Issue(filename, None, "坐标系", "（无 .prj）",
                                "Shapefile 缺少 .prj：坐标是中国范围内的经纬度，已按 CGCS2000/"
                                "WGS 84 经纬度读取；如为高德（GCJ-02）、百度（BD-09）或其它坐标系，"
                                "请指定坐标系", "warning"))  # fmt: skip
        return True, None
    east = float(np.nanmax(xy[:, 0]))
    zone = int(east // 1_000_000) if 1e7 <= east < 1e8 else 0
    width = width_of_zone(zone) if zone else None
    example = suggestion(Datum.CGCS2000, width, zone, True) if width else "「CGCS2000 3度带 37带」"
    issues.append(Issue(filename, None, "坐标系", "（无 .prj）",
                        "Shapefile 缺少 .prj（坐标系），而坐标不是经纬度，是以米计的投影坐标："
                        f"请指定坐标系，如{example}，或在压缩包中附上 .prj"))  # fmt: skip
    return False, None


def _all_coordinates(features: list[Feature]) -> Any:
    parts = []
    for _, geometry, _ in features:
        try:
            parts.append(shapely.get_coordinates(shape(geometry)))
        except Exception:  # an invalid structure: the validator reports it
            continue
    return np.concatenate(parts) if parts else np.zeros((0, 2))


Feature = tuple[int, dict[str, Any] | None, dict[str, Any]]


def _geojson_features(data: bytes, filename: str, issues: list[Issue],
                      declared: list[str]) -> Iterator[Feature]:  # fmt: skip
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
    own = _geojson_crs(doc)
    if own:
        declared.append(own)
    for row, item in enumerate(items, start=1):
        geom = item.get("geometry") if isinstance(item, dict) else None
        props = item.get("properties") if isinstance(item, dict) else None
        props = dict(props) if isinstance(props, dict) else {}
        yield row, geom if isinstance(geom, dict) else None, props


def _geojson_crs(doc: Mapping[str, Any]) -> str | None:
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        return str(name) if name else None
    return None


def _shapefile_features(data: bytes, filename: str, issues: list[Issue],
                        declared: list[str]) -> Iterator[Feature]:  # fmt: skip
    archive = open_zip(data, filename, issues, max_total=MAX_ZONE_ZIP_BYTES)
    if archive is None:
        return
    names = {PurePosixPath(n).suffix.lower(): n for n in archive.namelist()
             if not n.startswith("__MACOSX")}  # fmt: skip
    shps = [n for n in archive.namelist() if n.lower().endswith(".shp")]
    if len(shps) != 1 or ".dbf" not in names or ".shx" not in names:
        reason = "压缩包内应恰好有一组 Shapefile（.shp、.shx、.dbf，最好还有 .prj）"
        issues.append(Issue(filename, None, "文件", "、".join(archive.namelist())[:200], reason))
        return
    parts = {k: read_member(archive, names[k], filename, issues)
             for k in (".prj", ".cpg", ".shx", ".dbf") if k in names}  # fmt: skip
    shp = read_member(archive, shps[0], filename, issues)
    if shp is None or any(v is None for v in parts.values()):
        return
    if parts.get(".prj"):
        declared.append((parts[".prj"] or b"").decode("utf-8", "replace").strip())
    encodings = (
        [(parts[".cpg"] or b"").decode("ascii", "replace").strip() or "utf-8"]
        if ".cpg" in names
        else ["utf-8", "gbk"]
    )
    error = ""
    for encoding in encodings:
        try:
            reader = shapefile.Reader(
                shp=io.BytesIO(shp),
                shx=io.BytesIO(parts[".shx"] or b""),
                dbf=io.BytesIO(parts[".dbf"] or b""),
                encoding=encoding,
            )
            records = reader.shapeRecords()
            break
        except (UnicodeDecodeError, LookupError, shapefile.ShapefileException, ValueError,
                struct.error, IndexError, EOFError) as exc:  # fmt: skip
            error = str(exc)  # a wrong encoding shows up here too: try the next one
    else:
        reason = f"无法读取 Shapefile（属性表应为 UTF-8 或 GBK，或附 .cpg）：{error}"
        issues.append(Issue(filename, None, "文件", "、".join(encodings), reason[:300]))
        return
    for row, sr in enumerate(records, start=1):
        try:
            geom = sr.shape.__geo_interface__ if sr.shape.shapeType != shapefile.NULL else None
        except Exception:  # pyshp raises several kinds for a broken shape
            geom = {"type": "Polygon", "coordinates": "（无法读取的几何）"}
        yield row, geom, dict(sr.record.as_dict())


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
        try:
            polygons = [_kml_polygon(p, ns) for p in mark.iter(f"{ns}Polygon")]
        except ValueError as exc:
            reason = "KML 坐标无法读取：应为「经度,纬度[,高程]」，各点以空格分隔"
            issues.append(Issue(filename, row, "coordinates", str(exc)[:120], reason))
            continue
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
    """The rings of a KML Polygon; ValueError (naming the bad tuple) when one is unreadable."""

    def ring(el: ET.Element | None) -> list[list[float]]:
        text = (el.findtext(f".//{ns}coordinates") if el is not None else "") or ""
        out = []
        for tup in text.split():
            parts = tup.split(",")
            try:
                out.append([float(parts[0]), float(parts[1])])
            except (ValueError, IndexError):
                raise ValueError(tup) from None
        return out

    rings = [ring(poly.find(f"{ns}outerBoundaryIs"))]
    rings += [ring(b) for b in poly.findall(f"{ns}innerBoundaryIs")]
    return rings


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
        with np.errstate(invalid="ignore"):  # NaN coordinates: rejected just below
            geom = shape(geometry)
    except (ValueError, TypeError, IndexError, shapely.errors.ShapelyError) as exc:
        reject("几何", kind, f"坐标结构无效（每个环至少 4 个点且首尾相同）：{exc}")
        return None
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        reject("坐标", kind, "坐标中有非数值（NaN 或无穷大）")
        return None
    if geom.is_empty:
        reject("几何", kind, "几何为空")
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not (LON_RANGE[0] <= minx and maxx <= LON_RANGE[1] and LAT_RANGE[0] <= miny
            and maxy <= LAT_RANGE[1]):  # fmt: skip
        reject("坐标", f"{minx:.3f},{miny:.3f} – {maxx:.3f},{maxy:.3f}",
               f"经纬度应在中国范围内（经度 {LON_RANGE[0]}–{LON_RANGE[1]}，纬度 {LAT_RANGE[0]}–"
               f"{LAT_RANGE[1]}）；投影坐标的 Shapefile 请附 .prj 或指定坐标系")  # fmt: skip
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
    attrs, problems = zone_attributes(props)
    for column, value, reason in problems:
        reject(column, value, reason)
    if problems:
        return None
    return ImportedZone(row, name, mapping(geom), {k: _plain(v) for k, v in props.items()},
                        **attrs)  # fmt: skip


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
