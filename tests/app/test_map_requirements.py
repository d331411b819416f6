"""一张图: the popup of a 回灌 or 地热尾水 point says its requirement's 结论 and its 报备 status,
in the words of the quality page (one sentence, gwlib.quality.requirements.check_sentence)."""

from __future__ import annotations

import pandas as pd

from gwlib.geo import basemaps
from gwlib.quality.point_checks import check_sentence, stored_checks
from gwlib.store import Store
from gwui.mapfeatures import point_features


def test_recharge_point_popups_carry_result_and_filing(app_env: str) -> None:
    with Store.open(app_env) as store:
        points, samples = store.points(), store.samples()
        as_of = pd.Timestamp(store.get_meta("as_of")).date()
        checks, _ = stored_checks(store, points, as_of)
    basemap = basemaps.available({})[basemaps.default_key({})]
    rows = {f["properties"]["popup"][0]: dict(f["properties"]["popup"][1])
            for f in point_features(points, samples, basemap, checks=checks)}
    for check in checks.to_dict("records"):
        said = rows[f"监测点位 {check['point']}"]["执行要求与报备"]
        assert said == check_sentence(check) and check["filing"] in said
    assert "执行要求与报备" not in rows["监测点位 JX-GK-01"]  # a regional point: no requirement
    assert "报备逾期" in rows["监测点位 JX-HG-02"]["执行要求与报备"]
