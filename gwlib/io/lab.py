"""Lab results in, one normalised measurement table out.

Two layouts are read:

* long — one row per measurement, columns 点位编码, 采样日期, 指标, 监测值, 单位 (or point, date,
  indicator, value, unit; optional 检出限, 水期, 检测单位, 水位, 样品编号, 样品类型);
* wide — one row per sample, one column per indicator with the unit in the header
  (``总硬度(mg/L)``, ``砷（μg/L）``, ``pH``).

Every row is either used or reported as an :class:`~gwlib.io.tables.Issue` naming the file, the
spreadsheet row, the column, the value and what was expected. Nothing is dropped silently.

Size: about 470 lines in one module, because the long and wide readers share value, unit and non-
detect parsing and the issue list.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gwlib.io.cells import date_problems, parse_dates
from gwlib.io.tables import Issue, RawTable, find_column, read_table
from gwlib.quality.qc import QC_TYPES, qc_type
from gwlib.quality.standards import STANDARDS_DIR, StandardSet
from gwlib.quality.units import conversion_factor, lookup
from gwlib.quality.values import ValueToken, parse_values
from gwlib.text import name_key, nfkc

#: Column headers of lab sheets as labs write them, per field (``field,header``), and what people
#: write for the 水期 (``written,period``): data files beside ``synonyms.csv``, described in
#: ``data/standards/README.md``. Matching ignores case, spaces, full/half-width forms and brackets.
LAB_HEADERS_FILE = STANDARDS_DIR / "lab_headers.csv"
PERIODS_FILE = STANDARDS_DIR / "periods.csv"


def _load_headers() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    headers: dict[str, tuple[str, ...]] = {}
    with LAB_HEADERS_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            headers[row["field"]] = (*headers.get(row["field"], ()), name_key(row["header"]))
    with PERIODS_FILE.open(encoding="utf-8", newline="") as f:
        periods = {row["written"]: row["period"] for row in csv.DictReader(f)}
    return headers, periods


_HEADERS, PERIODS = _load_headers()
POINT = _HEADERS["point"]
DATE = _HEADERS["date"]
INDICATOR = _HEADERS["indicator"]
VALUE = _HEADERS["value"]
UNIT = _HEADERS["unit"]
DL = _HEADERS["detection_limit"]
PERIOD = _HEADERS["period"]
LAB = _HEADERS["lab"]
LEVEL = _HEADERS["water_level"]
SAMPLE_CODE = _HEADERS["sample_code"]
QC_TYPE = _HEADERS["qc_type"]
#: Columns of a wide sheet that describe the sample, not an indicator.
WIDE_META = frozenset(
    POINT + DATE + PERIOD + LAB + LEVEL + SAMPLE_CODE + QC_TYPE + _HEADERS["sample_meta"]
)

_HEADER_UNIT = re.compile(r"^(?P<name>.+?)\s*(?:\((?P<paren>[^()]*)\)|\s(?P<space>\S+))$")


@dataclass
class MeasurementBatch:
    """Parsed measurements, one row each, with the issues found while reading.

    ``frame`` columns: ``row`` (spreadsheet row), ``column`` (header of the value's column),
    ``point``, ``date`` (datetime64), ``period``, ``lab``, ``water_level``, ``sample_code``
    (样品编号, "" when not given), ``qc_type`` ("" for a routine sample, else 平行样 / 现场空白 /
    运输空白: :mod:`gwlib.quality.qc`), ``indicator``
    (index into the standard; -1 when not graded), ``indicator_raw``, ``raw_value``,
    ``raw_unit``, ``token`` (:class:`ValueToken`), ``value`` (standard unit; for a non-detect
    its detection limit or NaN), ``note``.
    """

    source: str
    standard: StandardSet
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


def _is_header(keys: Sequence[str]) -> bool:
    cells = set(keys)
    return bool(cells & set(POINT)) and bool(cells & set(DATE))


def split_header_unit(header: str) -> tuple[str, str]:
    """``总硬度(mg/L)`` → (``总硬度``, ``mg/L``).

    ``铬（六价）`` stays a name: its bracket is not a unit.
    """
    text = nfkc(header).strip()
    m = _HEADER_UNIT.match(text)
    if m:
        unit = m.group("paren") if m.group("paren") is not None else m.group("space")
        if unit is not None and lookup(unit) is not None:
            return m.group("name").strip(), unit.strip()
    return text, ""


def read_lab_file(
    path: str | Path | bytes, standard: StandardSet, display_name: str | None = None
) -> MeasurementBatch:
    """Read a long or wide lab-result file (CSV or XLSX; a path, or an upload's bytes named by
    ``display_name``) into a :class:`MeasurementBatch`."""
    return parse_lab_table(read_table(path, _is_header, display_name), standard)


def parse_lab_table(table: RawTable, standard: StandardSet) -> MeasurementBatch:
    """Parse a sheet already read as text (long or wide layout)."""
    cols = list(table.frame.columns)
    point_col, date_col = find_column(cols, POINT), find_column(cols, DATE)
    indicator_col, value_col = find_column(cols, INDICATOR), find_column(cols, VALUE)
    issues: list[Issue] = []
    if point_col is None or date_col is None:
        missing = "、".join(
            n for n, c in (("点位编码", point_col), ("采样日期", date_col)) if c is None
        )
        issues.append(
            Issue(
                table.name,
                table.header_row,
                "",
                "；".join(cols),
                f"表头缺少必需列：{missing}（长表还需“指标、监测值、单位”）",
            )
        )
        return MeasurementBatch(table.name, standard, _empty_frame(), issues)
    if indicator_col is not None and value_col is not None:
        long = _long_frame(table, point_col, date_col, indicator_col, value_col)
    else:
        long = _wide_frame(table, point_col, date_col, issues)
    frame = _finish(long, table, standard, issues)
    return MeasurementBatch(table.name, standard, frame, issues)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series(dtype="int64"),
            "column": pd.Series(dtype="str"),
            "point": pd.Series(dtype="str"),
            "date": pd.Series(dtype="datetime64[s]"),
            "period": pd.Series(dtype="str"),
            "lab": pd.Series(dtype="str"),
            "water_level": pd.Series(dtype="float64"),
            "sample_code": pd.Series(dtype="str"),
            "qc_type": pd.Series(dtype="str"),
            "indicator": pd.Series(dtype="int64"),
            "indicator_raw": pd.Series(dtype="str"),
            "raw_value": pd.Series(dtype="str"),
            "raw_unit": pd.Series(dtype="str"),
            "dl_raw": pd.Series(dtype="str"),
            "token": pd.Series(dtype="int8"),
            "value": pd.Series(dtype="float64"),
            "note": pd.Series(dtype="str"),
        }
    )


def _optional(frame: pd.DataFrame, aliases: tuple[str, ...]) -> pd.Series:
    col = find_column(list(frame.columns), aliases)
    if col is None:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[col].astype("str")


def _sample_columns(table: RawTable, point_col: str, date_col: str) -> pd.DataFrame:
    f = table.frame
    return pd.DataFrame(
        {
            "row": table.row_numbers(),
            "point": f[point_col].astype("str").str.normalize("NFKC").str.strip(),
            "date_raw": f[date_col].astype("str"),
            "date_col": date_col,
            "point_col": point_col,
            "period_raw": _optional(f, PERIOD),
            "lab": _optional(f, LAB).str.strip(),
            "level_raw": _optional(f, LEVEL),
            "sample_code": _optional(f, SAMPLE_CODE).str.normalize("NFKC").str.strip(),
            "qc_raw": _optional(f, QC_TYPE).str.normalize("NFKC").str.strip(),
            "qc_col": find_column(list(f.columns), QC_TYPE) or "样品类型",
        },
        index=f.index,
    )


def _long_frame(
    table: RawTable, point_col: str, date_col: str, indicator_col: str, value_col: str
) -> pd.DataFrame:
    f = table.frame
    out = _sample_columns(table, point_col, date_col)
    out["column"] = value_col
    out["indicator_raw"] = f[indicator_col].astype("str").str.strip()
    out["raw_value"] = f[value_col].astype("str")
    out["raw_unit"] = _optional(f, UNIT).str.strip()
    out["dl_raw"] = _optional(f, DL)
    out["unit_col"] = find_column(list(f.columns), UNIT) or "单位"
    out["indicator_col"] = indicator_col
    return out.reset_index(drop=True)


def _wide_frame(
    table: RawTable, point_col: str, date_col: str, issues: list[Issue]
) -> pd.DataFrame:
    f = table.frame
    base = _sample_columns(table, point_col, date_col)
    parts = []
    for col in f.columns:
        key = name_key(col)
        if key in WIDE_META or (col.startswith("第") and col.endswith("列")):
            continue
        name, unit = split_header_unit(col)
        part = base.copy()
        part["column"] = col
        part["indicator_raw"] = name
        part["raw_value"] = f[col].astype("str")
        part["raw_unit"] = unit
        part["dl_raw"] = ""
        part["unit_col"] = col
        part["indicator_col"] = col
        parts.append(part)
    if not parts:
        issues.append(
            Issue(
                table.name,
                table.header_row,
                "",
                "；".join(f.columns),
                "没有找到指标列：长表需要“指标、监测值”列，宽表需要以指标命名的列",
            )
        )
        return base.iloc[0:0].assign(
            column="",
            indicator_raw="",
            raw_value="",
            raw_unit="",
            dl_raw="",
            unit_col="",
            indicator_col="",
        )
    return pd.concat(parts, ignore_index=True)


def _finish(
    long: pd.DataFrame, table: RawTable, standard: StandardSet, issues: list[Issue]
) -> pd.DataFrame:
    name = table.name
    if long.empty:
        return _empty_frame()
    n = len(long)
    keep = np.ones(n, dtype=bool)

    def report(
        mask: np.ndarray,
        column: pd.Series | str,
        value: pd.Series,
        reason: str | pd.Series,
        severity: str = "error",
    ) -> None:
        at = np.flatnonzero(mask)
        if not len(at):
            return

        def pick(x: pd.Series | str) -> list[str]:
            if isinstance(x, str):
                return [x] * len(at)
            return [str(v) for v in x.to_numpy(dtype=object)[at]]

        issues.extend(
            Issue(name, int(r), c, v, why, severity)
            for r, c, v, why in zip(
                long["row"].to_numpy()[at], pick(column), pick(value), pick(reason), strict=True
            )
        )

    # Sample identity: point and date (one issue per spreadsheet row, even in a wide sheet).
    first_of_row = ~long.duplicated(["row"]).to_numpy()
    no_point = (long["point"] == "").to_numpy()
    report(
        no_point & keep & first_of_row,
        long["point_col"],
        long["point"],
        "点位编码为空：应填写监测点位编码",
    )
    keep &= ~no_point
    dates = parse_dates(long["date_raw"])
    bad_date = date_problems(long["date_raw"], dates).to_numpy() | dates.isna().to_numpy()
    report(
        bad_date & keep & first_of_row,
        long["date_col"],
        long["date_raw"],
        "无法识别的采样日期：应为 YYYY-MM-DD（也可写 2023/6/30、2023.6.30、2023年6月30日）",
    )
    keep &= ~bad_date
    qc = long["qc_raw"].map(qc_type)
    bad_qc = qc.isna().to_numpy()
    report(
        bad_qc & keep & first_of_row,
        long["qc_col"],
        long["qc_raw"],
        "无法识别的样品类型：应为 常规样（也可留空）、" + "、".join(QC_TYPES[1:]),
    )
    keep &= ~bad_qc

    # Indicator names.
    names = long["indicator_raw"]
    uniq = pd.unique(names)
    resolved = {str(u): standard.resolve(str(u)) for u in uniq}
    index_of = {u: (r[0] if r else -1) for u, r in resolved.items()}
    basis_of = {u: (r[1] if r else 1.0) for u, r in resolved.items()}
    note_of = {
        u: (standard.not_graded_note(u) or "") if r is None else "" for u, r in resolved.items()
    }
    idx = names.map(index_of).to_numpy(dtype=np.int64)
    basis = names.map(basis_of).to_numpy(dtype=np.float64)
    not_graded = names.map(note_of).astype("str")
    values = parse_values(long["raw_value"])
    token = values["token"].to_numpy(dtype=np.int8).copy()
    blank = token == ValueToken.BLANK
    unknown = (idx < 0) & (not_graded == "").to_numpy()
    if unknown.any():
        # Long layout: every measurement of an unknown indicator is reported. Wide layout: the
        # column is reported once (it is one header), unless all its cells are blank.
        wide = (long["indicator_col"] == long["column"]).to_numpy()
        first = ~long.duplicated(["column"]).to_numpy()
        per_row = unknown & ~wide & ~blank & keep
        report(
            per_row,
            long["indicator_col"],
            names,
            f"不是 {standard.code} 的指标，也不在同义词表中：未评价（可在 data/standards/"
            "synonyms.csv 中补充同义词）",
        )
        issues.extend(
            Issue(
                name,
                table.header_row,
                col,
                col,
                f"列名不是 {standard.code} 的指标，也不在同义词表中：该列未评价",
            )
            for col in long.loc[unknown & wide & first, "column"]
        )
    keep &= ~unknown

    # Values.
    bad_value = (token == ValueToken.ERROR) & keep
    report(
        bad_value,
        long["column"],
        long["raw_value"],
        "无法识别的监测值：应为数值、检出限写法（如 0.004L、<0.004、ND、未检出）、“无/有”或空白",
    )
    keep &= ~bad_value
    known = idx >= 0
    qual = np.zeros(n, dtype=bool)
    qual[known] = standard.qualitative[idx[known]]
    word = np.isin(token, [ValueToken.ABSENT, ValueToken.PRESENT])
    misuse = word & known & ~qual & keep
    report(
        misuse, long["column"], long["raw_value"], "该指标需要数值，“无/有”只用于嗅和味、肉眼可见物"
    )
    keep &= ~misuse

    # Units.
    std_units = np.array([i.unit for i in standard.indicators], dtype=object)
    unit_factor = np.ones(n, dtype=np.float64)
    units = long["raw_unit"].to_numpy(dtype=object)
    pairs = {(u, std_units[i]) for u, i, k in zip(units, idx, known, strict=True) if k}
    factors = {p: conversion_factor(p[0], p[1]) for p in pairs}
    bad_unit = np.zeros(n, dtype=bool)
    for j in np.flatnonzero(known & ~qual & ~blank & keep):
        fct = factors[(units[j], std_units[idx[j]])]
        if fct is None:
            bad_unit[j] = True
        else:
            unit_factor[j] = fct
    if bad_unit.any():
        reasons = pd.Series(
            [
                f"单位无法换算：{standard.indicators[idx[j]].name} 的标准单位是"
                f"「{std_units[idx[j]]}」（支持 mg/L、μg/L、ng/L 等，见 data/units.csv）"
                if bad_unit[j]
                else ""
                for j in range(n)
            ]
        )
        report(bad_unit, long["unit_col"], long["raw_unit"], reasons)
    keep &= ~bad_unit

    number = values["number"].to_numpy(dtype=np.float64)
    # A separate detection-limit column completes a bare ND / 未检出.
    dl = parse_values(long["dl_raw"])
    dl_num = np.where(dl["token"].to_numpy() == ValueToken.NUMBER, dl["number"].to_numpy(), np.nan)
    nd = token == ValueToken.NON_DETECT
    number = np.where(nd & np.isnan(number), dl_num, number)
    value = number * unit_factor * basis

    level_raw = parse_values(long["level_raw"])
    level = np.where(
        level_raw["token"].to_numpy() == ValueToken.NUMBER, level_raw["number"].to_numpy(), np.nan
    )
    period = (
        long["period_raw"]
        .str.normalize("NFKC")
        .str.strip()
        .map(lambda p: PERIODS.get(p.lower(), p) if p else "")
        .astype("str")
    )
    note = np.where(not_graded != "", not_graded.to_numpy(dtype=object), "")
    note = np.where(blank & (idx >= 0), "未测（空白），不参与评价", note)

    out = pd.DataFrame(
        {
            "row": long["row"].to_numpy(dtype=np.int64),
            "column": long["column"].astype("str").to_numpy(),
            "point": long["point"].to_numpy(),
            "date": dates.to_numpy(),
            "period": period.to_numpy(),
            "lab": long["lab"].to_numpy(),
            "water_level": level,
            "sample_code": long["sample_code"].to_numpy(),
            "qc_type": qc.fillna("").astype("str").to_numpy(),
            "indicator": idx,
            "indicator_raw": names.to_numpy(),
            "raw_value": values["text"].to_numpy(),
            "raw_unit": long["raw_unit"].to_numpy(),
            "dl_raw": long["dl_raw"].to_numpy(),
            "token": token,
            "value": value,
            "note": note,
        }
    )
    return out[keep].reset_index(drop=True)


#: Headers of the results template (long layout: one row per measurement). A wide sheet (one row
#: per sample, one column per indicator with its unit) is read just as well.
TEMPLATE_HEADERS = ("点位编码", "采样日期", "水期", "指标", "监测值", "单位", "检出限", "检测单位",
                    "水位埋深(m)", "样品编号", "样品类型")  # fmt: skip
TEMPLATE_NOTES = (
    ("点位编码", "必填。须已在点位登记表中（先导入点位登记表）"),
    ("采样日期", "必填。YYYY-MM-DD；也可写 2024/5/1、2024年5月1日，或 Excel 日期"),
    ("水期", "丰水期 / 平水期 / 枯水期（可写 丰、平、枯）；不填则不分水期"),
    ("指标", "GB/T 14848-2017 的指标名称（见「指标」表），常见别名也可（见 data/standards/"
             "synonyms.csv）；钾、钙、水温等非评价项目保留但不评价"),
    ("监测值", "数值；未检出写 0.004L、<0.004、ND、未检出、检出限以下 或 <DL"
               "（检出限写在「检出限」列）；超出量程写 >1600；嗅和味、肉眼可见物写 无/有；"
               "未测留空"),
    ("单位", "mg/L、μg/L（ug/L）、ng/L 等，自动换算为标准单位；pH 写 无量纲"),
    ("检出限", "未检出且监测值未写检出限时填写"),
    ("检测单位", "可选"),
    ("水位埋深(m)", "可选；同一样品写在任一行即可"),
    ("样品编号", "可选；同一点位同一天另有平行样、空白时，用于区分各个样品"),
    ("样品类型", "常规样（可留空）、平行样、现场空白、运输空白。质控样不参与水质类别、"
                 "趋势和到报率，导入后单列平行样的相对偏差和空白中检出的指标"),
    ("导入规则", "一个文件是一个导入批次：先预览（新增、修改、未变的样品，拒收的行及原因，"
                 "存疑的值），确认后一次写入。同一文件再次导入不作改动；改正后的文件只改变有变化的值并逐项留痕；"
                 "批次可撤回（须说明原因）。有错误的行整行不导入。"),
)  # fmt: skip


def template_bytes(standard: StandardSet) -> bytes:
    """The results template: an empty long sheet, the indicators with their units, and notes."""
    from gwlib.io.export import excel_bytes

    return excel_bytes(
        {
            "检测结果": pd.DataFrame(columns=list(TEMPLATE_HEADERS)),
            "指标": pd.DataFrame(
                {
                    "指标": [i.name for i in standard.indicators],
                    "标准单位": [i.unit for i in standard.indicators],
                    "编号": [i.code for i in standard.indicators],
                }
            ),
            "填表说明": pd.DataFrame(TEMPLATE_NOTES, columns=["列", "说明"]),
        }
    )
