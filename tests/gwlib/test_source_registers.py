"""The two source registers (饮用水水源地登记表, 污染源登记表): template, reader, plan, commit,
export; the CLI lines as written."""

from __future__ import annotations

import contextlib
import io
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pyproj import Transformer

from gwlib.errors import ConflictError, GwlibError, InputError, PermissionDenied
from gwlib.sources.register_io import read_register
from gwlib.sources.register_spec import POLLUTION, SOURCES, register_bytes, template_bytes
from gwlib.store import Store, schema, schema_ledger
from gwlib.store.audit import Actor
from gwlib.store.registers import commit_register, prepare_register
from tests.accounts import add_accounts

ROOT = Path(__file__).resolve().parents[2]
EDITOR = Actor("zhang")
S_HEAD = "水源编码,水源名称,水源规模,水源类型,乡镇,经度,纬度,X坐标,Y坐标,坐标系,服务人口(人),取水量(t/d),保护区划定状态,补给区划定状态,标志设置\n"
SOURCES_CSV = S_HEAD + (
    "SY-01,县城水源地,城镇级,孔隙,古绛镇,111.5701,35.4912,,,,86000,12000,已批复,初步划定,已完成\n"
    "SY-02,横水水源地,千吨万人,岩溶,横水镇,,,3930123.4,37512345.6,CGCS2000 3度带 37带,13500,1600,初步划定,,\n"
    "SY-03,冷口水源地,乡镇级,裂隙,冷口乡,\"111°34'12.5\"\"\",35°25'30\",,,,5200,700,,,开展中\n"
)
P_HEAD = "污染源编码,污染源名称,污染源类别,乡镇,经度,纬度,重点排污单位,排污许可证编号,自行监测,监测井数(眼),自动监测联网,防渗改造,调查评估,风险管控措施\n"
POLLUTION_CSV = P_HEAD + (
    "WR-01,恒泰化工,化学品生产企业,古绛镇,111.52,35.47,是,91140826MA0XXXX001P,是,3,是,已完成,开展中,双层罐\n"
    "WR-02,城东加油站,加油站,古绛镇,111.55,35.46,否,,否,0,否,开展中,未开展,=1+2\n"
    "WR-03,绛县垃圾填埋场,垃圾填埋场,横水镇,111.40,35.42,Y,,√,4,,,,\n"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        f"sqlite:///{tmp_path}/reg.sqlite"
        if request.param == "sqlite"
        else request.getfixturevalue("fresh_pg_url")
    )
    s = Store.open(url)
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    yield s
    s.close()


def _file(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _audit(store: Store, entity: str) -> pd.DataFrame:
    a = schema_ledger.audit_log
    return store._frame(sa.select(a).where(a.c.entity == entity).order_by(a.c.id))


def _batches(store: Store) -> pd.DataFrame:
    b = schema.import_batch
    return store._frame(sa.select(b).order_by(b.c.id))


def test_template_has_headers_dropdowns_and_notes() -> None:
    for spec in (SOURCES, POLLUTION):
        wb = load_workbook(io.BytesIO(template_bytes(spec)))
        ws = wb[spec.sheet]
        assert [c.value for c in ws[1]] == list(spec.headers)
        assert wb.sheetnames[0] == spec.sheet and "填表说明" in wb.sheetnames
        assert wb["选项"].sheet_state == "hidden"
        lists = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in ws.data_validations.dataValidation}
        letters = {ws.cell(1, j + 1).column_letter for j, c in enumerate(spec.all_columns) if c.options}
        assert lists == letters and letters
        notes = " ".join(str(r[0].value) for r in wb["填表说明"].iter_rows(min_row=2))
        assert "坐标系" in notes and spec.label("code") in notes
    wb = load_workbook(io.BytesIO(template_bytes(POLLUTION)))
    assert {"防渗改造", "调查评估", "排污许可证编号", "自行监测", "重点排污单位"} <= {
        c.value for c in wb[POLLUTION.sheet][1]
    }


def test_projected_and_dms_coordinates(store: Store, tmp_path: Path) -> None:
    plan = prepare_register(store, SOURCES, _file(tmp_path, "s.csv", SOURCES_CSV))
    assert not [i for i in plan.issues if i.severity == "error"], plan.issues
    rec = {r.code: r for _, r, _ in plan.records}
    lon, lat = Transformer.from_crs("EPSG:4525", "EPSG:4326", always_xy=True).transform(
        37512345.6, 3930123.4
    )
    assert rec["SY-02"].lon == pytest.approx(lon, abs=1e-6)
    assert rec["SY-02"].lat == pytest.approx(lat, abs=1e-6)
    assert rec["SY-03"].lon == pytest.approx(111 + 34 / 60 + 12.5 / 3600, abs=1e-6)
    assert rec["SY-03"].lat == pytest.approx(35 + 25 / 60 + 30 / 3600, abs=1e-6)
    # blanks take the documented defaults
    assert rec["SY-02"].recharge_status.value == "未划定" and rec["SY-02"].signage.value == "未开展"


def test_import_reimport_and_corrected_file(store: Store, tmp_path: Path) -> None:
    first = _file(tmp_path, "s.csv", SOURCES_CSV)
    r = commit_register(store, prepare_register(store, SOURCES, first), EDITOR)
    assert r.summary() == "imported 3, updated 0, unchanged 0, rejected 0"
    before = store.drinking_sources()
    again = prepare_register(store, SOURCES, first)
    assert again.counts == {"新增": 0, "修改": 0, "未变": 3} and again.changes.empty
    r = commit_register(store, again, EDITOR)
    assert r.summary() == "imported 0, updated 0, unchanged 3, rejected 0"
    pd.testing.assert_frame_equal(before, store.drinking_sources())

    fixed = SOURCES_CSV.replace("13500,1600,初步划定,,", "14000,1600,已批复,,")
    plan = prepare_register(store, SOURCES, _file(tmp_path, "fixed.csv", fixed))
    assert plan.counts == {"新增": 0, "修改": 1, "未变": 2}
    assert plan.changes[["code", "field", "old", "new"]].values.tolist() == [
        ["SY-02", "服务人口(人)", "13500", "14000"],
        ["SY-02", "保护区划定状态", "初步划定", "已批复"],
    ]
    r = commit_register(store, plan, EDITOR)
    assert r.summary() == "imported 0, updated 1, unchanged 2, rejected 0"
    after = store.drinking_sources().set_index("code")
    assert after.loc["SY-02", "population"] == 14000 and after.loc["SY-02", "zones_status"] == "已批复"
    assert after.loc["SY-02", "id"] == before.set_index("code").loc["SY-02", "id"]  # updated in place
    pd.testing.assert_frame_equal(
        before.set_index("code").drop(index="SY-02"), after.drop(index="SY-02")
    )
    audit = _audit(store, "drinking_source")
    updates = audit[audit["action"] == "update"]
    assert updates[["entity_key", "field", "old_value", "new_value"]].values.tolist() == [
        ["SY-02", "服务人口(人)", "13500", "14000"],
        ["SY-02", "保护区划定状态", "初步划定", "已批复"],
    ]
    assert set(updates["user_name"]) == {"zhang"}
    assert (audit["action"] == "create").sum() == 3
    b = _batches(store)
    assert b["kind"].tolist() == ["sources"] * 3
    assert b[["n_new", "n_updated", "n_unchanged"]].values.tolist() == [[3, 0, 0], [0, 0, 3], [0, 1, 2]]


def test_title_rows_and_columns_the_file_does_not_have(store: Store, tmp_path: Path) -> None:
    commit_register(store, prepare_register(store, SOURCES, _file(tmp_path, "s.csv", SOURCES_CSV)), EDITOR)
    short = (
        "绛县饮用水水源地登记表（2025年）,,,,,\n"
        "填报单位：生态环境局,,,,,\n"
        "水源编码,水源名称,水源规模,水源类型,经度,纬度\n"
        "SY-01,县城水源地,城镇级,孔隙,111.5701,35.4912\n"
        "SY-03,冷口水源地,城镇级,裂隙,111.57013889,35.425\n"
    )
    plan = prepare_register(store, SOURCES, _file(tmp_path, "short.csv", short))
    assert not plan.issues
    assert plan.counts == {"新增": 0, "修改": 1, "未变": 1}
    assert plan.changes[["code", "field", "old", "new"]].values.tolist() == [
        ["SY-03", "水源规模", "乡镇级", "城镇级"]
    ]
    commit_register(store, plan, EDITOR)
    row = store.drinking_sources().set_index("code").loc["SY-03"]
    assert row["scale"] == "城镇级" and row["population"] == 5200 and row["signage"] == "开展中"


def test_rejected_rows_name_file_row_column_value(store: Store, tmp_path: Path) -> None:
    bad = P_HEAD + (
        "WR-01,恒泰化工,化学品生产企业,古绛镇,111.52,35.47,是,,是,3,是,已完成,开展中,\n"
        "WR-02,,火星,古绛镇,111.55,35.46,也许,,否,-1,否,完成了,未开展,\n"
        "WR-01,重复,加油站,古绛镇,111.55,35.46,否,,否,0,否,,,\n"
        "WR-04,无坐标,加油站,古绛镇,,,否,,否,0,否,,,\n"
        "WR-05,投影无坐标系,加油站,古绛镇,,,否,,否,0,否,,,\n"
        f"WR-06,{'长' * 129},加油站,古绛镇,111.5,35.5,否,,否,0,否,,,{'长' * 500}\n"
    )
    bad = bad.replace("WR-05,投影无坐标系,加油站,古绛镇,,,", "WR-05,投影无坐标系,加油站,古绛镇,,,")
    plan = prepare_register(store, POLLUTION, _file(tmp_path, "bad.csv", bad))
    errors = {(i.row, i.column): (i.value, i.reason) for i in plan.issues if i.severity == "error"}
    assert all(i.file == "bad.csv" for i in plan.issues)
    assert errors[(3, "污染源名称")][1] == "「污染源名称」必须填写"
    assert errors[(3, "污染源类别")][0] == "火星" and "加油站" in errors[(3, "污染源类别")][1]
    assert errors[(3, "重点排污单位")] == ("也许", "应为 是 或 否")
    assert errors[(3, "监测井数(眼)")] == ("-1", "应为非负整数")
    assert errors[(3, "防渗改造")][0] == "完成了" and "已完成" in errors[(3, "防渗改造")][1]
    assert errors[(4, "污染源编码")] == ("WR-01", "污染源编码与第 2 行重复")
    assert "没有坐标" in errors[(5, "经度")][1]
    assert errors[(7, "污染源名称")][1] == "太长（129 个字符）：不超过 128 个字符"
    assert (7, "风险管控措施") not in errors  # free text has no width limit
    assert plan.summary() == "imported 1, updated 0, unchanged 0, rejected 5"
    r = commit_register(store, plan, EDITOR)
    assert store.pollution_sources()["code"].tolist() == ["WR-01"]
    assert _batches(store)["rows_rejected"].tolist() == [5] and r.rejected == 5


def test_xy_without_crs_and_unknown_township(store: Store, tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[111, 35], [112, 35], [112, 36], [111, 36], [111, 35]]]}
    for name in ("古绛镇", "横水镇"):
        store.upsert_boundary(name, name, "乡镇", square, "EPSG:4326", "测试")
    text = S_HEAD + (
        "SY-01,县城水源地,城镇级,孔隙,古降镇,111.5701,35.4912,,,,1,1,,,\n"
        "SY-02,横水水源地,千吨万人,岩溶,横水镇,,,3930123.4,37512345.6,,1,1,,,\n"
    )
    plan = prepare_register(store, SOURCES, _file(tmp_path, "s.csv", text))
    [warn] = [i for i in plan.issues if i.severity == "warning"]
    assert (warn.row, warn.column, warn.value) == (2, "乡镇", "古降镇") and "古绛镇" in warn.reason
    [err] = [i for i in plan.issues if i.severity == "error"]
    assert err.row == 3 and err.column == "坐标系" and "没有坐标系" in err.reason
    assert plan.summary() == "imported 1, updated 0, unchanged 0, rejected 1"


def test_outside_the_county_is_imported_with_its_distance(store: Store, tmp_path: Path) -> None:
    county = {"type": "Polygon", "coordinates": [[[111.4, 35.4], [111.6, 35.4], [111.6, 35.6], [111.4, 35.6], [111.4, 35.4]]]}
    store.upsert_boundary("140826", "绛县", "县", county, "EPSG:4326", "测试")
    text = S_HEAD + (
        "SY-01,县城水源地,城镇级,孔隙,古绛镇,111.5,35.5,,,,1,1,,,\n"
        "SY-02,远处水源地,城镇级,孔隙,古绛镇,111.7,35.5,,,,1,1,,,\n"
    )
    plan = prepare_register(store, SOURCES, _file(tmp_path, "s.csv", text))
    [warn] = plan.issues
    assert (warn.row, warn.column, warn.severity) == (3, "经度", "warning")
    km = 0.1 * 111.32 * math.cos(math.radians(35.5))  # 0.1° of longitude at 35.5° N
    assert f"距县界约 {km:.1f} km" in warn.reason
    assert plan.counts["新增"] == 2 and plan.rejected_rows == 0


def test_broken_files_are_clear_errors_and_write_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到必填列「水源规模」"):
        prepare_register(store, SOURCES, _file(tmp_path, "a.csv", "水源编码,水源名称,水源类型,经度,纬度\nA,B,孔隙,111,35\n"))
    with pytest.raises(InputError, match="找不到坐标列"):
        prepare_register(store, SOURCES, _file(tmp_path, "b.csv", "水源编码,水源名称,水源规模,水源类型\nA,B,城镇级,孔隙\n"))
    with pytest.raises(InputError, match="不是有效的 Excel 文件"):
        prepare_register(store, POLLUTION, b"PK\x03\x04 not really a workbook", "c.xlsx")
    with pytest.raises(InputError, match="不支持的文件类型"):
        prepare_register(store, POLLUTION, b"\x00\x01", "c.exe")
    plan = prepare_register(store, SOURCES, _file(tmp_path, "s.csv", SOURCES_CSV))
    with pytest.raises(PermissionDenied):
        commit_register(store, plan, Actor("li"))
    with pytest.raises(PermissionDenied):
        commit_register(store, plan, Actor("nobody"))
    assert store.drinking_sources().empty and _batches(store).empty


def test_a_failed_commit_writes_nothing(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_register(store, prepare_register(store, SOURCES, _file(tmp_path, "s.csv", SOURCES_CSV)), EDITOR)
    before = store.drinking_sources()
    more = SOURCES_CSV.replace("86000", "90000") + "SY-04,新水源,乡镇级,孔隙,古绛镇,111.6,35.5,,,,1,1,,,\n"
    plan = prepare_register(store, SOURCES, _file(tmp_path, "m.csv", more))
    assert plan.counts == {"新增": 1, "修改": 1, "未变": 2}

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr("gwlib.store.registers.write_audit", boom)
    with pytest.raises(RuntimeError):
        commit_register(store, plan, EDITOR)
    pd.testing.assert_frame_equal(before, store.drinking_sources())
    assert len(_batches(store)) == 1


def test_a_field_changed_after_the_preview_stops_the_commit(store: Store, tmp_path: Path) -> None:
    commit_register(store, prepare_register(store, SOURCES, _file(tmp_path, "s.csv", SOURCES_CSV)), EDITOR)
    plan = prepare_register(store, SOURCES, _file(tmp_path, "f.csv", SOURCES_CSV.replace("86000", "90000")))
    other = prepare_register(store, SOURCES, _file(tmp_path, "o.csv", SOURCES_CSV.replace("86000", "88000")))
    commit_register(store, other, Actor("zhang"))
    before = store.drinking_sources()
    with pytest.raises(ConflictError, match=r"SY-01.*服务人口"):
        commit_register(store, plan, EDITOR)
    pd.testing.assert_frame_equal(before, store.drinking_sources())
    assert len(_batches(store)) == 2


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize(("spec", "text"), [(SOURCES, SOURCES_CSV), (POLLUTION, POLLUTION_CSV)], ids=["sources", "pollution"])
def test_export_import_round_trip(store: Store, tmp_path: Path, spec, text: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    commit_register(store, prepare_register(store, spec, _file(tmp_path, "in.csv", text)), EDITOR)
    stored = store.drinking_sources() if spec is SOURCES else store.pollution_sources()
    data = register_bytes(spec, stored, suffix)
    plan = prepare_register(store, spec, data, f"export{suffix}")
    assert plan.counts == {"新增": 0, "修改": 0, "未变": 3}, plan.changes
    assert not plan.issues
    if spec is POLLUTION:
        p = stored.set_index("code")
        assert p.loc["WR-01", "permit_no"] == "91140826MA0XXXX001P" and bool(p.loc["WR-03", "self_monitoring"])
        assert p.loc["WR-02", "risk_control"] == "=1+2"  # text, never a formula
        assert bool(p.loc["WR-03", "key_discharger"]) and not bool(p.loc["WR-03", "networked"])
    # into an empty database the export rebuilds the same register
    fresh = Store.open(f"sqlite:///{tmp_path}/fresh.sqlite")
    add_accounts(fresh, {"zhang": "editor"})
    commit_register(fresh, prepare_register(fresh, spec, data, f"export{suffix}"), EDITOR)
    again = fresh.drinking_sources() if spec is SOURCES else fresh.pollution_sources()
    cols = [c for c in stored.columns if c not in ("id", "lon", "lat")]
    pd.testing.assert_frame_equal(stored[cols], again[cols])
    assert (stored[["lon", "lat"]] - again[["lon", "lat"]]).abs().max().max() < 1e-7
    fresh.close()


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cells = st.one_of(st.sampled_from(["", "是", "否", "111.5", "35.4", "孔隙", "城镇级", "=1+2", "-3", "EPSG:4546", "37512345"]), st.text(max_size=12))


@FUZZ
@given(st.lists(st.lists(cells, min_size=1, max_size=12), max_size=8))
def test_reader_never_crashes(tmp_path: Path, rows: list[list[str]]) -> None:
    body = "\n".join(",".join(c.replace(",", "，").replace("\n", " ").replace("\r", " ").replace('"', "”") for c in r) for r in rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(S_HEAD + body, encoding="utf-8")
    with contextlib.suppress(GwlibError):
        got = read_register(SOURCES, path)
        last = len(rows) + 1
        for issue in got.issues:
            assert issue.reason and (issue.row is None or 2 <= issue.row <= last)
        assert got.rejected_rows + len(got.records) <= got.total


def _gwlib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gwlib", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_cli_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    t = tmp_path / "t.xlsx"
    assert _gwlib("pollution", "template", "-o", str(t)).returncode == 0
    assert load_workbook(t)[POLLUTION.sheet]["A1"].value == "污染源编码"
    bad = _file(tmp_path, "p.csv", POLLUTION_CSV + "WR-09,坏行,火星,,111.5,35.5,,,,,,,,\n")
    done = _gwlib("pollution", "import", str(bad), "--db", url, "--dry-run")
    assert done.returncode == 2, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, rejected 1"
    with Store.open(url) as s:
        assert s.pollution_sources().empty
    report = tmp_path / "r.csv"
    done = _gwlib("pollution", "import", str(bad), "--db", url, "--report", str(report))
    assert done.returncode == 2
    assert done.stdout.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, rejected 1"
    rep = pd.read_csv(report, encoding="utf-8-sig")
    assert rep[["row", "column", "value"]].values.tolist() == [[5, "污染源类别", "火星"]]
    out = tmp_path / "e.xlsx"
    assert _gwlib("pollution", "export", "--db", url, "-o", str(out)).returncode == 0
    done = _gwlib("pollution", "import", str(out), "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 3, rejected 0"

    src = _file(tmp_path, "s.csv", SOURCES_CSV)
    done = _gwlib("sources", "import", str(src), "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, rejected 0"
    out = tmp_path / "s_export.csv"
    assert _gwlib("sources", "export", "--db", url, "-o", str(out)).returncode == 0
    done = _gwlib("sources", "import", str(out), "--db", url)
    assert done.stdout.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 3, rejected 0"
    assert _gwlib("sources", "template", "-o", str(tmp_path / "st.xlsx")).returncode == 0
    with Store.open(url) as s:
        b = _batches(s)
    assert b["kind"].tolist() == ["pollution", "pollution", "sources", "sources"]
    assert all(u.startswith("命令行:") for u in b["user_name"])


def test_enforcement_columns_reach_the_brief_only_where_recorded(
    store: Store, tmp_path: Path
) -> None:
    """Issue 13 item 7: 执法检查(次) and 违法线索 come in with the register and give the brief a
    table of the sources inspected or with leads — none when the register records none."""
    from gwlib.brief.data import _sources

    head = P_HEAD.rstrip("\n") + ",执法检查(次),违法线索\n"
    rows = POLLUTION_CSV.removeprefix(P_HEAD).splitlines()
    text = head + "\n".join([rows[0] + ",2,渗滤液池防渗破损，已立案",
                             rows[1] + ",1,", rows[2] + ",,"]) + "\n"  # fmt: skip
    commit_register(store, prepare_register(store, POLLUTION, _file(tmp_path, "p.csv", text)),
                    EDITOR)  # fmt: skip
    p = store.pollution_sources().set_index("code")
    assert p.loc["WR-01", "inspections"] == 2 and p.loc["WR-01", "violations"].startswith("渗滤液")
    tables = _sources(store.drinking_sources(), store.zones(), store.pollution_sources())
    [t] = [t for t in tables if t.title.startswith("表8（续）")]
    assert "检查 3 次" in t.title and "有违法线索 1 处" in t.title
    assert t.frame["污染源"].tolist() == ["恒泰化工", "城东加油站"] and t.highlight == (0,)
    quiet = store.pollution_sources().assign(inspections=0, violations="")
    assert not [t for t in _sources(store.drinking_sources(), store.zones(), quiet)
                if t.title.startswith("表8（续）")]  # fmt: skip
