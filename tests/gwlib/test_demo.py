"""The demo data set: deterministic, complete across categories, inside the county, imported
through the real reader, and shaped like the county's water (about a fifth Ⅴ)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from gwlib.demo import AS_OF, DEFAULT_SEED, build_demo, generate, import_lab_table
from gwlib.quality.model import PointPurpose
from gwlib.quality.standards import get_standard
from gwlib.sources.model import ZoneKind
from gwlib.store import Store
from gwlib.store.projects import progress_entries, projects
from gwlib.store.schema_ledger import well_sealing
from gwlib.wells.model import PlanType, WellStatus

TABLES_COMPARED = ("abandoned_well", "boundary", "drinking_source", "monitoring_point",
                   "pollution_source", "zone", "sample", "measurement", "plan_task", "meta",
                   "well_sealing", "well_seal_interval", "well_document", "project",
                   "project_progress", "qc_result")


def _build(path: Path, seed: int = DEFAULT_SEED,
           progress: Callable[[int, int, str], None] | None = None) -> tuple[Store, str]:
    url = f"sqlite:///{path}"
    summary = build_demo(url, seed=seed, progress=progress)
    return Store.open(url), summary


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str, list[tuple[int, int, str]]]:
    calls: list[tuple[int, int, str]] = []
    store, summary = _build(tmp_path_factory.mktemp("demo_a") / "a.sqlite",
                            progress=lambda d, t, w: calls.append((d, t, w)))
    return store, summary, calls


@pytest.fixture(scope="module")
def store(built: tuple[Store, str, list[tuple[int, int, str]]]) -> Store:
    return built[0]


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _build(tmp_path_factory.mktemp("demo_b") / "b.sqlite")[0]


@pytest.fixture(scope="module")
def county(store: Store) -> shapely.Geometry:
    row = store.boundaries().set_index("code").loc["140826"]
    return shape(json.loads(row["geometry"]))


def _classes(s: Store) -> pd.DataFrame:
    return s.samples()[["point", "date", "period", "quality_class", "limiting"]]


def test_same_seed_same_data(store: Store, twin: Store) -> None:
    counts = store.counts()
    assert {t: counts[t] for t in TABLES_COMPARED} == {t: twin.counts()[t] for t in TABLES_COMPARED}
    pd.testing.assert_frame_equal(_classes(store), _classes(twin))
    pd.testing.assert_frame_equal(store.wells(), twin.wells())
    pd.testing.assert_frame_equal(store.zones(), twin.zones())
    pd.testing.assert_frame_equal(store.measurements(), twin.measurements())
    pd.testing.assert_frame_equal(projects(store).drop(columns="id"),
                                  projects(twin).drop(columns="id"))  # fmt: skip
    keep = ["project_code", "quarter", "progress", "spent_wan", "recorded_at"]
    pd.testing.assert_frame_equal(progress_entries(store)[keep], progress_entries(twin)[keep])


def test_different_seed_changes_something() -> None:
    a, b = generate(DEFAULT_SEED), generate(DEFAULT_SEED + 1)
    assert [(p.lon, p.lat) for p in a.monitoring.points] != \
        [(p.lon, p.lat) for p in b.monitoring.points]
    assert not a.monitoring.table.frame.equals(b.monitoring.table.frame)
    assert a.county.geometry == b.county.geometry  # the real boundary does not depend on it


def test_summary_progress_and_meta(built: tuple[Store, str, list[tuple[int, int, str]]]) -> None:
    store, summary, calls = built
    counts = store.counts()
    assert "监测点位 44 个" in summary and f"废弃井 {counts['abandoned_well']} 眼" in summary
    assert calls and calls[-1][0] == calls[-1][1]
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert store.get_meta("dataset") == "模拟数据"
    assert store.get_meta("dataset_note") == f"模拟数据：由 gwlib.demo 以种子 {DEFAULT_SEED} 生成，非真实监测结果"
    assert store.get_meta("region") == "绛县"
    assert store.get_meta("as_of") == AS_OF.isoformat() == "2025-12-31"


def test_existing_data_left_alone(store: Store) -> None:
    before = store.counts()
    message = build_demo(store.engine.url.render_as_string(hide_password=False))
    assert "未作改动" in message
    assert store.counts() == before


def test_sizes(store: Store) -> None:
    c = store.counts()
    assert c["monitoring_point"] == 44  # 40 of the network, 4 of the other 监测用途
    assert 250 <= c["abandoned_well"] <= 350
    assert c["drinking_source"] == 4
    assert 25 <= c["pollution_source"] <= 35
    assert c["boundary"] == 11
    assert 400 <= c["sample"] <= 700


def test_every_category_and_status_present(store: Store) -> None:
    points = store.points()
    assert set(points["category"]) == {"国考", "省控", "县控", "自行监测", "调查评估新建井"}
    assert set(points["purpose"]) == {p.value for p in PointPurpose}
    wells = store.wells()
    assert set(wells["status"]) == {s.value for s in WellStatus}
    assert set(wells["category"]) == {"矿井", "钻井", "取水井"}
    assert set(store.zones()["kind"]) == {k.value for k in ZoneKind}


def test_everything_inside_the_county(store: Store, county: shapely.Geometry) -> None:
    for frame in (store.points(), store.wells(), store.pollution_sources(),
                  store.drinking_sources()):
        assert shapely.contains_xy(county, frame["lon"], frame["lat"]).all()


def test_boundary_is_wgs84(store: Store, county: shapely.Geometry) -> None:
    c = county.centroid
    assert c.x == pytest.approx(111.63, abs=0.03) and c.y == pytest.approx(35.50, abs=0.03)
    b = store.boundaries().set_index("code")
    assert b.loc["140826", "crs"] == "EPSG:4326" and b.loc["140826", "level"] == "县"
    towns = b[b["level"] == "乡镇"]
    assert list(towns.index) == [f"140826-{k:02d}" for k in range(1, 11)]
    assert set(towns["source"]) == {"模拟：示意范围，非法定界线"}
    union = shapely.union_all([shape(json.loads(g)) for g in towns["geometry"]])
    assert union.symmetric_difference(county).area < 1e-4 * county.area  # a partition


def test_v_share_in_latest_year(store: Store) -> None:
    s = store.samples()
    year = pd.to_datetime(s["date"]).dt.year
    latest = s[year == year.max()]
    share = (latest["quality_class"] == 5).mean()
    assert 0.10 <= share <= 0.35
    assert set(latest["quality_class"]) >= {1, 2, 3, 4, 5}
    assert (s["quality_class"] > 0).all()


def test_import_path_reports_no_issues() -> None:
    std = get_standard()
    data = generate()
    batch = import_lab_table(data, std)
    assert batch.issues == []
    raw = data.monitoring.table.frame
    assert list(raw.columns) == ["点位编码", "采样日期", "水期", "指标", "监测值", "单位", "水位埋深(m)"]
    values = raw["监测值"]
    for style in ("L", "<", "ND", "未检出"):
        assert values.str.contains(style, regex=False).any(), style
    assert {"硝酸盐氮", "高锰酸盐指数", "六价铬", "挥发酚", "总硬度", "TDS"} <= set(raw["指标"])
    assert (raw["单位"] == "μg/L").any()
    ignored = batch.frame[batch.frame["indicator"] < 0]
    assert set(ignored["indicator_raw"]) == {"钾", "钙", "镁", "重碳酸根"}
    assert (ignored["note"] != "").all()


def test_completeness_is_not_perfect(store: Store) -> None:
    s = store.samples()
    p = store.points().set_index("code")
    starts = pd.to_datetime(s["date"]).dt.year.groupby(s["point"]).min()
    assert starts.max() >= 2023  # wells built by the 2023 survey
    assert (p["status"] == "停用").any()
    twice = p[p["frequency"] == "丰枯各1次"].index
    per_year = s[s["point"].isin(twice)].groupby(
        [s["point"], pd.to_datetime(s["date"]).dt.year]).size()
    assert (per_year < 2).any()


def test_wells_follow_the_rules(store: Store) -> None:
    w = store.wells()
    before_plan = w["status"].isin([WellStatus.REGISTERED.value, WellStatus.ASSESSED.value])
    assert (w.loc[before_plan, "plan_type"] == "").all()
    assert set(w.loc[~before_plan, "plan_type"]) - {""} <= {p.value for p in PlanType}
    assert (w.loc[w["status"] == "暂缓", "deferral_reason"] != "").all()
    unknown = ~w["owner_known"]
    assert unknown.any()
    assert (w.loc[unknown, "owner"] == "不详").all()
    assert (w.loc[unknown, "responsible_party"] == "绛县水务局").all()
    sealed = w["status"].isin([WellStatus.SEALED.value, WellStatus.ACCEPTED.value])
    assert w.loc[sealed, "actual_completion"].notna().all()
    assert w.loc[~sealed, "actual_completion"].isna().all()
    assert (pd.to_datetime(w["survey_date"]).dt.year == 2023).all()
    overdue = (pd.to_datetime(w["planned_completion"]) < pd.Timestamp(AS_OF)) & ~sealed
    assert overdue.any()


def test_planted_cross_layer_cases(store: Store) -> None:
    zones = store.zones()
    geoms = {r.code: (r.kind, shape(json.loads(r.geometry))) for r in zones.itertuples()}
    second = [g for k, g in geoms.values() if k == ZoneKind.SECOND.value]
    recharge = [g for k, g in geoms.values() if k == ZoneKind.RECHARGE.value]
    ps = store.pollution_sources()
    fuel = ps[ps["category"] == "加油站"]
    assert any(z.contains(shapely.Point(x, y)) for z in second
               for x, y in zip(fuel["lon"], fuel["lat"], strict=True))
    w = store.wells()
    open_wells = w[~w["status"].isin(["已封井待验收", "已验收销号"])]
    assert any(z.contains(shapely.Point(x, y)) for z in recharge
               for x, y in zip(open_wells["lon"], open_wells["lat"], strict=True))
    sources = store.drinking_sources().set_index("code")
    assert (sources["recharge_status"] == "未划定").any()
    assert (sources["exceedance_cause"] == "地质背景").any()
    assert set(sources["scale"]) == {"城镇级", "千吨万人", "乡镇级"}
    with_recharge = set(zones.loc[zones["kind"] == "补给区", "source_code"])
    assert with_recharge == set(sources.index[sources["recharge_status"] != "未划定"])


def test_points_link_to_sources(store: Store) -> None:
    p = store.points()
    src = set(store.drinking_sources()["code"])
    pol = set(store.pollution_sources()["code"])
    drinking = p[p["purpose"] == "饮用水源"]
    assert set(drinking["source_code"]) == src
    assert (drinking["target_class"] == 3).all()
    polluted = p[(p["category"] == "自行监测") & (p["purpose"] == "污染风险监控")]
    assert len(polluted) == 5 and set(polluted["pollution_source_code"]) <= pol
    confined = p["burial"] == "承压"
    assert (p.loc[confined, "frequency"] == "每年1次").all()
    assert (p.loc[~confined, "frequency"] == "丰枯各1次").all()


def test_plan_transcribed(store: Store) -> None:
    tasks = store.plan_tasks(2023).set_index("number")
    assert list(tasks.index) == [1, *range(3, 16)]
    assert tasks.loc[1, "title"] == "全面开展地下水环境状况调查评估"
    assert json.loads(tasks.loc[8, "deadlines"]) == ["2023-06-30"]
    assert json.loads(tasks.loc[14, "deadlines"]) == ["2023-12-31"]
    assert json.loads(tasks.loc[5, "cooperating"]) == ["县行政审批服务管理局"]
    assert set(tasks["plan_title"]) == {"绛县地下水污染防治2023年行动计划"}


@pytest.mark.parametrize("year", [2024, 2025])
def test_later_plans_carry_2023_forward_marked_simulated(store: Store, year: int) -> None:
    """The 2024 and 2025 plans (no text of them is among the sources) are the 2023 plan with its
    year moved on, and say so in their title; the 2023 plan is left as transcribed."""
    old = store.plan_tasks(2023).set_index("number")
    new = store.plan_tasks(year).set_index("number")
    assert list(new.index) == list(old.index)
    assert set(new["plan_title"]) == {f"绛县地下水污染防治{year}年行动计划（模拟数据：按2023年计划顺延）"}
    for col in ("lead", "cooperating", "section"):
        assert new[col].tolist() == old[col].tolist()
    for number in old.index:
        moved = [f"{int(d[:4]) + year - 2023}{d[4:]}" for d in json.loads(old.loc[number, "deadlines"])]
        assert json.loads(new.loc[number, "deadlines"]) == moved
        assert new.loc[number, "text"] == old.loc[number, "text"].replace("2023年", f"{year}年")
    assert not new["text"].str.contains("2023年").any()


def test_every_demo_well_has_what_its_stage_requires(store: Store) -> None:
    """Each well holds what the lifecycle asks of the stage it is at (gwlib.wells.lifecycle):
    施工中 a sealing start, 已封井待验收 an end and method, 已验收销号 an acceptance date and
    conclusion and at least one document; sealed wells also their depth intervals. The demo's
    attachments are placeholders marked 模拟数据."""
    from gwlib.store.schema_ledger import well_document, well_seal_interval
    from gwlib.wells.lifecycle import SEALED_STAGES, STAGES, missing_fields

    wells = store.wells()
    sealing = store._frame(sa.select(well_sealing)).set_index("well_code")
    docs = store._frame(sa.select(well_document))
    intervals = store._frame(sa.select(well_seal_interval))
    n_docs = docs.groupby("well_code").size()
    checked = 0
    for w in wells.to_dict("records"):
        status = WellStatus(w["status"])
        if status is WellStatus.DEFERRED:
            continue
        seal = sealing.loc[w["code"]].to_dict() if w["code"] in sealing.index else None
        for stage in STAGES[1 : STAGES.index(status) + 1]:  # every stage it passed through
            assert missing_fields(stage, w, seal, int(n_docs.get(w["code"], 0))) == (), w["code"]
        if status in SEALED_STAGES:
            assert (intervals["well_code"] == w["code"]).any(), w["code"]
        checked += 1
    assert checked > 200
    accepted = wells.loc[wells["status"] == WellStatus.ACCEPTED.value, "code"]
    assert len(accepted) > 50 and set(accepted) <= set(docs["well_code"])
    assert docs["filename"].str.contains("模拟数据").all()


def test_drinking_source_points_are_also_sampled_in_the_normal_period(store: Store) -> None:
    """The 2023 plan's task 12 asks for 平水期 monitoring of drinking sources: from 2023 the
    demo's drinking-source points have 平水期 samples (Oct–Dec); no other point has one."""
    s = store.samples()
    normal = s[s["period"] == "平水期"]
    assert len(normal) >= 10
    assert set(normal["purpose"]) == {"饮用水源"}
    days = pd.to_datetime(normal["date"])
    assert days.dt.year.min() == 2023 and set(days.dt.month) <= {10, 11, 12}
    assert set(s.loc[s["purpose"] == "饮用水源", "point"]) == set(normal["point"])


def test_the_reserve_holds_a_few_dozen_consistent_projects(store: Store) -> None:
    """项目储备库 (issue 14 item 6): every type, funds that add up, dates in order, links to records
    that exist, and quarterly progress for the projects at work — loaded through the import."""
    from gwlib.projects.figures import reserve_figures
    from gwlib.projects.model import FUNDED_OR_LATER, STARTED, ProjectType

    p = projects(store)
    assert 30 <= len(p) <= 40
    assert set(p["kind"]) == {t.value for t in ProjectType}
    assert p["status"].nunique() >= 6
    assert (p["note"] == "模拟数据").all()
    funds = p["central_wan"] + p["provincial_wan"] + p["local_wan"]
    assert ((funds - p["total_wan"]).abs() <= 0.11).all()
    assert (p["spent_wan"] <= p["allocated_wan"] + 1e-9).all()
    assert (p["allocated_wan"] <= p["total_wan"] + 1e-9).all()
    funded = p["status"].isin(FUNDED_OR_LATER)
    assert (p.loc[~funded, "allocated_wan"] == 0).all() and (p.loc[funded, "allocated_wan"] > 0).all()
    started = p["status"].isin(STARTED)
    start = pd.to_datetime(p["start_date"])
    finish = pd.to_datetime(p["finish_date"])
    assert start[started].notna().all() and start[~started].isna().all()
    assert (finish.notna() == p["status"].isin(["已完工", "已验收"])).all()
    assert (finish.dropna() > start[finish.notna()]).all()
    assert (pd.concat([start, finish]).dropna() <= pd.Timestamp(AS_OF)).all()
    wells = store.wells().set_index("code")
    sealing = p[p["kind"] == "封井回填"]
    assert (sealing["year"] >= 2023).all()  # the ledger was drawn up in 2023
    for r in sealing.itertuples():
        codes = r.wells.split("、")
        assert codes and set(codes) <= set(wells.index), r.code
        sealed = wells.loc[codes, "status"].isin(["已封井待验收", "已验收销号"])
        assert sealed.all() if r.status in STARTED else not sealed.any(), r.code
    linked = {c for cell in p["pollution_sources"] if cell for c in cell.split("、")}
    assert linked and linked <= set(store.pollution_sources()["code"])
    entries = progress_entries(store)
    assert set(entries["project_code"]) == set(p.loc[started, "code"])
    for code, e in entries.sort_values("quarter").groupby("project_code"):
        spent = e["spent_wan"].tolist()
        assert spent == sorted(spent) and spent[-1] == p.set_index("code").at[code, "spent_wan"]
        assert (e["progress"].str.endswith("（模拟数据）")).all()
    f = reserve_figures(p, AS_OF)
    assert f.execution is not None and 0 < f.execution < 100
    assert f.start_rate is not None and 0 < f.start_rate < 100  # some funded projects not begun
    assert f.central_by_year


def test_cross_layer_flag_on_a_few_wells_in_one_wording(store: Store) -> None:
    """串层污染 is flagged on four unsealed wells; where the owner is unknown the water authority is
    the 责任主体, and the risk list, the overdue list and the brief say who seals it in the same
    words (gwlib.wells.ledger.OWNER_UNKNOWN_DUTY)."""
    from gwlib.brief import brief_data
    from gwlib.wells.ledger import CROSS_LAYER, OWNER_UNKNOWN_DUTY, overdue_list
    from gwlib.wells.risk import latest_point_classes, risk_scores

    w = store.wells()
    flagged = w[w["note"].str.contains(CROSS_LAYER)]
    assert len(flagged) == 4
    assert sorted(flagged["owner_known"].astype(bool)) == [False, False, True, True]
    assert (flagged.loc[~flagged["owner_known"].astype(bool), "responsible_party"]
            == "绛县水务局").all()  # fmt: skip
    risk = risk_scores(w, store.zones(), store.pollution_sources(),
                       latest_point_classes(store.samples(), store.points())).set_index("code")
    assert risk.loc[flagged["code"], "reasons"].str.contains(CROSS_LAYER).all()
    unknown = w.loc[~w["owner_known"].astype(bool), "code"]
    assert risk.loc[risk.index.isin(unknown), "reasons"].str.contains(OWNER_UNKNOWN_DUTY).all()
    late = overdue_list(w, AS_OF).merge(w[["code", "owner_known"]], on="code")
    assert (late["action"] == OWNER_UNKNOWN_DUTY).sum() == (~late["owner_known"].astype(bool)).sum()
    steps = brief_data(store, AS_OF.year).next_steps
    assert any(s.startswith(OWNER_UNKNOWN_DUTY) for s in steps)
    deferred = w[(w["status"] == "暂缓") & ~w["owner_known"].astype(bool)]
    assert deferred["deferral_reason"].str.startswith(OWNER_UNKNOWN_DUTY).all()


def test_qc_samples_beside_the_last_years_drinking_source_samples(store: Store) -> None:
    """平行样 and 现场空白 (issue 14 item 4) came in through the results import: they are reported
    and are not samples (the sample count is the routine one)."""
    from gwlib.store.qc import qc_report, qc_results

    qc = qc_results(store)
    assert set(qc["qc_type"]) == {"平行样", "现场空白"}
    assert {d.year for d in qc["date"]} == {AS_OF.year}
    drinking = set(store.points().query("purpose == '饮用水源'")["code"])
    assert set(qc["point"]) <= drinking
    pairs, blanks = qc_report(store)
    assert len(pairs) >= 10 and pairs["rd_pct"].notna().all()
    assert pairs["rd_pct"].max() > 5 > pairs["rd_pct"].median()  # one pair drawn wide
    assert len(blanks) == 1
    routine = store.samples()
    keys = set(zip(routine["point"], pd.to_datetime(routine["date"]).dt.date, strict=True))
    assert set(zip(qc["point"], qc["date"], strict=True)) <= keys  # beside a routine sample
    with store.engine.connect() as conn:
        kinds = conn.execute(sa.text("select kind, file_name from import_batch")).all()
    assert ("results", "质控样（模拟数据）.csv") in [tuple(k) for k in kinds]


def test_recharge_and_tail_water_points_judged_and_filed(store: Store) -> None:
    """The demo's 回灌 and 地热尾水 points show each 结论 and each 报备 status on its data."""
    from gwlib.quality.point_checks import point_checks

    points = store.points()
    mine = points[points["purpose"].isin(["回灌", "地热尾水", "农田灌溉"])]
    checks, samples = point_checks(points, store.measurements(points=mine["code"].tolist()),
                                   AS_OF)
    got = checks.set_index("point")
    assert list(got.index) == ["JX-HG-01", "JX-HG-02", "JX-HG-03"]  # 农田灌溉: no requirement yet
    assert set(got["filing"]) == {"已报备", "报备逾期", "未报备"}
    assert {"达标", "超标"} <= set(got["result"])
    assert got.loc["JX-HG-02", "exceeding"].startswith("氟化物")
    assert (samples.groupby("point").size() >= 4).all()  # sampled every year since 2021
    assert all("模拟" in n for n in mine["name"]) and len(mine) == 4


def test_recharge_water_is_not_counted_as_groundwater(store: Store) -> None:
    """回灌 and 地热尾水 samples are kept and graded, but no annual class, share or target
    counts them; an irrigation well's water is groundwater and is counted."""
    from gwlib.quality.annual import annual_classes

    samples = store.samples()
    injected = samples[samples["purpose"].isin(["回灌", "地热尾水"])]
    assert set(injected["point"]) == {"JX-HG-01", "JX-HG-02", "JX-HG-03"}
    assert (injected["quality_class"] > 0).all()
    annual = annual_classes(samples)
    assert not annual["point"].isin(injected["point"]).any()
    assert "JX-NG-01" in set(annual["point"])
    assert len(annual_classes(samples[~samples["point"].isin(injected["point"])])) == len(annual)


def test_recharge_water_is_not_in_the_groundwaters_exceedances(store: Store) -> None:
    from gwlib.quality.annual import exceedance_table

    points = store.points()
    table = exceedance_table(store.measurements(), points, get_standard())
    assert len(table) and not table["point"].str.startswith("JX-HG-").any()
    assert "JX-HG-02" in set(exceedance_table(store.measurements(), points.drop(
        columns="purpose"), get_standard())["point"])  # its 氟化物 is worse than Ⅲ
