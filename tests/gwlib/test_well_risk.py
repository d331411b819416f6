"""Risk scores on an empty ledger (a county that has registered no well yet)."""

from __future__ import annotations

import pytest

from gwlib.demo import build_demo
from gwlib.store import Store
from gwlib.well_risk import latest_point_classes, risk_scores


def test_empty_ledger_scores_nothing_without_error(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('risk') / 'demo.sqlite'}"
    build_demo(url)
    with Store.open(url) as store:
        latest = latest_point_classes(store.samples(), store.points())
        assert len(latest) > 0
        out = risk_scores(store.wells().iloc[0:0], store.zones(), store.pollution_sources(), latest)
    assert len(out) == 0
