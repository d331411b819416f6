# ruff: noqa: RUF001  (the prime marks in coordinates are what staff type)
"""Ledger spreadsheets: a messy file as county staff write it, idempotent re-import, export →
import round trip, the template, and the CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from gwlib.io.wells import HEADERS, import_ledger_file, parse_coordinate, read_ledger, write_ledger
from gwlib.store import Store, audit
from tests.accounts import add_accounts

ADMIN = audit.Actor("导入员")
AUTH = "绛县水务局"
ROOT = Path(__file__).resolve().parents[2]

# Title rows, headers with full-width brackets and stray spaces, every kind of value staff type.
MESSY_HEADER = ["序号", " 井编码", "井类别", "井 别", "乡镇", "村", "经度", "纬度", "井深（m）",
                "所有权人", "联系电话", "废弃原因", "废弃时间", "排查日期", "状态", "处置方式",
                "计划完成日期", "实际完成日期", "备注"]  # fmt: skip
MESSY_ROWS: list[list[object]] = [
    # row 4: decimal degrees, dotted date
    [1, "JX-001", "取水井", "农田灌溉井", "古绛镇", "东村", 111.5701, 35.4912, 120, "东村村委会",
     13800000000, "水位下降", "2015.6.1", "2023.6.30", "已排查登记", "", "", "", ""],
    # row 5: DMS coordinates, 年月日 date, owner 不详
    [2, "JX-002", "取水井", "供水井", "横水镇", "西村", "111°34′12.5″", "35°29′30″", "150米", "不详",
     "", "", "2010年3月1日", "2023年6月30日", "已核查评估", "", "", "", ""],
    # row 6: Excel serial date (a number cell), slash date, owner 无
    [3, "JX-003", "钻井", "水文孔", "卫庄镇", "南村", "111.61", "35.52", "", "无", "", "勘探结束",
     "", 45107, "方案编制", "封填", "2026/10/31", "", "一井一策已批复"],
    [],  # row 7: blank, not a row
    # row 8: duplicate of JX-001
    [4, "JX-001", "取水井", "农田灌溉井", "古绛镇", "东村", 111.57, 35.49, 100, "", "", "", "", "", "", "",
     "", "", ""],
    # row 9: bad category
    [5, "JX-005", "机井", "", "古绛镇", "北村", 111.5, 35.4, "", "", "", "", "", "", "", "", "", "", ""],
    # row 10: subtype of another category (domain rule)
    [6, "JX-006", "矿井", "农田灌溉井", "南樊镇", "", 111.6, 35.4, "", "", "", "", "", "", "", "", "",
     "", ""],
    # row 11: swapped coordinates
    [7, "JX-007", "取水井", "其他", "古绛镇", "", 35.49, 111.57, "", "", "", "", "", "", "", "", "", "",
     ""],
    # row 12: unreadable date and a negative depth (two problems, one row)
    [8, "JX-008", "取水井", "其他", "古绛镇", "", 111.5, 35.4, "-5", "", "", "", "去年", "", "", "", "",
     "", ""],
    # row 13: 暂缓 without a reason (domain rule)
    [9, "JX-009", "取水井", "其他", "古绛镇", "", 111.5, 35.4, "", "", "", "", "", "", "暂缓", "", "", "",
     ""],
    # row 14: no code
    [10, "", "取水井", "其他", "古绛镇", "", "", "", "", "", "", "", "", "", "", "", "", "", "备注而已"],
    # row 15: spaces everywhere, full-width digits, status blank → 已排查登记
    [11, "  JX-011 ", " 取水井 ", "农田灌溉井", "古绛镇", "东村", "１１１.５", "３５.４", "", "  ", "", "", "",
     "2023/7/1", "", "", "", "", ""],
]  # fmt: skip
EXPECTED_REJECTED = {8, 9, 10, 11, 12, 13, 14}


def _messy_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["绛县报废矿井、钻井、取水井排查登记表"])
    ws.append(["填报单位：古绛镇人民政府", "", "", "填报日期：2023年7月5日"])
    ws.append(MESSY_HEADER)
    for row in MESSY_ROWS:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 'w.sqlite'}")
    add_accounts(s, {ADMIN.user: "editor"})
    return s


def test_messy_file_every_row_imported_or_reported(store: Store, tmp_path: Path) -> None:
    src = _messy_xlsx(tmp_path / "乡镇报表.xlsx")
    rep = import_ledger_file(store, ADMIN, src, AUTH)
    assert rep.total == 11
    rejected_rows = {i.row for i in rep.issues}
    assert rejected_rows == EXPECTED_REJECTED
    assert rep.imported == 4 and rep.updated == 0
    assert rep.imported + rep.updated + rep.unchanged + rep.rejected == rep.total
    by_row = {(i.row, i.column): i for i in rep.issues}
    assert "与第 4 行重复" in by_row[(8, "井编码")].reason
    assert by_row[(9, "井类别")].value == "机井"
    assert "井别" in by_row[(10, "井别")].column and "矿井的井别" in by_row[(10, "井别")].reason
    assert "填反" in by_row[(11, "经度")].reason
    assert (12, "废弃时间") in by_row and (12, "井深（m）") in by_row
    assert "暂缓" in by_row[(13, "暂缓原因")].reason
    assert "为空" in by_row[(14, "井编码")].reason

    w = store.wells().set_index("code")
    assert list(w.index) == ["JX-001", "JX-002", "JX-003", "JX-011"]
    a = w.loc["JX-002"]
    assert a["lon"] == pytest.approx(111 + 34 / 60 + 12.5 / 3600)
    assert a["lat"] == pytest.approx(35 + 29 / 60 + 30 / 3600)
    assert a["depth_m"] == 150 and a["survey_date"] == dt.date(2023, 6, 30)
    assert a["owner"] == "不详" and not a["owner_known"] and a["responsible_party"] == AUTH
    b = w.loc["JX-003"]
    assert b["survey_date"] == dt.date(2023, 6, 30)  # Excel serial 45107
    assert b["owner"] == "不详" and b["planned_completion"] == dt.date(2026, 10, 31)
    c = w.loc["JX-001"]
    assert c["phone"] == "13800000000" and c["responsible_party"] == "东村村委会"
    assert c["survey_date"] == dt.date(2023, 6, 30)
    assert c["abandon_date"] == dt.date(2015, 6, 1)
    assert w.loc["JX-011", "lon"] == pytest.approx(111.5)
    assert w.loc["JX-011", "status"] == "已排查登记"


def test_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    src = _messy_xlsx(tmp_path / "a.xlsx")
    import_ledger_file(store, ADMIN, src, AUTH)
    before = store.wells()
    n_audit = store.counts()["audit_log"]
    rep = import_ledger_file(store, ADMIN, src, AUTH)
    assert (rep.imported, rep.updated, rep.unchanged) == (0, 0, len(before))
    assert rep.rejected == len(EXPECTED_REJECTED)
    pd.testing.assert_frame_equal(store.wells(), before)
    assert store.counts()["audit_log"] == n_audit


def test_dry_run_writes_nothing(store: Store, tmp_path: Path) -> None:
    n_audit = store.counts()["audit_log"]  # the account's creation
    rep = import_ledger_file(store, ADMIN, _messy_xlsx(tmp_path / "a.xlsx"), AUTH, dry_run=True)
    assert (rep.imported, rep.rejected) == (4, 7)
    assert store.wells().empty and store.counts()["audit_log"] == n_audit


def test_update_by_code_is_audited_and_status_follows_lifecycle(
    store: Store, tmp_path: Path
) -> None:
    import_ledger_file(store, ADMIN, _messy_xlsx(tmp_path / "a.xlsx"), AUTH)
    csv = tmp_path / "b.csv"
    csv.write_text(
        "井编码,井类别,井别,备注,状态\n"
        "JX-001,取水井,农田灌溉井,井口已加盖,已排查登记\n"
        "JX-002,取水井,供水井,,已验收销号\n",
        encoding="gbk",
    )
    rep = import_ledger_file(store, ADMIN, csv, AUTH)
    assert (rep.updated, rep.rejected) == (1, 1)
    bad = rep.issues[0]
    assert (bad.row, bad.column, bad.value) == (3, "状态", "已验收销号")
    assert "当前状态为「已核查评估」" in bad.reason and "方案编制" in bad.reason
    w = store.wells().set_index("code")
    assert w.loc["JX-001", "note"] == "井口已加盖"
    assert w.loc["JX-001", "lon"] == pytest.approx(111.5701)  # columns not in the file are kept
    h = audit.history(store, "JX-001")
    assert h.loc[0, "field"] == "note" and h.loc[0, "action"] == "import"


def test_export_import_round_trip_is_lossless(
    store: Store, tmp_path: Path, demo_copy_url: str
) -> None:
    demo = Store.open(demo_copy_url)
    add_accounts(demo, {ADMIN.user: "editor"})
    wells = demo.wells()
    out = write_ledger(wells, tmp_path / "export.xlsx")
    rep = import_ledger_file(store, ADMIN, out, AUTH)
    assert (rep.imported, rep.rejected) == (len(wells), 0)
    cols = [c for c in wells.columns if c not in ("id", "version")]
    pd.testing.assert_frame_equal(
        store.wells()[cols].reset_index(drop=True), wells[cols].reset_index(drop=True)
    )
    # and back into the source database: nothing changes
    again = import_ledger_file(demo, ADMIN, out, "绛县水务局")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, len(wells))


def test_template_has_headers_and_dropdowns(tmp_path: Path) -> None:
    p = write_ledger(pd.DataFrame(), tmp_path / "t.xlsx")
    wb = load_workbook(p)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == list(HEADERS)
    for h in ("井编码", "井类别", "井别", "乡镇", "村", "经度", "纬度", "井深(m)", "所有权人",
              "联系电话", "废弃原因", "废弃时间", "排查日期", "状态", "处置方式", "计划完成日期",
              "实际完成日期", "备注"):  # fmt: skip
        assert h in headers
    ranges = sorted(str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation)
    assert ranges == ["B2", "C2", "N2", "O2"]  # 井类别, 井别, 状态, 处置方式
    lists = wb["选项"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=i, column=1).value for i in range(2, 5)] == ["矿井", "钻井", "取水井"]
    assert read_ledger(p).total == 0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("111.5", 111.5),
        ("111°34′12.5″", 111 + 34 / 60 + 12.5 / 3600),
        ("111°34'12.5\"", 111 + 34 / 60 + 12.5 / 3600),
        ("111度34分12.5秒", 111 + 34 / 60 + 12.5 / 3600),
        ("35°30′", 35.5),
        ("E111°30′", 111.5),
        ("", None),
    ],
)
def test_parse_coordinate(text: str, value: float | None) -> None:
    got = parse_coordinate(text)
    assert got == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize("text", ["111°75′", "abc", "111.5.3"])
def test_parse_coordinate_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_coordinate(text)


def test_cli_import_export(tmp_path: Path) -> None:
    src = _messy_xlsx(tmp_path / "a.xlsx")
    url = f"sqlite:///{tmp_path / 'new' / 'cli.sqlite'}"  # does not exist yet
    report = tmp_path / "rep.csv"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gwlib", *args], cwd=ROOT, capture_output=True, text=True
        )

    dry = run("wells", "import", str(src), "--db", url, "--dry-run", "--report", str(report))
    assert dry.returncode == 2 and "imported 4, updated 0, rejected 7" in dry.stdout
    first = run("wells", "import", str(src), "--db", url, "--report", str(report))
    assert first.returncode == 2, first.stderr
    assert "imported 4, updated 0, rejected 7" in first.stdout
    rep = pd.read_csv(report, encoding="utf-8-sig")
    assert list(rep.columns) == ["row", "column", "value", "reason"]
    assert set(rep["row"]) == EXPECTED_REJECTED
    second = run("wells", "import", str(src), "--db", url, "--report", str(report))
    assert "imported 0, updated 0, rejected 7" in second.stdout
    out = tmp_path / "out.xlsx"
    exp = run("wells", "export", "--db", url, "-o", str(out))
    assert exp.returncode == 0 and read_ledger(out).total == 4
    add = subprocess.run(
        [sys.executable, "-m", "gwlib", "users", "add", "zhang", "--role", "editor", "--db", url],
        cwd=ROOT, input="A-long-password-7\n", capture_output=True, text=True,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    assert "zhang" in run("users", "list", "--db", url).stdout


def test_approximate_abandon_dates_are_kept_with_the_original_words(tmp_path: Path) -> None:
    path = tmp_path / "approx.csv"
    path.write_text(
        "井编码,井类别,井别,乡镇,村,经度,纬度,废弃时间,排查日期,状态,备注\n"
        "A-1,取水井,供水井,古绛镇,东村,111.57,35.49,2015.6,2023-06-30,已排查登记,\n"
        "A-2,取水井,供水井,古绛镇,东村,111.57,35.49,2018年,2023-06-30,已排查登记,井口已塌\n"
        "A-3,取水井,供水井,古绛镇,东村,111.57,35.49,很久以前,2023-06-30,已排查登记,\n",
        encoding="utf-8",
    )
    rows = read_ledger(path)
    got = {r["code"]: r for _, r in rows.rows}
    assert str(got["A-1"]["abandon_date"]) == "2015-06-01"
    assert got["A-1"]["note"] == "废弃时间原文：2015.6"
    assert str(got["A-2"]["abandon_date"]) == "2018-01-01"
    assert got["A-2"]["note"] == "井口已塌；废弃时间原文：2018年"
    assert [(i.row, i.value) for i in rows.issues] == [(4, "很久以前")]


def test_export_carries_the_sealing_and_acceptance_fields(demo_url: str) -> None:
    """Issue 17 item 10: the ledger export's second sheet 封井与验收 holds each exported well's
    sealing record (dates as dates, intervals as text) and the first sheet still re-imports."""
    import datetime as dt
    import io

    import openpyxl

    from gwlib.io.wells import SEALING_HEADERS, ledger_bytes
    from gwlib.store import Store
    from gwlib.store.sealing import all_sealing

    with Store.open(demo_url) as store:
        wells, sealing = store.wells(), all_sealing(store)
    assert len(sealing) > 0
    data = ledger_bytes(wells, sealing=sealing)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["废弃井台账", "封井与验收"]
    ws = wb["封井与验收"]
    assert [c.value for c in ws[1]] == list(SEALING_HEADERS.values())
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(sealing["well_code"])
    rec = sealing.dropna(subset=["acceptance_date"]).iloc[0]
    got = rows[rec["well_code"]]
    col = list(SEALING_HEADERS)
    assert got[col.index("acceptance_conclusion")] == rec["acceptance_conclusion"]
    when = got[col.index("acceptance_date")]
    assert isinstance(when, dt.datetime) and when.date() == pd.Timestamp(rec["acceptance_date"]).date()
    assert read_ledger(data, "台账.xlsx").total == len(wells)
