"""The store on SQLite and on a real PostgreSQL server: migration from empty, round trips,
materialised grading, idempotent re-import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from gwlib.io.lab import read_lab_file
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.quality.assess import assess
from gwlib.quality.model import MonitoringPoint
from gwlib.quality.standards import get_standard
from gwlib.sources.model import DrinkingSource, PollutionSource, Zone
from gwlib.store import Store
from gwlib.store.engine import MIGRATIONS
from gwlib.store.schema import DERIVED_TABLES, metadata
from gwlib.wells.model import AbandonedWell
from tests.accounts import LOCAL

STD = get_standard()
LAB = """点位编码,采样日期,水期,指标,监测值,单位
P1,2023-06-15,丰水期,砷,0.0003L,mg/L
P1,2023-06-15,丰水期,氟化物,2.4,mg/L
P1,2023-06-15,丰水期,硝酸盐氮,25,mg/L
P2,2023-06-16,丰水期,pH,7.2,无量纲
P2,2023-06-16,丰水期,钾,3,mg/L
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sub' / 'db.sqlite'}"
    return str(request.getfixturevalue("fresh_pg_url"))


pytestmark = pytest.mark.usefixtures("close_stores")


def _alembic_config_for_scripts() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def point(code: str) -> MonitoringPoint:
    return MonitoringPoint.from_row(
        {
            "code": code,
            "name": f"{code} 井",
            "category": "国考",
            "township": "古绛镇",
            "lon": 111.57,
            "lat": 35.49,
            "aquifer": "孔隙",
            "burial": "潜水",
            "target_class": "Ⅲ",
            "frequency": "丰枯各1次",
            "depth_m": 80,
        }
    )


def test_migration_from_empty_matches_schema(url: str) -> None:
    store = Store.open(url)
    heads = ScriptDirectory.from_config(_alembic_config_for_scripts()).get_heads()
    assert store.revision() == ",".join(sorted(heads))
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert set(store.counts()) == {t.name for t in metadata.sorted_tables} - set(DERIVED_TABLES)
    Store.open(url)  # opening again is a no-op


def test_sqlite_file_is_wal(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a' / 'b.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_samples_round_trip_with_materialised_grading(url: str, tmp_path: Path) -> None:
    store = Store.open(url)
    store.upsert_points([point("P1"), point("P2")])
    src = tmp_path / "lab.csv"
    src.write_text(LAB, encoding="utf-8")
    result = assess(read_lab_file(src, STD).frame, STD)
    assert store.write_assessment(result, "lab.csv") == 2
    s = store.samples().set_index("point")
    assert s.loc["P1", "quality_class"] == 5 and s.loc["P1", "limiting"] == "T1-26"
    assert s.loc["P1", "period"] == "丰水期"
    assert s.loc["P2", "quality_class"] == 1
    m = store.measurements("P1").set_index("indicator_code")
    assert bool(m.loc["T1-29", "censored"]) and m.loc["T1-29", "quality_class"] == 1
    assert m.loc["T1-24", "exceedance"] == pytest.approx(0.25)
    not_graded = store.measurements("P2")
    assert list(not_graded["reported_name"]) == ["pH", "钾"]
    # Re-import is idempotent.
    before = store.counts()
    store.write_assessment(result, "lab.csv")
    assert store.counts() == before


def test_unknown_point_writes_nothing(url: str, tmp_path: Path) -> None:
    from gwlib.errors import StoreError

    store = Store.open(url)
    store.upsert_points([point("P1")])
    src = tmp_path / "lab.csv"
    src.write_text(LAB, encoding="utf-8")
    result = assess(read_lab_file(src, STD).frame, STD)
    with pytest.raises(StoreError, match="P2"):
        store.write_assessment(result)
    assert store.counts()["sample"] == 0


def test_ledgers_round_trip(url: str) -> None:
    store = Store.open(url)
    well = AbandonedWell.from_row(
        {
            "code": "W-001",
            "category": "取水井",
            "subtype": "农田灌溉井",
            "township": "横水镇",
            "village": "东村",
            "lon": 111.5,
            "lat": 35.5,
            "status": "方案编制",
            "owner": "不详",
            "owner_known": False,
            "plan_type": "封填",
            "responsible_party": "绛县水务局",
            "planned_completion": "2024-06-30",
            "depth_m": 120,
        }
    )
    store.upsert_wells([well])
    w = store.wells().iloc[0]
    assert (w["code"], w["status"], w["plan_type"], bool(w["owner_known"])) == (
        "W-001",
        "方案编制",
        "封填",
        False,
    )
    assert w["planned_completion"] == dt.date(2024, 6, 30)
    src = DrinkingSource("S1", "县城水源地", "城镇级", "孔隙", "古绛镇", 111.56, 35.49, 50000, 8000)  # type: ignore[arg-type]
    store.upsert_sources([src])
    zone = Zone(
        "Z1",
        "县城水源地一级保护区",
        "一级保护区",  # type: ignore[arg-type]
        {
            "type": "Polygon",
            "coordinates": [[[111.5, 35.4], [111.6, 35.4], [111.6, 35.5], [111.5, 35.4]]],
        },
        source_code="S1",
    )
    store.upsert_zones([zone])
    assert store.zones().iloc[0]["kind"] == "一级保护区"
    store.upsert_pollution_sources(
        [
            PollutionSource(
                "PS1",
                "某加油站",
                "加油站",
                "古绛镇",
                111.55,  # type: ignore[arg-type]
                35.48,
            )
        ]
    )
    assert store.pollution_sources().iloc[0]["category"] == "加油站"
    plan = ActionPlan(
        2023,
        "绛县",
        "地下水行动计划",
        tasks=(
            PlanTask(1, "（一）", "调查评估", "全文", ("甲局",), ("乙局", "丙局"), ("2023-12-31",)),
        ),
    )
    store.save_plan(plan, by=LOCAL)
    store.save_plan(plan, by=LOCAL)  # replaced, not duplicated
    t = store.plan_tasks(2023)
    assert len(t) == 1 and t.iloc[0]["cooperating"] == '["乙局", "丙局"]'


def test_meta_and_clear(url: str) -> None:
    store = Store.open(url)
    store.set_meta("dataset", "模拟数据")
    store.set_meta("dataset", "模拟数据")
    assert store.get_meta("dataset") == "模拟数据"
    store.upsert_points([point("P1")])
    assert not store.is_empty()
    store.clear()
    assert store.is_empty() and store.revision() is not None


def test_postgres_is_really_postgres(fresh_pg_url: str) -> None:
    store = Store.open(fresh_pg_url)
    assert store.dialect == "postgresql"
    with store.engine.connect() as conn:
        assert "PostgreSQL" in conn.execute(sa.text("select version()")).scalar_one()


def test_frames_have_expected_types(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert isinstance(store.samples(), pd.DataFrame)
    assert list(store.samples().columns)[:3] == ["point", "point_name", "category"]


def test_point_register_migration_splits_level_and_purpose(tmp_path: Path) -> None:
    """0011: the old categories that were purposes become a network level and a 监测用途; the
    point's samples stay."""
    from alembic import command

    from gwlib.store.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store.open(url, migrate=False) as store, store.transaction() as conn:
        command.upgrade(alembic_config(conn), "0010")
    with Store.open(url, migrate=False) as store, store.transaction() as conn:
        for code, category in (("A", "水源地监测井"), ("B", "污染源监测井"), ("C", "国考")):
            conn.exec_driver_sql(
                "INSERT INTO monitoring_point (code, category, lon, lat, crs, aquifer, burial,"
                " status, target_class, frequency) VALUES (?, ?, 111.5, 35.5, 'EPSG:4490',"
                " '孔隙', '潜水', '在用', 3, '丰枯各1次')",
                (code, category),
            )
        conn.exec_driver_sql(
            "INSERT INTO sample (point_id, sample_date, quality_class, n_graded, standard,"
            " graded_at) SELECT id, '2024-05-01', 3, 1, 'GB/T 14848-2017', '2024-05-02'"
            " FROM monitoring_point"
        )
    with Store.open(url) as store:
        got = store.points().set_index("code")[["category", "purpose"]]
        assert got.to_dict("index") == {
            "A": {"category": "县控", "purpose": "饮用水源"},
            "B": {"category": "自行监测", "purpose": "污染风险监控"},
            "C": {"category": "国考", "purpose": "区域"},
        }
        assert store.counts()["sample"] == 3
