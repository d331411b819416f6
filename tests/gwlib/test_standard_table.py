"""Every indicator × every distinct limit of GB/T 14848-2017, at the limit and just above.

The oracle reads the standard's table (the CSV as printed) with plain Python, independently of
gwlib.quality.standards: a value takes the first (best) class whose cell admits it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from gwlib.quality.grading import single_class
from gwlib.quality.standards import STANDARDS_DIR, get_standard

CSV = STANDARDS_DIR / "gb14848_2017.csv"
STD = get_standard("GB/T 14848-2017")


def _rows() -> list[dict[str, str]]:
    with Path(CSV).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _upper_bound(cell: str) -> float | None:
    """Cell as an upper bound; None for cells that are not one (pH ranges, 无, '>x')."""
    cell = cell.strip()
    if cell == "不得检出":
        return 0.0
    try:
        return float(cell)
    except ValueError:
        return None


def _oracle(row: dict[str, str], value: float) -> int:
    for k, col in enumerate(("I", "II", "III", "IV"), start=1):
        cell = row[col].strip()
        if cell.startswith(">") and cell == row["V"].strip():
            return k  # Ⅳ and Ⅴ share the condition: the better class wins
        bound = _upper_bound(cell)
        if bound is not None and value <= bound:
            return k
    return 5


def _cases() -> list[tuple[str, float, int]]:
    cases = []
    for row in _rows():
        bounds = {b for c in ("I", "II", "III", "IV") if (b := _upper_bound(row[c])) is not None}
        if row["I"].strip() in ("无",) or "~" in row["I"]:
            continue  # qualitative and pH: own tests
        for b in sorted(bounds):
            above = b + max(abs(b) * 1e-6, 1e-12)
            cases.append((row["name_zh"], b, _oracle(row, b)))
            cases.append((row["name_zh"], above, _oracle(row, above)))
    return cases


CASES = _cases()


def test_table_has_93_indicators_39_plus_54() -> None:
    rows = _rows()
    assert len(rows) == 93 == len(STD)
    assert sum(r["code"].startswith("T1-") for r in rows) == 39
    assert sum(r["code"].startswith("T2-") for r in rows) == 54


def test_every_numeric_indicator_is_covered() -> None:
    covered = {name for name, _, _ in CASES}
    assert len(covered) == 93 - 3  # all but 嗅和味, 肉眼可见物, pH


@pytest.mark.parametrize(
    ("name", "value", "expected"), CASES, ids=[f"{n}={v:g}" for n, v, _ in CASES]
)
def test_class_at_and_above_each_limit(name: str, value: float, expected: int) -> None:
    idx = np.array([STD.index(name)])
    assert single_class(STD, idx, np.array([value]))[0] == expected


def test_tie_rule_volatile_phenols_example() -> None:
    """The standard's own example: 挥发性酚类 Ⅰ = Ⅱ = 0.001 mg/L, so 0.001 is Ⅰ."""
    idx = np.array([STD.index("挥发性酚类（以苯酚计）")])
    assert single_class(STD, idx, np.array([0.001]))[0] == 1


@pytest.mark.parametrize(
    ("ph", "expected"),
    [
        (7.0, 1),
        (6.5, 1),
        (8.5, 1),
        (6.49, 4),
        (8.51, 4),
        (5.5, 4),
        (9.0, 4),
        (6.0, 4),
        (5.49, 5),
        (9.01, 5),
        (3.0, 5),
        (12.0, 5),
    ],
)
def test_ph_two_sided(ph: float, expected: int) -> None:
    idx = np.array([STD.index("pH")])
    assert single_class(STD, idx, np.array([ph]))[0] == expected


def test_radioactivity_above_iii_is_iv_never_v() -> None:
    for name, limit in (("总α放射性", 0.5), ("总β放射性", 1.0)):
        idx = np.full(3, STD.index(name))
        got = single_class(STD, idx, np.array([limit, limit * 1.01, 1e6]))
        assert got.tolist() == [3 if name == "总α放射性" else 2, 4, 4]


def test_nan_is_not_graded() -> None:
    assert single_class(STD, np.array([0]), np.array([math.nan]))[0] == 0
