"""Trend tests for many series at once: Mann–Kendall, Sen's slope, seasonal Kendall, MAROS-style
categories.

Every series is one point × indicator ordered by date. All series are tested together in one
compiled pass (numba) over the flat, sorted values: no Python loop per series.

Statistics (equal to ``pymannkendall.original_test`` on the same values; tested against it):

* ``s`` = Σ sign(x_j − x_i) over pairs i < j;
* ``var_s`` = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18, t = sizes of groups of tied values;
* ``z`` = (s − 1)/√var_s if s > 0, (s + 1)/√var_s if s < 0, else 0 (continuity correction);
* ``p`` two-sided normal p-value; ``tau`` = s / (n(n−1)/2).

Non-detects are never replaced by half the detection limit. In each series, every non-detect and
every detected value below the series' highest detection limit is set to one common value below
that limit: they tie with each other and rank below every other value, and S, Var(S), z, p and τ
are Mann–Kendall's on that re-censored series.

``slope`` is Sen's slope per year on the real time axis: the median of (x_j − x_i)/(t_j − t_i)
with t in years. With non-detects present it is computed from pairs of detected values only, and
left empty when fewer than half of the values are detected.

Categories (MAROS decision matrix, [MAROS] in ``docs/sources.md``) with confidence
CF = 1 − p (two-sided p, so CF > 95 % is significance at α = 0.05) and COV = sample standard
deviation / mean of the values as reported (non-detects at their detection limit):
上升 (CF > 95 %, S > 0), 可能上升 (90–95 %, S > 0), 无趋势 (< 90 %, S > 0, or S ≤ 0 and COV ≥ 1),
稳定 (S ≤ 0, CF < 90 %, COV < 1), 可能下降 (90–95 %, S < 0), 下降 (> 95 %, S < 0),
数据不足 (fewer than 4 values).

The seasonal Kendall test (Hirsch–Slack) sums S and Var(S) over seasons (水期); its slope is the
median of within-season pairwise slopes per year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit, prange
from scipy.stats import norm

from gwlib.quality.compiled import KERNEL_LOCK

FloatArray = npt.NDArray[np.float64]
MIN_VALUES = 4
DAYS_PER_YEAR = 365.25
TREND_COLUMNS = ["n", "n_nd", "s", "var_s", "z", "p", "tau", "slope", "cov", "category"]


class TrendCategory(StrEnum):
    INCREASING = "上升"
    PROB_INCREASING = "可能上升"
    STABLE = "稳定"
    NO_TREND = "无趋势"
    PROB_DECREASING = "可能下降"
    DECREASING = "下降"
    INSUFFICIENT = "数据不足"


def _z_p(s: FloatArray, var_s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Normal score with continuity correction, and its two-sided p-value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(var_s)
        z = np.where(s > 0, (s - 1) / sd, np.where(s < 0, (s + 1) / sd, 0.0))
    z = np.where(var_s > 0, z, 0.0)
    return z, 2 * norm.sf(np.abs(z))


@njit(cache=True, nogil=True, parallel=True)
def _series_stats(
    x: FloatArray,
    t: FloatArray,
    raw: FloatArray,
    detected: npt.NDArray[np.bool_],
    season: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:  # pragma: no cover
    """S, Var(S), pairs, Sen's slope and COV of every series (compiled, one series per task).

    Series r is ``[starts[r], starts[r] + lengths[r])`` of the flat, date-ordered arrays: ``x``
    re-censored values, ``t`` years, ``raw`` reported values, ``season`` codes (one code for a
    non-seasonal test). Pairs count only within a season.
    """
    n_series = starts.shape[0]
    s_out = np.zeros(n_series)
    var_out = np.zeros(n_series)
    pairs_out = np.zeros(n_series)
    slope_out = np.full(n_series, np.nan)
    cov_out = np.full(n_series, np.nan)
    for r in prange(n_series):
        a = starts[r]
        n = lengths[r]
        xs, ts, rw = x[a : a + n], t[a : a + n], raw[a : a + n]
        det, se = detected[a : a + n], season[a : a + n]
        s = 0.0
        slopes = np.empty(n * (n - 1) // 2)
        m = 0
        for i in range(n):
            for j in range(i + 1, n):
                if se[i] != se[j]:
                    continue
                d = xs[j] - xs[i]
                s += (d > 0) - (d < 0)
                dt = ts[j] - ts[i]
                if det[i] and det[j] and dt != 0:
                    slopes[m] = (rw[j] - rw[i]) / dt
                    m += 1
        # Var(S): Σ over seasons f(n_g) − Σ over tie groups (within a season) f(t), all / 18.
        var = 0.0
        pairs = 0.0
        for code in np.unique(se):
            vals = np.sort(xs[se == code])
            g = float(vals.shape[0])
            var += g * (g - 1) * (2 * g + 5)
            pairs += g * (g - 1) / 2
            run = 1.0
            for k in range(1, vals.shape[0] + 1):
                if k < vals.shape[0] and vals[k] == vals[k - 1]:
                    run += 1
                else:
                    var -= run * (run - 1) * (2 * run + 5)
                    run = 1.0
        s_out[r] = s
        var_out[r] = var / 18.0
        pairs_out[r] = pairs
        if m > 0:
            slope_out[r] = np.median(slopes[:m])
        mean = rw.mean()
        if n > 1 and mean != 0:
            cov_out[r] = np.sqrt(((rw - mean) ** 2).sum() / (n - 1)) / mean
    return s_out, var_out, pairs_out, slope_out, cov_out


def _recensor(
    values: FloatArray,
    censored: npt.NDArray[np.bool_],
    series: npt.NDArray[np.int64],
    n_series: int,
) -> FloatArray:
    """Non-detects and detects below the series' highest detection limit → one value below it."""
    highest = np.full(n_series, -np.inf)
    if censored.any():
        np.maximum.at(highest, series[censored], values[censored])
    h = highest[series]
    low = censored | (values < h)
    return np.where(low & np.isfinite(h), h - (np.abs(h) + 1.0), values)


def mann_kendall(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    value: str = "value",
    date: str = "date",
    censored: str | None = "censored",
    season: str | None = None,
) -> pd.DataFrame:
    """Trend statistics for every series in a long frame (one row per observation).

    Returns one row per series (``keys``, in sorted order) with columns :data:`TREND_COLUMNS`.
    With ``season`` (e.g. ``"period"``) the test is the seasonal Kendall over those seasons.
    Missing values (NaN) are dropped first, as pymannkendall does.
    """
    cols = [*keys, date, value] + ([censored] if censored else []) + ([season] if season else [])
    f = frame.loc[frame[value].notna(), cols]
    if f.empty:
        return pd.DataFrame(columns=[*keys, *TREND_COLUMNS])
    f = f.sort_values([*keys, date], kind="stable")
    codes = f.groupby(keys, sort=False, observed=True).ngroup().to_numpy(dtype=np.int64)
    n_series = int(codes.max()) + 1
    vals = f[value].to_numpy(dtype=np.float64)
    cens = f[censored].to_numpy(dtype=bool) if censored else np.zeros(len(f), dtype=bool)
    days = pd.to_datetime(f[date]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    years = days / DAYS_PER_YEAR
    seas = (
        pd.factorize(f[season])[0].astype(np.int64) if season else np.zeros(len(f), dtype=np.int64)
    )
    x_all = _recensor(vals, cens, np.asarray(codes, dtype=np.int64), n_series)
    lengths = np.bincount(codes, minlength=n_series).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    with KERNEL_LOCK:
        stats = _series_stats(x_all, years, vals, ~cens, seas, starts, lengths)
    out = dict(zip(("s", "var_s", "pairs", "slope", "cov"), stats, strict=True))
    n_nd = np.bincount(codes, weights=cens.astype(np.float64), minlength=n_series)
    s, var_s = out["s"], out["var_s"]
    z, p = _z_p(s, var_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(out["pairs"] > 0, s / out["pairs"], np.nan)
    slope = np.where((lengths - n_nd) >= lengths / 2, out["slope"], np.nan)
    first = f.iloc[starts][keys].reset_index(drop=True)
    for k in keys:  # categorical keys (Store.trend_input) come back as their labels
        if isinstance(first[k].dtype, pd.CategoricalDtype):
            first[k] = first[k].astype(first[k].cat.categories.dtype)
    return first.assign(
        n=lengths,
        n_nd=n_nd.astype(np.int64),
        s=s,
        var_s=var_s,
        z=z,
        p=p,
        tau=tau,
        slope=slope,
        cov=out["cov"],
        category=categorise(s, p, out["cov"], lengths),
    )


def categorise(
    s: FloatArray, p: FloatArray, cov: FloatArray, n: npt.NDArray[np.int64]
) -> npt.NDArray[np.object_]:
    """MAROS-style category for each series (see module docstring)."""
    cf = 1 - p
    conds = [
        n < MIN_VALUES,
        (cf > 0.95) & (s > 0),
        (cf >= 0.90) & (s > 0),
        s > 0,
        (cf > 0.95) & (s < 0),
        (cf >= 0.90) & (s < 0),
        cov >= 1,
    ]
    choices = [
        TrendCategory.INSUFFICIENT,
        TrendCategory.INCREASING,
        TrendCategory.PROB_INCREASING,
        TrendCategory.NO_TREND,
        TrendCategory.DECREASING,
        TrendCategory.PROB_DECREASING,
        TrendCategory.NO_TREND,
    ]
    return np.select(conds, [c.value for c in choices], TrendCategory.STABLE.value).astype(object)


def series_from_detail(detail: pd.DataFrame) -> pd.DataFrame:
    """Observations for trend tests from graded measurements (``assess(...).detail``).

    Keeps indicators of the standard with a value (numbers and non-detects). A non-detect with
    no stated limit takes the series' highest stated limit, or its lowest detected value, so it
    ties below every detected value; a series of such values only is all ties.
    """
    d = detail[(detail["indicator"] >= 0) & detail["token"].isin([0, 1, 2])]
    d = d[
        ["point", "indicator", "date", "value", "censored"]
        + [c for c in ("period",) if c in detail.columns]
    ].copy()
    keys = ["point", "indicator"]
    no_dl = d["censored"] & d["value"].isna()
    if no_dl.any():
        dl_max = d[d["censored"]].groupby(keys)["value"].transform("max")
        det_min = d[~d["censored"]].groupby(keys)["value"].min()
        fallback = d.join(det_min.rename("det_min"), on=keys)["det_min"]
        d.loc[no_dl, "value"] = dl_max.reindex(d.index)[no_dl].fillna(fallback[no_dl]).fillna(0.0)
    return d.reset_index(drop=True)


# -- the batch refresh -------------------------------------------------------------------------

#: Points read and tested at a time by :func:`refresh_trends` (memory stays flat at any scale).
TREND_POINTS_PER_READ = 200


class TrendStore(Protocol):
    """What :func:`refresh_trends` needs of the store: reads and one replacing write."""

    def points(self) -> pd.DataFrame: ...

    def trend_input(self, points: Sequence[str] | None = None) -> pd.DataFrame: ...

    def replace_trends(
        self, results: pd.DataFrame, points: Sequence[str] | None = None
    ) -> int: ...


def refresh_trends(
    store: TrendStore,
    points: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute Mann–Kendall and seasonal Kendall results for every point × indicator series
    (of ``points`` only, when given: the series an import touched) and store them, replacing the
    old ones in one transaction. Returns the number of rows stored.

    Reads and tests :data:`TREND_POINTS_PER_READ` points at a time; ``progress(done, total)`` is
    called after each group of points.
    """
    codes = sorted(store.points()["code"]) if points is None else sorted(set(points))
    keys = ["point", "indicator_code"]
    frames = []
    for i in range(0, len(codes), TREND_POINTS_PER_READ):
        m = store.trend_input(codes[i : i + TREND_POINTS_PER_READ])
        # first/last date per series, once for both methods; on datetime64 (a column of Python
        # dates would make pandas fall back to a per-group Python loop)
        days = pd.to_datetime(m["date"])
        span = days.groupby([m[k] for k in keys], observed=True).agg(["min", "max"])
        span = span.apply(lambda c: c.dt.strftime("%Y-%m-%d"))
        for method, season in (("mk", None), ("seasonal", "period")):
            res = mann_kendall(m, keys, season=season)
            res = res.join(span, on=keys)
            frames.append(res.rename(columns={"min": "first_date", "max": "last_date"}))
            frames[-1]["method"] = method
        if progress:
            progress(min(i + TREND_POINTS_PER_READ, len(codes)), len(codes))
    res = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return store.replace_trends(res, None if points is None else codes)
