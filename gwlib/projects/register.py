"""项目储备库 spreadsheet: the template, reading and checking an import against the store
(nothing written; :mod:`gwlib.store.projects` writes), and the export with the same headers plus
资金执行率(%).

- 项目编码 and 项目名称 are required; 项目类型 and 入库状态 from their lists; 入库年度 a year; the
  funds are 万元, not negative; dates YYYY-MM-DD (or 2024.6.30 / 2024年6月30日).
- Linked 井编码 (、-separated) must be wells the ledger holds: an unknown one is an error.
- 已支出 above 下达资金 is a warning (the row is imported).
- A row with any error is rejected whole; a code twice rejects the later rows.
- Each project is 新增, 修改 (fields old → new) or 未变 against the store.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from gwlib.errors import InputError, Location
from gwlib.io.cells import parse_dates
from gwlib.io.tables import Issue, find_column, read_table
from gwlib.projects.figures import project_rates
from gwlib.projects.model import ProjectType, ReserveStatus
from gwlib.text import name_key

NEW, CHANGED, SAME = "新增", "修改", "未变"
#: (header, field, kind) — kind: code, text, type, status, year, wan, date, wells
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("项目编码", "code", "code"), ("项目名称", "name", "text"), ("项目类型", "kind", "type"),
    ("乡镇", "township", "text"), ("入库状态", "status", "status"), ("入库年度", "year", "year"),
    ("总投资(万元)", "total_wan", "wan"), ("中央资金(万元)", "central_wan", "wan"),
    ("省级资金(万元)", "provincial_wan", "wan"), ("市县资金(万元)", "local_wan", "wan"),
    ("下达资金(万元)", "allocated_wan", "wan"), ("已支出(万元)", "spent_wan", "wan"),
    ("开工日期", "start_date", "date"), ("完工日期", "finish_date", "date"),
    ("关联井编码", "wells", "wells"), ("关联水源地编码", "sources", "text"),
    ("关联污染源编码", "pollution_sources", "text"), ("备注", "note", "text"),
)  # fmt: skip
HEADERS = tuple(h for h, _, _ in COLUMNS)
FIELDS = tuple(f for _, f, _ in COLUMNS)
RATE_HEADER = "资金执行率(%)"
CHOICES = {"kind": tuple(t.value for t in ProjectType),
           "status": tuple(s.value for s in ReserveStatus)}  # fmt: skip
NOTES = (
    "每行一个项目；「项目编码」唯一，再次导入时按编码更新。",
    "资金单位均为万元；下达资金为已下达到项目的资金，已支出为累计支出。",
    "资金执行率 = 已支出 / 下达资金（导出时计算；下达资金为 0 的项目不计算）。",
    "开工日期、完工日期写 YYYY-MM-DD；关联井编码用「、」分隔，须为台账中已有的井。",
)


@dataclass(frozen=True)
class ProjectsPlan:
    file_name: str
    sha256: str
    rows_total: int
    records: tuple[dict[str, Any], ...]
    status: dict[str, str]
    changes: pd.DataFrame  # code, field, old, new
    issues: tuple[Issue, ...]
    rejected_rows: int

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for s in self.status.values() if s == k) for k in (NEW, CHANGED, SAME)}


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "isoformat"):
        return str(v.isoformat())[:10]
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def plan_projects(
    source: str | Path | bytes, stored: pd.DataFrame, wells: Sequence[str],
    display_name: str | None = None,
) -> ProjectsPlan:  # fmt: skip
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = display_name or ("上传的文件" if isinstance(source, bytes) else Path(source).name)
    table = read_table(data, lambda keys: name_key("项目编码") in keys, name)
    frame, rows = table.frame, table.row_numbers().tolist()
    cols = {f: find_column(list(frame.columns), [name_key(h)]) for h, f, _ in COLUMNS}
    if cols["code"] is None or cols["name"] is None:
        raise InputError("找不到「项目编码」「项目名称」列：表头应为 " + "、".join(HEADERS),
                         where=Location(name, table.header_row))  # fmt: skip
    header_of = {f: h for h, f, _ in COLUMNS}
    known_wells = set(wells)
    issues: list[Issue] = []
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for k, (_, rec) in enumerate(frame.iterrows()):
        row = rows[k]
        errs: list[Issue] = []
        out: dict[str, Any] = {}

        def bad(f: str, value: str, why: str, severity: str = "error") -> None:
            errs.append(Issue(name, row, header_of[f], value[:80], why, severity))  # noqa: B023

        for _, f, kind in COLUMNS:
            c = cols[f]
            v = "" if c is None else str(rec[c]).strip()
            if kind == "code" or (kind == "text" and f == "name"):
                if not v:
                    bad(f, v, "必填")
                out[f] = v
            elif kind in ("type", "status"):
                opts = CHOICES["kind" if kind == "type" else "status"]
                if v and v not in opts:
                    bad(f, v, "应为 " + "、".join(opts))
                out[f] = v or (ProjectType.OTHER.value if kind == "type" else
                               ReserveStatus.PLANNING.value)  # fmt: skip
            elif kind == "year":
                ok = v.isdigit() and 2000 <= int(v) <= 2100
                if not ok:
                    bad(f, v, "应为四位年份，如 2024")
                out[f] = int(v) if ok else 0
            elif kind == "wan":
                try:
                    num = float(v.replace(",", "")) if v else 0.0
                    if num < 0 or not math.isfinite(num):
                        raise ValueError
                except ValueError:
                    bad(f, v, "应为不小于 0 的数（万元）")
                    num = 0.0
                out[f] = num
            elif kind == "date":
                stamp = parse_dates(pd.Series([v])).iloc[0] if v else pd.NaT
                if v and pd.isna(stamp):
                    bad(f, v, "应为日期，如 2024-06-30")
                out[f] = None if pd.isna(stamp) else pd.Timestamp(stamp).date()
            elif kind == "wells":
                codes = [x for x in v.replace("，", "、").replace(",", "、").split("、") if x]
                unknown = [x for x in codes if x not in known_wells]
                if unknown:
                    bad(f, "、".join(unknown), f"其中 {len(unknown)} 个（共 {len(codes)} 个）"
                        "不是台账中的井编码：先导入封井回填台账，或改正编码")
                out[f] = "、".join(codes)
            else:
                out[f] = v
        if out["code"] in seen:
            bad("code", out["code"], f"与第 {seen[out['code']]} 行重复")
        elif out["code"]:
            seen[out["code"]] = row
        if out["spent_wan"] > out["allocated_wan"] > 0:
            why = f"已支出超过下达资金（{out['allocated_wan']:g} 万元），请核对"
            bad("spent_wan", f"{out['spent_wan']:g}", why, "warning")
        issues += errs
        if not any(i.severity == "error" for i in errs):
            records.append(out)
    status, changes = _compare(records, stored)
    rejected = len({i.row for i in issues if i.severity == "error"})
    return ProjectsPlan(name, hashlib.sha256(data).hexdigest(), len(frame), tuple(records),
                        status, changes, tuple(issues), rejected)  # fmt: skip


def _compare(records: list[dict[str, Any]], stored: pd.DataFrame
             ) -> tuple[dict[str, str], pd.DataFrame]:  # fmt: skip
    by = {str(r["code"]): r for r in stored.to_dict("records")} if len(stored) else {}
    header_of = {f: h for h, f, _ in COLUMNS}
    status, changes = {}, []
    for r in records:
        old = by.get(r["code"])
        if old is None:
            status[r["code"]] = NEW
            continue
        diff = [(f, _text(old.get(f)), _text(r[f])) for f in FIELDS
                if _text(old.get(f)) != _text(r[f])]  # fmt: skip
        status[r["code"]] = CHANGED if diff else SAME
        changes += [{"code": r["code"], "field": header_of[f], "old": o, "new": n}
                    for f, o, n in diff]  # fmt: skip
    return status, pd.DataFrame(changes, columns=["code", "field", "old", "new"])


def register_frame(projects: pd.DataFrame) -> pd.DataFrame:
    """Stored projects under the template's headers, plus 资金执行率(%)."""
    if not len(projects):
        return pd.DataFrame(columns=[*HEADERS, RATE_HEADER])
    out = projects[list(FIELDS)].rename(columns=dict(zip(FIELDS, HEADERS, strict=True)))
    out[RATE_HEADER] = project_rates(projects).to_numpy()
    return out.sort_values("项目编码", kind="stable").reset_index(drop=True)


def template_bytes() -> bytes:
    return _workbook(pd.DataFrame(columns=list(HEADERS)))


def export_bytes(projects: pd.DataFrame) -> bytes:
    return _workbook(register_frame(projects))


def _workbook(frame: pd.DataFrame) -> bytes:
    from gwlib.io.export import excel_bytes

    return excel_bytes(
        {"项目储备库": frame, "填表说明": pd.DataFrame({"填表说明": NOTES})},
        dropdowns={"项目储备库": {"项目类型": list(CHOICES["kind"]),
                              "入库状态": list(CHOICES["status"])}},
    )  # fmt: skip
