"""Water-quality requirements that are met or not (达标/超标), as data: recharge water (回灌水),
geothermal tail water (地热尾水) and, once its table is checked, irrigation water (GB 5084).

GB/T 14848 sorts water into classes; these rules only say whether a sample meets a limit. Each
requirement is a TOML file in ``data/standards/requirements/``:

* ``code``, ``title``, ``source`` (where the rule comes from, quoted);
* ``applies_to``: the 监测用途 of the points assessed against it (a point of that purpose is
  shown with this requirement's 结论 wherever its water is judged);
* ``basis``: the standard set whose indicators the limits name (GB/T 14848-2017) and, optionally,
  ``basis_class``: every indicator of the basis limited to that class's interval (Ⅲ → the
  standard's Ⅲ类 column); this is how a county writes 「不得恶化地下水水质」 as limits;
* ``table``: optionally, a CSV (``indicator,group,limit,note``) of limits that replace or add to
  the derived ones (``0.5`` or ``≤0.5``, ``6.5~8.5``, ``无``); ``groups`` names the groups a row
  may be for (crop groups for irrigation water), an empty group being every group;
* ``filing_months``: how often each point must be reported (报备), or absent;
* ``[[indicators]]`` (``name``, ``unit``, ``aliases``): indicators the basis does not grade
  (GB 5084's 五日生化需氧量, 悬浮物 …). Lab files naming them are read with the requirement
  (:attr:`Requirement.reading_standard`), they are kept and never graded, and the table limits
  them like any other; a value in another unit than the declared one cannot be judged.

A detected value meets its limit when ``lo <= value <= hi``. A non-detect meets it when its
detection limit is at most the upper limit, or when no detection limit was reported (as grading
puts such a non-detect in Ⅰ类); a non-detect whose detection limit is above the limit cannot be
judged (无法判定) and is named as such, never passed.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from gwlib.errors import StandardDataError
from gwlib.quality.classes import QualityClass
from gwlib.quality.standards import (
    ABSENT,
    NOT_DETECTABLE,
    NUMBER,
    RANGE,
    STANDARDS_DIR,
    StandardSet,
    get_standard,
)
from gwlib.text import name_key, nfkc

REQUIREMENTS_DIR = STANDARDS_DIR / "requirements"

MET = "达标"
EXCEEDED = "超标"
UNDETERMINED = "无法判定"
NOTHING = "无可判定指标"

# A limit is written as the standards' cells are (gwlib.quality.standards), or as 「≤x」.
_UPPER = re.compile(rf"^(?:≤|<=)?({NUMBER})$")


@dataclass(frozen=True)
class Limit:
    """One indicator's limit in a requirement: ``lo <= value <= hi`` meets it."""

    indicator: int  # position in the basis standard's indicators
    name: str
    unit: str
    group: str  # "" = every group
    lo: float
    hi: float
    origin: str  # where the limit comes from (the basis class, or the requirement's table)
    qualitative: bool = False  # 嗅和味, 肉眼可见物: 无 (0) or 有 (1)

    @property
    def text(self) -> str:
        """The limit as people write it: ≤0.5, 6.5~8.5, 无, 不得检出."""
        if self.lo > -math.inf:
            return f"{self.lo:g}~{self.hi:g}"
        if self.hi == 0:
            return ABSENT if self.qualitative else NOT_DETECTABLE
        return f"≤{self.hi:g}"


@dataclass(frozen=True)
class OwnIndicator:
    """An indicator a requirement limits that its basis standard does not grade (五日生化需氧量,
    悬浮物, 水温 …): its name, the unit its limits are in, and other names labs write."""

    name: str
    unit: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    code: str
    title: str
    source: str
    applies_to: tuple[str, ...]
    basis: StandardSet
    groups: tuple[str, ...]
    limits: tuple[Limit, ...]
    filing_months: int | None = None
    own: tuple[OwnIndicator, ...] = ()  # at positions len(basis.indicators) + j

    @property
    def reading_standard(self) -> StandardSet:
        """The basis standard for reading lab files, which also knows this requirement's own
        indicators (kept, not graded, as 水温 is), so that a file naming them is not refused."""
        if not self.own:
            return self.basis
        note = f"{self.code} 的判定指标"
        extra = tuple((n, note) for o in self.own for n in (o.name, *o.aliases))
        return replace(self.basis, not_graded=self.basis.not_graded + extra)

    def own_position(self, name: str) -> int | None:
        """The position of the own indicator a lab calls ``name`` (any of its names)."""
        key = name_key(name)
        for j, o in enumerate(self.own):
            if key in {name_key(n) for n in (o.name, *o.aliases)}:
                return len(self.basis.indicators) + j
        return None

    @property
    def limits_summary(self) -> str:
        """Where the limits come from, in a few words: 「GB/T 14848-2017 Ⅲ类（93 项）」, and
        「限值表 NAME.csv（n 项）」 for the table's rows that replace or add to them."""
        origins: dict[str, int] = {}
        for lim in self.limits:
            origins[lim.origin] = origins.get(lim.origin, 0) + 1
        return "、".join(f"{o}（{n} 项）" for o, n in origins.items())

    def limits_for(self, group: str = "") -> dict[int, Limit]:
        """Indicator position → its limit for ``group`` (a group's own row over an all-groups
        row). A requirement with groups needs one."""
        if self.groups and group not in self.groups:
            raise StandardDataError(
                f"{self.code} 按分组给出限值，应指定分组：{'、'.join(self.groups)}"
                f"（收到「{group}」）")
        if not self.groups and group:
            raise StandardDataError(f"{self.code} 不分组，不能指定分组「{group}」")
        out = {lim.indicator: lim for lim in self.limits if not lim.group}
        out.update({lim.indicator: lim for lim in self.limits if group and lim.group == group})
        return out


def _error(path: Path, row: int, column: str, value: str, expected: str) -> StandardDataError:
    return StandardDataError(
        f"要求文件 {path.name} 第 {row} 行列「{column}」的值「{value}」无法读取：应为{expected}")


def _parse_limit(path: Path, row: int, cell: str) -> tuple[float, float]:
    text = nfkc(cell).replace(" ", "")
    if text == ABSENT:
        return -math.inf, 0.0
    if (m := RANGE.match(text)) is not None:
        lo, hi = float(m.group(1)), float(m.group(2))
        if lo <= hi:
            return lo, hi
    elif (m := _UPPER.match(text)) is not None:
        return -math.inf, float(m.group(1))
    raise _error(path, row, "limit", cell, "数值（上限，如 0.5 或 ≤0.5）、“a~b”（a≤b）或“无”")


def _derived(basis: StandardSet, cls: QualityClass) -> list[Limit]:
    k = cls.value - 1
    origin = f"{basis.code} {cls.label}"
    return [Limit(n, ind.name, ind.unit, "", ind.lo[k], ind.hi[k], origin,
                  ind.kind == "qualitative")
            for n, ind in enumerate(basis.indicators) if k < 4 and ind.hi[k] < math.inf]


def _table(path: Path, basis: StandardSet, groups: tuple[str, ...],
           own: tuple[OwnIndicator, ...] = ()) -> list[Limit]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    seen: set[tuple[int, str]] = set()
    for n, row in enumerate(rows, start=2):
        name = (row.get("indicator") or "").strip()
        mine = [j for j, o in enumerate(own)
                if name_key(name) in {name_key(a) for a in (o.name, *o.aliases)}]
        if mine:
            idx = len(basis.indicators) + mine[0]
        else:
            try:
                idx = basis.index(name)
            except KeyError:
                raise _error(path, n, "indicator", name,
                             f"{basis.code} 的指标名称或编码，或本要求 [[indicators]] 中的指标"
                             ) from None
        group = (row.get("group") or "").strip()
        if group and group not in groups:
            allowed = "、".join(groups) or "（本要求不分组）"
            raise _error(path, n, "group", group, f"空（全部分组）或 {allowed}")
        if (idx, group) in seen:
            raise _error(path, n, "indicator", name, "每个指标与分组只出现一次")
        seen.add((idx, group))
        lo, hi = _parse_limit(path, n, row.get("limit") or "")
        if mine:
            o = own[mine[0]]
            out.append(Limit(idx, o.name, o.unit, group, lo, hi, f"限值表 {path.name}"))
            continue
        ind = basis.indicators[idx]
        out.append(Limit(idx, ind.name, ind.unit, group, lo, hi, f"限值表 {path.name}",
                         ind.kind == "qualitative"))
    return out


def load_requirement(toml_path: Path) -> Requirement:
    """One requirement from its TOML file (and its table, if it names one)."""
    try:
        meta = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StandardDataError(f"无法读取要求文件 {toml_path}：{exc}") from exc
    code = str(meta.get("code", "")).strip()
    if not code:
        raise StandardDataError(f"要求文件 {toml_path.name} 缺少 code")
    basis = get_standard(str(meta.get("basis", "")) or None)
    groups = tuple(str(g) for g in meta.get("groups", ()))
    own = []
    for j, item in enumerate(meta.get("indicators", ()), start=1):
        name, unit = str(item.get("name", "")).strip(), str(item.get("unit", "")).strip()
        if not name or not unit:
            raise StandardDataError(f"要求文件 {toml_path.name} 的第 {j} 个 [[indicators]] 应有 "
                                    f"name 和 unit（收到 name「{name}」unit「{unit}」）")
        if basis.resolve(name) is not None:
            raise StandardDataError(f"要求文件 {toml_path.name} 的 [[indicators]]「{name}」是 "
                                    f"{basis.code} 的指标：在限值表中直接写它的限值")
        own.append(OwnIndicator(name, unit, tuple(str(a) for a in item.get("aliases", ()))))
    limits: dict[tuple[int, str], Limit] = {}
    if "basis_class" in meta:
        try:
            cls = QualityClass.parse(meta["basis_class"])
        except ValueError:
            raise StandardDataError(
                f"要求文件 {toml_path.name} 的 basis_class「{meta['basis_class']}」应为 Ⅰ–Ⅳ 类之一"
            ) from None
        limits.update({(lim.indicator, ""): lim for lim in _derived(basis, cls)})
    if meta.get("table"):
        table = toml_path.parent / str(meta["table"])
        if not table.is_file():
            raise StandardDataError(f"要求文件 {toml_path.name} 指向的限值表不存在：{table}")
        limits.update({(lim.indicator, lim.group): lim
                       for lim in _table(table, basis, groups, tuple(own))})
    if not limits:
        raise StandardDataError(f"要求文件 {toml_path.name} 没有限值：应给出 basis_class 或 table")
    months = meta.get("filing_months")
    if months is not None and (not isinstance(months, int) or months < 1):
        raise StandardDataError(
            f"要求文件 {toml_path.name} 的 filing_months「{months}」应为正整数（月）")
    return Requirement(
        code=code, title=str(meta.get("title", "")), source=str(meta.get("source", "")).strip(),
        applies_to=tuple(str(p) for p in meta.get("applies_to", ())), basis=basis, groups=groups,
        limits=tuple(sorted(limits.values(), key=lambda lim: (lim.indicator, lim.group))),
        filing_months=months, own=tuple(own))


@cache
def requirements(directory: Path = REQUIREMENTS_DIR) -> dict[str, Requirement]:
    """Every requirement in ``directory``, keyed by code."""
    return {r.code: r for r in (load_requirement(p) for p in sorted(directory.glob("*.toml")))}


def requirement_for(purpose: str, directory: Path = REQUIREMENTS_DIR) -> Requirement | None:
    """The requirement that points of 监测用途 ``purpose`` are assessed against, if any."""
    return next((r for r in requirements(directory).values() if purpose in r.applies_to), None)


def get_requirement(code: str, directory: Path = REQUIREMENTS_DIR) -> Requirement | None:
    return requirements(directory).get(code)


def _own_rows(detail: pd.DataFrame, req: Requirement) -> pd.DataFrame:
    """``detail`` with its rows of the requirement's own indicators at their positions."""
    d = detail.copy()
    free = (d["indicator"] < 0).to_numpy()
    found = [req.own_position(str(n)) if f else None for n, f in zip(d["name"], free, strict=True)]
    at = np.array([-1 if p is None else p for p in found], dtype=np.int64)
    hit = at >= 0
    d.loc[hit, "indicator"] = at[hit]
    base = len(req.basis.indicators)
    wrong_unit = np.array([
        h and name_key(str(u)) != name_key(req.own[p - base].unit)
        for h, p, u in zip(hit, at, d["unit"], strict=True)], dtype=bool)
    d.loc[wrong_unit, "value"] = np.nan  # cannot be judged
    d.loc[wrong_unit, "censored"] = False
    return d


def check(detail: pd.DataFrame, req: Requirement, group: str = "",
          keys: Sequence[str] = ("point", "date")) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Judge graded measurements against ``req``.

    ``detail`` has ``keys`` and ``indicator`` (position in the basis standard, −1 for not
    graded), ``value`` (in the standard's unit; the detection limit for a non-detect) and
    ``censored``; with ``name`` and ``unit`` (as the lab wrote them) the requirement's own
    indicators are found among the not graded rows (a value in another unit than the limit's
    cannot be judged). Returns (samples, measurements): one row per sample with ``result``
    (达标 / 超标 / 无法判定 / 无可判定指标), ``exceeding`` (名称（超标倍数）, 、-joined) and
    ``undetermined``; and the measurements that have a limit with ``limit``, ``met`` (True,
    False, or None when it cannot be judged) and ``multiple`` ((value − limit) / limit for a
    detected value above an upper limit)."""
    limits = req.limits_for(group)
    if req.own and "name" in detail.columns:
        detail = _own_rows(detail, req)
    pos = np.fromiter(limits, dtype=np.int64, count=len(limits))
    lim_lo = pd.Series([limits[p].lo for p in pos], index=pos, dtype="float64")
    lim_hi = pd.Series([limits[p].hi for p in pos], index=pos, dtype="float64")
    d = detail[detail["indicator"].isin(pos)]
    ind = d["indicator"].to_numpy()
    lo = lim_lo.reindex(ind).to_numpy()
    hi = lim_hi.reindex(ind).to_numpy()
    value = d["value"].to_numpy(dtype="float64")
    censored = d["censored"].to_numpy(dtype=bool)
    inside = (value >= lo) & (value <= hi)
    met = np.where(censored, np.isnan(value) | (value <= hi), inside)
    # a non-detect above the limit, or a detection without a value, cannot be judged
    judged = np.where(censored, met, ~np.isnan(value))
    upper_only = np.isinf(lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        multiple = np.where(~censored & ~met & upper_only & (hi > 0), (value - hi) / hi, np.nan)
    names = [limits[p].name for p in ind]
    out = d[[*keys]].copy()
    out["indicator"] = names
    out["value"] = value
    out["censored"] = censored
    out["limit"] = [limits[p].text for p in ind]
    out["met"] = pd.array([bool(m) if j else None for m, j in zip(met, judged, strict=True)],
                          dtype="boolean")
    out["multiple"] = np.round(multiple, 2)
    samples = detail[[*keys]].drop_duplicates().reset_index(drop=True)
    failed = out[out["met"].eq(False).fillna(False)]
    unknown = out[out["met"].isna()]

    def joined(frame: pd.DataFrame, with_multiple: bool) -> pd.Series:
        if frame.empty:
            return pd.Series(dtype="object")
        text = frame["indicator"].astype(str)
        if with_multiple:
            text = text + [f"（{m:g}倍）" if m == m else "" for m in frame["multiple"]]
        return text.groupby([frame[k] for k in keys], sort=False).agg("、".join)

    index = (pd.MultiIndex.from_frame(samples[list(keys)]) if len(keys) > 1
             else pd.Index(samples[keys[0]]))
    exceeding = joined(failed, True).reindex(index).fillna("").to_numpy()
    undetermined = joined(unknown, False).reindex(index).fillna("").to_numpy()
    counted = out.groupby(list(keys), sort=False).size().reindex(index).fillna(0).to_numpy()
    samples["result"] = np.select(
        [exceeding != "", undetermined != "", counted > 0], [EXCEEDED, UNDETERMINED, MET], NOTHING)
    samples["exceeding"] = exceeding
    samples["undetermined"] = undetermined
    return samples, out.reset_index(drop=True)
