"""The ledger spreadsheet: a template with Chinese headers and drop-down lists, a reader for
.xlsx/.csv as county staff fill them in, and an export with the same headers (export → import
loses nothing).

The reader takes values as people type them: dates ``2023.6.30``, ``2023年6月30日``,
``2023/6/30`` or Excel serial numbers; coordinates in decimal degrees or degrees, minutes and
seconds (``111°34'12.5"``, with primes or 度分秒);
owners ``不详``/``无``; headers with full-width brackets or stray spaces. Every row is either
returned or reported with its spreadsheet row number, column, value and reason; a code that
appears twice is reported on every later row.

Size: about 480 lines in one module, because the template, the reader and the export of one sheet
share one header table (export, then import, loses nothing).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from gwlib.errors import InputError, Location, ValueFormatError
from gwlib.fields import LAT_RANGE, LON_RANGE
from gwlib.geo.coords import parse_angle
from gwlib.io.cells import date_problems, parse_dates, parse_partial_dates
from gwlib.io.export import excel_value
from gwlib.io.tables import Issue, find_column, read_table
from gwlib.text import name_key, nfkc
from gwlib.wells.model import WELL_SUBTYPES, PlanType, WellCategory, WellStatus

if TYPE_CHECKING:
    from gwlib.store import Store
    from gwlib.store.audit import Actor

#: (header as the template prints it, field, other headers accepted for it)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("井编码", "code", ("井编号", "废弃井编号", "编号", "井号")),
    ("井类别", "category", ("类别", "废弃井类型", "井类型")),
    ("井别", "subtype", ("废弃井井别", "井别(子类)")),
    ("乡镇", "township", ("乡镇(街道)", "乡(镇)", "乡镇街道")),
    ("村", "village", ("村(社区)", "村庄", "行政村", "村(街)")),
    ("经度", "lon", ("经度(°)", "东经")),
    ("纬度", "lat", ("纬度(°)", "北纬")),
    ("井深(m)", "depth_m", ("井深", "井深(米)", "深度(m)")),
    ("所有权人", "owner", ("所属单位", "产权人", "权属单位", "所有人")),
    ("联系电话", "phone", ("电话", "联系方式")),
    ("废弃原因", "abandon_reason", ()),
    ("废弃时间", "abandon_date", ("废弃日期",)),
    ("排查日期", "survey_date", ("排查时间",)),
    ("状态", "status", ("封井状态", "当前状态")),
    ("处置方式", "plan_type", ("一井一策", "处置措施")),
    ("计划完成日期", "planned_completion", ("计划完成时间",)),
    ("实际完成日期", "actual_completion", ("实际完成时间", "完成日期")),
    ("备注", "note", ()),
    ("责任主体", "responsible_party", ()),
    ("牵头部门", "lead_department", ()),
    ("暂缓原因", "deferral_reason", ()),
)
HEADERS = tuple(h for h, _, _ in COLUMNS)
FIELD_OF = {f: h for h, f, _ in COLUMNS}
FREE_TEXT = frozenset(
    {"township", "village", "owner", "abandon_reason", "note", "responsible_party",
     "lead_department", "deferral_reason"}
)  # fmt: skip
DATE_FIELDS = ("abandon_date", "survey_date", "planned_completion", "actual_completion")
#: Dates people often know only to the year or month: accepted as the first day of it.
APPROXIMATE_DATES = ("abandon_date",)
ENUMS: dict[str, tuple[str, ...]] = {
    "category": tuple(c.value for c in WellCategory),
    "subtype": tuple(dict.fromkeys(s for subs in WELL_SUBTYPES.values() for s in subs)),
    "status": tuple(s.value for s in WellStatus),
    "plan_type": tuple(p.value for p in PlanType),
}
_DEPTH_UNIT = re.compile(r"\s*(?:m|米|M)$")


@dataclass(frozen=True)
class LedgerRows:
    """What a ledger file gave: each good row's fields (only the file's columns) with its row
    number, and an issue for every rejected row."""

    file: str
    rows: tuple[tuple[int, dict[str, Any]], ...]
    issues: tuple[Issue, ...]
    total: int  # data rows in the file (blank rows are not rows)
    columns: tuple[str, ...]  # fields present

    @property
    def rejected_rows(self) -> set[int]:
        return {i.row for i in self.issues if i.severity == "error" and i.row is not None}


def parse_coordinate(text: str) -> float | None:
    """Decimal degrees or degrees-minutes-seconds, as :func:`gwlib.geo.coords.parse_angle`
    reads them. None for a blank cell; ValueError (the reason) when unreadable."""
    try:
        return parse_angle(text)
    except ValueFormatError as exc:
        raise ValueError(exc.reason) from None


def _is_header(keys: Sequence[str]) -> bool:
    code_keys = {name_key(h) for h in ("井编码", *COLUMNS[0][2])}
    return any(k in code_keys for k in keys) and len([k for k in keys if k]) >= 3


def read_ledger(path: str | Path | bytes, display_name: str | None = None) -> LedgerRows:
    """Read a ledger file into rows for :func:`gwlib.store.ledger_import.import_wells`."""
    table = read_table(path, is_header=_is_header, display_name=display_name)
    name, frame = table.name, table.frame
    row_no = table.row_numbers()
    present: dict[str, str] = {}
    for header, fld, aliases in COLUMNS:
        col = find_column(list(frame.columns), [name_key(h) for h in (header, *aliases)])
        if col is not None and col not in present.values():
            present[fld] = col
    for needed in ("code", "category"):
        if needed not in present:
            raise InputError(
                f"找不到「{FIELD_OF[needed]}」列：表头应包含 " + "、".join(HEADERS[:3]) + " 等",
                where=Location(name, table.header_row),
            )
    issues: list[Issue] = []
    bad = pd.Series(False, index=frame.index)

    def flag(mask: pd.Series, fld: str, reason: str | pd.Series) -> None:
        nonlocal bad
        col = present[fld]
        for idx in frame.index[mask]:
            why = reason if isinstance(reason, str) else str(reason[idx])
            issues.append(Issue(name, int(row_no[idx]), col, str(frame.at[idx, col]), why))
        bad |= mask

    # Codes, numbers, dates and enumerations in NFKC (full-width digits and letters to ASCII);
    # free text only trimmed, so names keep their full-width brackets.
    text = {
        f: frame[c].str.strip() if f in FREE_TEXT else frame[c].map(nfkc).str.strip()
        for f, c in present.items()
    }
    out = pd.DataFrame(index=frame.index)
    approximate: dict[str, pd.Series] = {}
    for fld, values in text.items():
        if fld in DATE_FIELDS:
            parsed = parse_dates(values)
            if fld in APPROXIMATE_DATES:
                # "2018年" or "2015.6": kept as the first day, the original words go to 备注.
                partial = parse_partial_dates(values)
                use = parsed.isna() & partial.notna()
                parsed = parsed.where(~use, partial)
                approximate[fld] = use
            flag(
                date_problems(values, parsed),
                fld,
                "日期无法识别：应为 2023-06-30、2023.6.30、2023/6/30 或 2023年6月30日",
            )
            out[fld] = [None if pd.isna(d) else d.date() for d in parsed]
        elif fld in ("lon", "lat"):
            vals: list[float | None] = []
            errs: dict[Any, str] = {}
            for idx, v in values.items():
                try:
                    vals.append(parse_coordinate(v))
                except ValueError as exc:
                    vals.append(None)
                    errs[idx] = str(exc)
            flag(pd.Series(values.index.isin(list(errs)), index=values.index), fld,
                 pd.Series(errs, dtype="str"))  # fmt: skip
            out[fld] = vals
        elif fld == "depth_m":
            stripped = values.str.replace(_DEPTH_UNIT, "", regex=True)
            num = pd.to_numeric(stripped, errors="coerce")
            flag((stripped != "") & (num.isna() | (num < 0) | (num > 10_000)), fld,
                 "井深应为 0–10000 之间的米数")  # fmt: skip
            out[fld] = [None if math.isnan(x) else float(x) for x in num]
        elif fld in ENUMS:
            allowed = ENUMS[fld]
            wrong = (values != "") & ~values.isin(allowed)
            flag(wrong, fld, "应为以下之一：" + "、".join(allowed))
            out[fld] = values
        else:
            out[fld] = values
    for fld, use in approximate.items():  # keep the words people wrote next to the date
        label = FIELD_OF[fld]
        words = text[fld][use].map(lambda w, label=label: f"{label}原文：{w}")
        note = out["note"] if "note" in out else pd.Series("", index=out.index)
        out["note"] = note.where(~use, note.str.cat(words, sep="；").str.strip("；"))
    flag(text["code"] == "", "code", "井编码为空")
    flag(text["category"] == "", "category", "井类别为空：应为 矿井、钻井 或 取水井")
    if "lon" in out and "lat" in out:
        lon, lat = out["lon"].astype("float64"), out["lat"].astype("float64")
        swapped = lon.between(*LAT_RANGE) & lat.between(*LON_RANGE)
        flag(swapped, "lon", "经度、纬度似乎填反了")
        off = (lon.notna() & ~lon.between(*LON_RANGE)) & ~swapped
        flag(off, "lon", f"经度应在 {LON_RANGE[0]}–{LON_RANGE[1]} 之间（十进制度）")
        off = (lat.notna() & ~lat.between(*LAT_RANGE)) & ~swapped
        flag(off, "lat", f"纬度应在 {LAT_RANGE[0]}–{LAT_RANGE[1]} 之间（十进制度）")
        half = lon.isna() != lat.isna()
        flag(half & lon.isna(), "lon", "只填了纬度，缺经度")
        flag(half & lat.isna(), "lat", "只填了经度，缺纬度")
    codes = text["code"]
    dup = codes.duplicated(keep="first") & (codes != "")
    first_row = dict(zip(codes[~dup].astype(str), row_no[~dup].astype(int), strict=True))
    flag(
        dup,
        "code",
        pd.Series({i: f"井编码与第 {first_row[codes[i]]} 行重复" for i in codes[dup].index}),
    )
    good = out[~bad]
    rows = tuple(
        (int(row_no[idx]), {str(k): (None if _blank(v) else v) for k, v in rec.items()})
        for idx, rec in zip(good.index, good.to_dict("records"), strict=True)
    )
    issues.sort(key=lambda i: (i.row or 0, HEADERS.index(_header_of(i.column, present))))
    return LedgerRows(name, rows, tuple(issues), len(frame), tuple(present))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _header_of(column: str, present: dict[str, str]) -> str:
    for fld, col in present.items():
        if col == column:
            return FIELD_OF[fld]
    return HEADERS[0]


# -- writing ----------------------------------------------------------------------------------


#: The export's second sheet 封井与验收 (the sealing record of each well that has one; not read
#: back by the importer, which reads the first sheet).
SEALING_HEADERS = {
    "well_code": "井编码", "start_date": "开工日期", "end_date": "完工日期",
    "method": "封井方法", "wellhead": "井口处理", "aquitard_seals": "隔水层止水",
    "intervals": "封填材料（深度区间）", "contractor": "施工单位", "cost_wan": "费用（万元）",
    "funding_source": "资金来源", "acceptance_date": "验收日期",
    "acceptance_conclusion": "验收结论",
}  # fmt: skip


def write_ledger(wells: pd.DataFrame, path: str | Path, townships: Sequence[str] = (),
                 sealing: pd.DataFrame | None = None) -> Path:  # fmt: skip
    """Write wells (Store.wells() columns) as an .xlsx with the template's headers and drop-down
    lists (乡镇: the county's townships, where known; another name is warned about, not refused);
    with no rows this is the blank template."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    p = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "废弃井台账"
    lists = wb.create_sheet("选项")
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    fields = [f for _, f, _ in COLUMNS]
    for rec in wells.to_dict("records"):
        row = []
        for f in fields:
            v = rec.get(f)
            if _blank(v) or (isinstance(v, float) and math.isnan(v)):
                v = None
            elif isinstance(v, pd.Timestamp):
                v = v.date()
            row.append(excel_value(ws, v))  # text is a string cell, never a formula
        ws.append(row)
    n = ws.max_row
    for j, f in enumerate(fields, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = 14 if f not in ("abandon_reason", "note") else 28
        if f in DATE_FIELDS:
            for (cell,) in ws.iter_rows(min_row=2, max_row=n, min_col=j, max_col=j):
                cell.number_format = "yyyy-mm-dd"
        if f in ("phone", "code"):
            for (cell,) in ws.iter_rows(min_row=2, max_row=n, min_col=j, max_col=j):
                cell.number_format = "@"
        if f in ENUMS:
            k = list(ENUMS).index(f) + 1
            col = get_column_letter(k)
            lists.cell(row=1, column=k, value=FIELD_OF[f])
            for i, item in enumerate(ENUMS[f], start=2):
                lists.cell(row=i, column=k, value=item)
            dv = DataValidation(
                type="list",
                formula1=f"=选项!${col}$2:${col}${len(ENUMS[f]) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表选择",
                error="应为：" + "、".join(ENUMS[f])[:200],
            )
            dv.add(f"{letter}2:{letter}{max(n, 2000)}")
            ws.add_data_validation(dv)
    if townships:
        j = fields.index("township") + 1
        k = len(ENUMS) + 1
        col = get_column_letter(k)
        lists.cell(row=1, column=k, value=FIELD_OF["township"])
        for i, item in enumerate(townships, start=2):
            lists.cell(row=i, column=k, value=item)
        dv = DataValidation(type="list", formula1=f"=选项!${col}$2:${col}${len(townships) + 1}",
                            allow_blank=True, showErrorMessage=True, errorStyle="warning",
                            errorTitle="不是本县已登记的乡镇", error="请核对乡镇名称")  # fmt: skip
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{max(n, 2000)}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    lists.sheet_state = "hidden"
    if sealing is not None:
        _sealing_sheet(wb.create_sheet("封井与验收", 1), sealing, set(wells.get("code", [])))
    notes = wb.create_sheet("填表说明")
    for line in TEMPLATE_NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def _sealing_sheet(ws: Any, sealing: pd.DataFrame, codes: set[str]) -> None:
    """The sealing and acceptance fields of the exported wells, dates as dates."""
    from openpyxl.styles import Font

    ws.append(list(SEALING_HEADERS.values()))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = sealing[sealing["well_code"].isin(codes)] if len(sealing) else sealing
    for rec in rows.to_dict("records"):
        out = []
        for f in SEALING_HEADERS:
            v = rec.get(f)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                v = None
            elif isinstance(v, pd.Timestamp | dt.datetime):
                v = v.date()
            out.append(excel_value(ws, v))
        ws.append(out)
    for j, f in enumerate(SEALING_HEADERS, start=1):
        if f.endswith("_date"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"


TEMPLATE_NOTES = (
    "报废矿井、钻井、取水井封井回填台账 填表说明",
    "1. 每行一眼井；「井编码」唯一，再次导入时按井编码更新（不会重复登记）。",
    "2. 井类别：矿井 / 钻井 / 取水井；井别、状态、处置方式请从下拉列表选择。",
    "3. 日期可写 2023-06-30、2023.6.30、2023/6/30 或 2023年6月30日。",
    "4. 经纬度可写十进制度（111.5701）或度分秒（111°34'12.5\"），CGCS2000 坐标。",
    "5. 所有权人不明时写「不详」或「无」；责任主体留空时自动填写：所有权人，"
    "或县水务局（所有权人不明时）。",
    "6. 状态为「暂缓」时须填写暂缓原因。状态变更须符合流程（已排查登记→已核查评估→方案编制"
    "→施工中→已封井待验收→已验收销号）。",
)


def template_bytes(townships: Sequence[str] = ()) -> bytes:
    """The blank template as .xlsx bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        empty = pd.DataFrame(columns=[f for _, f, _ in COLUMNS])
        return write_ledger(empty, Path(d) / "t.xlsx", townships).read_bytes()


def ledger_bytes(wells: pd.DataFrame, townships: Sequence[str] = (),
                 sealing: pd.DataFrame | None = None) -> bytes:  # fmt: skip
    """The ledger export: the template's sheet and, given ``sealing``, 封井与验收."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return write_ledger(wells, Path(d) / "ledger.xlsx", townships, sealing).read_bytes()


def export_name(as_of: dt.date) -> str:
    return f"废弃井封井回填台账_{as_of.isoformat()}.xlsx"


# -- the whole import -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """``imported`` new wells, ``updated`` changed ones, ``unchanged`` identical rows, and one
    issue per problem of each ``rejected`` row; imported + updated + unchanged + rejected =
    ``total`` rows of the file."""

    file: str
    total: int
    imported: int
    updated: int
    unchanged: int
    issues: tuple[Issue, ...]
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return len({i.row for i in self.issues if i.severity == "error"})

    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, rejected {self.rejected}"
            f" (unchanged {self.unchanged}, rows {self.total})"
            + (" [dry run: nothing written]" if self.dry_run else "")
        )

    def issues_frame(self, severity: bool = False) -> pd.DataFrame:
        """row, column, value, reason (the CLI report's columns); with ``severity`` also 拒绝 /
        提示 (the page's table: a warned row is imported)."""
        cols = ["row", "column", "value", "reason"] + (["severity"] if severity else [])
        return pd.DataFrame(
            [
                {"row": i.row, "column": i.column, "value": i.value, "reason": i.reason,
                 "severity": "拒绝" if i.severity == "error" else "提示"}
                for i in self.issues
            ],
            columns=["row", "column", "value", "reason", "severity"],
        )[cols]


def import_ledger_file(
    store: Store,
    actor: Actor,
    path: str | Path | bytes,
    authority: str,
    display_name: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read ``path`` and upsert its wells in one transaction; every row is counted once."""
    from gwlib.store.county import townships
    from gwlib.store.ledger_import import import_wells

    got = read_ledger(path, display_name)
    known = set(townships(store))
    unknown = tuple(
        Issue(got.file, row, FIELD_OF["township"], str(r["township"]),
              "不是本县已登记的乡镇（" + "、".join(sorted(known))[:150] + "）：已导入，请核对",
              "warning")
        for row, r in got.rows
        if known and str(r.get("township") or "").strip()
        and str(r["township"]).strip() not in known
    )  # fmt: skip
    outcome = import_wells(
        store, actor, got.rows, authority, source=got.file, dry_run=dry_run, progress=progress
    )
    col = {f: FIELD_OF.get(f, f) for f in FIELD_OF}
    later = tuple(
        Issue(got.file, row, _column_label(column, col), value, reason)
        for row, column, value, reason in outcome.rejected
    )
    issues = tuple(sorted((*got.issues, *later, *unknown), key=lambda i: i.row or 0))
    return ImportReport(
        got.file,
        got.total,
        outcome.created,
        outcome.updated,
        outcome.unchanged,
        issues,
        dry_run,
    )


def _column_label(column: str, labels: dict[str, str]) -> str:
    """Domain errors name the Chinese field already; map the few English field names."""
    return labels.get(column, column)
