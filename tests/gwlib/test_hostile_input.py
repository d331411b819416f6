"""Hostile input: malformed files given to every importer are rejected with a clear error —
never a crash or a traceback. Short runs here; HOSTILE_EXAMPLES=2000 for a long fuzz run."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from gwlib.errors import GwlibError, ValueFormatError
from gwlib.geo.convert import columns_to_wgs84, to_wgs84
from gwlib.geo.coords import parse_angle, parse_number
from gwlib.geo.corners import read_corner_table
from gwlib.geo.io import read_zones
from gwlib.geo.points import point_coordinates
from gwlib.geo.resolve import resolve_crs
from gwlib.io.lab import read_lab_file
from gwlib.io.wells import read_ledger
from gwlib.plans.parse import parse_plan_file
from gwlib.quality.register import HEADERS as POINT_HEADERS
from gwlib.quality.register import plan_points
from gwlib.quality.standards import get_standard
from gwlib.sources.register_io import read_register
from gwlib.sources.register_spec import POLLUTION
from gwlib.sources.zone_import import plan_zones

STD = get_standard()
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["点位编码", "采样日期", "指标", "监测值", "单位", "砷", "0.004L", "ND",
                     "2023-13-45", "=1+1", "<script>alert(1)</script>", "1e309", "-0", "１２",
                     "\x00", "\ufeff", "井编码", "经度", "111°99\u203299\u2033", "不详",
                     "P1", "P2", "2024-05-01", "平行样", "现场空白", "加标样", "样品编号"]),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=7), min_size=0, max_size=12)


def _csv(table: list[list[str]]) -> str:
    return "\n".join(",".join(c.replace(",", "，").replace("\n", " ").replace("\r", " ") for c in r) for r in table)


LAB_HEADERS = (["点位编码", "采样日期", "指标", "监测值", "单位"],
               ["点位编码", "采样日期", "样品编号", "样品类型", "指标", "监测值", "单位"])  # fmt: skip


@FUZZ
@given(rows, st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.sampled_from(LAB_HEADERS))
def test_lab_reader_never_crashes(
    tmp_path: Path, table: list[list[str]], enc: str, header: list[str]
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_csv([header, *table]).encode(enc, errors="replace"))
    try:
        batch = read_lab_file(path, STD)
    except GwlibError:
        return
    last_row = len(table) + 1  # the header is row 1
    for issue in batch.issues:  # every problem names a real row and says why
        assert issue.reason and (issue.row is None or 1 <= issue.row <= last_row)
    assert set(batch.frame["row"]) <= set(range(2, last_row + 1))


@FUZZ
@given(rows)
def test_results_plan_with_qc_rows_never_crashes(tmp_path: Path, table: list[list[str]]) -> None:
    """The whole import plan (routine and QC samples, duplicates, suspicious values) of any
    sheet: issues name real rows; QC samples are never among the routine ones."""
    import datetime as dt

    import pandas as pd

    from gwlib.quality.results import plan_results

    path = tmp_path / "fuzz.csv"
    path.write_text(_csv([LAB_HEADERS[1], *table]), encoding="utf-8")
    try:
        batch = read_lab_file(path, STD)
    except GwlibError:
        return
    plan = plan_results(batch, "0" * 64, pd.DataFrame({"code": ["P1", "P2"]}), pd.DataFrame(),
                        dt.date(2026, 1, 1))  # fmt: skip
    last_row = len(table) + 1
    assert all(i.reason and (i.row is None or 1 <= i.row <= last_row) for i in plan.issues)
    assert plan.rejected_rows <= plan.rows_total <= len(table)
    assert set(plan.qc_samples["status"]) <= {"新增"}
    qc_keys = set(zip(plan.qc_samples["point"], plan.qc_samples["date"], strict=True))
    assert set(plan.qc_detail["qc_type"]) <= {"平行样", "现场空白", "运输空白"}
    assert len(qc_keys) <= len(plan.qc_samples)


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_are_rejected_cleanly(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for reader in (lambda p: read_lab_file(p, STD), read_ledger,
                   lambda p: read_register(POLLUTION, p),
                   lambda p: plan_points(p, pd.DataFrame())):
        with contextlib.suppress(GwlibError):
            reader(path)


@FUZZ
@given(st.text(max_size=400))
def test_plan_parser_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(GwlibError):
        parse_plan_file(path)


@FUZZ
@given(st.binary(max_size=1024), st.sampled_from(["z.geojson", "z.kml", "z.zip"]))
def test_zone_import_rejects_garbage(data: bytes, name: str) -> None:
    with contextlib.suppress(GwlibError):
        read_zones(data, name)
    with contextlib.suppress(GwlibError):  # the zone import's plan on top of the reader
        plan = plan_zones(data, name, "一般区", pd.DataFrame())
        assert all(i.reason for i in plan.issues)
        assert plan.rejected + len(plan.zones) <= max(plan.features_total, 1) or plan.errors


@FUZZ
@given(rows)
def test_point_register_never_crashes(tmp_path: Path, table: list[list[str]]) -> None:
    """Any cells under the register's headers: a plan or an InputError, every issue on a row of
    the file with a reason, every accepted point inside lon/lat ranges."""
    path = tmp_path / "points.csv"
    path.write_text(_csv([list(POINT_HEADERS), *table]), encoding="utf-8")
    try:
        plan = plan_points(path, pd.DataFrame())
    except GwlibError:
        return
    for issue in plan.issues:
        assert issue.reason and (issue.row is None or 1 <= issue.row <= len(table) + 1)
    assert all(-180 <= q.lon <= 180 and -90 <= q.lat <= 90 for q in plan.points)


def test_zip_bomb_xlsx_is_rejected(tmp_path: Path) -> None:
    """A workbook whose sheet inflates to hundreds of MB is refused before it is read."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 300_000_000 + "</a>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 2_000_000
    with pytest.raises(GwlibError, match="解压后过大"):
        read_lab_file(path, STD)


# -- geographic input: coordinates, 坐标系 names, zone archives and 拐点坐标表 -----------------

CRS_TEXTS = [None, "CGCS2000", "CGCS2000 3度带", "CGCS2000 3度带 37带", "EPSG:4525", "EPSG:3857",
             "UTM 49N", "WGS84 UTM", "GCJ-02", "百度", "西安80 6度带", "bogus", "3度带 19带"]
coordinate_text = st.one_of(
    st.text(max_size=16),
    st.sampled_from(["111°34'12.5\"", "111度75分", "E111.5N", "东经", "°", "''", "1e309", "-0",
                     "３９２９１０５．３５４", "37551722.443", "3929105.354", "35.49", "111.57",
                     "nan", "inf", "111 34 12.5 9", "111:", "N", "--1", "1,2,3"]),
)


@FUZZ
@given(st.text(max_size=60))
def test_coordinate_and_crs_texts_never_crash(text: str) -> None:
    for reader in (parse_angle, parse_number, resolve_crs):
        with contextlib.suppress(ValueFormatError):
            reader(text)  # type: ignore[operator]


@FUZZ
@given(st.lists(st.tuples(coordinate_text, coordinate_text), max_size=20),
       st.sampled_from([c for c in CRS_TEXTS if c and c not in ("bogus", "3度带 19带")]),
       st.booleans(), st.sampled_from([None, 111.57, 80.0, 200.0]))  # fmt: skip
def test_coordinate_columns_never_crash(pairs: list[tuple[str, str]], crs: str, degrees: bool,
                                        hint: float | None) -> None:  # fmt: skip
    got = columns_to_wgs84([a for a, _ in pairs], [b for _, b in pairs], crs, degrees=degrees,
                           rows=range(2, len(pairs) + 2), lon_hint=hint)  # fmt: skip
    assert len(got.lon) == len(pairs)
    for issue in got.issues:  # every problem names a real row (or the file) and says why
        assert issue.reason and (issue.row is None or 2 <= issue.row <= len(pairs) + 1)
    bad = {i.row for i in got.issues if i.severity == "error"}
    assert all(row not in bad for row, ok in zip(range(2, len(pairs) + 2), got.ok, strict=True)
               if ok)  # fmt: skip


@FUZZ
@given(st.lists(st.tuples(st.floats(), st.floats()), max_size=20),
       st.sampled_from([c for c in CRS_TEXTS if c and c not in ("bogus", "3度带 19带")]))
def test_conversion_of_any_float_never_crashes(pairs: list[tuple[float, float]], crs: str) -> None:
    got = to_wgs84([a for a, _ in pairs], [b for _, b in pairs], crs, lon_hint=111.57)
    assert got.ok.sum() + len({i.row for i in got.issues if i.severity == "error"}) <= len(pairs)


corner_cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["X", "Y", "X坐标", "Y坐标", "北坐标", "东坐标", "经度", "纬度", "点号", "序号",
                     "保护区名称", "一级保护区", "二级保护区拐点坐标", "坐标系：CGCS2000 3度带 37带",
                     "坐标系：EPSG:4546", "坐标系", "3929105.354", "551722.443", "37551722.443",
                     "3939105.354", "561722.443", "111°34'12\"", "35.49", "111.57", "-1",
                     "1e309", "nan", "划定状态", "已批复", "批复日期", "2019-13-45", "J1", ""]),
)


@FUZZ
@given(st.lists(st.lists(corner_cells, max_size=6), max_size=25), st.sampled_from(CRS_TEXTS))
def test_corner_table_never_crashes(table: list[list[str]], crs: str | None) -> None:
    data = _csv(table).encode("utf-8")
    got = read_corner_table(data, "拐点.csv", crs=crs, lon_hint=111.57)
    for issue in got.issues:
        assert issue.reason and (issue.row is None or 1 <= issue.row <= len(table))
    for zone in got.zones:
        geom = shape(zone.geometry)
        assert geom.is_valid and not geom.is_empty and zone.name


@FUZZ
@given(st.binary(max_size=1024), st.sampled_from(["z.kmz", "z.xlsx", "z.csv", "z.xls", "z.zip"]),
       st.sampled_from(CRS_TEXTS))  # fmt: skip
def test_zone_archives_and_sheets_reject_garbage(data: bytes, name: str, crs: str | None) -> None:
    got = read_zones(data, name, crs=crs)  # problems come back as issues, never as exceptions
    assert all(i.reason for i in got.issues)


@FUZZ
@given(st.lists(st.tuples(st.text(max_size=8), st.binary(max_size=200)), max_size=4))
def test_zipped_zone_files_with_garbage_members(members: list[tuple[str, bytes]]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, (name, body) in enumerate(members):
            z.writestr(f"{k}{name}{('.shp', '.shx', '.dbf', '.prj', '.kml')[k % 5]}", body)
    for suffix in ("z.zip", "z.kmz", "z.xlsx"):
        got = read_zones(buf.getvalue(), suffix, crs="CGCS2000 3度带")
        assert all(i.reason for i in got.issues)


kml_coordinates = st.lists(st.one_of(
    st.sampled_from(["111.5,35.4", "111.6,35.4,0", "111.6,35.5", "111.5,35.4", "a,b", "1", ",",
                     "nan,nan", "inf,1", "1e309,2", "111.5", "111.5,35.4,0,9"]),
    st.text(alphabet="0123456789.,-e ", max_size=12)), max_size=8)  # fmt: skip


@FUZZ
@given(kml_coordinates, st.booleans())
def test_kml_coordinates_never_crash(points: list[str], zipped: bool) -> None:
    ring = " ".join(points)
    kml = ('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>z</name><Polygon>'
           f"<outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing>"
           "</outerBoundaryIs></Polygon></Placemark></kml>").encode()  # fmt: skip
    if zipped:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("doc.kml", kml)
        kml = buf.getvalue()
    got = read_zones(kml, "z.kmz" if zipped else "z.kml")
    assert len(got.zones) + len({i.row for i in got.issues if i.severity == "error"}) == 1


@FUZZ
@given(st.lists(st.tuples(coordinate_text, coordinate_text, coordinate_text, coordinate_text,
                          st.sampled_from([c or "" for c in CRS_TEXTS])), max_size=15),
       st.sampled_from(CRS_TEXTS[:-2]))  # fmt: skip
def test_register_coordinates_never_crash(rows: list[tuple[str, ...]], default: str | None) -> None:
    cols = list(zip(*rows, strict=True)) if rows else [()] * 5
    got = point_coordinates(*cols, default_crs=default, rows=range(2, len(rows) + 2),
                            lon_hint=111.57)  # fmt: skip
    assert len(got.lon) == len(rows)
    for issue in got.issues:
        assert issue.reason and (issue.row is None or 2 <= issue.row <= len(rows) + 1)
