"""The README glossary's "where" column names the module that defines each identifier."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _rows() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## 术语表")
    rows = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## ") or line.strip() == "---":
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`gwlib/"):
            rows.append((cells[0], cells[1], cells[2].strip("`")))
    return rows


def _defined(path: Path) -> set[str]:
    """Names a module defines at top level (functions, classes, assigned names)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_glossary_has_the_figures_leaders_ask_about() -> None:
    terms = " ".join(r[0] for r in _rows())
    for term in ("Ⅴ类点位占比", "到报率", "封井完成率", "逾期未封井", "风险优先级", "GCJ-02", "拒收"):
        assert term in terms


@pytest.mark.parametrize(("term", "identifiers", "where"), _rows(), ids=lambda v: str(v)[:20])
def test_glossary_row_points_at_the_defining_module(term: str, identifiers: str, where: str) -> None:
    path = ROOT / where
    assert path.is_file(), f"{term}: {where} does not exist"
    first = re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)", identifiers)[0]
    assert first in _defined(path), f"{term}: {first} is not defined in {where}"
