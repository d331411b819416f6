"""A register file's import, planned before anything is written: each good row's record against
the stored one by code — 新增, 修改 (each changed field old → new) or 未变. A field the file has no
column for is left as stored. The store writes a plan in one transaction
(:mod:`gwlib.store.registers`)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pandas as pd

from gwlib.io.tables import Issue
from gwlib.sources.register_io import RegisterRows
from gwlib.sources.register_spec import RegisterSpec, shown

NEW, CHANGED, UNCHANGED = "新增", "修改", "未变"
#: Stored and re-read coordinates closer than this (degrees, about 1 cm) are the same.
COORD_TOL = 1e-7


def record_row(obj: Any) -> dict[str, Any]:
    """A record as the table stores it (enums as their values)."""
    return {
        f.name: (
            getattr(obj, f.name).value
            if isinstance(getattr(obj, f.name), Enum)
            else getattr(obj, f.name)
        )
        for f in dataclasses.fields(obj)
    }


def _same(kind: str, old: Any, new: Any) -> bool:
    if old is None or (isinstance(old, float) and math.isnan(old)):
        old = None
    if kind == "coord":
        return old is not None and abs(float(old) - float(new)) <= COORD_TOL
    if kind == "float":
        return old is not None and math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-9)
    if kind == "int":
        return old is not None and int(old) == int(new)
    if kind == "bool":
        return old is not None and bool(old) == bool(new)
    return ("" if old is None else str(old)) == ("" if new is None else str(new))


@dataclass
class RegisterPlan:
    """What importing one register file would do. ``records``: each good row's record with its
    row and status (新增/修改/未变); ``changes``: one row per changed field (code, field, old,
    new)."""

    rows: RegisterRows
    records: list[tuple[int, Any, str]]
    changes: pd.DataFrame

    @property
    def spec(self) -> RegisterSpec:
        return self.rows.spec

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.rows.issues

    @property
    def counts(self) -> dict[str, int]:
        out = {NEW: 0, CHANGED: 0, UNCHANGED: 0}
        for _, _, status in self.records:
            out[status] += 1
        return out

    @property
    def rejected_rows(self) -> int:
        return self.rows.rejected_rows

    def summary(self, dry_run: bool = False) -> str:
        """The CLI's last line (records; input rows rejected)."""
        c = self.counts
        return (
            f"imported {c[NEW]}, updated {c[CHANGED]}, unchanged {c[UNCHANGED]}, "
            f"rejected {self.rejected_rows}"
        )

    def rejected_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "row": i.row,
                    "column": i.column,
                    "value": i.value,
                    "reason": i.reason,
                    "severity": "错误" if i.severity == "error" else "提示",
                }
                for i in self.issues
            ],
            columns=["row", "column", "value", "reason", "severity"],
        )


def plan_register(rows: RegisterRows, stored: pd.DataFrame) -> RegisterPlan:
    """Compare the file's records with ``stored`` (the register's table) by code. A field the
    file has no column for is left as stored (a blank cell in a column it has is the default)."""
    spec = rows.spec
    kinds = {c.field: c.kind for c in spec.all_columns}
    by_code = {str(r["code"]): r for r in stored.to_dict("records")} if len(stored) else {}
    records: list[tuple[int, Any, str]] = []
    changes: list[dict[str, Any]] = []
    for row, rec in rows.records:
        old = by_code.get(rec.code)
        if old is None:
            records.append((row, rec, NEW))
            continue
        diff = []
        for k, v in record_row(rec).items():
            kind = kinds.get(k, "text")
            if k in rows.given and not _same(kind, old.get(k), v):
                diff.append(
                    {
                        "code": rec.code,
                        "name": rec.name,
                        "field": spec.label(k),
                        "old": shown(kind, old.get(k)),
                        "new": shown(kind, v),
                        "column": k,
                    }
                )
        changes += diff
        records.append((row, rec, CHANGED if diff else UNCHANGED))
    frame = pd.DataFrame(changes, columns=["code", "name", "field", "old", "new", "column"])
    return RegisterPlan(rows, records, frame)
