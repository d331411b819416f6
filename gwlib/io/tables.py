"""Reading spreadsheets as people send them: CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

Every cell is read as text; nothing is guessed or converted here. Title rows above the header
are skipped by looking for the header row, and row numbers are kept as the spreadsheet shows
them so that every error can name its row.

Text that looks like a formula stays the text it is (see :mod:`gwlib.io.export`):

- An .xlsx formula cell is read as what the sheet shows: the value Excel/WPS computed and saved
  with the file (a lab sheet with ``=B2*1000``), and only where the file keeps no such value
  (files written by programs) as the formula's text, ``=1+2``. Nothing is ever evaluated; the
  exports write text cells only, so a ledger exported and re-imported gets its text back.
- A CSV value protected on export with a leading ``'`` (``'=1+2``) is read without it, by
  :func:`gwlib.io.export.csv_unquote`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gwlib.errors import InputError, Location
from gwlib.io.archives import check_zip
from gwlib.io.export import csv_unquote
from gwlib.text import name_key

HEADER_SCAN_ROWS = 20
MAX_INPUT_BYTES = 200 * 1024 * 1024
MAX_INFLATED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs before parsing


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file. ``row`` is the row number the spreadsheet shows."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    severity: str = "error"  # "error": the row was not used; "warning": used, but look at it
    sheet: str = ""  # the worksheet, when the file has several that are read

    def message(self) -> str:
        where = Location(self.file, self.row, self.column, self.sheet)
        return InputError(self.reason, value=self.value, where=where).message


@dataclass(frozen=True)
class RawTable:
    """A sheet as text: ``frame`` has the header's columns; ``first_row`` is the spreadsheet row
    number of ``frame``'s first data row."""

    name: str
    frame: pd.DataFrame
    header_row: int
    sheet: str | None = None

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    def row_numbers(self) -> pd.Series:
        """Spreadsheet row number of each row of ``frame`` (empty rows were dropped)."""
        return pd.Series(
            self.frame.index.to_numpy() + self.first_row, index=self.frame.index, dtype="int64"
        )


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码：应为 UTF-8 或 GBK", where=Location(name))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # text, and formulas (read as their text, "=…")
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float | dt.time | dt.timedelta):
        return str(value)
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    if isinstance(value, ArrayFormula):  # {=…} entered with Ctrl+Shift+Enter
        return str(value.text)
    if isinstance(value, DataTableFormula):  # a what-if table: as Excel shows it
        return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
    return str(value)


def _xlsx_rows(data: bytes, name: str) -> tuple[list[list[str]], str | None]:
    from openpyxl import load_workbook

    check_zip(data, name, what="Excel 文件（.xlsx）", max_total=MAX_INFLATED_BYTES)

    def sheet_rows(data_only: bool) -> tuple[list[list[object]], str]:
        # A broken workbook fails inside openpyxl in many ways (BadZipFile, KeyError for a
        # missing part, XML ParseError, IndexError for a bad shared-string index, …), when it
        # is opened or, read-only, only while its rows are read: each is an InputError.
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except Exception as exc:
            raise InputError(f"无法打开 Excel 文件：{exc}", where=Location(name)) from exc
        try:
            visible = (s for s in wb.worksheets if s.sheet_state == "visible")
            ws = next(visible, wb.worksheets[0])
            return [list(row) for row in ws.iter_rows(values_only=True)], ws.title
        except Exception as exc:
            raise InputError(
                f"Excel 文件已损坏，无法读取工作表：{type(exc).__name__}: {exc}",
                where=Location(name),
            ) from exc
        finally:
            wb.close()

    raw, title = sheet_rows(data_only=False)
    if any(_is_formula(v) for row in raw for v in row):
        # What the sheet shows: a formula's last computed value where the file keeps one
        # (a lab sheet saved by Excel/WPS); the formula's text where it does not.
        shown, _ = sheet_rows(data_only=True)

        def cached(i: int, j: int) -> object:
            return shown[i][j] if i < len(shown) and j < len(shown[i]) else None

        raw = [
            [cached(i, j) if _is_formula(v) and cached(i, j) is not None else v
             for j, v in enumerate(row)]
            for i, row in enumerate(raw)
        ]  # fmt: skip
    return [[_cell_text(c) for c in row] for row in raw], title


def _is_formula(value: object) -> bool:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return (isinstance(value, str) and value.startswith("=")) or isinstance(
        value, ArrayFormula | DataTableFormula
    )


def _csv_frame(text: str) -> pd.DataFrame | None:
    """Every cell of a CSV as text, by pandas' C parser (a results file of a million rows reads
    several times faster than through the csv module); None where the rows are ragged or the
    parser refuses, and the csv module reads the file instead. Blank lines stay rows (row
    numbers in messages are the file's), quoted apostrophes are undone as on the csv path."""
    if not text.strip():
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=None, dtype=str, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL,
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    frame = frame.fillna("")
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        quoted = col.str.startswith("'")
        if quoted.any():
            frame.iloc[:, j] = col.where(~quoted, col[quoted].map(csv_unquote))
    return frame


def _read_rows(
    data: bytes, name: str, suffix: str
) -> tuple[list[list[str]] | pd.DataFrame, str | None]:
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"文件过大（超过 {MAX_INPUT_BYTES // 2**20} MB）", where=Location(name))
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_rows(data, name)
    if suffix in {".csv", ".txt", ""}:
        text = decode_text(data, name)
        fast = _csv_frame(text)
        if fast is not None:
            return fast, None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            return [[csv_unquote(c) for c in row] for row in reader], None
        except csv.Error as exc:
            raise InputError(f"CSV 格式错误：{exc}", where=Location(name, reader.line_num)) from exc
    raise InputError(f"不支持的文件类型「{suffix}」：应为 .csv 或 .xlsx", where=Location(name))


def read_table(
    path: str | Path | bytes,
    is_header: Callable[[Sequence[str]], bool] | None = None,
    display_name: str | None = None,
) -> RawTable:
    """Read the first visible sheet of ``path`` (a file, or the bytes of an upload, then named
    by ``display_name``, whose suffix gives the type) as text.

    The header is the first of the first 20 rows for which ``is_header`` is true (the first
    row when no hint is given or none matches). Fully empty rows below the header are dropped.
    Duplicate header names get a suffix ``#2``, ``#3`` so that no column is lost.
    """
    if isinstance(path, bytes):
        name = display_name or "上传的文件"
        data, suffix = path, Path(name).suffix.lower()
    else:
        p = Path(path)
        name = display_name or p.name
        if not p.is_file():
            raise InputError("文件不存在", where=Location(name))
        if p.stat().st_size > MAX_INPUT_BYTES:
            raise InputError(
                f"文件过大（超过 {MAX_INPUT_BYTES // 2**20} MB）", where=Location(name)
            )
        data, suffix = p.read_bytes(), p.suffix.lower()
    rows, sheet = _read_rows(data, name, suffix)
    if not len(rows):
        raise InputError("文件是空的", where=Location(name))
    top = (
        rows.iloc[:HEADER_SCAN_ROWS].to_numpy().tolist() if isinstance(rows, pd.DataFrame) else rows
    )
    header_idx = 0
    if is_header is not None:
        for i, row in enumerate(top[:HEADER_SCAN_ROWS]):
            if is_header([name_key(c) for c in row]):
                header_idx = i
                break
    header = [c.strip() for c in top[header_idx]]
    if isinstance(rows, pd.DataFrame):
        width = rows.shape[1]
    else:
        width = max(len(r) for r in rows[header_idx:])
    header += [""] * (width - len(header))
    seen: dict[str, int] = {}
    columns = []
    for j, h in enumerate(header):
        h = h or f"第{j + 1}列"
        seen[h] = seen.get(h, 0) + 1
        columns.append(h if seen[h] == 1 else f"{h}#{seen[h]}")
    if isinstance(rows, pd.DataFrame):
        frame = rows.iloc[header_idx + 1 :].set_axis(columns, axis=1)
    else:
        body = [r + [""] * (width - len(r)) for r in rows[header_idx + 1 :]]
        frame = pd.DataFrame(body, columns=columns, dtype="str")
    frame.index = pd.RangeIndex(len(frame))
    keep = frame.apply(lambda col: col.str.strip() != "").any(axis=1)
    frame = frame[keep]
    return RawTable(name=name, frame=frame, header_row=header_idx + 1, sheet=sheet)


def find_column(columns: Sequence[str], aliases: Sequence[str]) -> str | None:
    """The first column whose normalised header is one of ``aliases`` (already name keys)."""
    wanted = set(aliases)
    for c in columns:
        if name_key(c) in wanted:
            return c
    return None
