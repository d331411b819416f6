"""Grading rules: non-detects, qualitative and surfactant rules, comprehensive class, 超标倍数,
and properties (monotone in value; comprehensive = max)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwlib.quality.assess import assess
from gwlib.quality.grading import NonDetectPolicy, exceedance, grade_one, grade_values, single_class
from gwlib.quality.standards import get_standard
from gwlib.quality.values import ValueToken, parse_values

STD = get_standard()


def grade(pairs: list[tuple[str, str]], policy: NonDetectPolicy = NonDetectPolicy.DETECTION_LIMIT):
    idx = np.array([STD.index(n) for n, _ in pairs])
    p = parse_values([v for _, v in pairs])
    return grade_values(STD, idx, p["number"].to_numpy(), p["token"].to_numpy(), policy)


@pytest.mark.parametrize(
    ("name", "raw", "expected", "censored"),
    [
        ("砷", "0.0003L", 1, True),  # DL within Ⅰ
        ("铅", "0.01L", 3, True),  # DL equals the Ⅲ limit
        ("铅", "<0.02", 4, True),  # DL above Ⅲ: cannot claim better than Ⅳ
        ("汞", "ND", 1, True),  # no stated limit: Ⅰ, marked
        ("汞", "未检出", 1, True),
        ("阴离子表面活性剂", "0.05L", 1, True),  # Ⅰ = 不得检出: not detected is Ⅰ
        ("阴离子表面活性剂", "0.01", 2, False),  # any detected value is at least Ⅱ
        ("阴离子表面活性剂", "0.3", 3, False),  # Ⅲ = Ⅳ = 0.3: never Ⅳ
        ("阴离子表面活性剂", "0.31", 5, False),
        ("嗅和味", "无", 1, False),
        ("嗅和味", "有", 5, False),
        ("肉眼可见物", "无", 1, False),
        ("肉眼可见物", "有", 5, False),
        ("嗅和味", "未检出", 1, True),
        ("菌落总数", ">1600", 5, False),  # above the method's range: at least 1600
    ],
)
def test_rules(name: str, raw: str, expected: int, censored: bool) -> None:
    cls, cen = grade([(name, raw)])
    assert (int(cls[0]), bool(cen[0])) == (expected, censored)


def test_non_detect_policies() -> None:
    pairs = [("铅", "0.01L"), ("砷", "0.0003L"), ("铅", "0.02")]
    assert grade(pairs, NonDetectPolicy.BEST)[0].tolist() == [1, 1, 4]
    assert grade(pairs, NonDetectPolicy.EXCLUDE)[0].tolist() == [0, 0, 4]
    assert grade(pairs)[0].tolist() == [3, 1, 4]


def test_blank_and_errors_not_graded() -> None:
    cls, cen = grade([("铅", ""), ("铅", "—"), ("铅", "abc")])
    assert cls.tolist() == [0, 0, 0]
    assert not cen.any()


def test_exceedance_vs_iii_and_target() -> None:
    idx = np.array(
        [STD.index(n) for n in ("硝酸盐（以N计）", "硝酸盐（以N计）", "pH", "铅", "氟化物")]
    )
    v = np.array([30.0, 10.0, 9.5, 0.02, 2.0])
    cen = np.array([False, False, False, True, False])
    got = exceedance(STD, idx, v, cen)
    assert got[0] == pytest.approx(0.5)  # (30-20)/20
    assert np.isnan(got[1]) and np.isnan(got[2]) and np.isnan(got[3])
    assert got[4] == pytest.approx(1.0)
    per_target = exceedance(STD, idx, v, cen, reference=np.array([4, 1, 3, 3, 4]))
    assert np.isnan(per_target[0])  # 30 is within Ⅳ (≤30)
    assert per_target[1] == pytest.approx(4.0)  # (10-2)/2 against Ⅰ
    assert np.isnan(exceedance(STD, idx[:1], v[:1], cen[:1], reference=5)[0])


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    p = parse_values([r[3] for r in rows])
    return pd.DataFrame(
        {
            "point": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "indicator": [STD.index(r[2]) for r in rows],
            "token": p["token"],
            "value": p["number"],
            "indicator_raw": [r[2] for r in rows],
            "raw_value": p["text"],
            "raw_unit": "",
            "row": range(len(rows)),
        }
    )


def test_comprehensive_names_every_indicator_at_the_worst_class() -> None:
    """The standard's example: 氯化物 400 mg/L and 四氯乙烯 350 μg/L make the sample Ⅴ."""
    frame = _frame(
        [
            ("A", "2023-06-01", "氯化物", "400"),
            ("A", "2023-06-01", "四氯乙烯", "350"),
            ("A", "2023-06-01", "硝酸盐（以N计）", "25"),
            ("A", "2023-06-01", "pH", "7.1"),
            ("B", "2023-06-01", "pH", "7.1"),
            ("B", "2023-06-01", "砷", "0.0003L"),
            ("C", "2023-06-01", "铅", ""),
        ]
    )
    s = assess(frame, STD).samples.set_index("point")
    assert s.loc["A", "class"] == 5
    assert s.loc["A", "limiting"] == "氯化物;四氯乙烯"
    assert s.loc["B", "class"] == 1 and s.loc["B", "limiting"] == ""
    assert s.loc["C", "class"] == 0 and s.loc["C", "n_graded"] == 0


numeric = [i for i, ind in enumerate(STD.indicators) if ind.kind == "upper"]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.sampled_from(numeric), st.floats(0, 1e4, allow_nan=False), st.floats(0, 1e4, allow_nan=False)
)
def test_class_is_monotone_in_value(i: int, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    c = single_class(STD, np.array([i, i]), np.array([lo, hi]))
    assert c[0] <= c[1]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(numeric), st.floats(0, 1e3, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_comprehensive_is_max_of_singles(items: list[tuple[int, float]]) -> None:
    idx = np.array([i for i, _ in items])
    v = np.array([x for _, x in items])
    frame = pd.DataFrame(
        {
            "point": "P",
            "date": pd.Timestamp("2024-01-01"),
            "indicator": idx,
            "token": np.zeros(len(items), dtype=np.int8),
            "value": v,
        }
    )
    res = assess(frame, STD)
    singles = single_class(STD, idx, v)
    assert res.samples["class"].iloc[0] == singles.max()
    names = {STD.indicators[i].name for i in idx[singles == singles.max()]}
    got = set(filter(None, res.samples["limiting"].iloc[0].split(";")))
    assert got == (set() if singles.max() == 1 else names)


@pytest.mark.parametrize("policy", list(NonDetectPolicy))
def test_compiled_pass_equals_the_per_value_rules(policy: NonDetectPolicy) -> None:
    """Every token, indicator and policy, including values exactly on a limit."""
    std = get_standard()
    rng = np.random.default_rng(7)
    n = 20_000
    idx = rng.integers(-1, len(std.indicators), n)
    limits = np.concatenate([std.lo.ravel(), std.hi.ravel()])
    limits = limits[np.isfinite(limits)]
    value = np.where(rng.random(n) < 0.3, rng.choice(limits, n), rng.lognormal(0, 2, n))
    value[rng.random(n) < 0.05] = np.nan
    token = rng.integers(0, len(ValueToken), n).astype(np.int8)
    cls, censored = grade_values(std, idx, value, token, policy)
    expected = [
        grade_one(std, int(i), float(v), int(t), policy)
        for i, v, t in zip(idx, value, token, strict=True)
    ]
    assert cls.tolist() == expected
    assert censored.tolist() == ((idx >= 0) & (token == ValueToken.NON_DETECT)).tolist()


def test_grading_from_many_threads_at_once() -> None:
    """Streamlit runs each session in its own thread: concurrent callers get correct results."""
    std = get_standard()
    rng = np.random.default_rng(3)
    idx = rng.integers(0, len(std.indicators), 200_000)
    value = rng.lognormal(0, 1, 200_000)
    token = np.zeros(200_000, dtype=np.int8)
    expected = grade_values(std, idx, value, token)[0]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: grade_values(std, idx, value, token)[0], range(16)))
    assert all(np.array_equal(r, expected) for r in results)
