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


@njit(cache=True, nogil=True)
def _var_s(xs: FloatArray) -> tuple[float, float]:  # pragma: no cover
    """n(n−1)(2n+5) − Σ t(t−1)(2t+5) over groups of tied values, and n(n−1)/2 (compiled)."""
    vals = np.sort(xs)
    g = float(vals.shape[0])
    var = g * (g - 1) * (2 * g + 5)
    run = 1.0
    for k in range(1, vals.shape[0] + 1):
        if k < vals.shape[0] and vals[k] == vals[k - 1]:
            run += 1
        else:
            var -= run * (run - 1) * (2 * run + 5)
            run = 1.0
    return var, g * (g - 1) / 2


@njit(cache=True, nogil=True, parallel=True)
def _series_stats(
    x: FloatArray,
    t: FloatArray,
    raw: FloatArray,
    detected: npt.NDArray[np.bool_],
    season: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover
    """S, Var(S), pairs, Sen's slope and COV of every series, for Mann–Kendall (row 0 of each
    output, all pairs) and the seasonal Kendall test (row 1, pairs within a season); compiled,
    one series per task, one pass over the pairs for both.

    Series r is ``[starts[r], starts[r] + lengths[r])`` of the flat, date-ordered arrays: ``x``
    re-censored values, ``t`` years, ``raw`` reported values, ``season`` codes. Returns
    ``stats[method, r, k]`` with k = S, Var(S), pairs, slope, and ``cov[r]``.
    """
    n_series = starts.shape[0]
    out = np.zeros((2, n_series, 4))
    cov_out = np.full(n_series, np.nan)
    for r in prange(n_series):
        a = starts[r]
        n = lengths[r]
        xs, ts, rw = x[a : a + n], t[a : a + n], raw[a : a + n]
        det, se = detected[a : a + n], season[a : a + n]
        seasons = np.unique(se)
        one_season = seasons.shape[0] == 1
        s_all = 0.0
        s_in = 0.0
        slopes = np.empty(n * (n - 1) // 2)
        within = np.empty(0 if one_season else n * (n - 1) // 2)
        m = 0
        m_in = 0
        for i in range(n):
            for j in range(i + 1, n):
                d = xs[j] - xs[i]
                sign = (d > 0) - (d < 0)
                s_all += sign
                same = se[i] == se[j]
                if same:
                    s_in += sign
                dt = ts[j] - ts[i]
                if det[i] and det[j] and dt != 0:
                    slope = (rw[j] - rw[i]) / dt
                    slopes[m] = slope
                    m += 1
                    if same and not one_season:
                        within[m_in] = slope
                        m_in += 1
        var_all, pairs_all = _var_s(xs)
        out[0, r, 0], out[0, r, 1], out[0, r, 2] = s_all, var_all / 18.0, pairs_all
        out[0, r, 3] = np.median(slopes[:m]) if m > 0 else np.nan
        if one_season:  # the seasonal test of one season is Mann–Kendall's
            out[1, r, :] = out[0, r, :]
        else:
            var_in = 0.0
            pairs_in = 0.0
            for code in seasons:
                v, pr = _var_s(xs[se == code])
                var_in += v
                pairs_in += pr
            out[1, r, 0], out[1, r, 1], out[1, r, 2] = s_in, var_in / 18.0, pairs_in
            out[1, r, 3] = np.median(within[:m_in]) if m_in > 0 else np.nan
        mean = rw.mean()
        if n > 1 and mean != 0:
            cov_out[r] = np.sqrt(((rw - mean) ** 2).sum() / (n - 1)) / mean
    return out, cov_out


def _recensor(
    values: FloatArray,
    censored: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.int64],
) -> FloatArray:
    """Non-detects and detects below the series' highest detection limit → one value below it
    (series are the runs beginning at ``starts``)."""
    highest = np.maximum.reduceat(np.where(censored, values, -np.inf), starts)
    h = np.repeat(highest, np.diff(np.r_[starts, len(values)]))
    low = censored | (values < h)
    return np.where(low & np.isfinite(h), h - (np.abs(h) + 1.0), values)


def trend_tests(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    value: str = "value",
    date: str = "date",
    censored: str | None = "censored",
    season: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Mann–Kendall (``"mk"``) and, with ``season`` (e.g. ``"period"``), the seasonal Kendall
    test over those seasons (``"seasonal"``) for every series in a long frame (one row per
    observation), in one pass.

    Each frame has one row per series (``keys``, in sorted order) with columns
    :data:`TREND_COLUMNS`, ``first_date`` and ``last_date`` (``YYYY-MM-DD``: the series' first and
    last observation). Missing values (NaN) are dropped first, as pymannkendall does.
    """
    cols = [*keys, date, value] + ([censored] if censored else []) + ([season] if season else [])
    f = frame.loc[frame[value].notna(), cols]
    methods = ["mk", "seasonal"] if season else ["mk"]
    if f.empty:
        empty = pd.DataFrame(columns=[*keys, *TREND_COLUMNS, "first_date", "last_date"])
        return {m: empty.copy() for m in methods}
    f = f.sort_values([*keys, date], kind="stable")
    codes = f.groupby(keys, sort=False, observed=True).ngroup().to_numpy(dtype=np.int64)
    n_series = int(codes.max()) + 1
    vals = f[value].to_numpy(dtype=np.float64)
    cens = f[censored].to_numpy(dtype=bool) if censored else np.zeros(len(f), dtype=bool)
    stamps = pd.to_datetime(f[date]).to_numpy(dtype="datetime64[D]")
    years = stamps.astype(np.int64) / DAYS_PER_YEAR
    seas = (
        pd.factorize(f[season])[0].astype(np.int64) if season else np.zeros(len(f), dtype=np.int64)
    )
    lengths = np.bincount(codes, minlength=n_series).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    x_all = _recensor(vals, cens, starts)
    with KERNEL_LOCK:
        stats, cov = _series_stats(x_all, years, vals, ~cens, seas, starts, lengths)
    n_nd = np.bincount(codes, weights=cens.astype(np.float64), minlength=n_series)
    first = f.iloc[starts][keys].reset_index(drop=True)
    for k in keys:  # categorical keys (Store.trend_input) come back as their labels
        if isinstance(first[k].dtype, pd.CategoricalDtype):
            first[k] = first[k].astype(first[k].cat.categories.dtype)
    first_date = np.datetime_as_string(stamps[starts], unit="D")
    last_date = np.datetime_as_string(stamps[starts + lengths - 1], unit="D")
    out = {}
    for i, method in enumerate(methods):
        s, var_s, pairs, slope = (stats[i, :, k] for k in range(4))
        z, p = _z_p(s, var_s)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.where(pairs > 0, s / pairs, np.nan)
        out[method] = first.assign(
            n=lengths,
            n_nd=n_nd.astype(np.int64),
            s=s,
            var_s=var_s,
            z=z,
            p=p,
            tau=tau,
            slope=np.where((lengths - n_nd) >= lengths / 2, slope, np.nan),
            cov=cov,
            category=categorise(s, p, cov, lengths),
            first_date=first_date,
            last_date=last_date,
        )
    return out


def mann_kendall(
    frame: pd.DataFrame, keys: list[str], *, censored: str | None = "censored",
    season: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Trend statistics for every series in a long frame (one row per observation, columns
    ``value`` and ``date``): one row per series (``keys``, in sorted order) with columns
    :data:`TREND_COLUMNS`. With ``season`` (e.g. ``"period"``) the test is the seasonal Kendall
    over those seasons (:func:`trend_tests`)."""
    res = trend_tests(frame, keys, censored=censored, season=season)
    return res["seasonal" if season else "mk"][[*keys, *TREND_COLUMNS]]


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
        for method, res in trend_tests(m, keys, season="period").items():
            frames.append(res.assign(method=method))
        if progress:
            progress(min(i + TREND_POINTS_PER_READ, len(codes)), len(codes))
    res = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return store.replace_trends(res, None if points is None else codes)
