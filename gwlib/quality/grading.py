"""Grading against a standard set: single-indicator class, comprehensive class, 超标倍数.

Rules (GB/T 14848-2017 地下水质量评价):

* 单指标评价 — “按指标值所在的限值范围确定地下水质量类别，指标限值相同时，从优不从劣”.
  With each class an interval ``lo[k] <= v <= hi[k]`` nested inside the next (see
  :mod:`gwlib.quality.standards`), the class is
  ``1 + number of classes Ⅰ..Ⅳ whose interval misses v``.
  The better class wins ties because its interval is tested first. One expression for every
  indicator, evaluated on whole arrays.
* 综合评价 — “按单指标评价结果最差的类别确定，并指出最差类别的指标”: the sample's class is the
  maximum, and every indicator at that class is named.

Non-detects (the standard has no rule; this is gwlib's documented, configurable policy):

* ``DETECTION_LIMIT`` (default) — graded at the class of the detection limit and marked
  censored, so arsenic ``0.0003L`` is Ⅰ and lead ``0.01L`` is Ⅲ; a non-detect with no stated limit
  is Ⅰ, marked censored. Where class Ⅰ is 不得检出 (阴离子表面活性剂) a non-detect is Ⅰ.
* ``BEST`` — every non-detect is Ⅰ.
* ``EXCLUDE`` — non-detects are not graded (listed, not counted in the comprehensive class).

超标倍数 = (C − Cs) / Cs for a detected value above the limit Cs of the reference class (Ⅲ, or a
point's own target class). Empty when not exceeding, when censored, for pH (two-sided) and for
qualitative indicators.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit, prange

from gwlib.quality.classes import QualityClass
from gwlib.quality.compiled import KERNEL_LOCK
from gwlib.quality.standards import StandardSet
from gwlib.quality.values import ValueToken

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NOT_GRADED = 0


class NonDetectPolicy(StrEnum):
    """How a value below the detection limit is graded."""

    DETECTION_LIMIT = "detection_limit"
    BEST = "best"
    EXCLUDE = "exclude"


_NON_DETECT = int(ValueToken.NON_DETECT)
_ABSENT = int(ValueToken.ABSENT)
_PRESENT = int(ValueToken.PRESENT)
_POLICIES = {"detection_limit": 0, "best": 1, "exclude": 2}
_BEST, _EXCLUDE = _POLICIES["best"], _POLICIES["exclude"]


@njit(cache=True, nogil=True, parallel=True)
def _grade_kernel(
    idx: IntArray,
    value: FloatArray,
    token: npt.NDArray[np.int8],
    bounds: FloatArray,
    nd_best: npt.NDArray[np.bool_],
    policy: int,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:  # pragma: no cover - compiled
    """One compiled, branch-light pass: the rules of :func:`grade_values` for every value.

    ``bounds[i]`` holds indicator i's lo[Ⅰ..Ⅳ] then hi[Ⅰ..Ⅳ] side by side (one cache line);
    ``nd_best[i]``: a non-detect of indicator i is Ⅰ whatever its detection limit.
    """
    n = idx.shape[0]
    cls = np.empty(n, dtype=np.int8)
    censored = np.empty(n, dtype=np.bool_)
    best_all = policy == _BEST
    exclude = policy == _EXCLUDE
    for j in prange(n):
        i = idx[j]
        t = token[j]
        ok = (i >= 0) & (t <= _PRESENT)
        i = max(i, 0)
        v = value[j] if t < _ABSENT else float(t - _ABSENT)  # 无 → 0, 有 → 1
        nd = ok & (t == _NON_DETECT)
        b = bounds[i]
        c = 1
        for k in range(4):  # the class is 1 + the intervals (Ⅰ..Ⅳ) that miss v
            c += (v < b[k]) | (v > b[k + 4])
        nan = np.isnan(v)
        best = nd & (best_all | nan | nd_best[i])
        c = 1 if best else (0 if nan else c)
        cls[j] = 0 if (not ok) | (nd & exclude) else c
        censored[j] = nd
    return cls, censored


def single_class(
    standard: StandardSet, indicator: IntArray, value: FloatArray
) -> npt.NDArray[np.int8]:
    """Class 1..5 of each value for its indicator (indices into ``standard.indicators``).

    NaN values get 0 (not graded). One compiled pass over flat arrays.
    """
    v = np.ascontiguousarray(value, dtype=np.float64)
    return grade_values(standard, indicator, v, np.zeros(v.shape, dtype=np.int8))[0]


def grade_values(
    standard: StandardSet,
    indicator: IntArray,
    value: FloatArray,
    token: npt.NDArray[np.int8],
    policy: NonDetectPolicy = NonDetectPolicy.DETECTION_LIMIT,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """Class and censored flag for parsed measurements.

    ``value`` is in the standard's unit (for a non-detect, its detection limit or NaN);
    ``token`` is :class:`~gwlib.quality.values.ValueToken`. Qualitative 无/有 are read as 0/1; a
    non-detect of a qualitative indicator is 无. Rows whose token cannot be graded (blank,
    error, indicator index < 0) get class 0.
    """
    idx = np.ascontiguousarray(indicator, dtype=np.int64)
    if len(idx) and idx.max() >= len(standard.indicators):
        raise IndexError(f"indicator index {idx.max()} out of range")
    with KERNEL_LOCK:
        cls, censored = _grade_kernel(
            idx,
            np.ascontiguousarray(value, dtype=np.float64),
            np.ascontiguousarray(token, dtype=np.int8),
            np.ascontiguousarray(np.vstack([standard.lo_by_class, standard.hi_by_class]).T),
            standard.nd_is_best | standard.qualitative,
            _POLICIES[NonDetectPolicy(policy).value],
        )
    return cls, censored


def grade_one(
    standard: StandardSet,
    indicator: int,
    value: float,
    token: int,
    policy: NonDetectPolicy = NonDetectPolicy.DETECTION_LIMIT,
) -> int:
    """The class of one value, in plain Python: the same rules as :func:`grade_values`,
    written value by value (the reference the compiled pass is tested and timed against)."""
    if indicator < 0 or token > _PRESENT:
        return NOT_GRADED
    if token in (_ABSENT, _PRESENT):
        value = float(token - _ABSENT)
    ind = standard.indicators[indicator]
    if token == _NON_DETECT:
        if policy is NonDetectPolicy.EXCLUDE:
            return NOT_GRADED
        best = ind.nd_is_best or ind.kind == "qualitative"
        if policy is NonDetectPolicy.BEST or math.isnan(value) or best:
            return int(QualityClass.I)
    if math.isnan(value):
        return NOT_GRADED
    return 1 + sum(1 for lo, hi in zip(ind.lo, ind.hi, strict=True) if not lo <= value <= hi)


def exceedance(
    standard: StandardSet,
    indicator: IntArray,
    value: FloatArray,
    censored: npt.NDArray[np.bool_],
    reference: int | IntArray = QualityClass.III,
) -> FloatArray:
    """超标倍数 against the upper limit of ``reference`` class (scalar or one per row).

    NaN where the value does not exceed, is censored, or the limit is not a finite positive
    upper bound (pH, qualitative indicators, a reference class of Ⅴ).
    """
    idx = np.asarray(indicator, dtype=np.int64)
    safe = np.where(idx >= 0, idx, 0)
    ref = np.broadcast_to(np.asarray(reference, dtype=np.int64), idx.shape)
    col = np.clip(ref - 1, 0, 3)
    limit = standard.hi[safe, col]
    upper_only = np.isneginf(standard.lo[safe, col]) & (ref <= 4)
    v = np.asarray(value, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (v - limit) / limit
        ok = (
            (idx >= 0)
            & upper_only
            & np.isfinite(limit)
            & (limit > 0)
            & (v > limit)
            & ~np.asarray(censored, dtype=bool)
        )
    ok &= ~standard.qualitative[safe]
    return np.where(ok, ratio, np.nan)


def comprehensive(graded: pd.DataFrame, keys: list[str], standard: StandardSet) -> pd.DataFrame:
    """综合评价 per sample.

    ``graded`` has the ``keys`` columns, ``indicator`` (index) and ``class`` (0 = not graded).
    Returns one row per key with ``class`` (0 when nothing was graded), ``limiting`` (official
    names at the worst class, in the standard's order, joined by ';'), ``limiting_codes`` and
    ``n_graded``.
    """
    g = graded.loc[:, [*keys, "indicator", "class"]]
    worst = g.groupby(keys, sort=True, dropna=False)["class"].agg(["max"])
    counted = g[g["class"] > NOT_GRADED].groupby(keys, sort=True, dropna=False).size()
    worst["n_graded"] = counted.reindex(worst.index, fill_value=0).astype("int64")
    top = g.join(worst["max"], on=keys)
    top = top[(top["class"] == top["max"]) & (top["class"] > NOT_GRADED)]
    top = top.drop_duplicates([*keys, "indicator"]).sort_values([*keys, "indicator"])
    names = np.array([i.name for i in standard.indicators], dtype=object)
    codes = np.array([i.code for i in standard.indicators], dtype=object)
    top = top.assign(
        name=names[top["indicator"].to_numpy()], code=codes[top["indicator"].to_numpy()]
    )
    joined = top.groupby(keys, sort=True, dropna=False).agg(
        limiting=("name", ";".join), limiting_codes=("code", ";".join)
    )
    out = worst.rename(columns={"max": "class"}).join(joined)
    out["limiting"] = out["limiting"].fillna("")
    out["limiting_codes"] = out["limiting_codes"].fillna("")
    out["class"] = out["class"].astype("int64")
    out.loc[out["class"] == QualityClass.I, ["limiting", "limiting_codes"]] = ""
    return out.reset_index()
