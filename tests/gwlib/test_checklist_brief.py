"""Metric registry, checklist, manual task status with its log, the briefing pack and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import docx
import pptx
import pytest
import sqlalchemy as sa

from gwlib.brief import brief_data, build_pack, render
from gwlib.cli import main
from gwlib.errors import ConflictError, PermissionDenied
from gwlib.plans.checklist import build_checklist, by_department
from gwlib.plans.metrics import AT_RISK, LAGGING, ON_TRACK, MetricData, bind, evaluate, outlook
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.tasks import TaskKey, set_task_status, task_log, task_statuses
from tests.accounts import add_accounts

ROOT = Path(__file__).resolve().parents[2]
ORACLE = json.loads((ROOT / "data/demo/plan_2023_groundwater.json").read_text(encoding="utf-8"))
AS_OF = dt.date(2025, 12, 31)
BOXES = ("\ufffd", "□", "▯")


@pytest.mark.parametrize(
    ("pct", "as_of", "want"),
    [
        (100.0, dt.date(2024, 6, 1), ON_TRACK),  # done, even late
        (10.0, dt.date(2023, 1, 1), ON_TRACK),  # nothing elapsed yet
        (60.0, dt.date(2023, 7, 2), ON_TRACK),  # half the year gone, 60 % done
        (40.0, dt.date(2023, 7, 2), AT_RISK),  # behind, but ≥ 70 % of the pace
        (20.0, dt.date(2023, 7, 2), LAGGING),  # far behind
        (99.0, dt.date(2024, 1, 1), LAGGING),  # deadline passed undone
    ],
)
def test_outlook_rule(pct: float, as_of: dt.date, want: str) -> None:
    assert outlook(pct, dt.date(2023, 1, 1), dt.date(2023, 12, 31), as_of) == want


def test_metrics_bind_to_the_plan_tasks() -> None:
    got = {t["number"]: bind(t["title"], t["text"]) for t in ORACLE["tasks"]}
    assert got[1] == ["survey_done"]
    assert got[4] == ["key_zones_delineated"]
    # Measured by what the text demands (issue 13 item 2): the 名录 with 排污许可 and 自行监测,
    # not 联网; the list by 2023-06-30 (the text states no sealing rate); monitoring done.
    assert got[5] == ["key_dischargers_listed"]
    assert got[6] == ["seepage_done"]
    assert got[8] == ["wells_registered"]
    assert got[12] == ["drinking_monitored"]
    assert got[13] == ["source_zones_delineated"]
    assert got[14] == ["recharge_delineated"]
    assert got[3] == got[7] == got[9] == got[15] == []  # manual status


def test_metrics_from_demo_data(demo_url: str) -> None:
    store = Store.open(demo_url)
    data = MetricData.from_store(store)
    w = data.wells
    # Judged today (every 办理记录 is before AS_OF): the present statuses.
    now = evaluate("wells_sealed", data, 2025, AS_OF)
    base = int((w["status"] != "暂缓").sum())
    done = int(w["status"].isin(("已封井待验收", "已验收销号")).sum())
    assert (now.value, now.goal) == (done, base)
    # Judged at the 2023 plan's deadline: the status each well had on 2023-12-31, by hand.
    sealed = evaluate("wells_sealed", data, 2023, AS_OF)
    day = dt.date(2023, 12, 31)
    then = {}
    for e in data.events.sort_values(["event_date"], kind="stable").itertuples():
        if e.event_date <= day:
            then[e.well_code] = e.to_status
    statuses = [then.get(c, "已排查登记") for c in w["code"]]
    due_2023 = sum(s != "暂缓" for s in statuses)
    done_2023 = sum(s in ("已封井待验收", "已验收销号") for s in statuses)
    assert (sealed.value, sealed.goal) == (done_2023, due_2023)
    assert 0 < done_2023 < done  # later sealing does not count for 2023
    assert sealed.pct == pytest.approx(done_2023 / due_2023 * 100)
    assert sealed.as_of == AS_OF and sealed.deadline == dt.date(2023, 12, 31)
    assert sealed.outlook == LAGGING  # deadline passed, not all sealed
    reg = evaluate("wells_registered", data, 2023, AS_OF, dt.date(2023, 6, 30))
    on_time = int((w["survey_date"] <= dt.date(2023, 6, 30)).sum())
    assert reg.value == on_time and reg.goal == len(w)
    r = evaluate("recharge_delineated", data, 2023, AS_OF)
    big = data.sources[data.sources["scale"].isin(("城镇级", "千吨万人"))]
    assert r.goal == len(big)
    assert r.value == int((big["recharge_status"] != "未划定").sum())


def test_ledger_without_any_dates(demo_copy_url: str) -> None:
    """A freshly imported ledger may have no survey, planned or completion date at all: the
    metrics and the briefing count nothing as on time or overdue instead of failing (found by
    bench/run.py, whose ledger has no dates)."""
    store = Store.open(demo_copy_url)
    with store.transaction() as conn:
        conn.execute(
            sa.text(
                "UPDATE abandoned_well SET survey_date = NULL, planned_completion = NULL, "
                "actual_completion = NULL"
            )
        )
    data = MetricData.from_store(store)
    assert evaluate("wells_registered", data, 2023, AS_OF, dt.date(2023, 6, 30)).value == 0
    sealed = evaluate("wells_sealed", data, 2025, AS_OF)  # by the 办理记录, all before AS_OF
    assert sealed.value == int(data.wells["status"].isin(("已封井待验收", "已验收销号")).sum())
    pack = brief_data(store, 2025)
    assert ("逾期未封井", "0 眼") in pack.headline


def test_manual_status_is_versioned_and_logged(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    add_accounts(store, {"张三": "editor", "李四": "admin"})
    key = TaskKey(2023, "绛县", "计划", "（二）", 3)
    at = dt.datetime(2024, 3, 1, 9, 30)
    with pytest.raises(PermissionDenied):
        set_task_status(store, key, "推进中", "", by=Actor(""), at=at)
    assert set_task_status(store, key, "推进中", "已布设 3 眼", by=Actor("张三"), at=at) == 1
    with pytest.raises(ConflictError):  # someone else saved version 1 meanwhile
        set_task_status(store, key, "已完成", "x", by=Actor("李四"), at=at, expected_version=0)
    v = set_task_status(
        store, key, "已完成", "验收报告", by=Actor("李四"), at=at, expected_version=1
    )
    assert v == 2
    s = task_statuses(store, 2023)
    assert s[["status", "evidence", "updated_by", "version"]].values.tolist() == [
        ["已完成", "验收报告", "李四", 2]
    ]
    log = task_log(store, 2023)
    assert log[["changed_by", "old_status", "new_status", "new_evidence"]].values.tolist() == [
        ["李四", "推进中", "已完成", "验收报告"],
        ["张三", "", "推进中", "已布设 3 眼"],
    ]


def test_checklist_overdue_first_and_manual_status(demo_copy_url: str) -> None:
    store = Store.open(demo_copy_url)  # a copy: a manual status is saved below
    tasks = store.plan_tasks(2023)
    key = TaskKey(
        2023, "绛县", tasks["plan_title"].iloc[0], "（二）建立地下水污染防治监督管理体系", 3
    )
    add_accounts(store, {"t": "editor"})
    set_task_status(store, key, "已完成", "监测网建成", by=Actor("t"), at=dt.datetime(2023, 11, 1))
    c = build_checklist(tasks, task_statuses(store, 2023), MetricData.from_store(store), AS_OF)
    t = c.tasks.set_index("number")
    assert len(t) == 14
    assert (t.loc[3, "manual_status"], t.loc[3, "progress"], t.loc[3, "outlook"]) == (
        "已完成",
        100.0,
        ON_TRACK,
    )
    assert t.loc[3, "evidence"] == "监测网建成"
    assert t.loc[8, "source"] == "数据指标" and t.loc[8, "deadline"] == dt.date(2023, 6, 30)
    overdue = c.tasks["overdue"].tolist()
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    d = by_department(c.tasks)
    assert d.iloc[0]["department"] == "运城市生态环境局绛县分局"
    assert int(d["tasks"].sum()) == sum(len(x["lead"]) for x in ORACLE["tasks"])


def test_chart_renders_png_with_cjk_font(demo_url: str) -> None:
    data = brief_data(Store.open(demo_url), 2025)
    png = render("quality", data.charts["quality"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def _docx_tables(path: Path) -> list[list[list[str]]]:
    d = docx.Document(str(path))
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def test_pack_docx_pptx_pdf(demo_url: str, tmp_path: Path) -> None:
    store = Store.open(demo_url)
    steps: list[str] = []
    out = build_pack(store, 2025, tmp_path / "pack.docx", progress=lambda d, t, w: steps.append(w))
    assert steps[0] == "汇总数据" and steps[-1] == "完成"
    data = brief_data(store, 2025)
    tables = _docx_tables(out)
    want = [[list(t.frame.columns), *t.frame.astype(str).values.tolist()] for t in data.tables()]
    assert tables == want  # every number in the pack is a number of brief_data
    body = docx.Document(str(out))
    xml = body.element.xml
    assert 'w:eastAsia="宋体"' in xml and 'w:eastAsia="黑体"' in xml
    assert len(body.inline_shapes) == 3  # the three charts the page also shows
    deck = pptx.Presentation(str(build_pack(store, 2025, tmp_path / "pack.pptx")))
    texts = [s.shape_type for sl in deck.slides for s in sl.shapes]
    assert len(deck.slides) > 10 and texts.count(13) == 3  # 13 = picture
    assert 'typeface="微软雅黑"' in deck.slides[0].shapes[1]._element.xml
    pdf = build_pack(store, 2025, tmp_path / "pack.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "地下水污染防治工作联席会议简报" in text and "封井回填" in text
    assert not any(b in text for b in BOXES)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "CJK" in fonts.stdout
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert list(tmp_path.glob("page*.png"))


def test_cli_plan_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tasks.json"
    src = Path(__file__).parent / "data/plans/001_6a786e1caf41aadd.txt"
    assert main(["plan", "parse", str(src), "-o", str(out), "--select", "地下水"]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    keys = ("number", "section", "title", "lead", "cooperating", "deadlines", "text")
    assert [{k: r[k] for k in keys} for r in rows] == [
        {k: t[k] for k in keys} for t in ORACLE["tasks"]
    ]
    assert "14 项任务" in capsys.readouterr().err


def test_cli_brief(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "brief.pptx"
    assert main(["brief", "--db", demo_url, "--year", "2024", "-o", str(out)]) == 0
    assert pptx.Presentation(str(out)).slides
    assert main(["brief", "--db", demo_url, "--year", "2024", "-o", str(tmp_path / "x.txt")]) == 2


def test_the_brief_figures_load_without_charts_or_documents() -> None:
    """总览 reads the plan's goals through gwui.briefing: that must not load matplotlib or the
    document writers (≈0.7 s of a first visit); the package's names still resolve."""
    code = (
        "import sys, gwui.briefing, gwlib.brief as b\n"
        "heavy = [m for m in ('matplotlib', 'docx', 'pptx') if m in sys.modules]\n"
        "assert heavy == [], heavy\n"
        "assert callable(b.build_pack) and callable(b.render) and b.CHART_TITLES\n"
        "assert 'matplotlib' in sys.modules\n"
        "try:\n    b.nothing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_brief_lists_recharge_points_with_result_and_filing(demo_url: str) -> None:
    """表3（续）: the brief's 回灌/地热尾水 rows are the quality page's (stored_checks); points
    that exceeded or are late with their 报备 are marked and drive two next steps."""
    from gwlib.quality.point_checks import stored_checks

    store = Store.open(demo_url)
    data = brief_data(store, 2025)
    [table] = [t for t in data.tables() if t.title.startswith("表3（续）")]
    checks, _ = stored_checks(store, store.points(), data.as_of)
    assert table.frame["点位编码"].tolist() == checks["point"].tolist()
    assert table.frame["结论"].tolist() == checks["result"].tolist()
    bad = [i for i, r in enumerate(checks.to_dict("records"))
           if r["result"] == "超标" or r["filing"] != "已报备"]
    assert list(table.highlight) == bad and bad
    late = int((checks["filing"] != "已报备").sum())
    assert f"督促 {late} 个回灌、地热尾水点位的运营单位按期报备回灌水质监测结果" in data.next_steps
    past = brief_data(store, 2023)  # the register keeps only the latest 报备: not known in 2023
    [old] = [t for t in past.tables() if t.title.startswith("表3（续）")]
    assert set(old.frame["报备状态"]) <= {"未报备", "当时报备情况无记录"}
