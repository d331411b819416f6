"""Targeted store queries equal the same selection made from the full measurement table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwlib.demo import build_demo
from gwlib.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    url = f"sqlite:///{tmp_path_factory.mktemp('queries') / 'demo.sqlite'}"
    build_demo(url)
    return Store.open(url)


def _key(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted(zip(frame["point"], frame["date"].astype(str), frame["indicator_code"],
                      strict=True))


@pytest.mark.parametrize("period", ["", "枯水期"])
def test_latest_measurements(store: Store, period: str) -> None:
    s = store.samples()
    s = s[(s["quality_class"] > 0) & ((s["period"] == period) if period else True)]
    latest = s.sort_values("date").groupby("point").tail(1)[["point", "date"]]
    expected = store.measurements().merge(latest, on=["point", "date"])
    assert _key(store.latest_measurements(period)) == _key(expected)


def test_exceedances(store: Store, tmp_path: Path) -> None:
    m = store.measurements().merge(store.points()[["code", "target_class"]],
                                   left_on="point", right_on="code")
    m = m[(m["indicator_code"] != "")
          & ((m["quality_class"] > 3) | (m["quality_class"] > m["target_class"]))]
    assert _key(store.exceedances()) == _key(m)
    in_2024 = m[m["date"].astype(str).str.startswith("2024")]
    assert _key(store.exceedances(2024)) == _key(in_2024) and len(in_2024) > 0
