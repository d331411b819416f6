"""Risk scores: an empty ledger (a county that has registered no well yet); zone hits."""

from __future__ import annotations

import json

import numpy as np
import shapely

from gwlib.geo import geometry_to_metric, to_metric
from gwlib.store import Store
from gwlib.wells.risk import latest_point_classes, risk_scores


def test_empty_ledger_scores_nothing_without_error(demo_url: str) -> None:
    with Store.open(demo_url) as store:
        latest = latest_point_classes(store.samples(), store.points())
        assert len(latest) > 0
        out = risk_scores(store.wells().iloc[0:0], store.zones(), store.pollution_sources(), latest)
    assert len(out) == 0


def test_zone_reasons_equal_a_test_against_every_zone(demo_url: str) -> None:
    """The spatial-index lookup finds exactly the wells a zone-by-zone test finds."""
    with Store.open(demo_url) as store:
        wells, zones = store.wells(), store.zones()
        latest = latest_point_classes(store.samples(), store.points())
        out = risk_scores(wells, zones, store.pollution_sources(), latest)
    scored = wells[wells["code"].isin(out["code"])].set_index("code").loc[out["code"]]
    x, y = to_metric(scored["lon"].to_numpy(float), scored["lat"].to_numpy(float))
    pts = shapely.points(x, y)
    for kinds, reason in ((("一级保护区", "二级保护区"), "位于饮用水水源一级/二级保护区"),
                          (("补给区",), "位于水源补给区")):  # fmt: skip
        hit = np.zeros(len(pts), dtype=bool)
        for g in zones.loc[zones["kind"].isin(kinds), "geometry"]:
            hit |= shapely.contains(geometry_to_metric(shapely.geometry.shape(json.loads(g))), pts)
        flagged = out["reasons"].map(lambda r, why=reason: why in str(r)).to_numpy()
        assert (flagged == hit).all(), reason
    assert hit.any()  # the demo plants unsealed wells in a 补给区


def test_the_page_explains_the_rules_it_scores_with() -> None:
    from gwlib.wells.risk import RiskRules

    text = RiskRules().explain()
    assert "一级/二级保护区 30 分" in text and "合计 ≥ 40 分为高" in text
    assert "gwlib" not in text and ".py" not in text
    custom = RiskRules(core_zone=35, source_near_m=300).explain()
    assert "保护区 35 分" in custom and "300 m 内有污染源" in custom
