"""A seeded, deterministic demo data set for 绛县 (运城市, 山西省): 模拟数据, not real results.

``build_demo(url)`` fills a database with:

* the real county boundary (``data/boundaries``, WGS 84) and ten townships whose names are
  from recollection and whose polygons are SYNTHETIC (a seeded Voronoi partition of the county,
  source “模拟：示意范围，非法定界线”) — :mod:`gwlib.demo.places`;
* four groundwater drinking sources with 一级/二级/准保护区 and 补给区, about 30 pollution
  sources (一企一库、两场两区、加油站) and the 保护类/管控类/一般区 zoning —
  :mod:`gwlib.demo.sites`;
* 40 monitoring points in every category and 2016–2025 lab results for the 29 国考 indicators
  (丰水期/枯水期 as each point's frequency asks; from 2023 also a 平水期 sample at the
  drinking-source points), imported through the real lab-file reader and graded with
  GB/T 14848-2017 — :mod:`gwlib.demo.monitoring`;
* about 300 abandoned wells across the whole 封井回填 workflow, each holding what its stage
  requires (sealing records, depth intervals, a placeholder 验收报告 for accepted wells) —
  :mod:`gwlib.demo.wells`, :mod:`gwlib.demo.ledger`;
* the 2023 绛县 groundwater action plan, transcribed from its text, and 2024 and 2025 plans that
  carry it forward (模拟数据) — :mod:`gwlib.demo.plan`.

Same seed, same data: every random draw comes from ``numpy.random.default_rng`` seeded from
``seed`` (never ``hash()``), and the demo's "today" is the fixed :data:`AS_OF` (2025-12-31).
All names of people, firms, villages and documents are fictional and marked 模拟.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gwlib.config import attachments_dir
from gwlib.demo.base import AS_OF, DATASET_NAME, DEFAULT_SEED, rng_for
from gwlib.demo.ledger import seed_ledger_history
from gwlib.demo.monitoring import Monitoring, make_monitoring
from gwlib.demo.places import COUNTY_CODE, COUNTY_NAME, TOWNSHIP_SOURCE, County, load_county
from gwlib.demo.places import to_geojson as _to_geojson
from gwlib.demo.plan import demo_plans
from gwlib.demo.projects import demo_projects
from gwlib.demo.qc import QC_FILE, qc_sheet
from gwlib.demo.sites import SourceLayer, drinking_sources, pollution_sources, prevention_zones
from gwlib.demo.wells import make_wells
from gwlib.errors import InputError, Location
from gwlib.io.export import csv_bytes, excel_bytes
from gwlib.io.lab import MeasurementBatch, parse_lab_table
from gwlib.plans.model import ActionPlan
from gwlib.quality.assess import assess
from gwlib.quality.standards import StandardSet, get_standard
from gwlib.quality.trends import refresh_trends
from gwlib.sources.model import PollutionSource, Zone
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.projects import add_progress, commit_projects, prepare_projects
from gwlib.store.results import commit_results, prepare_results
from gwlib.store.summaries import refresh
from gwlib.wells.model import AbandonedWell

__all__ = ["AS_OF", "DEFAULT_SEED", "DemoData", "build_demo", "generate", "import_lab_table"]

Progress = Callable[[int, int, str], None]

#: The writer the audit log names for the demo's own writes (not an account).
DEMO_WRITER = Actor(DATASET_NAME, local=True)
PROJECTS_FILE = "项目储备库（模拟数据）.xlsx"
STEPS = ("县界与乡镇", "水源地与保护区", "污染源与防治分区", "监测点位与检测数据", "废弃井台账",
         "写入边界、水源地、分区与污染源", "写入监测点位", "导入并评价检测数据、计算趋势",
         "写入废弃井、行动计划与项目储备库")


@dataclass(frozen=True)
class DemoData:
    """Everything the demo writes, before it is written."""

    seed: int
    county: County
    sources: SourceLayer
    pollution: tuple[PollutionSource, ...]
    prevention: tuple[Zone, ...]
    monitoring: Monitoring
    wells: tuple[AbandonedWell, ...]
    plans: tuple[ActionPlan, ...]  # 2023 (transcribed), then 2024 and 2025 (模拟数据)

    @property
    def plan(self) -> ActionPlan:
        """The transcribed 2023 plan."""
        return self.plans[0]

    @property
    def zones(self) -> tuple[Zone, ...]:
        return self.sources.zones + self.prevention


def _noop(done: int, total: int, what: str) -> None:
    """Default progress callback: report nothing."""


def generate(seed: int = DEFAULT_SEED, standard: StandardSet | None = None,
             progress: Progress = _noop) -> DemoData:
    """Build the demo objects in memory (no database). Reports steps 1–5 of :data:`STEPS`."""
    std = standard or get_standard()
    total = len(STEPS)
    county = load_county(rng_for(seed, "townships"))
    progress(1, total, STEPS[0])
    layer = drinking_sources(rng_for(seed, "sources"), county)
    progress(2, total, STEPS[1])
    pollution = pollution_sources(rng_for(seed, "pollution"), county, layer)
    prevention = prevention_zones(county, layer, pollution)
    progress(3, total, STEPS[2])
    monitoring = make_monitoring(rng_for(seed, "monitoring"), std, county, layer, pollution,
                                 rng_for(seed, "normal_period"), rng_for(seed, "other_uses"))
    progress(4, total, STEPS[3])
    wells = make_wells(rng_for(seed, "wells"), county, layer)
    progress(5, total, STEPS[4])
    return DemoData(seed, county, layer, pollution, prevention, monitoring, wells, demo_plans())


def import_lab_table(data: DemoData, standard: StandardSet) -> MeasurementBatch:
    """Read the demo's lab table with the real reader; any error is a bug in the demo."""
    table = data.monitoring.table
    batch = parse_lab_table(table, standard)
    if batch.errors:
        first = "；".join(i.message() for i in batch.errors[:3])
        raise InputError(f"模拟检测数据未通过导入检查（{len(batch.errors)} 处错误）：{first}",
                         where=Location(table.name))
    return batch


TABLE_LABELS = {"monitoring_point": "监测点位", "sample": "样品", "abandoned_well": "废弃井",
                "drinking_source": "水源地", "pollution_source": "污染源", "zone": "分区",
                "boundary": "边界", "plan_task": "行动计划任务", "project": "储备项目"}


def _seed_projects(store: Store, data: DemoData, seed: int) -> int:
    """The demo's 项目储备库, loaded through the register's import, and its progress entries."""
    register, progress = demo_projects(
        rng_for(seed, "projects"), data.wells, data.pollution, data.sources.sources,
        [t.name for t in data.county.townships],
    )  # fmt: skip
    plan = prepare_projects(store, excel_bytes({"项目储备库": register}), PROJECTS_FILE)
    errors = [i for i in plan.issues if i.severity == "error"]
    if errors:  # the demo's own rows: a rejection is a bug here
        raise AssertionError(f"demo projects rejected: {errors[:3]}")
    commit_projects(store, plan, DEMO_WRITER)
    for p in progress:
        add_progress(store, DEMO_WRITER, p.code, p.quarter, p.text, p.spent_wan, at=p.recorded_at)
    return len(register)


def _seed_qc(
    store: Store, data: DemoData, detail: pd.DataFrame, std: StandardSet, seed: int
) -> None:
    """The demo's 平行样 and 现场空白, loaded through the results import (gwlib.demo.qc)."""
    drinking = {p.code for p in data.monitoring.points if p.purpose == "饮用水源"}
    sheet = qc_sheet(rng_for(seed, "qc"), detail, drinking, std)
    plan = prepare_results(store, csv_bytes(sheet), AS_OF, display_name=QC_FILE,
                           standard=std)  # fmt: skip
    if plan.errors or plan.counts["新增"] + plan.counts["修改"]:  # QC rows only: a bug here
        raise AssertionError(f"demo QC sheet: {plan.errors[:3]} {plan.counts}")
    commit_results(store, plan, DEMO_WRITER)


def _has_data(store: Store) -> dict[str, int]:
    return {k: v for k, v in store.counts().items() if v and k != "meta"}


def build_demo(url: str, seed: int = DEFAULT_SEED, replace: bool = False,
               progress: Progress | None = None, attachments: Path | None = None) -> str:
    """Fill the database at ``url`` with the demo data set and return a one-line summary.

    A database that already holds data is left untouched unless ``replace`` is true, in which
    case it is cleared first. The accepted wells' placeholder document is saved under
    ``attachments`` (default: the installation's attachments directory).
    """
    report = progress or _noop
    store = Store.open(url)
    existing = _has_data(store)
    if existing and not replace:
        held = "、".join(f"{TABLE_LABELS[k]} {v} 条" for k, v in existing.items()
                         if k in TABLE_LABELS)
        return (f"数据库已有数据（{held or '非空'}），"
                "未作改动；如需用模拟数据替换，请加 --replace（replace=True）。")
    if existing:
        store.clear()
    std = get_standard()
    data = generate(seed, std, report)
    total = len(STEPS)

    county = data.county
    store.upsert_boundary(code=COUNTY_CODE, name=COUNTY_NAME, level="县",
                          geometry=county.geometry, crs="EPSG:4326", source=county.source)
    for t in county.townships:
        store.upsert_boundary(code=t.code, name=t.name, level="乡镇",
                              geometry=_to_geojson(t.polygon), crs="EPSG:4326",
                              source=TOWNSHIP_SOURCE)
    store.upsert_sources(data.sources.sources)
    store.upsert_zones(data.zones)
    store.upsert_pollution_sources(data.pollution)
    report(6, total, STEPS[5])
    store.upsert_points(data.monitoring.points)
    report(7, total, STEPS[6])
    batch = import_lab_table(data, std)
    result = assess(batch.frame, std)
    n_samples = store.write_assessment(result, source_file=DATASET_NAME)
    _seed_qc(store, data, result.detail, std, seed)
    refresh_trends(store)
    report(8, total, STEPS[7])
    store.upsert_wells(data.wells)
    seed_ledger_history(store, data.wells, attachments or attachments_dir())
    for plan in data.plans:
        store.save_plan(plan, by=DEMO_WRITER)
    n_projects = _seed_projects(store, data, seed)
    refresh(store)  # last: every write above (an import batch too) is in the summaries' stamp
    store.set_meta("dataset", DATASET_NAME)
    store.set_meta("dataset_note", f"模拟数据：由 gwlib.demo 以种子 {seed} 生成，非真实监测结果")
    store.set_meta("region", COUNTY_NAME)
    store.set_meta("as_of", AS_OF.isoformat())
    report(9, total, STEPS[8])
    return (f"已生成{COUNTY_NAME}模拟数据（种子 {seed}）：乡镇 {len(county.townships)} 个，"
            f"监测点位 {len(data.monitoring.points)} 个，样品 {n_samples} 个"
            f"（监测值 {len(result.detail)} 条），废弃井 {len(data.wells)} 眼，"
            f"水源地 {len(data.sources.sources)} 处，分区 {len(data.zones)} 个，"
            f"污染源 {len(data.pollution)} 个，行动计划 {len(data.plans)} 份"
            f"（任务 {sum(len(p.tasks) for p in data.plans)} 项），"
            f"储备项目 {n_projects} 个。")
