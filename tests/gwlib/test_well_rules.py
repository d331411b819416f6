"""The 封井回填 ledger rules on hand-built frames with answers worked out in the tables below:
sealed and overdue wells, the headline figures and 封井完成率, per-township progress, the overdue
list, import-row merging and owner normalisation, and the risk score under custom RiskRules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest
import shapely
from shapely.geometry import mapping

from gwlib.geo.crs import from_metric, geometry_from_metric, to_metric
from gwlib.wells.ledger import (
    ART_58,
    STATUS_ORDER,
    UNKNOWN_OWNER,
    ledger_figures,
    merge_row,
    normalise_owner,
    overdue_list,
    overdue_mask,
    sealed_mask,
    stage_counts,
    township_progress,
    water_authority,
)
from gwlib.wells.risk import RiskRules, risk_scores

AS_OF = dt.date(2025, 6, 30)
D = dt.date.fromisoformat

#: code, township, status, planned completion, owner known → sealed?, overdue on AS_OF?
LEDGER = [
    ("W01", "古绛镇", "施工中", D("2025-06-29"), True),  # overdue by 1 day
    ("W02", "古绛镇", "施工中", D("2025-06-30"), True),  # planned == as_of: not yet overdue
    ("W03", "古绛镇", "方案编制", D("2025-07-01"), False),  # not due yet
    ("W04", "古绛镇", "暂缓", D("2024-01-01"), True),  # deferred: never overdue
    ("W05", "横水镇", "已封井待验收", D("2024-01-01"), True),  # sealed: never overdue
    ("W06", "横水镇", "已验收销号", D("2024-01-01"), False),  # sealed (and accepted)
    ("W07", "横水镇", "已排查登记", None, True),  # no planned date: never overdue
    ("W08", "横水镇", "已核查评估", D("2025-01-01"), False),  # overdue by 180 days
    ("W09", "陈村镇", "暂缓", None, True),
    ("W10", "陈村镇", "暂缓", D("2025-01-01"), False),
    ("W11", "古绛镇", "已封井待验收", D("2025-03-01"), True),  # sealed before its date passed
]
SEALED = {"W05", "W06", "W11"}
OVERDUE = {"W01", "W08"}


def wells(rows: list[tuple[str, str, str, dt.date | None, bool]] = LEDGER) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": c, "township": t, "village": f"{c}村", "category": "水井",
             "subtype": "农田灌溉井", "status": s, "owner": "张三" if k else UNKNOWN_OWNER,
             "owner_known": k, "responsible_party": "张三" if k else "绛县水务局",
             "lead_department": "绛县水务局", "plan_type": "封填", "planned_completion": p}
            for c, t, s, p, k in rows
        ]
    )  # fmt: skip


def test_sealed_and_overdue_masks() -> None:
    w = wells()
    assert set(w.loc[sealed_mask(w), "code"]) == SEALED
    assert set(w.loc[overdue_mask(w, AS_OF), "code"]) == OVERDUE
    # One day later W02 (planned 06-30) is overdue too; a day earlier W01 is not yet.
    assert set(w.loc[overdue_mask(w, AS_OF + dt.timedelta(days=1)), "code"]) == OVERDUE | {"W02"}
    assert set(w.loc[overdue_mask(w, AS_OF - dt.timedelta(days=1)), "code"]) == {"W08"}


def test_ledger_figures() -> None:
    f = ledger_figures(wells(), AS_OF)
    # 11 wells; sealed W05, W06, W11 (W06 accepted); deferred W04, W09, W10; overdue W01, W08;
    # owner unknown W03, W06, W08, W10. Due = 11 − 3 = 8; 封井完成率 = 3 / 8 = 37.5 %.
    assert (f.total, f.sealed, f.accepted, f.deferred, f.overdue, f.owner_unknown) == (
        11, 3, 1, 3, 2, 4,
    )  # fmt: skip
    assert f.due == 8
    assert f.completion_rate == 37.5


@pytest.mark.parametrize(
    "rows",
    [
        [],  # an empty ledger
        [r for r in LEDGER if r[2] == "暂缓"],  # every well deferred: nothing is due
    ],
)
def test_completion_rate_is_zero_when_nothing_is_due(
    rows: list[tuple[str, str, str, dt.date | None, bool]],
) -> None:
    w = wells(rows) if rows else wells().iloc[0:0]
    f = ledger_figures(w, AS_OF)
    assert f.due == 0 and f.completion_rate == 0.0


def test_township_progress_agrees_with_ledger_figures() -> None:
    w = wells()
    got = township_progress(w, AS_OF)
    # 横水镇: 2 sealed of 4 due → 50 %; 古绛镇: 1 sealed (W11) of 5 − 1 deferred = 4 due → 25 %;
    # 陈村镇: all deferred → 0 (nothing due). Highest share first.
    assert got["township"].tolist() == ["横水镇", "古绛镇", "陈村镇"]
    assert got["sealed_share"].tolist() == [50.0, 25.0, 0.0]
    for r in got.itertuples():
        f = ledger_figures(w[w["township"] == r.township], AS_OF)
        assert (r.wells, r.sealed, r.accepted, r.deferred, r.overdue, r.owner_unknown) == (
            f.total, f.sealed, f.accepted, f.deferred, f.overdue, f.owner_unknown,
        )  # fmt: skip
        assert r.sealed_share == pytest.approx(f.completion_rate)
    total = ledger_figures(w, AS_OF)
    sums = got[["wells", "sealed", "accepted", "deferred", "overdue", "owner_unknown"]].sum()
    assert sums.tolist() == [total.total, total.sealed, total.accepted, total.deferred,
                             total.overdue, total.owner_unknown]  # fmt: skip


def test_overdue_list_most_overdue_first_with_the_action() -> None:
    got = overdue_list(wells(), AS_OF)
    assert got["code"].tolist() == ["W08", "W01"]
    assert got["days_overdue"].tolist() == [180, 1]  # 2025-01-01 → 06-30; 06-29 → 06-30
    assert got["action"].tolist() == [
        "所有权人不明，由县级人民政府水行政主管部门组织封井回填",
        f"所有权人未按期封井：{ART_58}",
    ]


def test_stage_counts_in_lifecycle_order() -> None:
    got = stage_counts(wells())
    assert got["status"].tolist() == STATUS_ORDER
    assert dict(zip(got["status"], got["wells"], strict=True)) == {
        "已排查登记": 1, "已核查评估": 1, "方案编制": 1, "施工中": 2, "已封井待验收": 2,
        "已验收销号": 1, "暂缓": 3,
    }  # fmt: skip
    assert got["share"].sum() == pytest.approx(100.0)


# -- owners and import rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (UNKNOWN_OWNER, False)),
        ("", (UNKNOWN_OWNER, False)),
        ("   ", (UNKNOWN_OWNER, False)),
        ("不详", (UNKNOWN_OWNER, False)),
        ("无主井", (UNKNOWN_OWNER, False)),
        ("所有权人不明", (UNKNOWN_OWNER, False)),
        ("不 详", (UNKNOWN_OWNER, False)),  # spaces inside do not make it a name
        ("不\u3000详", (UNKNOWN_OWNER, False)),  # nor a full-width space
        ("／", (UNKNOWN_OWNER, False)),  # full-width slash, NFKC → "/"
        ("—", (UNKNOWN_OWNER, False)),
        (" 东村村民委员会 ", ("东村村民委员会", True)),  # a name, trimmed
        ("无锡某公司", ("无锡某公司", True)),  # starts with 无 but is a name
    ],
)
def test_normalise_owner(text: object, expected: tuple[str, bool]) -> None:
    assert normalise_owner(text) == expected


def test_water_authority() -> None:
    assert water_authority(" 绛县 ") == "绛县水务局"
    assert water_authority("") == "县级人民政府水行政主管部门"


AUTHORITY = "绛县水务局"
KNOWN = {"code": "W1", "owner": "张三", "owner_known": True, "status": "施工中",
         "responsible_party": "张三", "deferral_reason": "", "note": ""}  # fmt: skip
DEFERRED = {**KNOWN, "status": "暂缓", "deferral_reason": "资金未到位"}

MERGE_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any]]] = [
    # (case, partial row from the file, existing row or None, fields expected after merging)
    ("new well, blank owner and status", {"code": "N1", "owner": "", "status": ""}, None,
     {"owner": UNKNOWN_OWNER, "owner_known": False, "status": "已排查登记",
      "responsible_party": AUTHORITY, "deferral_reason": ""}),
    ("new well, no owner column", {"code": "N1"}, None,
     {"owner": UNKNOWN_OWNER, "owner_known": False, "responsible_party": AUTHORITY}),
    ("new well, known owner", {"code": "N1", "owner": "李四"}, None,
     {"owner": "李四", "owner_known": True, "responsible_party": "李四"}),
    ("new well, responsible party given", {"code": "N1", "owner": "无",
                                           "responsible_party": "古绛镇人民政府"}, None,
     {"owner": UNKNOWN_OWNER, "owner_known": False, "responsible_party": "古绛镇人民政府"}),
    ("update without owner or status columns", {"code": "W1", "note": "井口已加盖"}, KNOWN,
     {"owner": "张三", "owner_known": True, "status": "施工中", "note": "井口已加盖"}),
    ("blank status cell keeps the status", {"code": "W1", "status": ""}, KNOWN,
     {"status": "施工中"}),
    ("owner becomes unknown; a set responsible party stays", {"code": "W1", "owner": "不详"},
     KNOWN, {"owner": UNKNOWN_OWNER, "owner_known": False, "responsible_party": "张三"}),
    ("blank responsible party becomes the new owner",
     {"code": "W1", "owner": "李四", "responsible_party": ""}, KNOWN,
     {"owner": "李四", "owner_known": True, "responsible_party": "李四"}),
    ("blank responsible party of an unknown owner becomes the authority",
     {"code": "W1", "owner": "", "responsible_party": " "}, KNOWN,
     {"owner_known": False, "responsible_party": AUTHORITY}),
    ("leaving 暂缓 clears the reason", {"code": "W1", "status": "施工中"}, DEFERRED,
     {"status": "施工中", "deferral_reason": ""}),
    ("staying 暂缓 keeps the reason", {"code": "W1", "note": "待复查"}, DEFERRED,
     {"status": "暂缓", "deferral_reason": "资金未到位"}),
    ("entering 暂缓 with a reason", {"code": "W1", "status": "暂缓",
                                     "deferral_reason": "征地未完成"}, KNOWN,
     {"status": "暂缓", "deferral_reason": "征地未完成"}),
    ("a reason given for a non-deferred status is kept as given",
     {"code": "W1", "deferral_reason": "备注"}, KNOWN, {"deferral_reason": "备注"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("partial", "existing", "expected"),
    [c[1:] for c in MERGE_CASES],
    ids=[c[0] for c in MERGE_CASES],
)
def test_merge_row(
    partial: dict[str, Any], existing: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    before = None if existing is None else dict(existing)
    got = merge_row(partial, existing, AUTHORITY)
    assert {k: got[k] for k in expected} == expected
    assert existing == before  # the stored row is not modified in place


# -- risk score ---------------------------------------------------------------------------------

X0, Y0 = to_metric(111.55, 35.45)  # a corner of 绛县, in UTM 49N metres


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """lon/lat of the point ``dx`` m east and ``dy`` m north of (X0, Y0)."""
    lon, lat = from_metric(X0 + dx, Y0 + dy)
    return float(lon), float(lat)


def square(x0: float, y0: float, x1: float, y1: float) -> str:
    """GeoJSON (lon/lat) of the rectangle [x0, x1] × [y0, y1] m east/north of (X0, Y0)."""
    box = shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)
    return json.dumps(mapping(geometry_from_metric(box)))


#: Every weight a different power of two, so a score says exactly which factors added to it.
RULES = RiskRules(
    core_zone=1, quasi_zone=2, recharge_zone=4,
    source_near_m=100.0, source_near=8, source_far_m=300.0, source_far=16,
    deep_m=50.0, deep=32, cross_layer_words=("漏水",), cross_layer=64, owner_unknown=128,
    quality_radius_m=200.0, class_v_near=256, class_iv_near=512,
    medium=10, high=300,
)  # fmt: skip

#: Zones near (0, 0): 一级 [0,1000]×[0,1000]; 准保护区 [0,3000]×[0,1000]; 补给区 [2000,4000]×[0,1000].
RISK_ZONES = [
    ("一级保护区", square(0, 0, 1000, 1000)),
    ("准保护区", square(0, 0, 3000, 1000)),
    ("补给区", square(2000, 0, 4000, 1000)),
]
#: A pollution source at (10000, 0); monitoring points near (20000, 0): Ⅴ at (20000, 0),
#: Ⅳ at (20000, 1000) and at (20300, 0), Ⅲ at (20000, -500).
POLLUTION = [(10000, 0)]
QUALITY = [(20000, 0, 5), (20000, 1000, 4), (20300, 0, 4), (20000, -500, 3)]

#: code, position (m) or None, status, depth m, 废弃原因, 备注, owner known → score, level
#: (medium ≥ 10, high ≥ 300).
RISK = [
    # zones: in 一级 and 准保护区 → core only (1); 准 only → 2; 准 + 补给 → 2 + 4; 补给 only → 4
    ("R01", (500, 500), "施工中", None, "", "", True, 1, "低"),
    ("R02", (1500, 500), "施工中", None, "", "", True, 2, "低"),
    ("R03", (2500, 500), "施工中", None, "", "", True, 6, "低"),
    ("R04", (3500, 500), "施工中", None, "", "", True, 4, "低"),
    ("R05", (500, 500), "已封井待验收", 200.0, "串层", "", False, None, None),  # sealed: unscored
    ("R06", (500, 500), "已验收销号", 200.0, "", "", False, None, None),
    # pollution source: 50 m → near (8); 200 m → far (16); 400 m → nothing
    ("R07", (10050, 0), "已排查登记", None, "", "", True, 8, "低"),
    ("R08", (10200, 0), "已排查登记", None, "", "", True, 16, "中"),
    ("R09", (10400, 0), "暂缓", None, "", "", True, 0, "低"),
    # monitoring points: 100 m from Ⅴ → 256; 100 m from Ⅳ → 512; 150 m from Ⅴ and from Ⅳ → Ⅴ
    # only (256); 100 m from the Ⅲ point only → nothing
    ("R10", (19900, 0), "方案编制", None, "", "", True, 256, "中"),
    ("R11", (20000, 900), "方案编制", None, "", "", True, 512, "高"),
    ("R12", (20150, 0), "方案编制", None, "", "", True, 256, "中"),
    ("R13", (20000, -600), "方案编制", None, "", "", True, 0, "低"),
    # depth ≥ 50 m → 32 (50 itself counts; 49.9 does not)
    ("R14", (30000, 0), "施工中", 60.0, "", "", True, 32, "中"),
    ("R15", (30000, 0), "施工中", 50.0, "", "", True, 32, "中"),
    ("R16", (30000, 0), "施工中", 49.9, "", "", True, 0, "低"),
    # the rules' own words: 漏水 in 废弃原因 or 备注 → 64; the default word 串层 is not one of them
    ("R17", (30000, 0), "施工中", None, "井管漏水", "", True, 64, "中"),
    ("R18", (30000, 0), "施工中", None, "", "疑似漏水", True, 64, "中"),
    ("R19", (30000, 0), "施工中", None, "疑似串层", "", True, 0, "低"),
    # owner unknown → 128, with or without a location; an unlocated well gets no place factor
    ("R20", (30000, 0), "施工中", None, "", "", False, 128, "中"),
    ("R21", None, "施工中", 80.0, "", "", False, 160, "中"),
    # everything at once: 一级 (1) + deep (32) + 漏水 (64) + owner unknown (128) = 225
    ("R22", (500, 500), "施工中", 80.0, "漏水", "", False, 225, "中"),
    # 100 m from Ⅴ + owner unknown + deep: 256 + 128 + 32 = 416 → 高
    ("R23", (19900, 0), "施工中", 80.0, "", "", False, 416, "高"),
]  # fmt: skip


def risk_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = []
    for code, pos, status, depth, reason, note, known, *_ in RISK:
        lon, lat = lonlat(*pos) if pos else (None, None)
        rows.append({"code": code, "township": "古绛镇", "status": status, "lon": lon,
                     "lat": lat, "depth_m": depth, "abandon_reason": reason, "note": note,
                     "owner_known": known})  # fmt: skip
    w = pd.DataFrame(rows).astype({"lon": float, "lat": float, "depth_m": float})
    zones = pd.DataFrame([{"code": f"Z{i}", "kind": k, "geometry": g}
                          for i, (k, g) in enumerate(RISK_ZONES)])  # fmt: skip
    pollution = pd.DataFrame([dict(zip(("lon", "lat"), lonlat(x, y), strict=True))
                              for x, y in POLLUTION])  # fmt: skip
    quality = pd.DataFrame(
        [{"point": f"M{i}", "quality_class": c, **dict(zip(("lon", "lat"), lonlat(x, y),
                                                          strict=True))}
         for i, (x, y, c) in enumerate(QUALITY)]
    )  # fmt: skip
    return w, zones, pollution, quality


def test_risk_scores_use_every_weight_of_custom_rules() -> None:
    got = risk_scores(*risk_inputs(), rules=RULES).set_index("code")
    expected = {code: (score, level) for code, *_, score, level in RISK if score is not None}
    assert {c: (int(r.score), r.level) for c, r in got.iterrows()} == expected
    weights = [RULES.core_zone, RULES.quasi_zone, RULES.recharge_zone, RULES.source_near,
               RULES.source_far, RULES.deep, RULES.cross_layer, RULES.owner_unknown,
               RULES.class_v_near, RULES.class_iv_near]  # fmt: skip
    fired = 0
    for score, *_ in expected.values():
        fired |= score
    assert all(fired & w for w in weights), "every weight is exercised by some well"


def test_risk_reasons_name_the_rules_distances_and_points() -> None:
    got = risk_scores(*risk_inputs(), rules=RULES).set_index("code")["reasons"]
    assert got["R07"] == "100 m 内有污染源（+8）"
    assert got["R08"] == "300 m 内有污染源（+16）"
    assert got["R09"] == "无加分因素"
    assert got["R11"] == "200 m 内监测点位现为Ⅳ类（+512）"
    assert got["R14"] == "井深 60 m，可能穿越多个含水层（+32）"
    assert got["R22"] == (
        "位于饮用水水源一级/二级保护区（+1）；井深 80 m，可能穿越多个含水层（+32）；"
        "疑似串层污染（见废弃原因或备注）（+64）；"
        "所有权人不明，由县级人民政府水行政主管部门组织封井回填（+128）"
    )


@pytest.mark.parametrize(
    ("score", "level"), [(0, "低"), (19, "低"), (20, "中"), (39, "中"), (40, "高"), (90, "高")]
)
def test_risk_level_cut_offs(score: int, level: str) -> None:
    """A lone unlocated well whose only factor (owner unknown) is worth ``score`` points:
    中 from ``medium`` (20) and 高 from ``high`` (40), both inclusive."""
    w = pd.DataFrame([{"code": "X", "township": "", "status": "施工中", "lon": None,
                       "lat": None, "depth_m": None, "abandon_reason": "", "note": "",
                       "owner_known": False}]).astype({"lon": float, "lat": float,
                                                       "depth_m": float})  # fmt: skip
    rules = RiskRules(owner_unknown=score, medium=20, high=40)
    empty = pd.DataFrame(columns=["kind", "geometry"])
    got = risk_scores(w, empty, pd.DataFrame(columns=["lon", "lat"]), pd.DataFrame(), rules)
    assert (int(got["score"].iloc[0]), got["level"].iloc[0]) == (score, level)
