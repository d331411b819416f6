"""Zone import (issue 12 item 4): polygons of each kind from GeoJSON, a zipped Shapefile with and
without .prj, KML, KMZ and a 拐点坐标表; re-import unchanged, a moved boundary updated with its
audit row, township boundaries, clear errors that leave nothing written; the CLI as written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from gwlib.errors import InputError, PermissionDenied
from gwlib.geo.counties import county
from gwlib.sources.model import DrinkingSource, SourceScale, SourceType
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.county import init_county
from gwlib.store.zones import commit_zones, prepare_zones
from tests.accounts import LOCAL, add_accounts
from tests.gwlib.test_geo_zones import FIRST, SECOND, _block, _kml, _shapefile, _xlsx, _zip, gk

ROOT = Path(__file__).resolve().parents[2]
EDITOR = Actor("zhang")


def _geojson(*zones: tuple[str, list[tuple[float, float]]], **props: str) -> bytes:
    feats = [
        {"type": "Feature", "properties": {"名称": name, **props},
         "geometry": {"type": "Polygon", "coordinates": [[*map(list, ring), list(ring[0])]]}}
        for name, ring in zones
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path}/z.sqlite" if request.param == "sqlite"
           else request.getfixturevalue("fresh_pg_url"))  # fmt: skip
    s = Store.open(url)
    init_county(s, county("140826"), LOCAL)
    s.upsert_sources([DrinkingSource(
        code="SY-01", name="城区水源地", township="古绛镇", lon=111.565, lat=35.485,
        scale=SourceScale.TOWN, source_type=SourceType.POROUS, population=1000,
        capacity_t_d=100)])  # fmt: skip
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    yield s
    s.close()


def test_geojson_reimport_and_a_moved_boundary(store: Store) -> None:
    data = _geojson(("甲区", SECOND), ("乙区", FIRST), 划定状态="已批复", 批复文号="绛政函〔2023〕1号",
                    批复日期="2023-05-20")  # fmt: skip
    plan = prepare_zones(store, data, "分区.geojson", "管控类")
    assert plan.counts == {"新增": 2, "修改": 0, "未变": 0} and not plan.errors
    assert commit_zones(store, plan, EDITOR).summary() == (
        "imported 2, updated 0, unchanged 0, rejected 0"
    )
    z = store.zones().set_index("code")
    assert set(z.index) == {"管控类-甲区", "管控类-乙区"}
    assert z.loc["管控类-甲区", "approval_no"] == "绛政函〔2023〕1号"
    assert str(z.loc["管控类-甲区", "approval_date"])[:10] == "2023-05-20"
    assert z.loc["管控类-甲区", "legal_status"] == "已批复"
    again = prepare_zones(store, data, "分区.geojson", "管控类")
    assert again.counts == {"新增": 0, "修改": 0, "未变": 2}
    moved = [(x + 0.001, y) for x, y in FIRST]
    plan = prepare_zones(store, _geojson(("甲区", SECOND), ("乙区", moved), 划定状态="已批复",
                                         批复文号="绛政函〔2023〕1号", 批复日期="2023-05-20"),
                         "分区.geojson", "管控类")  # fmt: skip
    assert plan.counts == {"新增": 0, "修改": 1, "未变": 1}
    assert list(plan.changes["field"]) == ["边界（面积 km²）"]
    commit_zones(store, plan, EDITOR)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("select action, entity_key, field from audit_log "
                                    "where entity = 'zone' order by id")).all()  # fmt: skip
    assert [tuple(r) for r in rows][-1] == ("update", "管控类-乙区", "边界（面积 km²）")


def test_every_file_form(store: Store) -> None:
    cases = {
        "保护区.kml": _kml(FIRST).encode(),
        "保护区.kmz": _zip({"doc.kml": _kml(FIRST)}),
        "保护区.zip": _shapefile([({"MC": "一级保护区"}, gk(FIRST, prefix=True))], None),
        "划定方案.xlsx": _xlsx({"拐点": [["一级保护区"], ["点号", "X坐标(m)", "Y坐标(m)"],
                                         *_block(gk(FIRST))]}),
    }  # fmt: skip
    for name, data in cases.items():
        crs = "CGCS2000 3度带 37带" if name.endswith((".zip", ".xlsx")) else None
        plan = prepare_zones(store, data, name, "一级保护区", "SY-01", crs=crs)
        assert [z.status for z in plan.zones] == ["新增"], (name, plan.issues)
        (zone,) = plan.zones
        assert zone.area_km2 == pytest.approx(0.906 * 1.111 * 1.0, rel=0.2), name  # ~1 km²


def test_shapefile_without_prj_needs_the_crs(store: Store) -> None:
    data = _shapefile([({"MC": "一级保护区"}, gk(FIRST, prefix=True))], None)
    plan = prepare_zones(store, data, "保护区.zip", "一级保护区", "SY-01")
    assert not plan.zones and plan.errors and plan.errors[0].column == "坐标系"


def test_kind_and_source_are_checked(store: Store) -> None:
    data = _geojson(("一级", FIRST))
    with pytest.raises(InputError, match="水源编码"):
        prepare_zones(store, data, "a.geojson", "一级保护区")
    with pytest.raises(InputError, match="不在水源地登记表中"):
        prepare_zones(store, data, "a.geojson", "一级保护区", "SY-99")
    with pytest.raises(InputError, match="分区类型"):
        prepare_zones(store, data, "a.geojson", "三级保护区")


def test_broken_files_and_viewers_write_nothing(store: Store) -> None:
    plan = prepare_zones(store, b"not json", "a.geojson", "一般区")
    assert plan.errors and not plan.zones
    assert commit_zones(store, plan, EDITOR).imported == 0
    good = prepare_zones(store, _geojson(("甲", FIRST)), "a.geojson", "一般区")
    with pytest.raises(PermissionDenied):
        commit_zones(store, good, Actor("li"))
    assert len(store.zones()) == 0


def test_township_boundaries(store: Store) -> None:
    data = _geojson(("古绛镇", SECOND), ("横水镇", FIRST))
    commit_zones(store, prepare_zones(store, data, "乡镇.geojson", "乡镇"), EDITOR)
    b = store.boundaries()
    assert sorted(b.loc[b["level"] == "乡镇", "name"]) == ["古绛镇", "横水镇"]
    assert prepare_zones(store, data, "乡镇.geojson", "乡镇").counts["未变"] == 2


def test_cli_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gwlib", *args], cwd=ROOT,
                              capture_output=True, text=True, check=False)  # fmt: skip

    assert run("init", "--db", url, "--adcode", "140826").returncode == 0
    f = tmp_path / "分区.geojson"
    f.write_bytes(_geojson(("甲区", SECOND), ("乙区", FIRST)))
    dry = run("zones", "import", str(f), "--db", url, "--kind", "保护类", "--dry-run")
    assert dry.stdout.splitlines()[-1] == (
        "imported 2, updated 0, unchanged 0, rejected 0 (dry run: nothing written)"
    )
    done = run("zones", "import", str(f), "--db", url, "--kind", "保护类")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        0, "imported 2, updated 0, unchanged 0, rejected 0"
    )  # fmt: skip
    shp = tmp_path / "保护区.zip"
    shp.write_bytes(_shapefile([({"MC": "甲"}, gk(FIRST, prefix=True))], None))
    asked = run("zones", "import", str(shp), "--db", url, "--kind", "一般区")
    assert asked.returncode == 2 and "--crs" in asked.stderr
    given = run("zones", "import", str(shp), "--db", url, "--kind", "一般区", "--crs",
                "CGCS2000 3度带 37带")  # fmt: skip
    assert given.stdout.splitlines()[-1] == "imported 1, updated 0, unchanged 0, rejected 0"
    bad = run("zones", "import", str(f), "--db", url, "--kind", "一级保护区", "--source", "X")
    assert bad.returncode == 2 and "不在水源地登记表中" in bad.stderr


def test_corner_table_template_reads_back_as_one_zone() -> None:
    from gwlib.geo.io import read_zones
    from gwlib.sources.zone_import import corner_template_bytes

    got = read_zones(corner_template_bytes(), "模板.xlsx", crs="CGCS2000 3度带 37带")
    assert got.ok and [z.name for z in got.zones] == ["一级保护区（示例）"]
    from shapely.geometry import shape

    from gwlib.geo.crs import area_km2

    assert area_km2(shape(got.zones[0].geometry)) == pytest.approx(0.9 * 1.1, rel=0.05)
