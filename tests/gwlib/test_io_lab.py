"""Reading lab files: layouts, encodings, value formats, units, synonyms, and row-level errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from gwlib.io.lab import read_lab_file, split_header_unit
from gwlib.quality.standards import get_standard
from gwlib.quality.values import ValueToken, parse_values

STD = get_standard()
HEADER = "点位编码,采样日期,指标,监测值,单位\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize(
    ("raw", "token", "number"),
    [
        ("0.35", ValueToken.NUMBER, 0.35),
        ("１２３．５", ValueToken.NUMBER, 123.5),
        ("1,234.5", ValueToken.NUMBER, 1234.5),
        ("1，234", ValueToken.NUMBER, 1234.0),
        ("1.2E-3", ValueToken.NUMBER, 0.0012),
        ("0.004L", ValueToken.NON_DETECT, 0.004),
        ("0.004 L", ValueToken.NON_DETECT, 0.004),
        ("<0.004", ValueToken.NON_DETECT, 0.004),
        ("＜0.004", ValueToken.NON_DETECT, 0.004),
        ("ND", ValueToken.NON_DETECT, None),
        ("未检出", ValueToken.NON_DETECT, None),
        ("未检出(0.004)", ValueToken.NON_DETECT, 0.004),
        # Non-detect notations found in real sheets (issue 12): every one parses, none is
        # read as "有" (检出限以下 contains 检出) or as an unreadable value.
        ("N.D.", ValueToken.NON_DETECT, None),
        ("n.d.", ValueToken.NON_DETECT, None),
        ("nd", ValueToken.NON_DETECT, None),
        ("Nd", ValueToken.NON_DETECT, None),
        ("N.D", ValueToken.NON_DETECT, None),
        ("检出限以下", ValueToken.NON_DETECT, None),
        ("低于检出限", ValueToken.NON_DETECT, None),
        ("<DL", ValueToken.NON_DETECT, None),
        ("< DL", ValueToken.NON_DETECT, None),
        ("<LOD", ValueToken.NON_DETECT, None),
        ("＜检出限", ValueToken.NON_DETECT, None),
        ("<0.004L", ValueToken.NON_DETECT, 0.004),
        ("未检出(<0.02)", ValueToken.NON_DETECT, 0.02),
        ("ND(0.004)", ValueToken.NON_DETECT, 0.004),
        ("检出限以下(0.004)", ValueToken.NON_DETECT, 0.004),
        (">1600", ValueToken.GREATER, 1600.0),
        ("无", ValueToken.ABSENT, None),
        ("有", ValueToken.PRESENT, None),
        ("", ValueToken.BLANK, None),
        ("—", ValueToken.BLANK, None),
        ("/", ValueToken.BLANK, None),
        ("abc", ValueToken.ERROR, None),
        ("1.2.3", ValueToken.ERROR, None),
    ],
)
def test_value_formats(raw: str, token: ValueToken, number: float | None) -> None:
    p = parse_values([raw])
    assert p["token"].iloc[0] == token
    if number is None:
        assert p["number"].isna().iloc[0]
    else:
        assert p["number"].iloc[0] == pytest.approx(number)


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("mg/L", "0.02", 0.02),
        ("μg/L", "20", 0.02),
        ("ug/L", "20", 0.02),
        ("µg/L", "20", 0.02),
        ("ng/L", "20000", 0.02),
        ("", "0.02", 0.02),
        ("MG/L", "0.02", 0.02),
    ],
)
def test_units_convert_to_standard(tmp_path: Path, unit: str, value: str, expected: float) -> None:
    p = write(tmp_path, HEADER + f"P1,2023-06-01,铅,{value},{unit}\n")
    b = read_lab_file(p, STD)
    assert not b.issues
    assert b.frame["value"].iloc[0] == pytest.approx(expected)


def test_microgram_indicator_from_mg(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + "P1,2023-06-01,苯,0.012,mg/L\n")
    assert read_lab_file(p, STD).frame["value"].iloc[0] == pytest.approx(12.0)


@pytest.mark.parametrize(
    ("alias", "official"),
    [
        ("硝酸盐氮", "硝酸盐（以N计）"),
        ("亚硝酸盐氮", "亚硝酸盐（以N计）"),
        ("氨氮", "氨氮（以N计）"),
        ("高锰酸盐指数", "耗氧量（CODMn法，以O2计）"),
        ("耗氧量", "耗氧量（CODMn法，以O2计）"),
        ("六价铬", "铬（六价）"),
        ("挥发酚", "挥发性酚类（以苯酚计）"),
        ("总硬度", "总硬度（以CaCO3计）"),
        ("TDS", "溶解性总固体"),
        ("菌落总数", "菌落总数"),
        ("总大肠菌群", "总大肠菌群"),
        ("总硬度(以CaCO3计)", "总硬度（以CaCO3计）"),
        ("铬(六价)", "铬（六价）"),
        ("铬（六价）", "铬（六价）"),
        ("氨氮（以N计）", "氨氮（以N计）"),
        ("细菌总数", "菌落总数"),
        ("pH值", "pH"),
        ("氟化物(F-)", "氟化物"),
        ("铅（Pb）", "铅"),
        ("三氯甲烷(氯仿)", "三氯甲烷"),
        ("pH值(无量纲)", "pH"),
    ],
)
def test_synonyms_and_bracket_widths(alias: str, official: str) -> None:
    assert STD.indicators[STD.index(alias)].name == official


def test_nitrate_as_no3_is_converted_to_as_n(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + "P1,2023-06-01,硝酸根,62.004,mg/L\n")
    assert read_lab_file(p, STD).frame["value"].iloc[0] == pytest.approx(14.007, rel=1e-4)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    p = write(tmp_path, HEADER + "P1,2023年6月1日,氟化物,1.2,mg/L\n", encoding)
    b = read_lab_file(p, STD)
    assert not b.issues and len(b.frame) == 1


def test_title_rows_above_header_keep_row_numbers(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "绛县2023年地下水监测结果,,,,\n,,,,\n"
        + HEADER
        + "P1,2023-06-01,氟化物,1.2,mg/L\nP1,2023-06-01,砷,坏值,mg/L\n",
    )
    b = read_lab_file(p, STD)
    (issue,) = b.errors
    assert (issue.file, issue.row, issue.column, issue.value) == ("in.csv", 5, "监测值", "坏值")
    assert "第 5 行" in issue.message() and "监测值" in issue.message()


def test_every_bad_row_reported_none_dropped(tmp_path: Path) -> None:
    rows = [
        "P1,2023-06-01,氟化物,1.2,mg/L",  # row 2 ok
        "P1,2023-13-01,氟化物,1.2,mg/L",  # row 3 bad date
        ",2023-06-01,氟化物,1.2,mg/L",  # row 4 no point
        "P1,2023-06-01,不存在的指标,1.2,mg/L",  # row 5 unknown indicator
        "P1,2023-06-01,砷,5,ppm",  # row 6 unknown unit
        "P1,2023-06-01,砷,5,NTU",  # row 7 wrong dimension
        "P1,2023-06-01,砷,有,mg/L",  # row 8 word for numeric indicator
        "P1,2023-06-01,钾,3.1,mg/L",  # row 9 known, not graded: kept with a note
        "P1,2023-06-01,铅,,mg/L",  # row 10 blank: not measured, kept, not graded
    ]
    b = read_lab_file(write(tmp_path, HEADER + "\n".join(rows) + "\n"), STD)
    assert sorted(i.row for i in b.errors) == [3, 4, 5, 6, 7, 8]
    assert sorted(b.frame["row"]) == [2, 9, 10]
    assert len(b.errors) + len(b.frame) == len(rows)
    note = b.frame.set_index("row").loc[9, "note"]
    assert "离子平衡" in note


def test_wide_layout_with_units_in_headers(tmp_path: Path) -> None:
    text = (
        "点位编码,点位名称,采样日期,pH,总硬度（mg/L）,砷(μg/L),铬（六价）(mg/L),硝酸盐氮(mg/L),嗅和味\n"
        "P1,一号井,2023-06-01,7.4,480,0.3L,0.004L,25,无\n"
        "P2,二号井,2023-06-02,7.0,120,,0.004L,1.0,无\n"
    )
    b = read_lab_file(write(tmp_path, text), STD)
    assert not b.issues
    f = b.frame.set_index(["point", "indicator_raw"])
    assert f.loc[("P1", "砷"), "value"] == pytest.approx(0.0003)
    assert f.loc[("P1", "总硬度"), "value"] == 480


def test_wide_unknown_column_reported_once(tmp_path: Path) -> None:
    text = "点位编码,采样日期,氟化物(mg/L),神秘列\nP1,2023-06-01,1.0,x\nP2,2023-06-01,1.0,y\n"
    b = read_lab_file(write(tmp_path, text), STD)
    assert [(i.row, i.column) for i in b.errors] == [(1, "神秘列")]


def test_xlsx_with_dates_and_numbers(tmp_path: Path) -> None:
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(["点位编码", "采样日期", "指标", "监测值", "单位"])
    ws.append(["P1", dt.datetime(2023, 6, 1), "氟化物", 1.2, "mg/L"])
    ws.append(["P1", dt.datetime(2023, 6, 1), "铅", "0.01L", "mg/L"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    b = read_lab_file(path, STD)
    assert not b.issues
    assert str(b.frame["date"].iloc[0])[:10] == "2023-06-01"


def test_missing_required_columns(tmp_path: Path) -> None:
    b = read_lab_file(write(tmp_path, "编号,值\n1,2\n"), STD)
    assert b.errors and "点位编码" in b.errors[0].reason


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("总硬度(mg/L)", "总硬度", "mg/L"),
        ("砷（μg/L）", "砷", "μg/L"),
        ("铬（六价）", "铬(六价)", ""),
        ("耗氧量（CODMn法，以O2计）(mg/L)", "耗氧量(CODMn法,以O2计)", "mg/L"),
        ("pH", "pH", ""),
        ("浑浊度 NTU", "浑浊度", "NTU"),
    ],
)
def test_split_header_unit(header: str, name: str, unit: str) -> None:
    assert split_header_unit(header) == (name, unit)


def test_total_chromium_is_not_hexavalent() -> None:
    assert STD.resolve("铬(Cr)") is None and STD.resolve("总铬") is None


def test_dl_notation_takes_the_limit_from_its_own_column(tmp_path: Path) -> None:
    """``<DL`` / ``ND`` / ``检出限以下`` with the limit in a 检出限 column: the limit is that value."""
    p = tmp_path / "dl.csv"
    p.write_text(
        "点位编码,采样日期,指标,监测值,单位,检出限\n"
        "P1,2024-05-01,砷,<DL,mg/L,0.0003\n"
        "P1,2024-05-01,铅,检出限以下,mg/L,0.0025\n"
        "P1,2024-05-01,汞,n.d.,μg/L,0.04\n",
        encoding="utf-8",
    )
    batch = read_lab_file(p, get_standard())
    assert not batch.errors
    f = batch.frame.set_index("indicator_raw")
    assert (f["token"] == ValueToken.NON_DETECT).all()
    assert f.loc["砷", "value"] == pytest.approx(0.0003)
    assert f.loc["铅", "value"] == pytest.approx(0.0025)
    assert f.loc["汞", "value"] == pytest.approx(0.00004)


def test_formula_cells_read_as_the_sheet_shows_them(tmp_path: Path) -> None:
    """A lab sheet saved by Excel keeps each formula's computed value: that value is read (what
    the user sees); a formula the file keeps no value for is read as its text, never run."""
    import re
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.append(["点位编码", "采样日期", "指标", "监测值", "单位"])
    ws.append(["P1", "2024-05-01", "氟化物", "=0.0008*1000", "mg/L"])
    ws.append(["P1", "2024-05-01", "砷", "=1/0", "mg/L"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    saved = tmp_path / "saved.xlsx"  # as Excel saves it: <f>…</f><v>0.8</v> for D2
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(saved, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"(<c r=\"D2\"[^>]*>\s*<f>[^<]*</f>)(\s*<v>\s*</v>)?", rb"\1<v>0.8</v>",
                              data)  # fmt: skip
            zout.writestr(item, data)
    batch = read_lab_file(saved, get_standard())
    f = batch.frame.set_index("indicator_raw")
    assert f.loc["氟化物", "value"] == pytest.approx(0.8)
    [issue] = [i for i in batch.errors if i.row == 3]
    assert issue.value == "=1/0" and "无法识别的监测值" in issue.reason
