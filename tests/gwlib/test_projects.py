"""项目储备库 (issue 14 item 1): figures on a hand-built register with answers worked out by
hand; import checks, re-import, correction with audit, export round trip; the CLI as written."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from gwlib.errors import PermissionDenied
from gwlib.projects.figures import project_rates, reserve_figures
from gwlib.projects.register import HEADERS, RATE_HEADER, export_bytes
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.projects import commit_projects, prepare_projects, projects
from tests.accounts import add_accounts

ROOT = Path(__file__).resolve().parents[2]
EDITOR = Actor("zhang")
HEAD = ",".join(HEADERS)
ROWS = [
    # code,name,type,township,status,year,total,central,prov,local,alloc,spent,start,finish,...
    "P1,封井回填一期,封井回填,古绛镇,实施中,2023,500,300,100,100,400,380,2023-05-01,,,,,",
    "P2,水源地规范化,其他,横水镇,已下达资金,2024,200,0,100,100,200,50,,,,,,",
    "P3,化工园区调查,调查评估,古绛镇,已入中央库,2024,300,300,0,0,0,0,,,,,,",
    "P4,监测井建设,监测能力建设,陈村镇,谋划,2025,80,0,0,80,0,0,,,,,,",
]


def _frame(rows: list[str]) -> pd.DataFrame:
    cols = ["code", "name", "kind", "township", "status", "year", "total_wan", "central_wan",
            "provincial_wan", "local_wan", "allocated_wan", "spent_wan", "start_date"]
    recs = [dict(zip(cols, r.split(",")[:13], strict=True)) for r in rows]
    f = pd.DataFrame(recs)
    for c in cols[5:12]:
        f[c] = f[c].astype(float)
    f["year"] = f["year"].astype(int)
    f["start_date"] = f["start_date"].replace("", None)
    return f


def test_figures_by_hand() -> None:
    f = reserve_figures(_frame(ROWS), dt.date(2024, 12, 31))
    assert f.execution == pytest.approx((380 + 50) / (400 + 200) * 100)  # 71.67 %
    # P1's 400 allocated splits 300/100/100 of 500 → central 240, prov 80, local 80; spent the
    # same way (228/76/76); P2's 200 splits 0/100/100 → prov 100, local 100, spent 0/25/25.
    assert f.execution_by_source["中央"] == pytest.approx(228 / 240 * 100)
    assert f.execution_by_source["省"] == pytest.approx((76 + 25) / (80 + 100) * 100)
    assert (f.started, f.should_start, f.start_rate) == (1, 2, 50.0)  # P1 of P1, P2
    assert f.central_by_year == {2023: 1, 2024: 1}  # P1 holds central funds; P3 is in the reserve
    rates = project_rates(_frame(ROWS))
    assert rates.iloc[0] == 95.0 and pd.isna(rates.iloc[2])  # nothing allocated: no rate


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path}/p.sqlite")
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    return s


def _csv(tmp_path: Path, name: str, rows: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    return p


def test_import_checks_reimport_correction_and_round_trip(store: Store, tmp_path: Path) -> None:
    bad = ["P9,坏项目,大项目,古绛镇,谋划,23,-5,,,,,,2024-13-01,,W-NONE,,,"]
    plan = prepare_projects(store, _csv(tmp_path, "a.csv", [*ROWS, bad[0],
                                                          "P1,重复,其他,,谋划,2024,,,,,,,,,,,,"]))
    cols = {i.column for i in plan.issues if i.row == 6}
    assert cols == {"入库年度", "开工日期", "总投资(万元)", "关联井编码", "项目类型"}
    [wells] = [i for i in plan.issues if i.row == 6 and i.column == "关联井编码"]
    assert (wells.value, wells.reason) == ("W-NONE", "其中 1 个（共 1 个）不是台账中的井编码：先导入"
                                           "封井回填台账，或改正编码")
    assert plan.rejected_rows == 2 and plan.counts["新增"] == 4
    with pytest.raises(PermissionDenied):
        commit_projects(store, plan, Actor("li"))
    assert commit_projects(store, plan, EDITOR).summary() == (
        "imported 4, updated 0, unchanged 0, rejected 2")
    again = prepare_projects(store, _csv(tmp_path, "a.csv", ROWS))
    assert again.counts == {"新增": 0, "修改": 0, "未变": 4}
    fixed = [ROWS[0].replace(",380,", ",400,"), *ROWS[1:]]
    plan = prepare_projects(store, _csv(tmp_path, "b.csv", fixed))
    assert plan.counts["修改"] == 1 and list(plan.changes["field"]) == ["已支出(万元)"]
    commit_projects(store, plan, EDITOR)
    with store.engine.connect() as conn:
        audit = conn.execute(sa.text("select field, old_value, new_value from audit_log "
                                     "where entity = 'project' and action = 'update'")).all()
    assert [tuple(a) for a in audit] == [("已支出(万元)", "380", "400")]
    data = export_bytes(projects(store))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    assert header == [*HEADERS, RATE_HEADER]
    first = [c.value for c in ws[2]]
    assert first[0] == "P1" and first[-1] == 100.0
    back = prepare_projects(store, data, "导出.xlsx")
    assert back.counts == {"新增": 0, "修改": 0, "未变": 4}


def test_cli_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gwlib", *args], cwd=ROOT,
                              capture_output=True, text=True, check=False)  # fmt: skip

    f = _csv(tmp_path, "项目.csv", ROWS)
    dry = run("projects", "import", str(f), "--db", url, "--dry-run")
    assert dry.stdout.splitlines()[-1] == (
        "imported 4, updated 0, unchanged 0, rejected 0 (dry run: nothing written)")
    done = run("projects", "import", str(f), "--db", url)
    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        0, "imported 4, updated 0, unchanged 0, rejected 0")
    out = tmp_path / "out.xlsx"
    assert run("projects", "export", "--db", url, "-o", str(out)).returncode == 0
    assert RATE_HEADER in [c.value for c in openpyxl.load_workbook(out).active[1]]
    assert run("projects", "template", "-o", str(tmp_path / "t.xlsx")).returncode == 0


def test_quarterly_progress_entries_with_evidence(store: Store, tmp_path: Path) -> None:
    """Issue 14 item 1: quarterly progress of a project — what was done, cumulative 已支出, an
    evidence file stored like the ledger's documents — editors only, audited."""
    import sqlalchemy as sa

    from gwlib.errors import InputError, StoreError
    from gwlib.store.projects import add_progress, progress_entries
    from gwlib.store.schema_ledger import audit_log

    commit_projects(store, prepare_projects(store, _csv(tmp_path, "a.csv", ROWS)), EDITOR)
    code = ROWS[0].split(",")[0]
    att = tmp_path / "att"
    add_progress(store, EDITOR, code, "2025年第二季度", "完成招标", 120.0, None, att)
    add_progress(store, EDITOR, code, "2025Q3", "完成封井 12 眼", 260.5,
                 ("进度照片.png", b"\x89PNG evidence"), att)  # fmt: skip
    with pytest.raises(PermissionDenied):
        add_progress(store, Actor("li"), code, "2025Q4", "x", None, None, att)
    with pytest.raises(InputError):
        add_progress(store, EDITOR, code, "2025Q5", "x", None, None, att)
    with pytest.raises(StoreError, match="没有编码为"):
        add_progress(store, EDITOR, "NO-SUCH", "2025Q4", "x", None, None, att)
    e = progress_entries(store, code)
    assert e[["quarter", "progress", "spent_wan", "filename"]].values.tolist() == [
        ["2025Q3", "完成封井 12 眼", 260.5, "进度照片.png"], ["2025Q2", "完成招标", 120.0, ""]]
    assert (att / e["stored_name"].iloc[0]).read_bytes() == b"\x89PNG evidence"
    with store.engine.connect() as conn:
        fields = conn.execute(sa.select(audit_log.c.field).where(
            (audit_log.c.entity == "project") & (audit_log.c.action == "progress"))).scalars().all()
    assert "2025Q3 进展" in fields and "佐证文件" in fields
