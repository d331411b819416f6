"""Groundwater quality standards as data (GB/T 14848-2017 and any other edition).

A standard set is a TOML description plus a CSV table of limits in ``data/standards/``. The
table has one row per indicator with the cells as the standard prints them (``0.001``,
``不得检出``, ``无``, ``6.5~8.5``, ``5.5~6.5 | 8.5~9.0``, ``>0.5``). Loading turns every row into
nested class intervals ``lo[k] <= value <= hi[k]`` for k = Ⅰ..Ⅳ, so grading is the same
vectorised rule for every indicator (see :mod:`gwlib.quality.grading`):

* numeric cell ``x`` → ``(-inf, x]``;
* ``不得检出`` (class Ⅰ of 阴离子表面活性剂) → ``(-inf, 0]``: any detected value is at least Ⅱ;
* ``无`` (嗅和味, 肉眼可见物) → ``(-inf, 0]`` with 无 read as 0 and 有 as 1, so 有 is Ⅴ;
* ``a~b`` (pH) → ``[a, b]``; ``a~b | c~d`` → ``[a, d]`` (the gap must be the better class's range);
* ``>x`` in column Ⅳ (radioactivity: Ⅳ and Ⅴ share the condition) → ``(-inf, +inf)``, so the tie
  rule 从优不从劣 gives Ⅳ.

Column Ⅴ is checked to be the complement of Ⅳ and otherwise not used.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from gwlib.config import REFERENCE_DIR
from gwlib.errors import StandardDataError
from gwlib.text import name_key, nfkc, strip_basis

STANDARDS_DIR = REFERENCE_DIR / "standards"

CLASS_COLUMNS = ("I", "II", "III", "IV")
NOT_DETECTABLE = "不得检出"
ABSENT = "无"
PRESENT = "有"

NUMBER = r"[-+]?\d+(?:\.\d+)?"
RANGE = re.compile(rf"^({NUMBER})~({NUMBER})$")  # a~b, as the tables print a range
_GT = re.compile(rf"^>({NUMBER})$")
_PARENS = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Indicator:
    """One indicator of a standard set, with its limits as nested class intervals."""

    code: str
    name: str  # official name as the standard prints it
    name_en: str
    unit: str
    group: str
    kind: str  # "upper", "range" or "qualitative"
    lo: tuple[float, float, float, float]
    hi: tuple[float, float, float, float]
    nd_is_best: bool = False  # class Ⅰ is 不得检出: a non-detect is Ⅰ whatever the detection limit
    notes: str = ""

    @property
    def table(self) -> str:
        return self.group.split("/")[0]


@dataclass(frozen=True)
class Synonym:
    alias: str
    indicator: str  # official name in the standard set
    factor: float  # multiply the reported value by this to get the standard's basis
    note: str = ""


@dataclass(frozen=True)
class StandardSet:
    """A complete standard: its identity and its indicators, with array views for grading."""

    code: str
    title: str
    edition: str
    published: str
    effective: str
    source: str
    indicators: tuple[Indicator, ...]
    synonyms: tuple[Synonym, ...] = ()
    not_graded: tuple[tuple[str, str], ...] = ()
    lo: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    hi: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    #: ``lo``/``hi`` transposed to (class, indicator), contiguous for fast per-class gathers.
    lo_by_class: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    hi_by_class: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    nd_is_best: npt.NDArray[np.bool_] = field(init=False, repr=False, compare=False)
    qualitative: npt.NDArray[np.bool_] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, int] = field(init=False, repr=False, compare=False)
    _factor_by_key: dict[str, float] = field(init=False, repr=False, compare=False)
    _not_graded: dict[str, str] = field(init=False, repr=False, compare=False)
    #: Indicator code (``T1-06``) → name as the standard prints it (``氟化物``).
    names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lo = np.array([i.lo for i in self.indicators], dtype=np.float64).reshape(-1, 4)
        hi = np.array([i.hi for i in self.indicators], dtype=np.float64).reshape(-1, 4)
        lo.setflags(write=False)
        hi.setflags(write=False)
        nd = np.array([i.nd_is_best for i in self.indicators], dtype=bool)
        nd.setflags(write=False)
        qual = np.array([i.kind == "qualitative" for i in self.indicators], dtype=bool)
        qual.setflags(write=False)
        by_key: dict[str, int] = {}
        factor: dict[str, float] = {}
        for idx, ind in enumerate(self.indicators):
            for key in {
                name_key(ind.name),
                strip_basis(name_key(ind.name)),
                name_key(ind.code),
                name_key(ind.name_en),
            }:
                by_key.setdefault(key, idx)
                factor.setdefault(key, 1.0)
        official = {name_key(i.name): n for n, i in enumerate(self.indicators)}
        for syn in self.synonyms:
            target = official.get(name_key(syn.indicator))
            if target is None:
                continue  # synonym for an indicator this edition does not have
            key = name_key(syn.alias)
            if key in by_key and by_key[key] != target:
                raise StandardDataError(f"同义词「{syn.alias}」与 {self.code} 中的其他指标名冲突")
            by_key[key] = target
            factor[key] = syn.factor
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)
        for name, arr in (("lo_by_class", lo), ("hi_by_class", hi)):
            t = np.ascontiguousarray(arr.T)
            t.setflags(write=False)
            object.__setattr__(self, name, t)
        object.__setattr__(self, "nd_is_best", nd)
        object.__setattr__(self, "qualitative", qual)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_factor_by_key", factor)
        object.__setattr__(self, "_not_graded", {name_key(n): note for n, note in self.not_graded})
        object.__setattr__(self, "names", {i.code: i.name for i in self.indicators})

    def limiting_names(self, limiting: object, sep: str = "、") -> str:
        """Names of the limiting indicators stored as codes joined by ``;`` (``T1-06;T1-07`` →
        ``氟化物、硝酸盐（以N计）``); a code this set does not have is shown as it is."""
        codes = "" if limiting is None or limiting != limiting else str(limiting)
        return sep.join(self.names.get(c, c) for c in codes.split(";") if c)

    def __len__(self) -> int:
        return len(self.indicators)

    def resolve(self, name: str) -> tuple[int, float] | None:
        """Index of the indicator a reported name means, and the factor to the standard's basis.

        Matches the official name (full- or half-width brackets), the name without its basis
        qualifier (``总硬度``), the code (``T1-06``), the English name, or a synonym.
        Returns None for a name that is not an indicator of this set.
        """
        key = name_key(name)
        # Official name or synonym; then without a basis qualifier (以N计); then without any
        # bracketed note (``氟化物(F-)``, ``三氯甲烷(氯仿)``); then the note alone (``(Pb)``).
        bare = _PARENS.sub("", key)
        notes = _PARENS.findall(key)
        for candidate in (key, strip_basis(key), bare, *notes):
            idx = self._by_key.get(candidate)
            if idx is not None:
                return idx, self._factor_by_key.get(candidate, 1.0)
        return None

    def not_graded_note(self, name: str) -> str | None:
        """Why a known non-standard parameter (钾, 水温, …) is not graded; None if not known."""
        key = name_key(name)
        return self._not_graded.get(key, self._not_graded.get(strip_basis(key)))

    def index(self, name: str) -> int:
        found = self.resolve(name)
        if found is None:
            raise KeyError(name)
        return found[0]

    def indicator(self, name: str) -> Indicator:
        return self.indicators[self.index(name)]


def _cell_error(path: Path, row: int, column: str, value: str, expected: str) -> StandardDataError:
    return StandardDataError(
        f"标准数据文件 {path.name} 第 {row} 行列「{column}」的值「{value}」无法读取：应为{expected}"
    )


def _parse_row(path: Path, rownum: int, row: dict[str, str]) -> Indicator:
    cells = {c: nfkc(row.get(c, "")).strip() for c in (*CLASS_COLUMNS, "V")}
    lo = [-math.inf] * 4
    hi = [math.inf] * 4
    kind = "upper"
    nd_is_best = False
    for k, col in enumerate(CLASS_COLUMNS):
        cell = cells[col]
        if cell == NOT_DETECTABLE:
            hi[k] = 0.0
            nd_is_best = k == 0 or nd_is_best
        elif cell == ABSENT:
            kind = "qualitative"
            hi[k] = 0.0
        elif _GT.match(cell) is not None:
            # Ⅳ written as ">x", the same condition as Ⅴ: the tie rule makes Ⅳ the class.
            if cells["V"] != cell or k != 3:
                raise _cell_error(path, rownum, col, cell, "只有第Ⅳ类可写作与第Ⅴ类相同的“>x”")
            hi[k] = math.inf
        elif "~" in cell:
            kind = "range"
            parts = [p.strip() for p in cell.split("|")]
            bounds = []
            for part in parts:
                rm = RANGE.match(part.replace(" ", ""))
                if rm is None:
                    raise _cell_error(path, rownum, col, cell, "“a~b”或“a~b | c~d”")
                bounds.append((float(rm.group(1)), float(rm.group(2))))
            lo[k] = min(b[0] for b in bounds)
            hi[k] = max(b[1] for b in bounds)
            if (
                len(bounds) == 2
                and k > 0
                and (bounds[0][1] != lo[k - 1] or bounds[1][0] != hi[k - 1])
            ):
                raise _cell_error(path, rownum, col, cell, "两段区间之间应正好是上一类别的区间")
        else:
            try:
                hi[k] = float(cell)
            except ValueError:
                raise _cell_error(
                    path, rownum, col, cell, "数值、“不得检出”、“无”、“a~b”或“>x”"
                ) from None
    for k in range(1, 4):
        if hi[k] < hi[k - 1] or lo[k] > lo[k - 1]:
            raise _cell_error(
                path, rownum, CLASS_COLUMNS[k], cells[CLASS_COLUMNS[k]], "不比上一类别更严的限值"
            )
    v = cells["V"]
    if kind == "qualitative" and v != PRESENT:
        raise _cell_error(path, rownum, "V", v, "“有”")
    if kind == "upper" and not (
        v.startswith(">") and float(v[1:]) == hi[3 if hi[3] < math.inf else 2]
    ):
        raise _cell_error(path, rownum, "V", v, "“>第Ⅳ类限值”")
    code = row.get("code", "").strip()
    name = row.get("name_zh", "").strip()
    if not code or not name:
        raise _cell_error(path, rownum, "code/name_zh", f"{code}/{name}", "非空的编码和名称")
    return Indicator(
        code=code,
        name=name,
        name_en=row.get("name_en", "").strip(),
        unit=row.get("unit", "").strip(),
        group=row.get("group", "").strip(),
        kind=kind,
        lo=(lo[0], lo[1], lo[2], lo[3]),
        hi=(hi[0], hi[1], hi[2], hi[3]),
        nd_is_best=nd_is_best,
        notes=row.get("notes", "").strip(),
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _synonyms(directory: Path) -> tuple[Synonym, ...]:
    path = directory / "synonyms.csv"
    if not path.exists():
        return ()
    out = []
    for n, row in enumerate(_read_csv(path), start=2):
        try:
            factor = float(row.get("factor") or 1)
        except ValueError:
            raise _cell_error(path, n, "factor", row.get("factor", ""), "数值") from None
        out.append(
            Synonym(
                row["alias"].strip(), row["indicator"].strip(), factor, row.get("note", "").strip()
            )
        )
    return tuple(out)


def _not_graded(directory: Path) -> tuple[tuple[str, str], ...]:
    path = directory / "not_graded.csv"
    if not path.exists():
        return ()
    return tuple((r["name"].strip(), r.get("note", "").strip()) for r in _read_csv(path))


def load_standard(toml_path: Path) -> StandardSet:
    """Load and validate one standard set from its TOML description and CSV table."""
    try:
        meta = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StandardDataError(f"无法读取标准描述文件 {toml_path}：{exc}") from exc
    table = toml_path.parent / str(meta.get("table", ""))
    if not table.is_file():
        raise StandardDataError(f"标准描述文件 {toml_path.name} 指向的限值表不存在：{table}")
    indicators = tuple(_parse_row(table, n, row) for n, row in enumerate(_read_csv(table), start=2))
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        raise StandardDataError(f"限值表 {table.name} 中有重复的指标编码")
    return StandardSet(
        code=str(meta["code"]),
        title=str(meta.get("title", "")),
        edition=str(meta.get("edition", "")),
        published=str(meta.get("published", "")),
        effective=str(meta.get("effective", "")),
        source=str(meta.get("source", "")).strip(),
        indicators=indicators,
        synonyms=_synonyms(toml_path.parent),
        not_graded=_not_graded(toml_path.parent),
    )


@cache
def available_standards(directory: Path = STANDARDS_DIR) -> dict[str, StandardSet]:
    """Every standard set in ``directory``, keyed by code (e.g. ``GB/T 14848-2017``)."""
    sets = [load_standard(p) for p in sorted(directory.glob("*.toml"))]
    if not sets:
        raise StandardDataError(f"目录 {directory} 中没有标准描述文件（*.toml）")
    return {s.code: s for s in sets}


@cache
def default_standard_code(directory: Path = STANDARDS_DIR) -> str:
    for p in sorted(directory.glob("*.toml")):
        meta = tomllib.loads(p.read_text(encoding="utf-8"))
        if meta.get("default"):
            return str(meta["code"])
    return next(iter(available_standards(directory)))


def get_standard(code: str | None = None, directory: Path = STANDARDS_DIR) -> StandardSet:
    """A standard set by code; the default set (GB/T 14848-2017) when ``code`` is None."""
    sets = available_standards(directory)
    key = code or default_standard_code(directory)
    try:
        return sets[key]
    except KeyError:
        raise StandardDataError(f"未知的标准：{key}（可用：{'、'.join(sets)}）") from None
