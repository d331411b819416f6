"""Cross-layer findings on constructed geometries (inside, outside, outline, holes, multipolygons)
and on the demo data, where the planted cases must be found."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import mapping

from gwlib.geo.overlay import geometries, points_in_areas
from gwlib.sources.findings import RULES, EntityKind, Layers, Severity, find_all, findings_frame
from gwlib.store import Store

X0, Y0, U = 111.5, 35.5, 0.01  # a corner in 绛县 and a unit of 0.01°
AS_OF = dt.date(2025, 12, 31)


def at(x: float, y: float) -> tuple[float, float]:
    return X0 + x * U, Y0 + y * U


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(*at(x0, y0), *at(x1, y1))


# Square 0–4 with a hole 1–3 (a ring), and a MultiPolygon of two squares far apart.
RING = box(0, 0, 4, 4).difference(box(1, 1, 3, 3))
MULTI = shapely.MultiPolygon([box(10, 0, 11, 1), box(20, 0, 21, 1)])

POINT_CASES = [
    # (name, x, y, in RING, in MULTI)
    ("inside the ring", 0.5, 0.5, True, False),
    ("outside everything", 6, 6, False, False),
    ("on the outer edge", 4, 2, True, False),
    ("on a vertex", 0, 0, True, False),
    ("in the hole", 2, 2, False, False),
    ("on the hole's edge", 1, 2, True, False),
    ("in the first part", 10.5, 0.5, False, True),
    ("in the second part", 20.5, 0.5, False, True),
    ("between the parts", 15, 0.5, False, False),
    ("on the second part's edge", 21, 0.5, False, True),
]


@pytest.mark.parametrize("case", POINT_CASES, ids=[c[0] for c in POINT_CASES])
def test_points_in_areas(case: tuple[str, float, float, bool, bool]) -> None:
    _, x, y, in_ring, in_multi = case
    areas = geometries([json.dumps(mapping(RING)), mapping(MULTI)])
    lon, lat = at(x, y)
    pi, ai = points_in_areas([lon], [lat], areas)
    assert set(ai.tolist()) == {i for i, hit in enumerate((in_ring, in_multi)) if hit}
    assert set(pi.tolist()) <= {0}


def test_points_in_areas_skips_missing_coordinates_and_keeps_indices() -> None:
    areas = geometries([mapping(RING)])
    lon = [np.nan, at(6, 6)[0], at(0.5, 0.5)[0]]
    lat = [np.nan, at(6, 6)[1], at(0.5, 0.5)[1]]
    pi, ai = points_in_areas(lon, lat, areas)
    assert pi.tolist() == [2] and ai.tolist() == [0]


# ---------------------------------------------------------------------------------------------
# A constructed county: one source with 一级 = square 1–3 (the ring's hole), 二级 = the ring,
# 补给区 = a MultiPolygon; 保护类 = everything 0–4 plus the 补给区 parts.


def zone(code: str, kind: str, geom: shapely.Geometry, source: str = "S1") -> dict[str, object]:
    return {
        "code": code,
        "name": f"{code}区",
        "kind": kind,
        "source_code": source,
        "legal_status": "已批复",
        "geometry": json.dumps(mapping(geom)),
    }


ZONES = pd.DataFrame(
    [
        zone("Z1", "一级保护区", box(1, 1, 3, 3)),
        zone("Z2", "二级保护区", RING),
        zone("ZR", "补给区", MULTI),
        zone("ZP", "保护类", shapely.union_all([box(0, 0, 4, 4), MULTI]), source=""),
    ]
)


def well(code: str, x: float, y: float, status: str = "已排查登记") -> dict[str, object]:
    lon, lat = at(x, y)
    return {
        "code": code,
        "category": "取水井",
        "township": "古绛镇",
        "village": "东庄村",
        "lon": lon,
        "lat": lat,
        "status": status,
    }


def psrc(code: str, category: str, x: float, y: float) -> dict[str, object]:
    lon, lat = at(x, y)
    return {
        "code": code,
        "name": f"{code}厂",
        "category": category,
        "lon": lon,
        "lat": lat,
        "seepage_status": "未开展",
    }


def source(code: str, scale: str, recharge: str) -> dict[str, object]:
    lon, lat = at(2, 2)
    return {
        "code": code,
        "name": f"{code}水源",
        "scale": scale,
        "recharge_status": recharge,
        "population": 12000,
        "capacity_t_d": 1500.0,
        "lon": lon,
        "lat": lat,
    }


def point(
    code: str, x: float, y: float, target: int = 3, status: str = "在用"
) -> dict[str, object]:
    lon, lat = at(x, y)
    return {
        "code": code,
        "name": f"{code}点",
        "lon": lon,
        "lat": lat,
        "target_class": target,
        "status": status,
    }


def layers(wells=(), pollution=(), sources=(), points=(), samples=()) -> Layers:  # type: ignore[no-untyped-def]
    cols = {
        "wells": ["code", "category", "township", "village", "lon", "lat", "status"],
        "pollution": ["code", "name", "category", "lon", "lat", "seepage_status"],
        "sources": [
            "code",
            "name",
            "scale",
            "recharge_status",
            "population",
            "capacity_t_d",
            "lon",
            "lat",
        ],
        "points": ["code", "name", "lon", "lat", "target_class", "status"],
        "samples": ["point", "date", "quality_class"],
    }
    return Layers(
        zones=ZONES,
        wells=pd.DataFrame(list(wells), columns=cols["wells"]),
        drinking_sources=pd.DataFrame(list(sources), columns=cols["sources"]),
        pollution_sources=pd.DataFrame(list(pollution), columns=cols["pollution"]),
        points=pd.DataFrame(list(points), columns=cols["points"]),
        samples=pd.DataFrame(list(samples), columns=cols["samples"]),
    )


def codes(findings, kind: EntityKind) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(e.code for f in findings for e in f.entities if e.kind is kind)


def test_unsealed_wells_inside_zones() -> None:
    found = RULES["unsealed_well_in_zone"].check(
        layers(
            wells=[
                well("W-first", 2, 2),  # in the hole of Z2 = inside Z1
                well("W-ring", 0.5, 0.5),
                well("W-edge", 4, 2),  # on Z2's outer edge
                well("W-holeedge", 1, 2),  # on the shared edge of Z1 and Z2
                well("W-recharge", 20.5, 0.5),  # second part of the 补给区
                well("W-out", 6, 6),
                well("W-gap", 15, 0.5),  # between the 补给区 parts
                well("W-sealed", 2, 2, "已封井待验收"),
                well("W-accepted", 2, 2, "已验收销号"),
                well("W-deferred", 0.5, 0.5, "暂缓"),
                {**well("W-nocoord", 0, 0), "lon": np.nan, "lat": np.nan},
            ]
        ),
        AS_OF,
    )
    by_well = {f.entities[0].code: f for f in found}
    assert sorted(by_well) == [
        "W-deferred",
        "W-edge",
        "W-first",
        "W-holeedge",
        "W-recharge",
        "W-ring",
    ]
    assert [e.code for e in by_well["W-first"].entities[1:]] == ["Z1"]
    assert [e.code for e in by_well["W-holeedge"].entities[1:]] == ["Z1", "Z2"]
    assert by_well["W-ring"].severity is Severity.HIGH
    assert by_well["W-recharge"].severity is Severity.MEDIUM
    assert "2025-12-31" in by_well["W-ring"].explanation
    assert all(f.basis and f.bbox for f in found)


def test_pollution_sources_first_any_second_discharging_only() -> None:
    found = RULES["pollution_source_in_zone"].check(
        layers(
            pollution=[
                psrc("P-first-other", "其他", 2, 2),  # 一级: any category
                psrc("P-second-fuel", "加油站", 0.5, 0.5),  # 二级: discharging
                psrc("P-second-other", "其他", 0.5, 0.5),  # 二级: not classified as discharging
                psrc("P-edge-chem", "化学品生产企业", 0, 2),  # on 二级's outer edge
                psrc("P-recharge", "加油站", 10.5, 0.5),  # 补给区 is not this rule's concern
                psrc("P-out", "垃圾填埋场", 6, 6),
            ]
        ),
        AS_OF,
    )
    assert codes(found, EntityKind.POLLUTION_SOURCE) == [
        "P-edge-chem",
        "P-first-other",
        "P-second-fuel",
    ]
    assert all(f.severity is Severity.HIGH for f in found)


def test_protection_zone_without_point() -> None:
    srcs = [source("S1", "城镇级", "已批复")]
    assert (
        RULES["protection_zone_without_point"].check(
            layers(sources=srcs, points=[point("M1", 0.5, 0.5)]), AS_OF
        )
        == []
    )
    assert (
        RULES["protection_zone_without_point"].check(
            layers(sources=srcs, points=[point("M1", 4, 0)]), AS_OF
        )
        == []
    )  # on the outline
    for pts in (
        [],
        [point("M1", 6, 6)],
        [point("M1", 10.5, 0.5)],
        [point("M1", 2, 2, status="停用")],
    ):
        found = RULES["protection_zone_without_point"].check(
            layers(sources=srcs, points=pts), AS_OF
        )
        assert [f.entities[0].code for f in found] == ["S1"], pts
        assert codes(found, EntityKind.ZONE) == ["Z1", "Z2"]


def test_recharge_not_delineated_for_large_sources_only() -> None:
    found = RULES["recharge_not_delineated"].check(
        layers(
            sources=[
                source("S-town", "城镇级", "未划定"),
                source("S-kt", "千吨万人", "未划定"),
                source("S-small", "乡镇级", "未划定"),
                source("S-done", "千吨万人", "初步划定"),
            ]
        ),
        AS_OF,
    )
    assert codes(found, EntityKind.DRINKING_SOURCE) == ["S-kt", "S-town"]


def test_points_worse_than_target_in_protect_zones() -> None:
    pts = [
        point("M-bad", 0.5, 0.5, target=3),
        point("M-ok", 0.5, 0.5, target=4),
        point("M-outside", 6, 6, target=3),
        point("M-part2", 20.5, 0.5, target=2),
        point("M-late", 0.5, 0.5, target=3),
    ]
    samples = [
        ("M-bad", "2024-05-01", 2),
        ("M-bad", "2025-05-01", 5),
        ("M-ok", "2025-05-01", 4),
        ("M-outside", "2025-05-01", 5),
        ("M-part2", "2025-05-01", 3),
        ("M-late", "2025-05-01", 3),
        ("M-late", "2026-05-01", 5),
    ]  # after as_of
    found = RULES["point_worse_than_target_protect"].check(
        layers(
            points=pts,
            samples=[
                {"point": p, "date": pd.Timestamp(d), "quality_class": c} for p, d, c in samples
            ],
        ),
        AS_OF,
    )
    by_point = {f.entities[0].code: f for f in found}
    assert sorted(by_point) == ["M-bad", "M-part2"]
    assert by_point["M-bad"].severity is Severity.HIGH
    assert "Ⅴ类" in by_point["M-bad"].explanation and "2025-05-01" in by_point["M-bad"].explanation


def test_find_all_orders_by_severity_and_frames() -> None:
    found = find_all(
        layers(
            wells=[well("W1", 20.5, 0.5)],
            pollution=[psrc("P1", "加油站", 2, 2)],
            sources=[source("S1", "城镇级", "未划定")],
        ),
        AS_OF,
    )
    assert [f.severity for f in found] == sorted((f.severity for f in found), key=lambda s: s.rank)
    frame = findings_frame(found)
    assert list(frame["rule"]) == [f.rule for f in found]
    assert frame["title"].notna().all() and (frame["min_lon"] <= frame["max_lon"]).all()
    with pytest.raises(KeyError):
        find_all(layers(), AS_OF, rules=["no_such_rule"])


def test_demo_data_has_the_planted_cases(demo_url: str) -> None:
    with Store.open(demo_url) as store:
        lay = Layers(
            store.zones(),
            store.wells(),
            store.drinking_sources(),
            store.pollution_sources(),
            store.points(),
            store.samples(),
        )
    found = find_all(lay, AS_OF)
    fuel = [f for f in found if f.rule == "pollution_source_in_zone"]
    assert any(
        "加油站" in f.explanation and "县城" in f.explanation and "二级保护区" in f.explanation
        for f in fuel
    )
    wells = [f for f in found if f.rule == "unsealed_well_in_zone"]
    assert any(e.code.startswith("JX-SYD-01") for f in wells for e in f.entities[1:])
    assert any(f.rule == "recharge_not_delineated" for f in found)



def test_rules_on_empty_layers_find_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new county with points but no wells, zones or sources yet: no finding, no error."""
    import datetime as dt

    from gwlib.sources.findings import RULES, Layers
    from gwlib.store import Store

    with Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}") as store:
        layers = Layers(zones=store.zones(), wells=store.wells(),
                        drinking_sources=store.drinking_sources(),
                        pollution_sources=store.pollution_sources(), points=store.points(),
                        samples=store.samples())
    for rule in RULES.values():
        assert rule.check(layers, dt.date(2025, 12, 31)) == []


def test_export_has_chinese_headers_and_no_rule_ids() -> None:
    from gwlib.sources.findings import EXPORT_HEADERS, FRAME_COLUMNS, export_frame

    frame = pd.DataFrame([["well_in_zone", "报废井位于保护区", "高", "JX-FJ-0001", "说明", "依据",
                           111.1, 35.1, 111.2, 35.2]], columns=FRAME_COLUMNS)  # fmt: skip
    out = export_frame(frame)
    assert list(out.columns) == list(EXPORT_HEADERS.values())
    assert all(not c.isascii() for c in out.columns)
    assert "well_in_zone" not in out.to_csv()
