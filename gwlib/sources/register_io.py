"""Reading a source register (饮用水水源地登记表 or 污染源登记表, see
:mod:`gwlib.sources.register_spec`) as people fill it in, every row checked:

- codes, names and the required enumerations must be filled; enumerations must be one of their
  values (是/否 also as Y/N, √/×, 1/0); numbers must be non-negative;
- coordinates as 经度/纬度 (decimal degrees or 度分秒) or X坐标/Y坐标 with a 坐标系, per row
  (:func:`gwlib.geo.points.point_coordinates`); a row needs one of the two;
- a code given twice: every later row is rejected, naming the first;
- a 乡镇 that is not one of the county's townships (when township boundaries are stored), and a
  record outside the county (with its distance to the boundary), are warnings, not errors.

Every problem is an :class:`~gwlib.io.tables.Issue` naming file, row, column, value and what was
expected; a row with any error is rejected whole. Blank optional cells take the documented
default (the model's: 未划定, 未开展, 否, 0). :mod:`gwlib.sources.register_plan` compares the
good rows with the store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gwlib.errors import InputError, Location, ValidationError
from gwlib.geo.overlay import distance_to_area_m
from gwlib.geo.points import point_coordinates
from gwlib.io.tables import Issue, find_column, read_table
from gwlib.sources.register_spec import RegisterSpec
from gwlib.text import name_key, nfkc

_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "已联网"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "无", "未联网"}
#: A record farther than this outside the county boundary is warned about (metres).
OUTSIDE_M = 1.0
_NUMBER_UNIT = re.compile(r"\s*(?:人|t/d|吨/日|吨/天|眼|口|个)$", re.IGNORECASE)


@dataclass(frozen=True)
class RegisterRows:
    """What a register file gave: the domain record of each good row with its row number, every
    issue, and the number of data rows (blank rows are not rows)."""

    spec: RegisterSpec
    file: str
    sha256: str
    records: tuple[tuple[int, Any], ...]
    issues: tuple[Issue, ...]
    total: int
    given: frozenset[str] = frozenset()  # model fields the file has a column for

    @property
    def rejected_rows(self) -> int:
        return len({i.row for i in self.issues if i.severity == "error" and i.row is not None})


def _is_header(spec: RegisterSpec) -> Callable[[Sequence[str]], bool]:
    code = spec.columns[0]
    keys = {name_key(h) for h in (code.header, *code.aliases)}
    return lambda row: any(k in keys for k in row) and len([k for k in row if k]) >= 3


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    return True if t in _TRUE else (False if t in _FALSE else None)


def _number(text: str, kind: str) -> float | int | None:
    t = _NUMBER_UNIT.sub("", text.replace(",", "").replace("，", "")).strip()
    try:
        x = float(t)
    except ValueError:
        return None
    if not math.isfinite(x) or x < 0 or (kind == "int" and not x.is_integer()):
        return None
    return int(x) if kind == "int" else x


def read_register(
    spec: RegisterSpec,
    source: str | Path | bytes,
    display_name: str | None = None,
    townships: Sequence[str] = (),
    default_crs: str | None = None,
    county: shapely.Geometry | None = None,
) -> RegisterRows:
    """Read and check a register file (a path, or an upload's bytes named by
    ``display_name``). ``townships``: the county's 乡镇 (empty: not checked); ``county``: its
    boundary in lon/lat (a record outside it is imported with a warning giving the distance;
    its centre also picks the Gauss–Krüger zone of a 坐标系 written without one)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = display_name or ("上传的文件" if isinstance(source, bytes) else Path(source).name)
    table = read_table(data, is_header=_is_header(spec), display_name=name)
    frame, row_no = table.frame, table.row_numbers()
    present: dict[str, str] = {}
    for col in spec.all_columns:
        got = find_column(list(frame.columns), [name_key(h) for h in (col.header, *col.aliases)])
        if got is not None and got not in present.values():
            present[col.field] = got
    missing = [c.header for c in spec.columns if c.required and c.field not in present]
    if missing:
        raise InputError(
            "找不到必填列「"
            + "」「".join(missing)
            + "」：表头应为 "
            + "、".join(spec.headers[:6])
            + " 等（可下载模板对照）",
            where=Location(name, table.header_row),
        )
    if not ({"lon", "lat"} <= set(present) or {"x", "y"} <= set(present)):
        raise InputError(
            "找不到坐标列：应有「经度」「纬度」，或「X坐标」「Y坐标」（和「坐标系」）",
            where=Location(name, table.header_row),
        )
    issues: list[Issue] = []
    fields: dict[Any, dict[str, Any]] = {i: {} for i in frame.index}

    def err(idx: Any, fld: str, value: str, reason: str, severity: str = "error") -> None:
        issues.append(
            Issue(
                name,
                int(row_no[idx]),
                present.get(fld, spec.label(fld)),
                value[:80],
                reason,
                severity,
            )
        )

    for col in spec.columns:
        if col.field not in present:
            continue
        raw = frame[present[col.field]].fillna("")
        for idx, cell in raw.items():
            text = cell.strip() if col.kind == "text" else nfkc(cell).strip()
            if not text:
                if col.required:
                    err(idx, col.field, "", f"「{col.header}」必须填写")
                continue
            if col.kind == "enum":
                if text not in col.options:
                    err(idx, col.field, text, "应为以下之一：" + "、".join(col.options))
                else:
                    fields[idx][col.field] = text
            elif col.kind == "bool":
                b = _bool(text)
                if b is None:
                    err(idx, col.field, text, "应为 是 或 否")
                else:
                    fields[idx][col.field] = b
            elif col.kind in ("int", "float"):
                n = _number(text, col.kind)
                if n is None:
                    what = "非负整数" if col.kind == "int" else "非负数"
                    err(idx, col.field, text, f"应为{what}")
                else:
                    fields[idx][col.field] = n
            elif col.max_len and len(text) > col.max_len:
                why = f"太长（{len(text)} 个字符）：不超过 {col.max_len} 个字符"
                err(idx, col.field, text, why)
            else:
                fields[idx][col.field] = text

    def column(fld: str) -> list[object] | None:
        return frame[present[fld]].tolist() if fld in present else None

    hint = None if county is None or county.is_empty else float(county.centroid.x)
    conv = point_coordinates(
        column("lon"),
        column("lat"),
        column("x"),
        column("y"),
        column("crs"),
        default_crs,
        rows=row_no.tolist(),
        file=name,
        lon_hint=hint,
    )
    issues += conv.issues
    for pos, idx in enumerate(frame.index):
        lon, lat = float(conv.lon[pos]), float(conv.lat[pos])
        if np.isfinite(lon) and np.isfinite(lat):
            fields[idx]["lon"], fields[idx]["lat"] = lon, lat
    bad = {i.row for i in issues if i.severity == "error"}
    for idx in frame.index:
        if int(row_no[idx]) not in bad and "lon" not in fields[idx]:
            err(idx, "lon", "", "没有坐标：填「经度」「纬度」，或「X坐标」「Y坐标」和「坐标系」")

    if hint is not None and county is not None:
        issues += _outside(county, frame, fields, row_no, present, name)
    code_col = frame[present["code"]].fillna("").map(nfkc).str.strip()
    first: dict[str, int] = {}
    for idx, code in zip(frame.index, code_col, strict=True):
        if not code:
            continue
        if code in first:
            err(idx, "code", code, f"{spec.label('code')}与第 {first[code]} 行重复")
        else:
            first[code] = int(row_no[idx])
    known = {t.strip() for t in townships if t and t.strip()}
    if known and "township" in present:
        for idx, f in fields.items():
            t = f.get("township", "")
            if t and t not in known:
                err(
                    idx,
                    "township",
                    t,
                    "不是本县的乡镇（已导入的乡镇边界中没有）："
                    + "、".join(sorted(known)[:12])
                    + ("…" if len(known) > 12 else ""),
                    severity="warning",
                )

    records: list[tuple[int, Any]] = []
    bad = {i.row for i in issues if i.severity == "error"}
    for idx in frame.index:
        r = int(row_no[idx])
        if r in bad:
            continue
        kwargs = _with_defaults(spec, fields[idx])
        try:
            records.append((r, spec.build(**kwargs)))
        except ValidationError as exc:
            err(idx, _field_of(spec, exc.field), str(exc.value), f"应为{exc.expected}")
    issues.sort(key=lambda i: (i.row or 0, i.severity != "error"))
    given = frozenset(present) - {"x", "y", "crs"} | {"lon", "lat"}
    return RegisterRows(spec, name, hashlib.sha256(data).hexdigest(), tuple(records),
                        tuple(issues), len(frame), given)  # fmt: skip


def _outside(county: shapely.Geometry, frame: pd.DataFrame, fields: dict[Any, dict[str, Any]],
             row_no: pd.Series, present: dict[str, str], name: str) -> list[Issue]:  # fmt: skip
    """A warning for each record outside the county, with its distance to the boundary."""
    placed = [idx for idx in frame.index if "lon" in fields[idx]]
    if not placed:
        return []
    dist = distance_to_area_m([fields[i]["lon"] for i in placed],
                              [fields[i]["lat"] for i in placed], county)  # fmt: skip
    out = []
    for idx, d in zip(placed, dist, strict=True):
        if d > OUTSIDE_M:
            by_ll = "lon" in present and str(frame.at[idx, present["lon"]]).strip() != ""
            col = present["lon"] if by_ll else present.get("x", "X坐标")
            out.append(Issue(name, int(row_no[idx]), col, str(frame.at[idx, col])[:40],
                             f"位于县界之外，距县界约 {d / 1000:,.1f} km：已导入，请核对坐标"
                             "和坐标系", "warning"))  # fmt: skip
    return out


def _with_defaults(spec: RegisterSpec, given: dict[str, Any]) -> dict[str, Any]:
    """The model's fields: what the row gives (enumerations as their members), else the
    documented default (the model's; 乡镇 blank, 服务人口 and 取水量 0)."""
    enums = {c.field: c.enum for c in spec.all_columns if c.enum is not None}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(spec.build):
        if f.name in given:
            v = given[f.name]
            out[f.name] = enums[f.name](v) if f.name in enums else v
        elif f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        else:  # required by the model, optional in the sheet
            out[f.name] = SHEET_DEFAULTS[f.name]
    return out


#: Defaults of the fields the model requires but the sheet may leave blank.
SHEET_DEFAULTS: dict[str, Any] = {"township": "", "population": 0, "capacity_t_d": 0.0}


def _field_of(spec: RegisterSpec, label: str) -> str:
    """The column of a field a model error names in Chinese (服务人口/取水量 → 服务人口)."""
    for c in spec.all_columns:
        if label in (c.header, c.field) or c.header.startswith(label.split("/")[0]):
            return c.field
    return "code"
