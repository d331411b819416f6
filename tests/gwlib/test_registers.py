"""The drinking-source and pollution-source registers on hand-built frames with answers worked
out in the tables below: zone areas, 补给区 progress against the deadline, the source points'
yearly classes and the sources worse than Ⅲ, and the pollution-source register and summary."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gwlib.sources.model import ZoneKind
from gwlib.sources.registers import (
    RECHARGE_DEADLINE,
    pollution_register,
    pollution_summary,
    recharge_progress,
    source_point_classes,
    source_register,
    sources_above_iii,
    zone_table,
)
from tests.gwlib.test_well_rules import square

#: code, kind, source, rectangle in metres (x0, y0, x1, y1) → area km²
ZONES = [
    ("Z1", "一级保护区", "S1", (0, 0, 1000, 1000)),  # 1.0
    ("Z2", "二级保护区", "S1", (1000, 0, 2000, 1000)),  # 1.0
    ("Z3", "二级保护区", "S1", (2000, 0, 3000, 500)),  # 0.5: S1's 二级 is 1.5 in all
    ("Z4", "补给区", "S1", (0, 1000, 2000, 3000)),  # 4.0
    ("Z5", "一级保护区", "S2", (5000, 0, 5500, 500)),  # 0.25
    ("Z6", "保护类", "", (0, 0, 10000, 10000)),  # 100: a prevention zone, in no source's row
]
#: code, scale, 补给区 status, 超标原因, 整治情况
SOURCES = [
    ("S1", "城镇级", "未划定", "", ""),
    ("S2", "千吨万人", "初步划定", "地质背景", "已建设除氟设施"),
    ("S3", "乡镇级", "未划定", "", ""),
    ("S4", "乡镇级", "已批复", "", ""),
]


def zones() -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": i, "code": c, "name": f"{c}区", "kind": k, "source_code": s,
          "legal_status": "已批复", "requirements": "", "geometry": square(*box),
          "crs": "EPSG:4326"}
         for i, (c, k, s, box) in enumerate(ZONES)]
    )  # fmt: skip


def sources() -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": i, "code": c, "name": f"{c}水源地", "scale": sc, "recharge_status": r,
          "exceedance_cause": cause, "remediation_status": rem}
         for i, (c, sc, r, cause, rem) in enumerate(SOURCES)]
    )  # fmt: skip


def test_zone_table_areas() -> None:
    got = zone_table(zones())
    assert "geometry" not in got.columns
    assert dict(zip(got["code"], got["area_km2"], strict=True)) == pytest.approx(
        {"Z1": 1.0, "Z2": 1.0, "Z3": 0.5, "Z4": 4.0, "Z5": 0.25, "Z6": 100.0}, rel=2e-3
    )  # squares drawn in UTM metres, measured on the ellipsoid: UTM's scale error is < 0.1 %
    first = zone_table(zones(), (ZoneKind.FIRST,))
    assert first["code"].tolist() == ["Z1", "Z5"]


@pytest.mark.parametrize(
    ("scale", "status", "as_of", "expected"),
    [
        ("城镇级", "未划定", RECHARGE_DEADLINE, "未到期"),  # on the deadline day: not yet late
        ("城镇级", "未划定", dt.date(2024, 1, 1), "逾期未完成"),
        ("千吨万人", "未划定", dt.date(2023, 6, 1), "未到期"),
        ("千吨万人", "初步划定", dt.date(2030, 1, 1), "已完成"),
        ("城镇级", "已批复", dt.date(2023, 1, 1), "已完成"),
        ("乡镇级", "未划定", dt.date(2030, 1, 1), "不要求"),  # small sources are not required
        ("乡镇级", "初步划定", dt.date(2030, 1, 1), "已完成"),  # … but may have done it
    ],
)
def test_recharge_progress(scale: str, status: str, as_of: dt.date, expected: str) -> None:
    assert recharge_progress(scale, status, as_of) == expected


def test_recharge_progress_with_another_deadline() -> None:
    assert recharge_progress("城镇级", "未划定", dt.date(2024, 6, 30)) == "逾期未完成"
    late = dt.date(2024, 12, 31)
    assert recharge_progress("城镇级", "未划定", dt.date(2024, 6, 30), late) == "未到期"


def test_source_register() -> None:
    got = source_register(sources(), zones(), dt.date(2024, 6, 30)).set_index("code")
    assert "id" not in got.columns
    cols = ["first_km2", "second_km2", "quasi_km2", "recharge_km2"]
    areas = {c: list(r) for c, r in got[cols].iterrows()}
    assert areas == {
        "S1": pytest.approx([1.0, 1.5, 0.0, 4.0], rel=2e-3),  # Z1; Z2 + Z3; none; Z4
        "S2": pytest.approx([0.25, 0.0, 0.0, 0.0], rel=2e-3),
        "S3": [0.0, 0.0, 0.0, 0.0],  # no zone delineated yet
        "S4": [0.0, 0.0, 0.0, 0.0],
    }
    assert got["recharge_deadline"].to_dict() == {
        "S1": RECHARGE_DEADLINE, "S2": RECHARGE_DEADLINE, "S3": None, "S4": None,
    }  # fmt: skip
    assert got["recharge_progress"].to_dict() == {
        "S1": "逾期未完成", "S2": "已完成", "S3": "不要求", "S4": "已完成",
    }  # fmt: skip


# -- monitoring points of sources ---------------------------------------------------------------

#: code, drinking source, pollution source, target class
POINTS = [
    ("M1", "S1", "", 3),
    ("M2", "S1", "", 3),
    ("M3", "S2", "", 3),
    ("M4", "", "", 3),  # an ordinary point: in neither register
    ("M5", "", "P1", 3),
    ("M6", "", "P1", 3),
    ("M7", "", "P3", 3),
]
#: point, date, class (0 = not graded)
SAMPLES = [
    ("M1", "2024-03-01", 2),
    ("M1", "2024-09-01", 4),
    ("M1", "2025-03-01", 3),
    ("M1", "2025-09-01", 0),  # not graded: counts in no class
    ("M2", "2023-05-01", 5),
    ("M2", "2024-06-01", 0),  # M2's only 2024 sample is ungraded: no 2024 row for M2
    ("M3", "2024-05-01", 5),
    ("M3", "2025-05-01", 4),
    ("M4", "2025-05-01", 5),
    ("M5", "2024-05-01", 5),
    ("M5", "2025-05-01", 2),  # M5's latest class is Ⅱ, whatever it was before
    ("M6", "2025-05-01", 4),  # Ⅳ against target Ⅲ: misses it
    ("M7", "2025-05-01", 0),  # only an ungraded sample: no latest class
]
#: source, point, year, worst class of the year, worse than Ⅲ
SOURCE_YEARS = [
    ("S1", "M1", 2024, 4, True),  # 2 and 4 → Ⅳ
    ("S1", "M1", 2025, 3, False),  # 3 (the 0 is not graded)
    ("S1", "M2", 2023, 5, True),
    ("S2", "M3", 2024, 5, True),
    ("S2", "M3", 2025, 4, True),
]


def points() -> pd.DataFrame:
    return pd.DataFrame(
        [{"code": c, "name": f"{c}井", "source_code": s, "pollution_source_code": p,
          "target_class": t}
         for c, s, p, t in POINTS]
    )  # fmt: skip


def samples() -> pd.DataFrame:
    return pd.DataFrame(
        [{"point": p, "date": dt.date.fromisoformat(d), "quality_class": c} for p, d, c in SAMPLES]
    )


def test_source_point_classes() -> None:
    got = source_point_classes(points(), samples())
    rows = got[["source_code", "point", "year", "quality_class", "above_iii"]]
    assert [tuple(r) for r in rows.itertuples(index=False)] == SOURCE_YEARS
    assert got["label"].tolist() == ["Ⅳ类", "Ⅲ类", "Ⅴ类", "Ⅴ类", "Ⅳ类"]
    assert got["point_name"].tolist() == ["M1井", "M1井", "M2井", "M3井", "M3井"]


def test_sources_above_iii_look_at_each_sources_latest_year() -> None:
    """S1's latest year is 2025 (M1: Ⅲ), so its Ⅳ of 2024 and M2's Ⅴ of 2023 do not list it;
    S2 was Ⅳ in 2025 and is listed with the register's cause and remediation."""
    register = source_register(sources(), zones(), dt.date(2025, 12, 31))
    got = sources_above_iii(register, source_point_classes(points(), samples()))
    assert got.to_dict("records") == [
        {"code": "S2", "name": "S2水源地", "year": 2025, "label": "Ⅳ类",
         "exceedance_cause": "地质背景", "remediation_status": "已建设除氟设施"}
    ]  # fmt: skip


def test_sources_above_iii_without_yearly_classes() -> None:
    register = source_register(sources(), zones(), dt.date(2025, 12, 31))
    yearly = source_point_classes(points(), samples().iloc[0:0])
    assert sources_above_iii(register, yearly).empty


# -- pollution sources --------------------------------------------------------------------------

#: code, category, 防渗改造, 调查评估, 重点排污单位 → group
POLLUTION = [
    ("P1", "化学品生产企业", "已完成", "未开展", True),  # 一企一库
    ("P2", "垃圾填埋场", "未开展", "已完成", False),  # 两场两区
    ("P3", "加油站", "已完成", "已完成", False),  # 加油站
    ("P4", "其他", "进行中", "未开展", False),  # 其他
    ("P5", "尾矿库", "已完成", "已完成", True),  # 一企一库
]
#: code → (own points, worst latest class, points missing target, label)
#:   P1: M5 latest Ⅱ, M6 latest Ⅳ (target Ⅲ: misses) → worst Ⅳ, 1 missing target
#:   P3: M7 has no graded sample → 0 and no label;  P2, P4, P5: no own point
POLLUTION_EXPECTED = {
    "P1": ("M5、M6", 4, 1, "Ⅳ类"),
    "P2": ("", 0, 0, ""),
    "P3": ("M7", 0, 0, ""),
    "P4": ("", 0, 0, ""),
    "P5": ("", 0, 0, ""),
}


def pollution() -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": i, "code": c, "name": f"{c}企业", "category": cat, "seepage_status": seep,
          "survey_status": survey, "key_discharger": key}
         for i, (c, cat, seep, survey, key) in enumerate(POLLUTION)]
    )  # fmt: skip


def test_pollution_register() -> None:
    got = pollution_register(pollution(), points(), samples()).set_index("code")
    assert "id" not in got.columns
    assert got["group"].to_dict() == {
        "P1": "一企一库", "P2": "两场两区", "P3": "加油站", "P4": "其他", "P5": "一企一库",
    }  # fmt: skip
    assert {
        c: (r.points, int(r.worst_class), int(r.missing_target), r.worst_label)
        for c, r in got.iterrows()
    } == POLLUTION_EXPECTED


def test_pollution_summary() -> None:
    got = pollution_summary(pollution_register(pollution(), points(), samples()))
    # group: sources, 防渗改造已完成, 调查评估已完成, 重点排污单位 (groups in name order)
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("一企一库", 2, 2, 1, 2),  # P1, P5
        ("两场两区", 1, 0, 1, 0),  # P2
        ("其他", 1, 0, 0, 0),  # P4
        ("加油站", 1, 1, 1, 0),  # P3
    ]
