"""Targeted store queries equal the same selection made from the full measurement table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwlib.quality.trends import refresh_trends
from gwlib.store import Store
from tests.demo_db import copy_demo


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Store:
    # The module's own copy: refresh_trends (below) rewrites the trend results.
    return Store.open(copy_demo(demo_db, tmp_path_factory.mktemp("queries") / "demo.sqlite"))


def _key(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(
        zip(frame["point"], frame["date"].astype(str), frame["indicator_code"], strict=True)
    )


@pytest.mark.parametrize("period", ["", "枯水期"])
def test_latest_measurements(store: Store, period: str) -> None:
    s = store.samples()
    s = s[(s["quality_class"] > 0) & ((s["period"] == period) if period else True)]
    latest = s.sort_values("date").groupby("point").tail(1)[["point", "date"]]
    expected = store.measurements().merge(latest, on=["point", "date"])
    assert _key(store.latest_measurements(period)) == _key(expected)


def test_exceedances(store: Store, tmp_path: Path) -> None:
    m = store.measurements().merge(
        store.points()[["code", "target_class"]], left_on="point", right_on="code"
    )
    m = m[
        (m["indicator_code"] != "")
        & ((m["quality_class"] > 3) | (m["quality_class"] > m["target_class"]))
    ]
    assert _key(store.exceedances()) == _key(m)
    in_2024 = m[m["date"].astype(str).str.startswith("2024")]
    assert _key(store.exceedances(2024)) == _key(in_2024) and len(in_2024) > 0


def test_trends_read_in_groups_of_points_equal_one_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """refresh_trends reads a few points at a time; the stored results are the same, and
    refreshing some points leaves the others' results alone."""
    from gwlib.quality.trends import mann_kendall

    m = store.trend_input()
    keys = ["point", "indicator_code"]
    one_read = pd.concat([mann_kendall(m, keys), mann_kendall(m, keys, season="period")])
    monkeypatch.setattr("gwlib.quality.trends.TREND_POINTS_PER_READ", 3)
    seen: list[tuple[int, int]] = []
    n = refresh_trends(store, progress=lambda done, total: seen.append((done, total)))
    stored = pd.concat([store.trends("mk"), store.trends("seasonal")])
    assert n == len(one_read) == len(stored)
    cols = [*keys, "n", "n_nd", "s", "var_s", "p", "slope", "category"]
    pd.testing.assert_frame_equal(
        stored[cols].reset_index(drop=True),
        one_read[cols].reset_index(drop=True),
        check_dtype=False,
    )
    n_points = store.points()["code"].nunique()
    assert seen[-1] == (n_points, n_points) and len(seen) == -(-n_points // 3)
    some = sorted(m["point"].unique())[:2]
    before = store.trends("mk")
    assert refresh_trends(store, some) == 2 * (m["point"].isin(some)).pipe(
        lambda x: m[x].groupby(keys).ngroups
    )
    after = store.trends("mk")
    pd.testing.assert_frame_equal(
        before.drop(columns=["id", "computed_at"]).reset_index(drop=True),
        after.drop(columns=["id", "computed_at"]).reset_index(drop=True),
    )
