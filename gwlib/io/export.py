"""Tables out to Excel: one workbook, one sheet per table, header row frozen, widths fitted."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

MAX_SHEET_ROWS = 1_048_575  # Excel's limit, less the header row


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx file with each frame on its own sheet (names cut to Excel's 31 characters)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            if len(frame) > MAX_SHEET_ROWS:
                raise ValueError(f"表「{name}」有 {len(frame)} 行，超过 Excel 单表上限")
            sheet = name[:31]
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for col_cells in ws.columns:
                width = max(len(str(c.value or "")) for c in col_cells[:200])
                ws.column_dimensions[col_cells[0].column_letter].width = min(8 + width * 1.6, 60)
    return buf.getvalue()
