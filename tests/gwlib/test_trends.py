"""Trend statistics against pymannkendall (the oracle), with ties and non-detects; Sen's slope per
year; seasonal Kendall; categories; the ``trend`` CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwlib.cli import main
from gwlib.quality.trends import TrendCategory, categorise, mann_kendall

REL = 1e-9


def frame_of(
    series: dict[str, list[float]],
    step_days: int = 182,
    censored: dict[str, list[bool]] | None = None,
) -> pd.DataFrame:
    rows = []
    for key, values in series.items():
        dates = pd.Timestamp("2016-03-01") + pd.to_timedelta(
            np.arange(len(values)) * step_days, "D"
        )
        cens = (censored or {}).get(key, [False] * len(values))
        rows += [(key, d, v, c) for d, v, c in zip(dates, values, cens, strict=True)]
    return pd.DataFrame(rows, columns=["point", "date", "value", "censored"])


def assert_matches_pymannkendall(got: pd.Series, x: np.ndarray) -> None:
    ref = mk.original_test(x)
    for ours, theirs in (
        (got["s"], ref.s),
        (got["var_s"], ref.var_s),
        (got["z"], ref.z),
        (got["p"], ref.p),
        (got["tau"], ref.Tau),
    ):
        assert ours == pytest.approx(theirs, rel=REL, abs=1e-12)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from([0.1, 0.2, 0.2, 0.5, 1.0, 1.5, 2.0, 3.3]), min_size=2, max_size=40
        ),
        min_size=1,
        max_size=8,
    )
)
def test_equals_pymannkendall_with_ties(batch: list[list[float]]) -> None:
    series = {f"P{i}": xs for i, xs in enumerate(batch)}
    res = mann_kendall(frame_of(series), ["point"]).set_index("point")
    for key, xs in series.items():
        assert_matches_pymannkendall(res.loc[key], np.array(xs))


def test_sen_slope_is_median_pairwise_slope_per_year() -> None:
    rng = np.random.default_rng(3)
    values = list(np.round(rng.normal(5, 1, 21) + np.arange(21) * 0.3, 2))
    f = frame_of({"A": values}, step_days=91)
    got = mann_kendall(f, ["point"]).iloc[0]
    t = (f["date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy() / 365.25
    x = f["value"].to_numpy()
    i, j = np.triu_indices(len(x), 1)
    assert got["slope"] == pytest.approx(np.median((x[j] - x[i]) / (t[j] - t[i])), rel=REL)
    ref = mk.original_test(x)  # pymannkendall's slope is per time step
    assert got["slope"] == pytest.approx(ref.slope * 365.25 / 91, rel=REL)


def test_non_detects_tie_below_the_highest_detection_limit() -> None:
    values = [0.5, 0.2, 0.8, 0.3, 1.2, 0.9, 1.5, 2.0, 0.4, 2.2]
    cens = [True, True, False, False, False, False, False, False, True, False]
    got = mann_kendall(frame_of({"A": values}, censored={"A": cens}), ["point"]).iloc[0]
    # Oracle: highest detection limit 0.5; every non-detect and every detect below it tie below.
    recensored = np.array([-1.0 if c or v < 0.5 else v for v, c in zip(values, cens, strict=True)])
    assert_matches_pymannkendall(got, recensored)
    assert got["n_nd"] == 3
    assert not np.isnan(got["slope"])  # 70 % detected: slope from detected pairs
    mostly_nd = mann_kendall(
        frame_of({"B": [0.1] * 6 + [0.5, 0.7]}, censored={"B": [True] * 6 + [False] * 2}), ["point"]
    )
    assert np.isnan(mostly_nd["slope"].iloc[0])


def test_seasonal_kendall_equals_pymannkendall_seasonal() -> None:
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(3, 1, 20) + np.arange(20) * 0.1, 1)
    periods = ["枯水期", "丰水期"] * 10
    f = frame_of({"A": list(x)}).assign(period=periods)
    got = mann_kendall(f, ["point"], season="period").iloc[0]
    ref = mk.seasonal_test(x, period=2)
    assert got["s"] == pytest.approx(ref.s)
    assert got["var_s"] == pytest.approx(ref.var_s, rel=REL)
    assert got["p"] == pytest.approx(ref.p, rel=1e-7)


@pytest.mark.parametrize(
    ("s", "p", "cov", "n", "expected"),
    [
        (10, 0.01, 0.2, 10, TrendCategory.INCREASING),
        (10, 0.07, 0.2, 10, TrendCategory.PROB_INCREASING),
        (10, 0.5, 0.2, 10, TrendCategory.NO_TREND),
        (-10, 0.5, 1.5, 10, TrendCategory.NO_TREND),
        (-10, 0.5, 0.5, 10, TrendCategory.STABLE),
        (0, 1.0, 0.0, 10, TrendCategory.STABLE),
        (-10, 0.07, 0.2, 10, TrendCategory.PROB_DECREASING),
        (-10, 0.01, 0.2, 10, TrendCategory.DECREASING),
        (3, 0.01, 0.2, 3, TrendCategory.INSUFFICIENT),
    ],
)
def test_categories(s: float, p: float, cov: float, n: int, expected: TrendCategory) -> None:
    got = categorise(np.array([s], float), np.array([p]), np.array([cov]), np.array([n]))
    assert got[0] == expected.value


def test_trend_cli(tmp_path: Path) -> None:
    lines = ["点位编码,采样日期,指标,监测值,单位"]
    for k in range(10):
        date = f"{2016 + k}-06-01"
        lines.append(f"A,{date},硝酸盐氮,{10 + k},mg/L")
        lines.append(f"A,{date},铅,{'0.005L' if k % 3 else '0.004'},mg/L")
        lines.append(f"B,{date},氟化物,{1.0 + (k % 2) * 0.1:.1f},mg/L")
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "trend.csv"
    assert main(["trend", str(src), "-o", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {(r["point"], r["indicator"]): r for r in csv.DictReader(fh)}
    assert list(next(iter(rows.values()))) == [
        "point",
        "indicator",
        "n",
        "s",
        "var_s",
        "z",
        "p",
        "tau",
        "slope",
        "category",
    ]
    nitrate = rows[("A", "硝酸盐（以N计）")]
    assert (nitrate["n"], nitrate["s"], nitrate["category"]) == ("10", "45", "上升")
    assert float(nitrate["slope"]) == pytest.approx(1.0, rel=1e-3)
    assert rows[("A", "铅")]["slope"] == ""  # mostly non-detects: no slope


def _reference(x: np.ndarray, raw: np.ndarray, det: np.ndarray, t: np.ndarray,
               season: np.ndarray) -> tuple[float, float, float]:  # fmt: skip
    """S, Var(S) and Sen's slope of one re-censored series, pair by pair (within seasons)."""
    s, slopes, var = 0.0, [], 0.0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            if season[i] != season[j]:
                continue
            s += np.sign(x[j] - x[i])
            if det[i] and det[j] and t[j] != t[i]:
                slopes.append((raw[j] - raw[i]) / (t[j] - t[i]))
    for code in set(season.tolist()):
        xs = x[season == code]
        g = len(xs)
        var += g * (g - 1) * (2 * g + 5)
        for _, tied in pd.Series(xs).value_counts().items():
            var -= tied * (tied - 1) * (2 * tied + 5)
    return s, var / 18, float(np.median(slopes)) if slopes else float("nan")


@settings(max_examples=80, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.1, 0.2, 0.5, 1.0, 1.5, 3.3]),
            st.booleans(),
            st.sampled_from(["枯水期", "丰水期", "平水期"]),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
)
def test_both_tests_in_one_pass_equal_pair_by_pair(
    obs: list[tuple[float, bool, str, int]], one_season: bool
) -> None:
    """trend_tests computes Mann–Kendall and the seasonal test in one compiled pass; each equals
    a pair-by-pair computation on the re-censored series, with several seasons or one."""
    from gwlib.quality.trends import trend_tests

    values = np.array([o[0] for o in obs])
    cens = np.array([o[1] and o[0] < 1.0 for o in obs])  # non-detects at low limits
    seasons = np.array(["枯水期" if one_season else o[2] for o in obs])
    days = np.cumsum([30 * (o[3] + 1) for o in obs])
    f = pd.DataFrame({"point": "A", "date": pd.Timestamp("2010-01-01") + pd.to_timedelta(days, "D"),
                      "value": values, "censored": cens, "period": seasons})  # fmt: skip
    got = trend_tests(f, ["point"], season="period")
    h = values[cens].max() if cens.any() else -np.inf
    x = np.where((cens | (values < h)) & np.isfinite(h), h - (abs(h) + 1), values)
    years = (days / 365.25).astype(float)
    n_det = int((~cens).sum())
    for method, season in (("mk", np.zeros(len(obs))), ("seasonal", seasons)):
        row = got[method].iloc[0]
        s, var, slope = _reference(x, values, ~cens, years, season)
        assert row["n"] == len(obs) and row["n_nd"] == int(cens.sum())
        assert row["s"] == s and row["var_s"] == pytest.approx(var, abs=1e-9)
        if n_det >= len(obs) / 2 and not np.isnan(slope):
            assert row["slope"] == pytest.approx(slope, rel=1e-9)
        else:
            assert np.isnan(row["slope"])
        assert row["first_date"] == f["date"].min().strftime("%Y-%m-%d")
        assert row["last_date"] == f["date"].max().strftime("%Y-%m-%d")
