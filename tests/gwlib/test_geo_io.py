"""Zone import (GeoJSON, zipped Shapefile, KML) with validation, and GeoJSON/KML export."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from gwlib.geo.io import read_zones, zones_to_geojson, zones_to_kml

X0, Y0 = 111.55, 35.48
SQUARE = [[X0, Y0], [X0 + 0.01, Y0], [X0 + 0.01, Y0 + 0.01], [X0, Y0 + 0.01], [X0, Y0]]
HOLE = [
    [X0 + 0.003, Y0 + 0.003],
    [X0 + 0.006, Y0 + 0.003],
    [X0 + 0.006, Y0 + 0.006],
    [X0 + 0.003, Y0 + 0.006],
    [X0 + 0.003, Y0 + 0.003],
]
BOWTIE = [[X0, Y0], [X0 + 0.01, Y0 + 0.01], [X0 + 0.01, Y0], [X0, Y0 + 0.01], [X0, Y0]]


def feature(geometry: dict, **props: object) -> dict:  # type: ignore[type-arg]
    return {"type": "Feature", "geometry": geometry, "properties": props}


def collection(*features: dict, **extra: object) -> bytes:  # type: ignore[type-arg]
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features), **extra}, ensure_ascii=False
    ).encode("utf-8")


def test_geojson_valid_repaired_and_rejected_features() -> None:
    data = collection(
        feature({"type": "Polygon", "coordinates": [SQUARE, HOLE]}, 名称="一级保护区"),
        feature({"type": "Polygon", "coordinates": [BOWTIE]}, name="自相交"),
        feature({"type": "Point", "coordinates": [X0, Y0]}, name="点"),
        feature(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}, name="境外"
        ),
        feature({"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 1, Y0]]]}, name="环太短"),
        feature(None, name="无几何"),  # type: ignore[arg-type]
        feature(
            {
                "type": "MultiPolygon",
                "coordinates": [[SQUARE], [[[x + 0.02, y] for x, y in SQUARE]]],
            }
        ),
    )
    result = read_zones(data, "zones.geojson")
    assert [z.name for z in result.zones] == ["一级保护区", "自相交", "zones-7"]
    assert len(shape(result.zones[0].geometry).interiors) == 1
    assert shape(result.zones[1].geometry).is_valid
    by_row = {(i.row, i.severity) for i in result.issues}
    assert by_row == {(2, "warning"), (3, "error"), (4, "error"), (5, "error"), (6, "error")}
    assert all(i.file == "zones.geojson" and i.reason for i in result.issues)
    assert "Self-intersection" in next(i.value for i in result.issues if i.row == 2)
    assert not result.ok


def test_geojson_projected_crs_is_converted() -> None:
    gk = "EPSG:4547"  # CGCS2000 / 3-degree Gauss-Kruger CM 114E
    to_gk = Transformer.from_crs("EPSG:4326", gk, always_xy=True)
    ring = [list(to_gk.transform(x, y)) for x, y in SQUARE]
    data = collection(
        feature({"type": "Polygon", "coordinates": [ring]}, name="投影"),
        crs={"type": "name", "properties": {"name": gk}},
    )
    result = read_zones(data, "gk.geojson")
    assert result.ok and len(result.zones) == 1
    assert shape(result.zones[0].geometry).equals_exact(shapely.Polygon(SQUARE), 1e-7)


def _shapefile_zip(
    records: list[tuple[str, list]],
    encoding: str,
    prj: str | None,  # type: ignore[type-arg]
    cpg: str | None = None,
) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
    ) as w:
        w.field("MC", "C", size=50)
        for name, rings in records:
            w.poly(rings)
            w.record(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("zones/zones.shp", shp.getvalue())
        z.writestr("zones/zones.shx", shx.getvalue())
        z.writestr("zones/zones.dbf", dbf.getvalue())
        if prj is not None:
            z.writestr("zones/zones.prj", prj)
        if cpg is not None:
            z.writestr("zones/zones.cpg", cpg)
    return out.getvalue()


@pytest.mark.parametrize("encoding,cpg", [("gbk", None), ("utf-8", None), ("gbk", "GBK")])
def test_zipped_shapefile_with_chinese_attributes(encoding: str, cpg: str | None) -> None:
    data = _shapefile_zip(
        [("县城水源二级保护区", [SQUARE])], encoding, CRS.from_epsg(4490).to_wkt(), cpg
    )
    result = read_zones(data, "保护区.zip")
    assert result.ok, result.issues
    assert [z.name for z in result.zones] == ["县城水源二级保护区"]
    assert shape(result.zones[0].geometry).equals_exact(shapely.Polygon(SQUARE), 1e-9)


def test_zipped_shapefile_projected_prj_and_missing_parts() -> None:
    to_gk = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)
    ring = [list(to_gk.transform(x, y)) for x, y in SQUARE]
    data = _shapefile_zip([("投影面", [ring])], "utf-8", CRS.from_epsg(4547).to_wkt())
    result = read_zones(data, "gk.zip")
    assert result.ok and shape(result.zones[0].geometry).equals_exact(shapely.Polygon(SQUARE), 1e-7)
    no_prj = read_zones(_shapefile_zip([("投影面", [ring])], "utf-8", None), "noprj.zip")
    assert not no_prj.zones and "经纬度" in no_prj.issues[0].reason
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("a.shp", b"")
    assert "Shapefile" in read_zones(broken.getvalue(), "a.zip").issues[0].reason
    assert "zip" in read_zones(b"not a zip", "b.zip").issues[0].reason


KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>补给区</name>
 <ExtendedData><Data name="kind"><value>补给区</value></Data></ExtendedData>
 <Polygon><outerBoundaryIs><LinearRing><coordinates>
 {" ".join(f"{x},{y},0" for x, y in SQUARE)}
 </coordinates></LinearRing></outerBoundaryIs>
 <innerBoundaryIs><LinearRing><coordinates>{" ".join(f"{x},{y}" for x, y in HOLE)}</coordinates>
 </LinearRing></innerBoundaryIs></Polygon></Placemark>
<Placemark><name>井</name><Point><coordinates>{X0},{Y0}</coordinates></Point></Placemark>
</Document></kml>""".encode()


def test_kml_polygons_and_rejects() -> None:
    result = read_zones(KML, "zones.kml")
    assert [z.name for z in result.zones] == ["补给区"]
    assert result.zones[0].properties["kind"] == "补给区"
    assert len(shape(result.zones[0].geometry).interiors) == 1
    assert [(i.row, i.severity) for i in result.issues] == [(2, "error")]
    evil = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "b">]><kml/>'
    assert "DOCTYPE" in read_zones(evil, "evil.kml").issues[0].reason
    assert read_zones(b"<kml", "bad.kml").issues[0].reason.startswith("不是有效的 KML")
    assert ".kml" in read_zones(b"", "zones.dxf").issues[0].reason


def test_geojson_and_kml_round_trip() -> None:
    poly = shapely.Polygon(SQUARE, [HOLE])
    multi = shapely.MultiPolygon([poly, shapely.Polygon([(x + 0.02, y) for x, y in SQUARE])])
    zones = pd.DataFrame(
        [
            {
                "code": "Z1",
                "name": "一级保护区 <&>",
                "kind": "一级保护区",
                "legal_status": "已批复",
                "source_code": "S1",
                "basis": "",
                "requirements": "禁止…",
                "geometry": json.dumps(mapping(poly)),
            },
            {
                "code": "Z2",
                "name": "补给区",
                "kind": "补给区",
                "legal_status": "初步划定",
                "source_code": "S1",
                "basis": "",
                "requirements": "",
                "geometry": json.dumps(mapping(multi)),
            },
        ]
    )
    for text, name in ((zones_to_geojson(zones), "out.geojson"), (zones_to_kml(zones), "out.kml")):
        back = read_zones(text.encode("utf-8"), name)
        assert back.ok and [z.name for z in back.zones] == ["一级保护区 <&>", "补给区"]
        assert back.zones[0].properties["code"] == "Z1"
        for z, original in zip(back.zones, (poly, multi), strict=True):
            assert shape(z.geometry).equals_exact(original, 1e-7), name
