"""The water-quality summaries on small hand-built frames whose answers are worked out by hand
in the tables below (not through a page or the demo): annual class and its limiting indicators,
Ⅴ share and group shares, 到报率, year-over-year change, the class-change ledger and the
target table. Property tests add the invariants (share bounds, worst-class monotonicity).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwlib.quality.annual import (
    CHANGE_BETTER,
    CHANGE_NEW,
    CHANGE_SAME,
    CHANGE_WORSE,
    GROUPS,
    QualityFilter,
    annual_classes,
    class_change_ledger,
    completeness,
    group_shares,
    share_of,
    target_status,
    v_share,
    year_over_year,
)
from gwlib.quality.model import FrequencyRule
from gwlib.quality.standards import get_standard

STD = get_standard()
WET, DRY = "丰水期", "枯水期"
# Indicator codes used below (GB/T 14848-2017 表1): T1-06 总硬度, T1-11 锰, T1-24 硝酸盐（以N计）,
# T1-26 氟化物. Upper limits Ⅰ/Ⅱ/Ⅲ/Ⅳ: 硝酸盐 2/5/20/30 mg/L, 氟化物 1/1/1/2 mg/L.

POINTS = {
    # code: (name, category, township, target class, frequency); P4 watches a drinking source
    # (监测用途 饮用水源), the others are 区域 points.
    "P1": ("一号井", "国考", "古绛镇", 3, "丰枯各1次"),
    "P2": ("二号井", "省控", "古绛镇", 3, "每年1次"),
    "P3": ("三号井", "县控", "横水镇", 2, "每季度1次"),
    "P4": ("四号井", "市控", "横水镇", 3, "每月1次"),
    "P5": ("五号井", "县控", "陈村镇", 4, "逢单月1次"),
}


SAMPLE_COLUMNS = [
    "point", "point_name", "category", "purpose", "township", "aquifer", "target_class", "frequency", "date",
    "period", "quality_class", "limiting", "n_graded",
]  # fmt: skip


def samples(rows: list[tuple[str, str, str, int, str]]) -> pd.DataFrame:
    """Sample rows (point, date, 水期, class, limiting codes) joined with the point's attributes,
    shaped like ``Store.samples()``."""
    out = []
    for point, date, period, cls, limiting in rows:
        name, category, township, target, frequency = POINTS[point]
        out.append(
            {
                "point": point, "point_name": name, "category": category,
                "purpose": "饮用水源" if point == "P4" else "区域", "township": township,
                "aquifer": "孔隙", "target_class": target, "frequency": frequency,
                "date": dt.date.fromisoformat(date), "period": period, "quality_class": cls,
                "limiting": limiting, "n_graded": 29 if cls else 0,
            }
        )  # fmt: skip
    return pd.DataFrame(out, columns=SAMPLE_COLUMNS)


def annual(rows: list[tuple[str, int, int, str]]) -> pd.DataFrame:
    """An annual-class frame (point, year, class, limiting) with the point's attributes."""
    out = []
    for point, year, cls, limiting in rows:
        name, category, township, target, frequency = POINTS[point]
        out.append(
            {
                "point": point, "year": year, "quality_class": cls, "limiting": limiting,
                "n_samples": 1, "date": dt.date(year, 6, 1), "point_name": name,
                "category": category, "purpose": "饮用水源" if point == "P4" else "区域",
                "township": township, "aquifer": "孔隙", "target_class": target,
                "frequency": frequency,
            }
        )  # fmt: skip
    return pd.DataFrame(out)


# -- annual class ------------------------------------------------------------------------------

#: point, date, 水期, class (0 = not graded), limiting codes
YEAR_SAMPLES = [
    ("P1", "2024-03-10", DRY, 3, "T1-06"),
    ("P1", "2024-08-10", WET, 4, "T1-24;T1-26"),
    ("P1", "2024-10-10", WET, 4, "T1-26;T1-11"),
    ("P1", "2024-12-01", DRY, 0, ""),  # not graded: counts in no class, not in n_samples
    ("P1", "2025-04-01", DRY, 1, ""),
    ("P2", "2024-05-01", DRY, 0, ""),  # P2's only 2024 sample is ungraded: no annual class
    ("P3", "2024-02-01", DRY, 2, "T1-24"),
    ("P3", "2024-05-01", DRY, 2, "T1-06;T1-24"),
    ("P3", "2024-08-01", WET, 5, "T1-26"),
    ("P3", "2024-11-01", DRY, 2, "T1-11"),
]

#: Worked by hand from YEAR_SAMPLES. All 水期:
#:   P1 2024: graded classes 3, 4, 4 → worst Ⅳ; limiting from the two Ⅳ samples, each code once,
#:            in sample order: T1-24, T1-26, T1-11; 3 graded samples; date of the last Ⅳ sample.
#:   P1 2025: one Ⅰ sample.   P2 2024: no graded sample → no row.
#:   P3 2024: 2, 2, 5, 2 → Ⅴ (T1-26 only: the Ⅱ samples' codes are not limiting).
ANNUAL_ALL = [
    # point, year, class, limiting, n_samples, date
    ("P1", 2024, 4, "T1-24;T1-26;T1-11", 3, "2024-10-10"),
    ("P1", 2025, 1, "", 1, "2025-04-01"),
    ("P3", 2024, 5, "T1-26", 4, "2024-08-01"),
]
#: 枯水期 only: P1 2024 has one graded 枯水期 sample (Ⅲ, T1-06; the 12-01 one is ungraded);
#: P3 2024: 2, 2, 2 → Ⅱ with T1-24, T1-06, T1-11 (order of first appearance).
ANNUAL_DRY = [
    ("P1", 2024, 3, "T1-06", 1, "2024-03-10"),
    ("P1", 2025, 1, "", 1, "2025-04-01"),
    ("P3", 2024, 2, "T1-24;T1-06;T1-11", 3, "2024-11-01"),
]
#: 丰水期 only: P1 2024 → Ⅳ from both 丰水期 samples; P3 2024 → Ⅴ.
ANNUAL_WET = [
    ("P1", 2024, 4, "T1-24;T1-26;T1-11", 2, "2024-10-10"),
    ("P3", 2024, 5, "T1-26", 1, "2024-08-01"),
]


@pytest.mark.parametrize(
    ("period", "expected"), [("", ANNUAL_ALL), (DRY, ANNUAL_DRY), (WET, ANNUAL_WET)]
)
def test_annual_class_is_the_worst_graded_sample_of_the_year(
    period: str, expected: list[tuple[str, int, int, str, int, str]]
) -> None:
    s = QualityFilter(period=period).samples(samples(YEAR_SAMPLES))
    got = annual_classes(s)
    rows = [
        (r.point, int(r.year), int(r.quality_class), r.limiting, int(r.n_samples), str(r.date))
        for r in got.itertuples()
    ]
    assert sorted(rows) == expected
    # The point's attributes travel with its row.
    assert set(got.loc[got["point"] == "P3", "township"]) == {"横水镇"}


def test_annual_class_of_no_graded_sample_is_an_empty_frame() -> None:
    got = annual_classes(samples([("P2", "2024-05-01", DRY, 0, "")]))
    assert got.empty and "quality_class" in got.columns


# -- Ⅴ share and group shares --------------------------------------------------------------------

#: 2024 samples of five points. Annual classes: P1 Ⅴ, P3 Ⅴ, P4 Ⅳ, P5 Ⅲ (worst of Ⅰ and Ⅲ). P2 was
#: sampled but its sample is not graded (未监测): no annual class, in no share's denominator.
SHARE_SAMPLES = [
    ("P1", "2024-06-01", DRY, 5, "T1-24"),
    ("P2", "2024-06-01", DRY, 0, ""),
    ("P3", "2024-06-01", DRY, 5, "T1-26"),
    ("P4", "2024-06-01", DRY, 4, "T1-11"),
    ("P5", "2024-06-01", DRY, 1, ""),
    ("P5", "2024-09-01", WET, 3, "T1-06"),
]


def test_v_share_counts_only_points_with_an_annual_class() -> None:
    a = annual_classes(samples(SHARE_SAMPLES))
    # 4 points have a class (P2 does not): Ⅴ = P1, P3 → 2/4; Ⅳ = P4 → 1/4; Ⅰ–Ⅲ = P5 → 1/4.
    assert len(a) == 4
    assert v_share(a) == 50.0
    assert share_of(a, GROUPS["Ⅳ类"]) == 25.0
    assert share_of(a, GROUPS["Ⅰ–Ⅲ类"]) == 25.0
    overall = group_shares(a)
    assert overall.to_dict("records") == [
        {"group": "全部", "points": 4, "Ⅰ–Ⅲ类": 25.0, "Ⅳ类": 25.0, "Ⅴ类": 50.0}
    ]


def test_group_shares_per_category() -> None:
    a = annual([
        ("P1", 2024, 5, ""), ("P2", 2024, 4, ""),  # 国考 5, 省控 4
        ("P3", 2024, 5, ""), ("P5", 2024, 2, ""),  # 县控 5 and 2
        ("P4", 2024, 3, ""),                       # 市控 3
    ])  # fmt: skip
    got = group_shares(a, by="category").set_index("group")
    # each group's shares are over that group's points only
    assert got.loc["国考"].tolist() == [1, 0.0, 0.0, 100.0]
    assert got.loc["省控"].tolist() == [1, 0.0, 100.0, 0.0]
    assert got.loc["县控"].tolist() == [2, 50.0, 0.0, 50.0]
    assert got.loc["市控"].tolist() == [1, 100.0, 0.0, 0.0]


def test_share_of_nothing_is_zero() -> None:
    empty = annual_classes(samples([("P2", "2024-05-01", DRY, 0, "")]))
    assert v_share(empty) == 0.0
    assert group_shares(empty).empty


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), max_size=40))
def test_shares_are_percentages_that_add_up(classes: list[int]) -> None:
    a = pd.DataFrame({"quality_class": classes})
    v = v_share(a)
    assert 0.0 <= v <= 100.0
    assert v == pytest.approx(100 * classes.count(5) / len(classes) if classes else 0.0)
    total = sum(share_of(a, c) for c in GROUPS.values())
    assert total == pytest.approx(100.0 if classes else 0.0)


# -- worst-class monotonicity -----------------------------------------------------------------

one_sample = st.tuples(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)),
    st.integers(min_value=0, max_value=5),
    st.sets(st.sampled_from(["T1-06", "T1-11", "T1-24", "T1-26"])),
)


def _frame(draws: list[tuple[dt.date, int, set[str]]]) -> pd.DataFrame:
    rows = [("P1", d.isoformat(), DRY, c, ";".join(sorted(lim))) for d, c, lim in draws]
    return samples(rows)


def _class(draws: list[tuple[dt.date, int, set[str]]]) -> int:
    a = annual_classes(_frame(draws))
    return int(a["quality_class"].iloc[0]) if len(a) else 0


# Each example runs annual_classes twice (~20 ms each): 50 examples keep this to a few seconds.
@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(one_sample, min_size=1, max_size=8), one_sample)
def test_adding_a_sample_never_improves_the_annual_class(
    draws: list[tuple[dt.date, int, set[str]]], extra: tuple[dt.date, int, set[str]]
) -> None:
    before, after = _class(draws), _class([*draws, extra])
    graded = [c for _, c, _ in draws if c > 0]
    assert before == (max(graded) if graded else 0)  # 0 here: no annual class at all
    assert after >= before
    if extra[1] > before:
        assert after == extra[1]  # a worse graded sample sets the class


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(one_sample, min_size=1, max_size=8))
def test_limiting_codes_are_those_of_the_worst_samples(
    draws: list[tuple[dt.date, int, set[str]]],
) -> None:
    a = annual_classes(_frame(draws))
    graded = [(c, lim) for _, c, lim in draws if c > 0]
    if not graded:
        assert a.empty
        return
    worst = max(c for c, _ in graded)
    codes = a["limiting"].iloc[0].split(";") if a["limiting"].iloc[0] else []
    assert len(codes) == len(set(codes))  # each code once
    assert set(codes) == set().union(*(lim for c, lim in graded if c == worst))
    assert int(a["n_samples"].iloc[0]) == len(graded)


# -- 到报率 -------------------------------------------------------------------------------------

#: 2024 samples per point (any class: a sample received is received, graded or not)
#:   P1 丰枯各1次 expects 2: 3 received (one extra) → counted 2 → 100 %, 完整
#:   P2 每年1次 expects 1: only a 2023 sample → 0 → 0 %, 未监测
#:   P3 每季度1次 expects 4: 1 (ungraded) → 25 %, 不完整
#:   P4 每月1次 expects 12: none → 0 %, 未监测
#:   P5 逢单月1次 expects 6: 6 → 100 %, 完整
COMPLETENESS_SAMPLES = [
    ("P1", "2024-03-01", DRY, 3, ""),
    ("P1", "2024-08-01", WET, 3, ""),
    ("P1", "2024-09-01", WET, 3, ""),
    ("P2", "2023-05-01", DRY, 2, ""),
    ("P3", "2024-05-01", DRY, 0, ""),
    *[("P5", f"2024-{m:02d}-15", WET if 5 <= m <= 9 else DRY, 2, "") for m in (1, 3, 5, 7, 9, 11)],
]
COMPLETENESS_YEAR = {
    # point: (expected, received, rate %, status)
    "P1": (2, 2, 100.0, "完整"),
    "P2": (1, 0, 0.0, "未监测"),
    "P3": (4, 1, 25.0, "不完整"),
    "P4": (12, 0, 0.0, "未监测"),
    "P5": (6, 6, 100.0, "完整"),
}
#: 丰水期 only: one sample expected from every point whose rule asks for one in 丰水期 — not P2
#: (每年1次 is a 枯水期 rule), every calendar-rule point. P1 has 2 → capped at 1; P5 has 3 (May,
#: July, Sep) → 1; P3 (its sample is 枯水期) and P4 have none.
COMPLETENESS_WET = {
    "P1": (1, 1, 100.0, "完整"),
    "P3": (1, 0, 0.0, "未监测"),
    "P4": (1, 0, 0.0, "未监测"),
    "P5": (1, 1, 100.0, "完整"),
}


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": c, "name": n, "category": cat, "township": t, "target_class": tc,
             "frequency": f, "aquifer": "孔隙"}
            for c, (n, cat, t, tc, f) in POINTS.items()
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("year", "period", "expected"),
    [
        (2024, "", COMPLETENESS_YEAR),
        (2024, WET, COMPLETENESS_WET),
        # 2023: only P2's sample → P2 complete, every other point 未监测
        (2023, "", {c: (FrequencyRule(v[4]).per_year, int(c == "P2"), 100.0 * (c == "P2"),
                        "完整" if c == "P2" else "未监测") for c, v in POINTS.items()}),
    ],
)  # fmt: skip
def test_completeness_caps_received_at_expected(
    year: int, period: str, expected: dict[str, tuple[int, int, float, str]]
) -> None:
    got = completeness(_points(), samples(COMPLETENESS_SAMPLES), year, period).set_index("point")
    assert {
        p: (int(r.expected), int(r.received), float(r.rate), r.status) for p, r in got.iterrows()
    } == expected


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(POINTS)), one_sample), max_size=30))
def test_completeness_rate_is_a_percentage(
    draws: list[tuple[str, tuple[dt.date, int, set[str]]]],
) -> None:
    rows = [(p, d.isoformat(), WET if d.month in (7, 8) else DRY, c, "") for p, (d, c, _) in draws]
    got = completeness(_points(), samples(rows), 2024)
    assert got["rate"].between(0, 100).all()
    assert (got["received"] <= got["expected"]).all()
    # Oracle: the distinct slots each rule's samples fill, written out per rule.
    slot_of = {
        "丰枯各1次": lambda d, per: per,
        "每年1次": lambda d, per: per if per == DRY else None,
        "每季度1次": lambda d, per: (d.month + 2) // 3,
        "逢单月1次": lambda d, per: d.month if d.month % 2 else None,
        "每月1次": lambda d, per: d.month,
    }
    for point, r in got.set_index("point").iterrows():
        rule = POINTS[point][4]
        slots = {slot_of[rule](dt.date.fromisoformat(d), per) for p, d, per, _, _ in rows
                 if p == point} - {None}  # fmt: skip
        assert r["received"] == len(slots)


def test_completeness_skips_retired_points_and_samples_in_the_wrong_slot() -> None:
    points = _points()
    points["status"] = ["在用", "停用", "在用", "已废弃", "在用"]  # P2 and P4 not expected
    rows = [
        ("P1", "2024-08-01", WET, 3, ""),
        ("P1", "2024-08-20", WET, 3, ""),  # a second 丰水期 sample: still one slot
        ("P3", "2024-01-10", DRY, 3, ""),
        ("P3", "2024-02-10", DRY, 3, ""),  # same quarter
        ("P5", "2024-02-15", DRY, 3, ""),  # an even month: not a 逢单月 sample
        ("P5", "2024-03-15", DRY, 3, ""),
        ("P5", "2024-05-15", "", 3, ""),  # no 水期 recorded: a calendar rule counts the month
    ]
    got = completeness(points, samples(rows), 2024).set_index("point")
    assert sorted(got.index) == ["P1", "P3", "P5"]
    assert {p: (int(r.expected), int(r.received)) for p, r in got.iterrows()} == {
        "P1": (2, 1), "P3": (4, 1), "P5": (6, 2),
    }  # fmt: skip
    # 每年1次 asks for a 枯水期 sample: a 丰水期 one does not count; one with no 水期 does.
    one = _points().iloc[[1]]
    assert completeness(one, samples([("P2", "2024-08-01", WET, 3, "")]), 2024)["received"].item() == 0
    assert completeness(one, samples([("P2", "2024-08-01", "", 3, "")]), 2024)["received"].item() == 1


# -- year-over-year change and the class-change ledger -------------------------------------------

#: point, year, class, limiting
HISTORY = [
    ("P1", 2022, 4, "T1-24"),
    ("P1", 2023, 3, "T1-06"),
    ("P1", 2024, 2, "T1-11"),  # 2023→2024: Ⅲ → Ⅱ 变好; driver = 2023's limiting (总硬度)
    ("P2", 2023, 3, "T1-06"),
    ("P2", 2024, 3, "T1-24"),  # Ⅲ → Ⅲ 稳定 (limiting changed, class did not): not in ledger
    ("P3", 2023, 2, "T1-24"),
    ("P3", 2024, 4, "T1-26;T1-24"),  # Ⅱ → Ⅳ 变差; driver = 2024's limiting (氟化物、硝酸盐)
    ("P4", 2024, 5, "T1-26"),  # first year: 无上年数据
    ("P5", 2022, 3, "T1-06"),
    ("P5", 2024, 5, "T1-24"),  # 2023 missing: compared with nothing → 无上年数据, not in ledger
]
YOY_2024 = {
    # point: (class, previous year's class or None, change)
    "P1": (2, 3, CHANGE_BETTER),
    "P2": (3, 3, CHANGE_SAME),
    "P3": (4, 2, CHANGE_WORSE),
    "P4": (5, None, CHANGE_NEW),
    "P5": (5, None, CHANGE_NEW),
}
#: 2023 vs 2022: P1 Ⅳ → Ⅲ 变好 (driver 2022's 硝酸盐); P2, P3 new; P4, P5 not classed in 2023.
YOY_2023 = {
    "P1": (3, 4, CHANGE_BETTER),
    "P2": (3, None, CHANGE_NEW),
    "P3": (2, None, CHANGE_NEW),
}


@pytest.mark.parametrize(("year", "expected"), [(2024, YOY_2024), (2023, YOY_2023)])
def test_year_over_year(year: int, expected: dict[str, tuple[int, int | None, str]]) -> None:
    got = year_over_year(annual(HISTORY), year).set_index("point")
    assert {
        p: (
            int(r.quality_class),
            None if pd.isna(r.quality_class_prev) else int(r.quality_class_prev),
            r.change,
        )
        for p, r in got.iterrows()
    } == expected


def test_class_change_ledger_names_the_indicators_that_moved_the_class() -> None:
    got = class_change_ledger(annual(HISTORY), STD)
    assert [tuple(r) for r in got[["point", "year", "prev_class", "quality_class", "change",
                                   "driver"]].itertuples(index=False)] == [
        # newest year first, then by point
        ("P1", 2024, 3, 2, CHANGE_BETTER, "总硬度（以CaCO3计）"),
        ("P3", 2024, 2, 4, CHANGE_WORSE, "氟化物、硝酸盐（以N计）"),
        ("P1", 2023, 4, 3, CHANGE_BETTER, "硝酸盐（以N计）"),
    ]  # fmt: skip
    assert got["point_name"].tolist() == ["一号井", "三号井", "一号井"]


def test_year_over_year_agrees_with_the_ledger() -> None:
    """Every 变好/变差 of year_over_year is a ledger row of that year, and nothing else is."""
    a = annual(HISTORY)
    ledger = class_change_ledger(a, STD)
    for year in (2023, 2024):
        yoy = year_over_year(a, year)
        moved = yoy[yoy["change"].isin((CHANGE_BETTER, CHANGE_WORSE))]
        mine = ledger[ledger["year"] == year]
        assert sorted(zip(moved["point"], moved["change"], strict=True)) == sorted(
            zip(mine["point"], mine["change"], strict=True)
        )


# -- target status ------------------------------------------------------------------------------

#: 2024 annual classes against targets (POINTS): P1 Ⅳ vs 3 ✗, P3 Ⅱ vs 2 ✓, P4 Ⅴ vs 3 ✗ (水源地
#: 监测井), P5 Ⅳ vs 4 ✓ (but not ≤ Ⅲ).
TARGET_ANNUAL = [
    ("P1", 2024, 4, "T1-24"),
    ("P3", 2024, 2, "T1-24"),
    ("P4", 2024, 5, "T1-26;T1-24"),
    ("P5", 2024, 4, "T1-24"),
]
#: Measurements: point, date, indicator, value (mg/L), class, 超Ⅲ类倍数 as stored.
#: 超标倍数 = (value − limit) / limit:
#:   P1 硝酸盐 25: vs Ⅲ (20) 0.25; vs target Ⅲ 0.25.
#:   P4 氟化物 2.5: vs Ⅲ (1) 1.50; vs target Ⅲ 1.50. 硝酸盐 40: vs Ⅲ 1.00; vs target 1.00.
#:   P5 硝酸盐 22: vs Ⅲ 0.10; target Ⅳ (30) not exceeded → no 超目标.
#:   P1 锰 0.08 (Ⅲ) on the same day is not limiting → not in the detail.
TARGET_MEASUREMENTS = [
    ("P1", "2024-06-01", "T1-24", 25.0, 4, 0.25),
    ("P1", "2024-06-01", "T1-11", 0.08, 3, float("nan")),
    ("P3", "2024-06-01", "T1-24", 4.0, 2, float("nan")),
    ("P4", "2024-06-01", "T1-26", 2.5, 5, 1.5),
    ("P4", "2024-06-01", "T1-24", 40.0, 5, 1.0),
    ("P5", "2024-06-01", "T1-24", 22.0, 4, 0.1),
]
TARGET_EXPECTED = {
    # point: (meets_target, meets_iii, limiting_names, drinking_source, detail)
    "P1": (False, False, "硝酸盐（以N计）", False,
           "硝酸盐（以N计） 25 mg/L（超Ⅲ类 0.25 倍，超目标 0.25 倍）"),
    # Ⅱ (硝酸盐 4 ≤ 5): meets its target Ⅱ; the limiting value is listed, with nothing exceeded
    "P3": (True, True, "硝酸盐（以N计）", False, "硝酸盐（以N计） 4 mg/L"),
    "P4": (False, False, "氟化物、硝酸盐（以N计）", True,
           "硝酸盐（以N计） 40 mg/L（超Ⅲ类 1.00 倍，超目标 1.00 倍）；"
           "氟化物 2.5 mg/L（超Ⅲ类 1.50 倍，超目标 1.50 倍）"),
    "P5": (True, False, "硝酸盐（以N计）", False, "硝酸盐（以N计） 22 mg/L（超Ⅲ类 0.10 倍）"),
}  # fmt: skip


def test_target_status() -> None:
    m = pd.DataFrame(
        [
            {"point": p, "date": dt.date.fromisoformat(d), "indicator_code": c, "value": v,
             "unit": "mg/L", "censored": False, "quality_class": k, "exceedance": e,
             "qualifier": ""}
            for p, d, c, v, k, e in TARGET_MEASUREMENTS
        ]
    )  # fmt: skip
    got = target_status(annual(TARGET_ANNUAL), m, STD).set_index("point")
    assert {
        p: (bool(r.meets_target), bool(r.meets_iii), r.limiting_names, bool(r.drinking_source),
            r.detail)
        for p, r in got.iterrows()
    } == TARGET_EXPECTED  # fmt: skip


def test_point_report_export_reads_as_the_page_shows(demo_url: str) -> None:
    """点位报告 export: the point's name and target first, classes as Ⅰ–Ⅴ, dates as dates."""
    import io

    import openpyxl

    from gwlib.io.export import excel_bytes
    from gwlib.quality.report import point_report
    from gwlib.store import Store

    with Store.open(demo_url) as store:
        report = point_report(store.measurements("JX-SY-03"), store.samples(), store.trends(),
                              STD, "JX-SY-03")  # fmt: skip
    wb = openpyxl.load_workbook(io.BytesIO(excel_bytes(report.sheets())))
    assert wb.sheetnames[0] == "点位"
    head = [c.value for c in wb["点位"][1]]
    first = dict(zip(head, [c.value for c in wb["点位"][2]], strict=True))
    assert first["点位编码"] == "JX-SY-03" and first["点位名称"] and first["目标类别"] == "Ⅲ"
    rows = list(wb["样品"].iter_rows(min_row=2, values_only=True))
    assert rows and all(isinstance(r[0], dt.datetime) for r in rows)
    assert {r[2] for r in rows} <= {"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", None}


def test_class_and_water_level_side_by_side_by_period(demo_url: str) -> None:
    """Issue 14 item 3: 水质与水位同步评价 — per year and 水期 the worst class and the water
    level (mean, shallowest, deepest) of the samples that carry one; in the report's export."""
    from gwlib.quality.report import point_report
    from gwlib.store import Store

    with Store.open(demo_url) as store:
        samples = store.samples()
        report = point_report(store.measurements("JX-SY-03"), samples, store.trends(),
                              get_standard(), "JX-SY-03")  # fmt: skip
    assert not report.has_water_level  # the demo records none: no view, no sheet
    assert "水质与水位" not in report.sheets()
    mine = report.samples.copy().reset_index(drop=True)
    mine = mine[pd.to_datetime(mine["date"]).dt.year == 2024].reset_index(drop=True)
    assert len(mine) >= 1
    extra = mine.iloc[[0]].assign(date=pd.Timestamp("2024-09-01"), period="丰水期",
                                  quality_class=5, water_level_m=12.0)  # fmt: skip
    mine = pd.concat([mine.assign(water_level_m=[8.0 + i for i in range(len(mine))]), extra])
    report = dataclasses.replace(report, samples=mine)
    sync = report.class_and_level().set_index(["year", "period"])
    rows = mine.assign(y=pd.to_datetime(mine["date"]).dt.year,
                       p=mine["period"].replace("", "未注明"))  # fmt: skip
    for (year, period), g in rows.groupby(["y", "p"]):
        got = sync.loc[(year, period)]
        assert got["quality_class"] == g["quality_class"].max()
        assert got["level_mean"] == pytest.approx(g["water_level_m"].mean())
        assert (got["level_min"], got["level_max"]) == (g["water_level_m"].min(),
                                                        g["water_level_m"].max())  # fmt: skip
    assert sync.loc[(2024, "丰水期"), "quality_class"] == 5
    assert list(report.sheets()["水质与水位"].columns)[:4] == ["年度", "水期", "采样（次）",
                                                            "水质类别（最差）"]  # fmt: skip
