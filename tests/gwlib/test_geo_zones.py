"""Zone polygons from KMZ, Shapefiles with and without .prj, 划定状态/批复 attributes, and the
拐点坐标表 sheets of a 划定方案 in their usual layouts. Fixtures are built in code."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile

import numpy as np
import pytest
import shapefile
import shapely
from openpyxl import Workbook
from pyproj import CRS, Transformer
from shapely.geometry import shape

from gwlib.geo.corners import clean_title, read_corner_table
from gwlib.geo.io import read_zones

# Two zones near 绛县 in lon/lat: a first-class zone inside a second-class one.
FIRST = [(111.560, 35.480), (111.570, 35.480), (111.570, 35.490), (111.560, 35.490)]
SECOND = [(111.540, 35.470), (111.590, 35.470), (111.595, 35.505), (111.545, 35.500)]
TO_4546 = Transformer.from_crs("EPSG:4326", "EPSG:4546", always_xy=True)  # CM 111E, no prefix


def gk(points: list[tuple[float, float]], prefix: bool = False) -> list[tuple[float, float]]:
    """(easting, northing) in CGCS2000 3° zone 37, with or without the zone number."""
    out = []
    for lon, lat in points:
        e, n = TO_4546.transform(lon, lat)
        out.append((e + (37e6 if prefix else 0), n))
    return out


def same_shape(zone_geometry: dict, points: list[tuple[float, float]], tol: float = 1e-8) -> bool:  # type: ignore[type-arg]
    """The same polygon, whatever the ring's direction and starting point."""
    return shape(zone_geometry).normalize().equals_exact(shapely.Polygon(points).normalize(), tol)


def _kml(points: list[tuple[float, float]], name: str = "一级保护区") -> str:
    ring = " ".join(f"{x},{y},0" for x, y in [*points, points[0]])
    return (f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
            f"<Document><Placemark><name>{name}</name><ExtendedData>"
            f'<Data name="划定状态"><value>已批复</value></Data>'
            f'<Data name="批复文号"><value>晋政函〔2019〕45号</value></Data>'
            f'<Data name="批复日期"><value>2019年5月20日</value></Data></ExtendedData>'
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates>"
            "</LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>")  # fmt: skip


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# KML / KMZ


@pytest.mark.parametrize("member", ["doc.kml", "files/保护区.kml"])
def test_kmz_reads_its_kml_and_the_attributes(member: str) -> None:
    got = read_zones(_zip({member: _kml(FIRST), "files/icon.png": b"\x89PNG"}), "保护区.kmz")
    assert got.ok and not got.issues
    (zone,) = got.zones
    assert zone.name == "一级保护区" and same_shape(zone.geometry, [*FIRST, FIRST[0]])
    assert (zone.status, zone.approval_no, zone.approval_date) == (
        "已批复", "晋政函〔2019〕45号", dt.date(2019, 5, 20))


def test_kmz_without_kml_and_broken_kmz() -> None:
    assert "没有 .kml" in read_zones(_zip({"a.txt": "x"}), "a.kmz").issues[0].reason
    assert "不是有效的 KMZ" in read_zones(b"PK\x03\x04 broken", "b.kmz").issues[0].reason
    garbled = _kml(FIRST).replace("111.56,35.48,0", "111.56;35.48").encode()
    (issue,) = read_zones(_zip({"doc.kml": garbled}), "c.kmz").issues
    assert (issue.row, issue.value) == (1, "111.56;35.48") and "KML 坐标无法读取" in issue.reason


def test_kmz_bomb_is_refused_unread() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("doc.kml", "w") as f:
        chunk = b"\x00" * 2**20
        for _ in range(210):  # 210 MB of zeros, about 200 KB compressed
            f.write(chunk)
    data = out.getvalue()
    assert len(data) < 1_000_000
    (issue,) = read_zones(data, "bomb.kmz").issues
    assert "解压后过大" in issue.reason and "210 MB" in issue.reason
    many = _zip({f"f{i}.kml": "" for i in range(10_001)})
    assert "文件过多" in read_zones(many, "many.kmz").issues[0].reason


def test_kml_from_a_web_map_with_crs_argument() -> None:
    from gwlib.geo.crs import wgs84_to_gcj02

    gcj = [tuple(wgs84_to_gcj02(x, y)) for x, y in FIRST]
    got = read_zones(_kml(gcj).encode(), "高德.kml", crs="GCJ-02")  # type: ignore[arg-type]
    assert got.ok
    assert same_shape(got.zones[0].geometry, [*FIRST, FIRST[0]], 1e-8)


# ---------------------------------------------------------------------------------------------
# Shapefiles


def _shapefile(records: list[tuple[dict[str, object], list[tuple[float, float]]]],
               prj: str | None, encoding: str = "gbk",
               fields: list[tuple[str, str, int]] | None = None) -> bytes:  # fmt: skip
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON,
                          encoding=encoding) as w:  # fmt: skip
        for name, kind, size in fields or [("MC", "C", 50)]:
            w.field(name, kind, size=size)
        for attrs, ring in records:
            w.poly([[*ring, ring[0]][::-1]])  # clockwise outer ring, as shapefiles store it
            w.record(**attrs)
    members: dict[str, bytes | str] = {"z.shp": shp.getvalue(), "z.shx": shx.getvalue(),
                                       "z.dbf": dbf.getvalue()}  # fmt: skip
    if prj is not None:
        members["z.prj"] = prj
    return _zip(members)


def test_shapefile_without_prj_in_metres_asks_for_the_crs() -> None:
    data = _shapefile([({"MC": "一级保护区"}, gk(FIRST, prefix=True))], None)
    got = read_zones(data, "保护区.zip")
    assert not got.zones and not got.ok
    (issue,) = got.issues
    assert issue.column == "坐标系" and "缺少 .prj" in issue.reason
    assert "「CGCS2000 3度带 37带」或 EPSG:4525" in issue.reason  # read from the prefix


@pytest.mark.parametrize(
    ("prefix", "crs"),
    [(True, "CGCS2000 3度带"), (True, "EPSG:4525"), (False, "CGCS2000 3度带 37带"),
     (False, "EPSG:4546"), (True, "国家2000")],
)  # fmt: skip
def test_shapefile_without_prj_given_the_crs(prefix: bool, crs: str) -> None:
    data = _shapefile([({"MC": "一级保护区"}, gk(FIRST, prefix))], None)
    got = read_zones(data, "保护区.zip", crs=crs)
    assert got.ok and len(got.zones) == 1
    assert same_shape(got.zones[0].geometry, [*FIRST, FIRST[0]])
    if crs == "国家2000":  # a datum only: the zone comes from the prefix, with a warning
        assert "只写了大地基准" in got.issues[0].reason


def test_shapefile_without_prj_in_degrees_is_read_with_a_warning() -> None:
    got = read_zones(_shapefile([({"MC": "一级保护区"}, FIRST)], None), "经纬度.zip")
    assert got.ok and len(got.zones) == 1
    assert got.issues[0].severity == "warning" and "缺少 .prj" in got.issues[0].reason


def test_prj_wins_over_the_crs_argument_and_a_bad_crs_is_an_error() -> None:
    data = _shapefile([({"MC": "面"}, gk(FIRST))], CRS.from_epsg(4546).to_wkt("WKT1_ESRI"))
    got = read_zones(data, "有prj.zip", crs="CGCS2000 3度带 38带")
    assert got.ok and len(got.zones) == 1
    assert "已按文件的坐标系读取" in got.issues[0].reason
    bad = read_zones(data, "x.zip", crs="3度带")
    assert not bad.zones and "没有写大地基准" in bad.issues[0].reason


def test_zone_attributes_in_chinese_and_english_fields() -> None:
    chinese = _shapefile(
        [({"MC": "一级", "划定状态": "已批复", "批复文号": "晋政函〔2019〕45号",
           "批复日期": "2019.5.20"}, FIRST),
         ({"MC": "二级", "划定状态": "初步划定", "批复文号": "", "批复日期": ""}, SECOND),
         ({"MC": "坏", "划定状态": "差不多", "批复文号": "", "批复日期": "去年"}, SECOND)],
        CRS.from_epsg(4490).to_wkt(), "gbk",
        [("MC", "C", 20), ("划定状态", "C", 10), ("批复文号", "C", 40), ("批复日期", "C", 20)],
    )  # fmt: skip
    got = read_zones(chinese, "属性.zip")
    one, two = got.zones
    assert (one.status, one.approval_no, one.approval_date) == (
        "已批复", "晋政函〔2019〕45号", dt.date(2019, 5, 20))
    assert (two.status, two.approval_no, two.approval_date) == ("初步划定", "", None)
    assert {(i.row, i.column, i.value) for i in got.issues} == {(3, "划定状态", "差不多"),
                                                                (3, "批复日期", "去年")}
    english = _shapefile(
        [({"NAME": "一级", "HDZT": "approved", "PFWH": "No. 45", "PFRQ": dt.date(2020, 1, 2)},
          FIRST)],
        CRS.from_epsg(4490).to_wkt(), "utf-8",
        [("NAME", "C", 20), ("HDZT", "C", 20), ("PFWH", "C", 20), ("PFRQ", "D", 8)],
    )  # fmt: skip
    (zone,) = read_zones(english, "english.zip").zones
    assert (zone.status, zone.approval_no, zone.approval_date) == (
        "已批复", "No. 45", dt.date(2020, 1, 2))
    geo = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "一级", "legal_status": "未划定", "approval_date": "20210304"},
        "geometry": {"type": "Polygon", "coordinates": [[*map(list, FIRST), list(FIRST[0])]]}}]}
    (zone,) = read_zones(json.dumps(geo).encode(), "z.geojson").zones
    assert (zone.status, zone.approval_date) == ("未划定", dt.date(2021, 3, 4))


# ---------------------------------------------------------------------------------------------
# 拐点坐标表


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _block(points: list[tuple[float, float]], close: bool = True, start: int = 1,
           label: str = "J") -> list[list[object]]:  # fmt: skip
    """Rows 点号, X (northing), Y (easting), as a 划定方案 prints them."""
    rows: list[list[object]] = [[f"{label}{start + k}", round(n, 3), round(e, 3)]
                                for k, (e, n) in enumerate(points)]  # fmt: skip
    return [*rows, [f"{label}{start}", rows[0][1], rows[0][2]]] if close else rows


def test_block_titles_on_one_sheet() -> None:
    header = ["点号", "X坐标(m)", "Y坐标(m)"]
    data = _xlsx({"拐点坐标": [
        ["绛县城区水源地保护区拐点坐标表"],
        ["坐标系：CGCS2000 3度带 37带"],
        ["一级保护区"], header, *_block(gk(FIRST)),
        [],
        ["二级保护区拐点坐标"], header, *_block(gk(SECOND), close=False),
    ]})  # fmt: skip
    got = read_zones(data, "划定方案.xlsx")
    assert got.ok and not got.issues
    one, two = got.zones
    assert (one.name, two.name) == ("一级保护区", "二级保护区")
    assert same_shape(one.geometry, [*FIRST, FIRST[0]]) and same_shape(two.geometry,
                                                                      [*SECOND, SECOND[0]])
    assert (one.row, one.properties["sheet"], one.properties["points"]) == (5, "拐点坐标", 4)


def test_block_titles_without_repeated_header_and_lon_lat_in_dms() -> None:
    def dms(v: float) -> str:
        d = int(v)
        m = int((v - d) * 60)
        return f"{d}°{m}\u2032{(v - d - m / 60) * 3600:.4f}\u2033"  # primes

    rows: list[list[object]] = [["序号", "经度", "纬度"], ["一级保护区"]]
    rows += [[k + 1, dms(x), dms(y)] for k, (x, y) in enumerate(FIRST)]
    rows += [["二级保护区"]] + [[k + 1, dms(x), dms(y)] for k, (x, y) in enumerate(SECOND)]
    got = read_zones(_xlsx({"Sheet1": rows}), "经纬度.xlsx")
    assert got.ok and not got.issues
    assert [z.name for z in got.zones] == ["一级保护区", "二级保护区"]
    assert same_shape(got.zones[1].geometry, [*SECOND, SECOND[0]], 1e-7)


def test_name_column_merged_cells_and_prefixed_eastings_in_gbk_csv() -> None:
    lines = ["保护区名称,拐点编号,X,Y,划定状态,批复文号"]
    for name, pts in (("一级保护区", FIRST), ("二级保护区", SECOND)):
        for k, (e, n) in enumerate(gk(pts, prefix=True)):
            first = k == 0  # the name, status and number only on the block's first row
            lines.append(f"{name if first else ''},{k + 1},{n:.3f},{e:.3f},"
                         f"{'已批复' if first else ''},{'晋政函〔2019〕45号' if first else ''}")
    data = "\n".join(lines).encode("gbk")
    got = read_zones(data, "拐点.csv", crs="CGCS2000 3度带")
    assert got.ok and not got.issues
    one, two = got.zones
    assert (one.name, two.name) == ("一级保护区", "二级保护区")
    assert same_shape(two.geometry, [*SECOND, SECOND[0]])
    assert (one.status, one.approval_no) == ("已批复", "晋政函〔2019〕45号")


def test_one_sheet_per_polygon_with_swapped_columns() -> None:
    def sheet(points: list[tuple[float, float]]) -> list[list[object]]:
        rows: list[list[object]] = [["拐点坐标表"], ["界址点号", "X", "Y"]]
        return rows + [[f"J{k + 1}", round(e, 3), round(n, 3)]  # X holds the easting here
                       for k, (e, n) in enumerate(gk(points))]  # fmt: skip
    data = _xlsx({"一级保护区": sheet(FIRST), "二级保护区": sheet(SECOND), "说明": [["本表…"]]})
    got = read_zones(data, "保护区.xlsx", crs="EPSG:4546")
    assert [z.name for z in got.zones] == ["一级保护区", "二级保护区"]
    assert same_shape(got.zones[0].geometry, [*FIRST, FIRST[0]])
    warnings = [i for i in got.issues if i.severity == "warning"]
    assert {i.sheet for i in warnings} == {"一级保护区", "二级保护区"}
    assert all("对调" in i.reason for i in warnings) and got.ok


def test_problems_name_file_sheet_row_column_value() -> None:
    header = ["点号", "X", "Y"]
    bad = _block(gk(FIRST), close=False)
    bad[2][2] = "abc"  # row 6: 坐标系 row 1, title 2, header 3, points from row 4
    bowtie = [SECOND[0], SECOND[2], SECOND[1], SECOND[3]]
    data = _xlsx({"表1": [
        ["坐标系", "CGCS2000 3度带 37带"],
        ["一级保护区"], header, *bad,
        ["二级保护区"], header, *_block(gk(bowtie)),
        ["准保护区"], header, *_block(gk(FIRST[:2]), close=False),
    ]})  # fmt: skip
    got = read_zones(data, "方案.xlsx", crs="CGCS2000 3度带 38带")
    assert [z.name for z in got.zones] == ["二级保护区"]
    by = {(i.row, i.column, i.severity): i for i in got.issues}
    cell = by[(6, "Y", "error")]
    assert (cell.file, cell.sheet, cell.value) == ("方案.xlsx", "表1", "abc")
    assert "文件 方案.xlsx，工作表「表1」，第 6 行，列「Y」" in cell.message()
    assert "「一级保护区」第 6 行的拐点坐标无法使用" in by[(4, "拐点", "error")].reason
    assert "已按表中的坐标系换算" in by[(1, "坐标系", "warning")].reason
    assert "无效面" in by[(10, "几何", "warning")].reason  # the bowtie, repaired
    assert "只有 2 个不同的拐点" in by[(17, "拐点", "error")].reason
    assert len(got.issues) == 5
    assert shape(got.zones[0].geometry).is_valid


def test_caption_rows_and_points_without_coordinates() -> None:
    rows: list[list[object]] = [["坐标系：EPSG:4546"], ["点号", "X", "Y", "备注"],
                                ["一级保护区", "", "", "面积 0.05 km²"], *_block(gk(FIRST)),
                                ["二级保护区", "", "", "面积 1.2 km²"], *_block(gk(SECOND))]  # fmt: skip
    rows[-2] = ["J4", "", ""]
    got = read_zones(_xlsx({"Sheet1": rows}), "注记.xlsx")
    assert [z.name for z in got.zones] == ["一级保护区"]
    assert [(i.row, i.column, i.value) for i in got.issues if i.row == 13] == [(13, "X", "J4")]
    assert "拐点 J4 没有填写坐标" in got.issues[0].reason


def test_xy_without_crs_anywhere_is_an_error() -> None:
    data = _xlsx({"Sheet1": [["点号", "X", "Y"], *_block(gk(FIRST))]})
    got = read_corner_table(data, "无坐标系.xlsx")
    assert not got.zones
    assert "没有写坐标系" in got.issues[0].reason and got.issues[0].row == 2


def test_rings_end_at_closure_and_several_rings_are_one_zone() -> None:
    east = [(x + 0.03, y) for x, y in FIRST]  # a second part, apart from the first
    rows = [["坐标系：EPSG:4546"], ["名称", "点号", "X", "Y"]]
    rows += [["一级保护区", *r] for r in _block(gk(FIRST))]
    rows += [["一级保护区", *r] for r in _block(gk(east))]
    got = read_zones(_xlsx({"Sheet1": rows}), "两块.xlsx")
    (zone,) = got.zones
    assert zone.geometry["type"] == "MultiPolygon" and len(zone.geometry["coordinates"]) == 2
    (w,) = got.issues
    assert w.severity == "warning" and "有 2 组拐点（第 3–7 行、第 8–12 行）" in w.reason


def test_unreadable_inputs() -> None:
    assert "另存为 .xlsx" in read_zones(b"\xd0\xcf\x11\xe0", "old.xls").issues[0].reason
    assert "不是有效的 Excel" in read_zones(b"garbage", "x.xlsx").issues[0].reason
    none = read_zones("说明,只有文字\n没有,坐标".encode(), "说明.csv")
    assert "没有找到拐点坐标" in none.issues[0].reason
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("xl/a.xml", "w") as f:
        for _ in range(210):
            f.write(b"0" * 2**20)
    assert "解压后过大" in read_zones(out.getvalue(), "bomb.xlsx").issues[0].reason


@pytest.mark.parametrize(
    ("title", "name"),
    [("一级保护区拐点坐标", "一级保护区"), ("表3 二级保护区拐点坐标表", "二级保护区"),
     ("附表1-2：准保护区范围拐点坐标一览表", "准保护区"), ("补给区边界拐点", "补给区"),
     ("拐点坐标表", "")],
)  # fmt: skip
def test_titles_become_names(title: str, name: str) -> None:
    assert clean_title(title) == name


def test_a_long_outline_is_quick() -> None:
    """A 补给区 outline digitised at 5,000 corner points: most of the time is openpyxl's."""
    angles = np.linspace(0, 2 * np.pi, 5000, endpoint=False)
    ring = [(111.57 + 0.1 * np.cos(a), 35.49 + 0.08 * np.sin(a)) for a in angles]
    rows = [["坐标系：CGCS2000 3度带 37带"], ["补给区"], ["点号", "X", "Y"], *_block(gk(ring))]
    data = _xlsx({"Sheet1": rows})
    start = time.perf_counter()
    got = read_zones(data, "补给区.xlsx")
    elapsed = time.perf_counter() - start
    assert got.ok and got.zones[0].properties["points"] == 5000
    assert elapsed < 5.0, elapsed  # about 1 s on the (shared) development machine
