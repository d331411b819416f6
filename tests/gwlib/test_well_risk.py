"""Risk scores: an empty ledger (a county that has registered no well yet); zone hits."""

from __future__ import annotations

import json

import numpy as np
import shapely

from gwlib.geo import geometry_to_metric, to_metric
from gwlib.store import Store
from gwlib.wells.ledger import OWNER_UNKNOWN_DUTY, sealed_mask
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


def test_every_score_equals_a_well_by_well_computation(demo_url: str) -> None:
    """Each unsealed well's score is the sum of the rules it meets, computed here one well at a
    time with plain distances (no spatial index, no distance cut-off), and its reasons name
    exactly those rules in order. The demo's wells are varied (deep wells, 串层 notes, unknown
    owners, sources and poor points nearby); a few are moved and annotated so every rule is met
    by some well and missed by another."""
    from gwlib.wells.risk import RiskRules

    rules = RiskRules()
    with Store.open(demo_url) as store:
        wells, zones, pollution = store.wells(), store.zones(), store.pollution_sources()
        latest = latest_point_classes(store.samples(), store.points())
    unsealed = wells[~sealed_mask(wells)].reset_index(drop=True)
    wells = wells.copy()
    src = pollution.iloc[0]
    pick = list(unsealed["code"][:6])
    at = wells["code"].isin(pick[:2])
    wells.loc[at, ["lon", "lat"]] = [float(src["lon"]) + 0.002, float(src["lat"])]  # ≈ 170 m
    wells.loc[wells["code"] == pick[2], "note"] = "疑似混层，需核查"
    wells.loc[wells["code"] == pick[3], "depth_m"] = rules.deep_m
    wells.loc[wells["code"] == pick[4], ["lon", "lat"]] = [np.nan, np.nan]  # not located
    wells.loc[wells["code"] == pick[4], "owner_known"] = False
    out = risk_scores(wells, zones, pollution, latest, rules).set_index("code")

    def metric(lon: float, lat: float) -> shapely.Point:
        return shapely.Point(*to_metric(lon, lat))

    sources = [metric(lo, la) for lo, la in zip(pollution["lon"], pollution["lat"], strict=True)]
    poor = {c: [metric(lo, la) for lo, la in zip(g["lon"], g["lat"], strict=True)]
            for c, g in latest.groupby("quality_class")}  # fmt: skip
    shapes = [(k, geometry_to_metric(shapely.geometry.shape(json.loads(g))))
              for k, g in zip(zones["kind"], zones["geometry"], strict=True)]  # fmt: skip
    seen_rules: set[str] = set()
    for w in wells[wells["code"].isin(out.index)].itertuples():
        why: list[tuple[str, int]] = []
        located = not (np.isnan(w.lon) or np.isnan(w.lat))
        if located:
            p = metric(w.lon, w.lat)
            kinds = {k for k, g in shapes if g.contains(p)}
            if kinds & {"一级保护区", "二级保护区"}:
                why.append(("位于饮用水水源一级/二级保护区", rules.core_zone))
            elif "准保护区" in kinds:
                why.append(("位于水源准保护区", rules.quasi_zone))
            if "补给区" in kinds:
                why.append(("位于水源补给区", rules.recharge_zone))
            d = min((p.distance(s) for s in sources), default=np.inf)
            if d <= rules.source_near_m:
                why.append((f"{rules.source_near_m:.0f} m 内有污染源", rules.source_near))
            elif d <= rules.source_far_m:
                why.append((f"{rules.source_far_m:.0f} m 内有污染源", rules.source_far))
        if (0 if np.isnan(w.depth_m) else w.depth_m) >= rules.deep_m:
            why.append((f"井深 {w.depth_m:.0f} m，可能穿越多个含水层", rules.deep))
        if any(word in f"{w.abandon_reason or ''} {w.note or ''}" for word in ("串层", "串通", "混层")):
            why.append(("疑似串层污染（见废弃原因或备注）", rules.cross_layer))
        if not w.owner_known:
            why.append((OWNER_UNKNOWN_DUTY, rules.owner_unknown))
        if located:
            near = {c: min((p.distance(q) for q in poor.get(c, [])), default=np.inf)
                    <= rules.quality_radius_m for c in (4, 5)}  # fmt: skip
            if near[5]:
                why.append((f"{rules.quality_radius_m:.0f} m 内监测点位现为Ⅴ类", rules.class_v_near))
            elif near[4]:
                why.append((f"{rules.quality_radius_m:.0f} m 内监测点位现为Ⅳ类",
                            rules.class_iv_near))  # fmt: skip
        got = out.loc[w.code]
        assert got["score"] == sum(n for _, n in why), (w.code, got["reasons"], why)
        assert got["reasons"] == ("；".join(f"{t}（+{n}）" for t, n in why) or "无加分因素")
        seen_rules |= {t for t, _ in why}
    assert {"500 m 内有污染源", "疑似串层污染（见废弃原因或备注）", OWNER_UNKNOWN_DUTY,
            f"井深 {rules.deep_m:.0f} m，可能穿越多个含水层"} <= seen_rules  # fmt: skip
