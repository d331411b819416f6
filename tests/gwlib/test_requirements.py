"""Pass/fail water requirements as data (gwlib.quality.requirements): the county's recharge
requirement, tables of limits with groups, non-detects, and ``grade --standard``."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from gwlib.cli import main
from gwlib.demo import generate, import_lab_table
from gwlib.errors import StandardDataError
from gwlib.quality.assess import assess
from gwlib.quality.requirements import (
    EXCEEDED,
    MET,
    NOTHING,
    UNDETERMINED,
    check,
    load_requirement,
    requirement_for,
)
from gwlib.quality.standards import get_standard

STD = get_standard()


def _detail(rows: list[tuple[str, str, float, bool]]) -> pd.DataFrame:
    """Measurements as grading leaves them: point, date, indicator position, value, censored."""
    return pd.DataFrame({
        "point": [r[0] for r in rows], "date": pd.to_datetime("2025-04-01"),
        "indicator": [STD.index(r[1]) for r in rows], "value": [r[2] for r in rows],
        "censored": [r[3] for r in rows]})


def _write(tmp_path: Path, toml: str, table: str | None = None) -> Path:
    path = tmp_path / "req.toml"
    path.write_text(toml, encoding="utf-8")
    if table is not None:
        (tmp_path / "limits.csv").write_text(table, encoding="utf-8")
    return path


def test_recharge_and_tail_water_points_have_the_county_requirement() -> None:
    req = requirement_for("回灌")
    assert req is not None and requirement_for("地热尾水") is req
    assert requirement_for("饮用水源") is None and requirement_for("区域") is None
    assert req.filing_months == 12 and "不得恶化地下水水质" in req.source


def test_derived_limits_are_the_basis_class_column_for_every_indicator() -> None:
    req = requirement_for("回灌")
    assert req is not None
    limits = req.limits_for()
    assert sorted(limits) == list(range(len(STD.indicators)))
    for n, ind in enumerate(STD.indicators):
        assert (limits[n].lo, limits[n].hi) == (ind.lo[2], ind.hi[2]), ind.name
        assert limits[n].origin == "GB/T 14848-2017 Ⅲ类"
    assert limits[STD.index("pH")].text == "6.5~8.5"
    assert limits[STD.index("氟化物")].text == "≤1"


def test_on_the_demo_samples_met_means_class_iii_or_better() -> None:
    """With limits derived from Ⅲ类 the requirement is met exactly where grading (non-detects
    at their detection limit) gives Ⅰ–Ⅲ: two routes to one answer, sample by sample."""
    req = requirement_for("回灌")
    assert req is not None
    data = generate()
    graded = assess(import_lab_table(data, STD).frame, STD)
    judged, _ = check(graded.detail, req)
    merged = judged.merge(graded.samples[["point", "date", "class"]], on=["point", "date"])
    assert len(merged) == len(graded.samples) > 500
    assert ((merged["result"] == MET) == (merged["class"] <= 3)).all()
    assert set(merged["result"]) == {MET, EXCEEDED}


def test_exceedance_multiple_ranges_and_non_detects() -> None:
    req = requirement_for("回灌")
    assert req is not None
    samples, measured = check(_detail([
        ("A", "氟化物", 1.5, False),  # 0.5 times above ≤1
        ("A", "pH", 9.0, False),  # outside 6.5~8.5: no multiple for a range
        ("B", "砷", 0.02, True),  # non-detect, DL above ≤0.01: cannot be judged
        ("B", "铅", float("nan"), True),  # non-detect without a DL: met, as grading gives Ⅰ
        ("C", "砷", 0.0003, True),
        ("C", "氟化物", 1.0, False),  # at the limit: met
    ]), req)
    got = samples.set_index("point")
    assert got.loc["A", "result"] == EXCEEDED
    assert got.loc["A", "exceeding"] == "氟化物（0.5倍）、pH"
    assert got.loc["B", "result"] == UNDETERMINED and got.loc["B", "undetermined"] == "砷"
    assert got.loc["C", "result"] == MET and got.loc["C", "exceeding"] == ""
    fl = measured[(measured["point"] == "A") & (measured["indicator"] == "氟化物")].iloc[0]
    assert (fl["limit"], bool(fl["met"]), fl["multiple"]) == ("≤1", False, 0.5)
    assert pd.isna(measured[measured["point"] == "B"].set_index("indicator").loc["砷", "met"])


def test_a_sample_with_no_limited_indicator_says_so(tmp_path: Path) -> None:
    req = load_requirement(_write(tmp_path, 'code = "X"\ntable = "limits.csv"\n',
                                  "indicator,group,limit,note\n氟化物,,1.0,\n"))
    samples, measured = check(_detail([("A", "砷", 0.5, False)]), req)
    assert samples["result"].tolist() == [NOTHING] and measured.empty


def test_table_with_groups_replaces_and_adds(tmp_path: Path) -> None:
    req = load_requirement(_write(
        tmp_path,
        'code = "灌溉试行"\nbasis_class = "Ⅲ"\ngroups = ["水田", "旱地"]\ntable = "limits.csv"\n',
        "indicator,group,limit,note\n砷,水田,0.05,\n砷,旱地,≤0.1,\n氯化物,,350,\npH,旱地,5.5~8.5,\n"))
    paddy, dry = req.limits_for("水田"), req.limits_for("旱地")
    arsenic, chloride, ph = STD.index("砷"), STD.index("氯化物"), STD.index("pH")
    assert (paddy[arsenic].hi, dry[arsenic].hi) == (0.05, 0.1)
    assert paddy[chloride].hi == dry[chloride].hi == 350.0  # table row for every group
    assert (paddy[ph].lo, dry[ph].lo) == (6.5, 5.5)  # 水田 keeps the derived Ⅲ类 range
    assert paddy[STD.index("氟化物")].origin == "GB/T 14848-2017 Ⅲ类"
    assert paddy[arsenic].origin == "限值表 limits.csv"
    assert req.limits_summary == "GB/T 14848-2017 Ⅲ类（92 项）、限值表 limits.csv（4 项）"
    samples, _ = check(_detail([("A", "砷", 0.08, False)]), req, "旱地")
    assert samples["result"].tolist() == [MET]
    samples, _ = check(_detail([("A", "砷", 0.08, False)]), req, "水田")
    assert samples["exceeding"].tolist() == ["砷（0.6倍）"]
    with pytest.raises(StandardDataError, match="应指定分组：水田、旱地"):
        req.limits_for("")


@pytest.mark.parametrize(("table", "column", "value"), [
    ("indicator,group,limit,note\n不存在的指标,,1,\n", "indicator", "不存在的指标"),
    ("indicator,group,limit,note\n砷,,一毫克,\n", "limit", "一毫克"),
    ("indicator,group,limit,note\n砷,,2~1,\n", "limit", "2~1"),
    ("indicator,group,limit,note\n砷,菜地,1,\n", "group", "菜地"),
    ("indicator,group,limit,note\n砷,,1,\n砷,,2,\n", "indicator", "砷"),
])
def test_bad_table_cells_name_file_row_column_value(tmp_path: Path, table: str, column: str,
                                                    value: str) -> None:
    path = _write(tmp_path, 'code = "X"\ngroups = ["水田"]\ntable = "limits.csv"\n', table)
    with pytest.raises(StandardDataError) as err:
        load_requirement(path)
    row = table.count("\n")  # the last row is the bad one
    assert f"limits.csv 第 {row} 行列「{column}」的值「{value}」" in str(err.value)


@pytest.mark.parametrize(("toml", "words"), [
    ('code = "X"\n', "没有限值"),
    ('code = "X"\nbasis_class = "Ⅵ"\n', "basis_class「Ⅵ」"),
    ('code = "X"\nbasis_class = "Ⅲ"\nfiling_months = 0\n', "filing_months「0」"),
    ('code = "X"\ntable = "missing.csv"\n', "限值表不存在"),
    ('title = "X"\nbasis_class = "Ⅲ"\n', "缺少 code"),
])
def test_bad_requirement_files_are_named(tmp_path: Path, toml: str, words: str) -> None:
    with pytest.raises(StandardDataError, match=words):
        load_requirement(_write(tmp_path, toml))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_grade_against_a_requirement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "回灌井.csv"
    src.write_text("点位编码,采样日期,指标,监测值,单位\n"
                   "HG-01,2025-04-01,氟化物,1.2,mg/L\nHG-01,2025-04-01,pH,7.5,无量纲\n"
                   "HG-02,2025-04-02,砷,0.02L,mg/L\nHG-03,2025-04-03,硝酸盐氮,12,mg/L\n",
                   encoding="utf-8")
    out, detail = tmp_path / "out.csv", tmp_path / "detail.csv"
    assert main(["grade", str(src), "-o", str(out), "--detail", str(detail),
                 "--standard", "回灌水质要求"]) == 0
    rows = {r["point"]: r for r in _rows(out)}
    assert list(next(iter(rows.values()))) == ["point", "date", "result", "exceeding",
                                               "undetermined"]
    assert (rows["HG-01"]["result"], rows["HG-01"]["exceeding"]) == ("超标", "氟化物（0.2倍）")
    assert (rows["HG-02"]["result"], rows["HG-02"]["undetermined"]) == ("无法判定", "砷")
    assert rows["HG-03"]["result"] == "达标"
    d = _rows(detail)
    assert len(d) == 4 and {"limit", "met", "multiple"} <= set(d[0])
    assert "judged 3 samples (4 measurements) against 回灌水质要求: 1 exceeded" in \
        capsys.readouterr().err
    assert main(["grade", str(src), "-o", str(out), "--group", "水田"]) == 2
    assert "--group 只用于按要求判定" in capsys.readouterr().err
    assert main(["grade", str(src), "-o", str(out), "--standard", "回灌水质要求",
                 "--group", "水田"]) == 2
    assert "回灌水质要求 不分组，不能指定分组「水田」" in capsys.readouterr().err


@pytest.mark.parametrize(("filed", "as_of", "status", "due"), [
    (None, "2025-12-31", "未报备", None),
    ("2024-12-31", "2025-12-31", "已报备", "2025-12-31"),  # due today: not yet late
    ("2024-12-30", "2025-12-31", "报备逾期", "2025-12-30"),
    ("2024-02-29", "2025-02-28", "已报备", "2025-02-28"),  # a leap day's year ends on 28 Feb
    ("2025-03-01", "2024-12-31", "当时报备情况无记录", None),  # a past year's view
])
def test_filing_status_at_the_edges(filed: str | None, as_of: str, status: str,
                                    due: str | None) -> None:
    from datetime import date

    from gwlib.quality.point_checks import filing_status

    got = filing_status(date.fromisoformat(filed) if filed else None, 12,
                        date.fromisoformat(as_of))
    assert got == (status, date.fromisoformat(due) if due else None)
    assert filing_status(None, None, date(2025, 1, 1)) == ("", None)  # no 报备 asked


def test_months_after_keeps_the_day_or_the_months_last() -> None:
    from datetime import date

    from gwlib.quality.point_checks import months_after

    assert months_after(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert months_after(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert months_after(date(2025, 3, 1), 12) == date(2026, 3, 1)


def test_one_sentence_per_status() -> None:
    from gwlib.quality.point_checks import check_sentence

    row = {"requirement": "回灌水质要求", "date": "2025-04-01", "result": "超标",
           "exceeding": "氟化物（0.3倍）", "undetermined": "", "filed_on": "2024-10-08",
           "filing": "报备逾期", "filing_due": "2025-10-08"}
    assert check_sentence(row) == ("回灌水质要求：最近一次采样（2025-04-01）超标，超标指标 氟化物（0.3倍）"
                                   "；报备逾期（最近 2024-10-08，应于 2025-10-08 前再报）")
    never = row | {"date": "", "result": "未采样", "exceeding": "", "filing": "未报备",
                   "filed_on": "", "filing_due": ""}
    assert check_sentence(never) == "回灌水质要求：尚无采样；未报备"


def test_an_unknown_standard_names_the_standards_and_requirements(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.csv"
    src.write_text("点位编码,采样日期,指标,监测值,单位\nA,2025-04-01,砷,0.001,mg/L\n", encoding="utf-8")
    assert main(["grade", str(src), "-o", str(tmp_path / "o.csv"), "--standard", "农田灌溉"]) == 2
    assert ("未知的标准或要求：农田灌溉（标准：GB/T 14848-2017；达标判定要求：回灌水质要求）"
            in capsys.readouterr().err)


def test_limits_read_as_the_standard_prints_them() -> None:
    """A qualitative limit reads 无, a zero limit of a class with 不得检出 reads 不得检出."""
    req = requirement_for("回灌")
    assert req is not None
    limits = req.limits_for()
    assert limits[STD.index("肉眼可见物")].text == "无"
    assert limits[STD.index("嗅和味")].text == "无"
    from gwlib.quality.requirements import Limit

    assert Limit(0, "阴离子表面活性剂", "mg/L", "", -math.inf, 0.0, "x").text == "不得检出"


def test_a_detection_without_a_value_cannot_be_judged() -> None:
    req = requirement_for("回灌")
    assert req is not None
    samples, measured = check(_detail([("A", "砷", float("nan"), False)]), req)
    assert samples["result"].tolist() == [UNDETERMINED]
    assert measured["met"].isna().all()


OWN = '''code = "试验要求"
groups = ["甲", "乙"]
table = "limits.csv"
[[indicators]]
name = "五日生化需氧量"
unit = "mg/L"
aliases = ["BOD5"]
'''


def test_a_requirements_own_indicators_are_read_and_judged(tmp_path: Path) -> None:
    """Indicators GB/T 14848 does not grade (as GB 5084's BOD5) are declared in the requirement:
    a lab file naming them is read with the requirement, judged by group, and a value in
    another unit than the limit's cannot be judged. (Test data, not a published standard.)"""
    from gwlib.io.lab import parse_lab_table
    from gwlib.io.tables import RawTable

    req = load_requirement(_write(tmp_path, OWN, "indicator,group,limit,note\n"
                                  "BOD5,甲,60,\n五日生化需氧量,乙,100,\n砷,,0.05,\n"))
    raw = RawTable("试验.csv", pd.DataFrame({
        "点位编码": ["A", "A", "B", "B"], "采样日期": ["2025-04-01"] * 2 + ["2025-04-02"] * 2,
        "指标": ["BOD5", "砷", "五日生化需氧量", "砷"], "监测值": ["80", "0.01", "0.05", "0.01"],
        "单位": ["mg/L", "mg/L", "g/L", "mg/L"]}), 1)
    assert parse_lab_table(raw, STD).errors  # GB/T 14848 alone does not know BOD5
    batch = parse_lab_table(raw, req.reading_standard)
    assert not batch.errors
    graded = assess(batch.frame, req.reading_standard)
    assert (graded.samples["class"] == 3).all()  # 砷 0.01 is Ⅲ; BOD5 is judged, never graded
    detail = graded.detail.assign(name=graded.detail["indicator_raw"],
                                  unit=graded.detail["raw_unit"])
    first, measured = check(detail, req, "甲")
    got = first.set_index("point")
    assert (got.loc["A", "result"], got.loc["A", "exceeding"]) == ("超标", "五日生化需氧量（0.33倍）")
    assert (got.loc["B", "result"], got.loc["B", "undetermined"]) == ("无法判定", "五日生化需氧量")
    assert set(measured["limit"]) == {"≤60", "≤0.05"}
    second, _ = check(detail, req, "乙")
    assert second.set_index("point").loc["A", "result"] == "达标"  # 80 ≤ 100


def test_an_own_indicator_the_basis_grades_is_refused(tmp_path: Path) -> None:
    toml = 'code = "X"\nbasis_class = "Ⅲ"\n[[indicators]]\nname = "砷"\nunit = "mg/L"\n'
    with pytest.raises(StandardDataError, match="「砷」是 GB/T 14848-2017 的指标"):
        load_requirement(_write(tmp_path, toml))
    with pytest.raises(StandardDataError, match="应有 name 和 unit"):
        load_requirement(_write(tmp_path, 'code = "X"\nbasis_class = "Ⅲ"\n[[indicators]]\n'
                                          'name = "悬浮物"\n'))


def test_stored_measurements_of_own_indicators_are_judged(tmp_path: Path) -> None:
    """point_checks finds an own indicator in stored rows by the name the lab wrote."""
    from datetime import date

    from gwlib.quality.point_checks import point_checks

    folder = tmp_path / "reqs"
    folder.mkdir()
    (folder / "own.toml").write_text(
        'code = "试验要求"\napplies_to = ["农田灌溉"]\ntable = "limits.csv"\n[[indicators]]\n'
        'name = "五日生化需氧量"\nunit = "mg/L"\naliases = ["BOD5"]\n', encoding="utf-8")
    (folder / "limits.csv").write_text("indicator,group,limit,note\nBOD5,,60,\n",
                                       encoding="utf-8")
    points = pd.DataFrame({"code": ["NG-1"], "name": ["灌溉井"], "purpose": ["农田灌溉"],
                           "township": ["古绛镇"], "filed_on": [None]})
    measured = pd.DataFrame({
        "point": ["NG-1", "NG-1"], "date": pd.to_datetime(["2025-04-01", "2025-04-01"]),
        "indicator_code": ["", "T1-20"], "reported_name": ["BOD5", "硝酸盐"],
        "value": [75.0, 5.0], "censored": [False, False], "raw_unit": ["mg/L", "mg/L"]})
    checks, _ = point_checks(points, measured, date(2025, 12, 31), folder)
    assert checks[["result", "exceeding"]].values.tolist() == [["超标", "五日生化需氧量（0.25倍）"]]


def test_an_empty_register_has_nothing_to_judge(tmp_path: Path) -> None:
    """A new county's first day: no points yet, so no checks (and no error on the map or brief)."""
    from datetime import date

    from gwlib.geo.counties import county
    from gwlib.quality.point_checks import POINT_CHECK_LABELS, stored_checks
    from gwlib.store import Store
    from gwlib.store.county import init_county
    from tests.accounts import LOCAL

    store = Store.open(f"sqlite:///{tmp_path}/empty.sqlite")
    init_county(store, county("140826"), LOCAL)
    checks, samples = stored_checks(store, store.points(), date(2025, 12, 31))
    assert checks.empty and list(checks.columns) == list(POINT_CHECK_LABELS) and samples.empty
