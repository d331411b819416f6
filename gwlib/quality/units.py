"""Units of measurement as data (``data/units.csv``) and conversion to a standard's unit.

Each alias belongs to one or more dimensions (``mass_concentration``, ``count_per_100ml``, …)
with a factor to that dimension's base unit. A reported value converts to an indicator's unit
when both share a dimension: ``value * factor(reported) / factor(standard)``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gwlib.config import REFERENCE_DIR
from gwlib.errors import StandardDataError
from gwlib.text import unit_key

UNITS_FILE = REFERENCE_DIR / "units.csv"


@dataclass(frozen=True)
class Unit:
    alias: str
    dimensions: frozenset[str]
    factor: float


@cache
def unit_table(path: Path = UNITS_FILE) -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                factor = float(row["factor"])
            except (KeyError, ValueError):
                raise StandardDataError(
                    f"单位表 {path.name} 第 {n} 行列「factor」的值「{row.get('factor')}」应为数值"
                ) from None
            unit = Unit(row["alias"], frozenset(row["dimension"].split("|")), factor)
            out[unit_key(unit.alias)] = unit
    return out


def lookup(unit: str) -> Unit | None:
    """The unit an alias means (``μg/L``, ``ug/l``, ``µg/L``, ``微克/升`` …), or None if unknown."""
    return unit_table().get(unit_key(unit))


def conversion_factor(reported: str, standard_unit: str) -> float | None:
    """Factor taking a value in ``reported`` to ``standard_unit``.

    A blank reported unit means the standard's own unit (factor 1). Returns None when the
    reported unit is unknown or measures something else (e.g. ``NTU`` for a mass concentration).
    """
    if not reported.strip():
        return 1.0
    rep = lookup(reported)
    std = lookup(standard_unit)
    if rep is None or std is None:
        return None
    if not rep.dimensions & std.dimensions:
        return None
    return rep.factor / std.factor
