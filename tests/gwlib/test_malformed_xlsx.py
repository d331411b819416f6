"""A malformed .xlsx, through every xlsx reader (tables, ledger, lab results), is an InputError
that names the file: never an unhandled zipfile, XML ParseError, KeyError or IndexError."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from gwlib.errors import InputError
from gwlib.io.lab import read_lab_file
from gwlib.io.tables import read_table
from gwlib.io.wells import read_ledger
from gwlib.quality.standards import get_standard

STD = get_standard()
SHEET = "xl/worksheets/sheet1.xml"


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["井编码", "井类别", "井别", "乡镇"])
    ws.append(["W1", "取水井", "供水井", "古绛镇"])
    ws.append(["W2", "取水井", "供水井", "古绛镇"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """``data`` with members replaced (``None`` removes one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            if name in replace:
                if replace[name] is not None:
                    zout.writestr(name, replace[name])  # type: ignore[arg-type]
            else:
                zout.writestr(name, zin.read(name))
    return out.getvalue()


def _sheet(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(SHEET)


def _shared_strings_out_of_range(data: bytes) -> bytes:
    sheet = _sheet(data).replace(b'<c r="A2" t="inlineStr"><is><t>W1</t></is></c>',
                                 b'<c r="A2" t="s"><v>99</v></c>')  # fmt: skip
    assert b"<v>99</v>" in sheet
    return _rezip(data, {SHEET: sheet})


def _billion_laughs(data: bytes) -> bytes:
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
            for i in range(8)
        )
        + b"]>"
    )
    sheet = _sheet(data).replace(b"<t>W1</t>", b"<t>&i;</t>")
    return _rezip(data, {SHEET: dtd + sheet})


GOOD = _workbook()
CASES: dict[str, Callable[[], bytes]] = {
    "random bytes": lambda: random.Random(16).randbytes(4096),
    "empty file": lambda: b"",
    "an empty zip": lambda: _zip_of({}),
    "a zip of a text file": lambda: _zip_of({"readme.txt": b"hello"}),
    "truncated workbook": lambda: GOOD[: len(GOOD) // 2],
    "workbook.xml missing": lambda: _rezip(GOOD, {"xl/workbook.xml": None}),
    "sheet missing": lambda: _rezip(GOOD, {SHEET: None}),
    "bad XML in the sheet": lambda: _rezip(GOOD, {SHEET: _sheet(GOOD)[:-40] + b"<row><c"}),
    "bad XML in workbook.xml": lambda: _rezip(GOOD, {"xl/workbook.xml": b"<workbook><sheets"}),
    "not XML at all in the sheet": lambda: _rezip(GOOD, {SHEET: b"\x00\x01binary"}),
    "shared string out of range": lambda: _shared_strings_out_of_range(GOOD),
    "entity expansion in the sheet": lambda: _billion_laughs(GOOD),
}


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


READERS: dict[str, Callable[[Path], object]] = {
    "tables": read_table,
    "ledger": read_ledger,
    "lab_results": lambda p: read_lab_file(p, STD),
}


def test_the_good_workbook_reads() -> None:
    """The cases below break this file; as it is, every reader can use it."""
    path = Path(__file__).parent / "_good.xlsx"
    try:
        path.write_bytes(GOOD)
        assert read_ledger(path).total == 2
    finally:
        path.unlink()


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("case", list(CASES))
def test_malformed_xlsx_is_an_input_error_naming_the_file(
    tmp_path: Path, case: str, reader: str
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(CASES[case]())
    with pytest.raises(InputError) as err:
        READERS[reader](path)
    assert err.value.where.file == "台账.xlsx"
    assert "Excel" in err.value.reason or "文件是空的" in err.value.reason, err.value.reason
