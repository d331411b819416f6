"""调度 → 通报 → 督办 (issue 13 items 3–4): round codes and due dates, who is expected to report,
ranking, the store's writes with their audit rows and role checks, and the bulletin document."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document

from gwlib.brief.bulletin import bulletin_bytes, bulletin_data, checklist_at
from gwlib.errors import InputError, PermissionDenied, StoreError, ValidationError
from gwlib.plans.rounds import (
    RoundCode,
    changes_since,
    default_due,
    expected_reports,
    lagging,
    missing_reports,
    parse_round,
    ranking,
)
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.rounds import add_report, issue_action, open_round, reports, respond_action
from tests.accounts import add_accounts

ROOT = Path(__file__).resolve().parents[2]
EDITOR = Actor("zhang")


@pytest.mark.parametrize(
    ("text", "code", "end"),
    [("2025Q4", "2025Q4", dt.date(2025, 12, 31)), ("2025-q1", "2025Q1", dt.date(2025, 3, 31)),
     ("2024年第二季度", "2024Q2", dt.date(2024, 6, 30)), ("2024 第3季度", "2024Q3",
                                                        dt.date(2024, 9, 30))],
)  # fmt: skip
def test_round_codes(text: str, code: str, end: dt.date) -> None:
    rc = parse_round(text)
    assert (rc.code, rc.end) == (code, end)


def test_bad_round_code_says_the_form() -> None:
    with pytest.raises(InputError, match="2025Q4"):
        parse_round("2025Q5")


def test_due_is_the_fifth_working_day_after_the_quarter() -> None:
    # 2025-12-31 is a Wednesday: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 January.
    assert default_due(RoundCode(2025, 4)) == dt.date(2026, 1, 7)
    # 2024-06-30 is a Sunday: Mon 1 … Fri 5 July.
    assert default_due(RoundCode(2024, 2)) == dt.date(2024, 7, 5)
    assert RoundCode(2025, 4).next() == RoundCode(2026, 1)


TASKS = pd.DataFrame(
    [
        {"number": 1, "title": "甲", "lead": "县水务局、县自然资源局", "outlook": "滞后",
         "overdue": True, "progress": 40.0},
        {"number": 2, "title": "乙", "lead": "各乡镇人民政府", "outlook": "正常",
         "overdue": False, "progress": 100.0},
        {"number": 3, "title": "丙", "lead": "县水务局", "outlook": "有风险", "overdue": False,
         "progress": 10.0},
    ]
)  # fmt: skip


def test_expected_missing_and_ranking() -> None:
    exp = expected_reports(TASKS, ["古绛镇", "横水镇"])
    assert sorted(zip(exp["unit"], exp["task_number"], strict=True)) == [
        ("县水务局", 1), ("县水务局", 3), ("县自然资源局", 1), ("古绛镇", 2), ("横水镇", 2),
    ]  # fmt: skip
    rep = pd.DataFrame(
        [
            {"id": 1, "unit": "县水务局", "task_number": 1, "status": "推进中",
             "reported_at": dt.datetime(2026, 1, 2)},
            {"id": 2, "unit": "古绛镇", "task_number": 2, "status": "已完成",
             "reported_at": dt.datetime(2026, 1, 3)},
        ]
    )  # fmt: skip
    miss = missing_reports(exp, rep)
    assert sorted(zip(miss["unit"], miss["task_number"], strict=True)) == [
        ("县水务局", 3), ("县自然资源局", 1), ("横水镇", 2),
    ]
    rank = ranking(exp, rep, TASKS).set_index("unit")
    # 古绛镇 100 % reported, 1 done; 县水务局 50 %, 1 lagging; 横水镇 0 %, 0 lagging;
    # 县自然资源局 0 %, 1 lagging.
    assert list(rank.index) == ["古绛镇", "县水务局", "横水镇", "县自然资源局"]
    assert (rank.loc["县水务局", "report_rate"], rank.loc["县水务局", "lagging"]) == (50.0, 1)
    assert list(lagging(TASKS)["number"]) == [1]


def test_changes_since_the_last_round() -> None:
    before = TASKS.assign(outlook=["有风险", "正常", "有风险"], progress=[40.0, 60.0, 10.0])
    ch = changes_since(before, TASKS)
    assert list(ch["number"]) == [1, 2]
    assert list(ch["new_outlook"]) == ["滞后", "正常"]


@pytest.fixture
def store(demo_copy_url: str) -> Store:
    s = Store.open(demo_copy_url)
    add_accounts(s, {"zhang": "editor", "li": "viewer"})
    return s


def test_a_round_in_the_store_with_audit_and_roles(store: Store) -> None:
    code = RoundCode(2023, 4)
    check = checklist_at(store, 2023, code.end)
    with pytest.raises(PermissionDenied):
        open_round(store, Actor("li"), code, 2023, default_due(code), check.tasks)
    rid = open_round(store, EDITOR, code, 2023, default_due(code), check.tasks)
    with pytest.raises(StoreError, match="已开启"):
        open_round(store, EDITOR, code, 2023, default_due(code), check.tasks)
    lead = str(check.tasks["lead"].iloc[0]).split("、")[0]
    number = int(check.tasks["number"].iloc[0])
    add_report(store, EDITOR, rid, lead, number, "推进中", "第一次", "a.pdf")
    add_report(store, EDITOR, rid, lead, number, "已完成", "第二次", "b.pdf")
    with pytest.raises(InputError, match="没有第 999 项"):
        add_report(store, EDITOR, rid, lead, 999, "推进中")
    with pytest.raises(InputError, match="办结期限"):
        issue_action(store, EDITOR, rid, "督办", lead, number)
    aid = issue_action(store, EDITOR, rid, "督办", lead, number, "限期报送", dt.date(2024, 1, 20))
    respond_action(store, EDITOR, aid, "已报送")
    with pytest.raises(StoreError, match="已于"):
        respond_action(store, EDITOR, aid, "again")
    assert len(reports(store, rid)) == 2  # the first 填报 is kept, superseded
    with store.engine.connect() as conn:
        audit = conn.execute(sa.text(
            "select action, entity, entity_key, ts_utc from audit_log where entity like 'dispatch%' "
            "order by id"
        )).all()  # fmt: skip
    # one row per field written; one group of rows per write
    writes = [k[:2] for k, _ in itertools.groupby(tuple(a) for a in audit)]
    assert writes == [
        ("open", "dispatch_round"), ("report", "dispatch_report"), ("report", "dispatch_report"),
        ("issue", "dispatch_action"), ("respond", "dispatch_action"),
    ]  # fmt: skip
    data = bulletin_data(store, "2023Q4", date=dt.date(2024, 1, 8))
    row = data.departments.set_index("unit").loc[lead]
    assert row["reported"] == 1 and row["done"] == 1
    doc = Document(io.BytesIO(bulletin_bytes(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "地下水污染防治工作通报" in text and "2023年第1期" in text and "2024年1月8日" in text
    assert "报送：" in text and "抄送：" in text and "2024年4月5日" in text  # next due: Mon 1 … Fri 5 April
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"督办", "限期报送", "已报送", lead} <= cells


def test_cli_as_written(demo_copy_url: str, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gwlib", *args, "--db", demo_copy_url],
                              cwd=ROOT, capture_output=True, text=True, check=False)  # fmt: skip

    opened = run("rounds", "open", "2023Q4")
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.startswith("opened round 2023Q4 of the 2023 plan")
    assert run("rounds", "report", "2023Q4", "--unit", "县水务局", "--task", "8",
               "--status", "推进中").returncode == 0  # fmt: skip
    out = tmp_path / "通报.docx"
    done = run("bulletin", "--round", "2023Q4", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "地下水污染防治工作通报" in Document(str(out)).paragraphs[0].text
    missing = run("bulletin", "--round", "2022Q1", "-o", str(out))
    assert missing.returncode == 2 and "没有这一轮调度" in missing.stderr


def test_year_end_assessment_is_judged_at_the_plan_years_end(demo_copy_url: str, tmp_path: Path) -> None:
    """Issue 13 item 5: the 2023 plan's 评估考核 reads every task as at 2023-12-31, though the
    demo's data reaches 2025: its figures are the checklist's at that date."""
    out = tmp_path / "评估考核.docx"
    with Store.open(demo_copy_url) as store:
        from gwlib.brief.bulletin import write_assessment_report

        n = write_assessment_report(store, 2023, out, date=dt.date(2024, 1, 10))
        check = checklist_at(store, 2023, dt.date(2023, 12, 31))
    assert n == len(check.tasks) > 0
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2023年度地下水污染防治工作评估考核报告" in text and "评估截至 2023-12-31" in text
    tasks = doc.tables[1]
    assert [c.text for c in tasks.rows[0].cells][:2] == ["序号", "任务"]
    got = {int(r.cells[0].text): r.cells[4].text for r in tasks.rows[1:]}
    want = {int(r["number"]): ("" if r["progress"] != r["progress"] else f"{r['progress']:.0f}")
            for r in check.tasks.to_dict("records")}  # fmt: skip
    assert got == want


def test_report_evidence_files_are_stored_and_reviewed_like_ledger_documents(
    store: Store, tmp_path: Path
) -> None:
    """Issue 13 item 3: a 填报's evidence files go where the ledger's documents go (content-
    addressed), start 未审, are reviewed with the same states, and every step is audited."""
    from gwlib.store.rounds import add_evidence, evidence, review_evidence
    from gwlib.store.schema_ledger import audit_log

    code = parse_round("2023Q4")
    check = checklist_at(store, 2023, code.end)
    rid = open_round(store, EDITOR, code, 2023, default_due(code), check.tasks)
    number, lead = int(check.tasks["number"].iloc[0]), "县水务局"
    report = add_report(store, EDITOR, rid, lead, number, "已完成", "完成清单", "")
    att = tmp_path / "att"
    pdf = b"%PDF-1.4 evidence"
    eid = add_evidence(store, EDITOR, report, "清单印发文件.pdf", pdf, att)
    with pytest.raises(PermissionDenied):
        add_evidence(store, Actor("li"), report, "x.pdf", pdf, att)
    with pytest.raises(ValidationError, match="附件类型"):  # checked before anything is written
        add_evidence(store, EDITOR, report, "病毒.exe", b"MZ", att)
    ev = evidence(store, rid)
    assert ev[["unit", "task_number", "filename", "review_status"]].values.tolist() == [
        [lead, number, "清单印发文件.pdf", "未审"]]
    assert (att / ev["stored_name"].iloc[0]).read_bytes() == pdf
    review_evidence(store, EDITOR, eid, "需补充", "缺盖章页")
    assert evidence(store, rid)["review_status"].tolist() == ["需补充"]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log.c.action, audit_log.c.field, audit_log.c.new_value)
                            .where(audit_log.c.entity == "dispatch_report")
                            .order_by(audit_log.c.id)).all()  # fmt: skip
    assert [r.action for r in rows][-2:] == ["evidence", "review"]
    assert rows[-1].new_value == "需补充" and "清单印发文件.pdf" in rows[-1].field
    # The year-end 评估考核 lists the evidence files with their review status.
    from gwlib.brief.bulletin import write_assessment_report

    buf = io.BytesIO()
    write_assessment_report(store, 2023, buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "清单印发文件.pdf" in cells and "需补充" in cells
