"""监测点位登记表 (issue 12 item 2): reading a register with every coordinate form, defaults,
warnings and rejections; the one-transaction commit with its audit; re-import, correction,
export round trip and the CLI lines as written. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from pyproj import Transformer

from gwlib.errors import PermissionDenied
from gwlib.geo.counties import county
from gwlib.quality.model import MonitoringPoint
from gwlib.quality.register import HEADERS, plan_points, register_bytes, template_bytes
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.county import init_county
from gwlib.store.points import commit_points, plan_from_store, save_point
from tests.accounts import LOCAL, add_accounts

ROOT = Path(__file__).resolve().parents[2]
EDITOR = Actor("zhang")
#: 绛县's boundary holds (111.57, 35.49); the GK coordinates below are of (111.60, 35.50).
LON, LAT = 111.60, 35.50
_E, _N = Transformer.from_crs("EPSG:4326", "EPSG:4546", always_xy=True).transform(LON, LAT)
_UE, _UN = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True).transform(LON, LAT)
_GX, _GY = 111.60 + 0.0062, 35.50 - 0.0011  # roughly what a web map (GCJ-02) shows there
HEAD = ",".join(HEADERS)
ROWS = [
    "JX-01,一号井,国考,区域,古绛镇,111.5701,35.4912,,,,120,孔隙,潜水,,丰枯各1次,在用,",
    f"JX-02,二号井,省控,饮用水源,横水镇,,,{_N:.2f},{_E:.2f},EPSG:4546,80,孔隙,潜水,Ⅲ,,,",
    f"JX-03,三号井,县控,污染风险监控,古绛镇,,,{_N:.2f},37{_E:.2f},CGCS2000 3度带,60,裂隙,承压,IV,"
    "每季度1次,在用,X坐标带带号",
    "JX-04,四号井,县控,区域,古绛镇,\"111°34'12.5\"\"\",35°29'30\",,,,50,孔隙,潜水,5,每年1次,停用,",
    f"JX-05,五号井,县控,区域,古绛镇,,,{_UN:.1f},{_UE:.1f},EPSG:32649,,孔隙,潜水,,,,",
    f"JX-06,六号井,县控,区域,古绛镇,{_GX},{_GY},,,GCJ-02,,,,,,,",
]
BAD = [
    "JX-07,七号井,市级,区域,古绛镇,111.6,35.5,,,,,孔隙,潜水,,,,",  # not a 点位类别
    "JX-08,八号井,县控,区域,古绛镇,,,3930000,500000,,,孔隙,潜水,,,,",  # X/Y with no 坐标系
    "JX-01,重复,县控,区域,古绛镇,111.5,35.5,,,,,孔隙,潜水,,,,",  # a code twice
    "JX-09,九号井,县控,区域,古绛镇,111.6,35.5,,,,,孔隙,潜水,Ⅵ,,,",  # not a class
    ",无编码,县控,区域,古绛镇,111.6,35.5,,,,,孔隙,潜水,,,,",  # no code
]
OUTSIDE = "JX-10,十号井,县控,区域,古绛镇,112.5,35.5,,,,,孔隙,潜水,,,,"


def _csv(tmp_path: Path, name: str, rows: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    return p


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        f"sqlite:///{tmp_path}/p.sqlite"
        if request.param == "sqlite"
        else request.getfixturevalue("fresh_pg_url")
    )
    s = Store.open(url)
    init_county(s, county("140826"), LOCAL)
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    yield s
    s.close()


def _by_code(store: Store) -> dict[str, dict[str, object]]:
    return {str(r["code"]): r for r in store.points().to_dict("records")}


def test_every_coordinate_form_defaults_and_rejections(store: Store, tmp_path: Path) -> None:
    plan = plan_from_store(store, str(_csv(tmp_path, "reg.csv", ROWS + BAD + [OUTSIDE])))
    errors = {(i.row, i.column) for i in plan.errors}
    assert errors == {(8, "点位类别"), (9, "坐标系"), (10, "点位编码"), (11, "目标类别"),
                      (12, "点位编码")}  # fmt: skip
    assert plan.rejected_rows == 5 and plan.rows_total == 12
    assert plan.counts == {"新增": 7, "修改": 0, "未变": 0}
    outside = [i for i in plan.warnings if i.row == 13]
    assert len(outside) == 1 and "离县界约" in outside[0].reason and "km" in outside[0].reason
    km = float(outside[0].reason.split("约 ")[1].split(" km")[0])
    assert 40 < km < 70  # 112.5° E lies ~50 km east of 绛县's eastern edge
    result = commit_points(store, plan, EDITOR)
    assert result.summary() == "imported 7, updated 0, unchanged 0, rejected 5"
    got = _by_code(store)
    for code in ("JX-02", "JX-03", "JX-05"):  # GK with and without the zone, EPSG, UTM
        assert got[code]["lon"] == pytest.approx(LON, abs=1e-6)
        assert got[code]["lat"] == pytest.approx(LAT, abs=1e-6)
    assert got["JX-06"]["lon"] == pytest.approx(LON, abs=2e-4)  # GCJ-02 → WGS 84
    assert (got["JX-04"]["lon"], got["JX-04"]["lat"]) == pytest.approx(
        (111 + 34 / 60 + 12.5 / 3600, 35 + 29 / 60 + 30 / 3600)
    )
    assert got["JX-02"]["input_crs"] == "EPSG:4546"
    assert got["JX-03"]["input_y"] == pytest.approx(float(f"37{_E:.2f}"))
    # Defaults: 目标类别 by level and purpose, 频次, 状态, 含水介质 with a warning.
    assert [got[c]["target_class"] for c in ("JX-01", "JX-02", "JX-03", "JX-05")] == [5, 3, 4, 4]
    assert (got["JX-06"]["frequency"], got["JX-06"]["status"]) == ("丰枯各1次", "在用")
    assert got["JX-06"]["aquifer"] == "孔隙"
    assert any(i.row == 7 and i.column == "含水介质" for i in plan.warnings)


def test_ambiguous_crs_says_what_to_write(store: Store, tmp_path: Path) -> None:
    rows = ["JX-01,一号井,县控,区域,古绛镇,,,3930000,554000,CGCS2000,,孔隙,潜水,,,,"]
    plan = plan_from_store(store, str(_csv(tmp_path, "a.csv", rows)))
    (err,) = plan.errors
    assert err.column in ("坐标系", "X坐标", "Y坐标") and "带" in err.reason
    assert plan.counts["新增"] == 0


def test_reimport_unchanged_correction_updates_exactly_with_audit(
    store: Store, tmp_path: Path
) -> None:
    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "a.csv", ROWS))), EDITOR)
    again = plan_from_store(store, str(_csv(tmp_path, "a.csv", ROWS)))
    assert again.counts == {"新增": 0, "修改": 0, "未变": 6}
    assert commit_points(store, again, EDITOR).summary() == (
        "imported 0, updated 0, unchanged 6, rejected 0"
    )
    fixed = [ROWS[0].replace("一号井", "一号监测井"), *ROWS[1:3],
             ROWS[3].replace(",停用,", ",在用,"), *ROWS[4:]]  # fmt: skip
    plan = plan_from_store(store, str(_csv(tmp_path, "b.csv", fixed)))
    assert plan.counts == {"新增": 0, "修改": 2, "未变": 4}
    assert sorted(map(tuple, plan.changes[["point", "field", "old", "new"]].to_numpy())) == [
        ("JX-01", "点位名称", "一号井", "一号监测井"), ("JX-04", "状态", "停用", "在用"),
    ]  # fmt: skip
    commit_points(store, plan, EDITOR)
    with store.engine.connect() as conn:
        audit = conn.execute(
            sa.text("select entity_key, field, old_value, new_value, user_name from audit_log "
                    "where entity = 'point' and action = 'update' order by entity_key")
        ).all()  # fmt: skip
    assert [tuple(a) for a in audit] == [
        ("JX-01", "点位名称", "一号井", "一号监测井", "zhang"),
        ("JX-04", "状态", "停用", "在用", "zhang"),
    ]
    with store.engine.connect() as conn:
        kinds = conn.execute(sa.text("select kind, n_new, n_updated, n_unchanged from "
                                     "import_batch order by id")).all()  # fmt: skip
    assert [tuple(k) for k in kinds] == [("points", 6, 0, 0), ("points", 0, 0, 6),
                                         ("points", 0, 2, 4)]  # fmt: skip


def test_export_round_trips_unchanged_in_both_formats(store: Store, tmp_path: Path) -> None:
    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "a.csv", ROWS))), EDITOR)
    for suffix in (".xlsx", ".csv"):
        data = register_bytes(store.points(), suffix)
        plan = plan_from_store(store, data, display_name=f"out{suffix}")
        assert plan.counts == {"新增": 0, "修改": 0, "未变": 6}, suffix
        assert not plan.errors
    sheet = openpyxl.load_workbook(io.BytesIO(register_bytes(store.points()))).active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_a_rejected_commit_writes_nothing_and_viewers_cannot_write(
    store: Store, tmp_path: Path
) -> None:
    plan = plan_from_store(store, str(_csv(tmp_path, "a.csv", ROWS)))
    with pytest.raises(PermissionDenied):
        commit_points(store, plan, Actor("li"))
    assert len(store.points()) == 0
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from import_batch")).scalar_one() == 0


def test_a_retired_point_keeps_its_samples(store: Store, tmp_path: Path) -> None:
    from gwlib.quality.assess import assess
    from gwlib.quality.standards import get_standard

    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "a.csv", ROWS[:1]))), EDITOR)
    std = get_standard()
    lab = pd.DataFrame({"point": ["JX-01"], "date": ["2024-05-01"], "indicator": ["T1-06"],
                        "value": [0.5], "unit": ["mg/L"]})  # fmt: skip
    from gwlib.io.lab import parse_lab_table
    from gwlib.io.tables import RawTable

    raw = lab.rename(columns={"point": "点位编码", "date": "采样日期", "indicator": "指标",
                              "value": "监测值", "unit": "单位"}).astype(str)  # fmt: skip
    raw["指标"] = std.indicators[[i.code for i in std.indicators].index("T1-06")].name
    store.write_assessment(assess(parse_lab_table(RawTable("x", raw, 1), std).frame, std))
    retired = ROWS[0].replace(",在用,", ",停用,")
    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "b.csv", [retired]))), EDITOR)
    assert _by_code(store)["JX-01"]["status"] == "停用"
    assert len(store.samples()) == 1


def test_form_edit_goes_through_the_same_check_and_audit(store: Store) -> None:
    p = MonitoringPoint.from_row({"code": "JX-20", "name": "表单井", "category": "县控",
                                  "township": "古绛镇", "lon": 111.57, "lat": 35.49,
                                  "aquifer": "孔隙", "burial": "潜水"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_point(store, p, Actor("li"))
    save_point(store, p, EDITOR)
    assert _by_code(store)["JX-20"]["target_class"] == 4


def test_template_has_headers_dropdowns_and_notes() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    ws = wb["监测点位"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert len(ws.data_validations.dataValidation) == 7
    assert "填表说明" in wb.sheetnames


def test_plan_needs_the_code_column(tmp_path: Path) -> None:
    from gwlib.errors import InputError

    p = tmp_path / "x.csv"
    p.write_text("名称,经度\n甲,111\n", encoding="utf-8")
    with pytest.raises(InputError, match="点位编码"):
        plan_points(p, pd.DataFrame())


def _gwlib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gwlib", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)  # fmt: skip


def test_cli_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    assert _gwlib("init", "--db", url, "--adcode", "140826").returncode == 0
    reg = _csv(tmp_path, "reg.csv", [*ROWS, BAD[0]])
    dry = _gwlib("points", "import", str(reg), "--db", url, "--dry-run")
    assert dry.returncode == 2
    assert dry.stdout.splitlines()[-1] == (
        "imported 6, updated 0, unchanged 0, rejected 1 (dry run: nothing written)"
    )
    report = tmp_path / "r.csv"
    done = _gwlib("points", "import", str(reg), "--db", url, "--report", str(report))
    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        2, "imported 6, updated 0, unchanged 0, rejected 1"
    )  # fmt: skip
    assert "点位类别" in report.read_text(encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    assert _gwlib("points", "export", "--db", url, "-o", str(out)).returncode == 0
    exported = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(exported.columns) == list(HEADERS)
    assert float(exported.set_index("点位编码").loc["JX-02", "经度"]) == pytest.approx(LON)
    again = _gwlib("points", "import", str(out), "--db", url)
    assert again.stdout.splitlines()[-1] == "imported 0, updated 0, unchanged 6, rejected 0"
    tpl = tmp_path / "t.xlsx"
    assert _gwlib("points", "template", "-o", str(tpl)).returncode == 0
    assert openpyxl.load_workbook(tpl).sheetnames[0] == "监测点位"
    gk = _csv(tmp_path, "gk.csv", [f"JX-30,三十号井,县控,区域,古绛镇,,,{_N:.2f},{_E:.2f},,,孔隙,潜水,,,,"])
    with_crs = _gwlib("points", "import", str(gk), "--db", url, "--crs", "EPSG:4546")
    assert with_crs.stdout.splitlines()[-1] == "imported 1, updated 0, unchanged 0, rejected 0"
    assert json.loads(json.dumps(with_crs.returncode)) == 0


def test_filing_dates_as_people_write_them_round_trip_and_audit(store: Store,
                                                                tmp_path: Path) -> None:
    rows = [ROWS[0] + ",2025/3/1", ROWS[1] + ",2025年4月2日", ROWS[2] + ",2025-05-03",
            ROWS[3] + ",昨天"]  # fmt: skip
    plan = plan_from_store(store, str(_csv(tmp_path, "f.csv", rows)))
    assert [(i.row, i.column, i.value) for i in plan.errors] == [(5, "最近报备日期", "昨天")]
    commit_points(store, plan, EDITOR)
    got = {code: str(p["filed_on"])[:10] for code, p in _by_code(store).items()}
    assert got == {"JX-01": "2025-03-01", "JX-02": "2025-04-02", "JX-03": "2025-05-03"}
    for suffix in (".xlsx", ".csv"):  # the export carries the column and re-imports unchanged
        data = register_bytes(store.points(), suffix)
        assert plan_from_store(store, data, display_name=f"out{suffix}").counts["未变"] == 3
    moved = [ROWS[0] + ",2025-09-30"]
    plan = plan_from_store(store, str(_csv(tmp_path, "g.csv", moved)))
    assert plan.changes[["field", "old", "new"]].values.tolist() == [
        ["最近报备日期", "2025-03-01", "2025-09-30"]]
    commit_points(store, plan, EDITOR)
    with store.engine.connect() as conn:
        audit = conn.execute(sa.text("select old_value, new_value from audit_log where "
                                     "field = '最近报备日期' and action = 'update'")).all()
    assert [tuple(a) for a in audit] == [("2025-03-01", "2025-09-30")]


def test_a_column_the_file_leaves_out_keeps_the_stored_value(store: Store,
                                                             tmp_path: Path) -> None:
    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "a.csv",
                                                          [ROWS[0] + ",2025-03-01"]))), EDITOR)
    before = _by_code(store)["JX-01"]
    only = tmp_path / "targets.csv"  # a sheet of codes, coordinates and targets only
    only.write_text("点位编码,经度,纬度,目标类别\nJX-01,111.5701,35.4912,Ⅲ\n", encoding="utf-8")
    plan = plan_from_store(store, str(only))
    assert plan.changes[["field", "old", "new"]].values.tolist() == [["目标类别", "Ⅴ", "Ⅲ"]]
    assert not plan.warnings  # no "未填写，按默认登记" for columns the file does not have
    commit_points(store, plan, EDITOR)
    after = _by_code(store)["JX-01"]
    assert after["target_class"] == 3
    for field in ("name", "category", "purpose", "township", "depth_m", "aquifer", "burial",
                  "frequency", "status", "note"):
        assert after[field] == before[field], field
    assert str(after["filed_on"])[:10] == "2025-03-01"


def test_an_update_keeps_what_the_register_does_not_carry(store: Store, tmp_path: Path) -> None:
    """权属单位, 水源地/污染源编码, 筛管 and 建井日期 have no register column and no form field: a
    register import or a form save that changes a point leaves them as they were."""
    linked = MonitoringPoint.from_row({
        "code": "JX-01", "name": "一号井", "category": "国考", "township": "古绛镇",
        "lon": 111.5701, "lat": 35.4912, "aquifer": "孔隙", "burial": "潜水",
        "owner": "县供水公司", "source_code": "SYD-01", "pollution_source_code": "WR-01",
        "screen_top_m": 40.0, "screen_bottom_m": 60.0, "established": "2015-06-01"})
    store.upsert_points([linked])
    edited = [ROWS[0].replace("一号井", "一号监测井")]
    commit_points(store, plan_from_store(store, str(_csv(tmp_path, "b.csv", edited))), EDITOR)
    form = ("code", "name", "category", "purpose", "township", "lon", "lat", "depth_m", "aquifer",
            "burial", "target_class", "frequency", "status", "filed_on")  # the form's fields
    stored = _by_code(store)["JX-01"]
    save_point(store, MonitoringPoint.from_row({**{f: stored[f] for f in form}, "note": "表单改"}),
               EDITOR)
    after = _by_code(store)["JX-01"]
    assert (after["name"], after["note"]) == ("一号监测井", "表单改")
    assert (after["owner"], after["source_code"], after["pollution_source_code"]) == (
        "县供水公司", "SYD-01", "WR-01")
    assert (after["screen_top_m"], after["screen_bottom_m"]) == (40.0, 60.0)
    assert str(after["established"])[:10] == "2015-06-01"
