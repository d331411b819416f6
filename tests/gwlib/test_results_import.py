"""检测结果导入 by batch: preview, commit in one transaction, idempotent re-import, corrections
with a trail, withdrawal and re-import — on SQLite and PostgreSQL, through the library and the
CLI as written in the issue."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from gwlib.errors import StoreError, ValidationError
from gwlib.quality.annual import annual_classes
from gwlib.quality.model import MonitoringPoint
from gwlib.store import Store, schema
from gwlib.store.audit import Actor
from gwlib.store.imports import open_batch
from gwlib.store.results import batches, commit_results, prepare_results, withdraw_batch
from gwlib.store.schema_ledger import audit_log
from tests.files import text_file

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 1, 15)
EDITOR = Actor("zhang")
HEADER = "点位编码,采样日期,水期,指标,监测值,单位\n"
FIRST = HEADER + (
    "P1,2024-05-01,丰水期,氟化物,0.8,mg/L\n"
    "P1,2024-05-01,丰水期,硝酸盐（以N计）,5,mg/L\n"
    "P2,2024-05-01,丰水期,氟化物,1.6,mg/L\n"
    "P2,2024-10-08,枯水期,氟化物,0.3,mg/L\n"
)


@pytest.fixture
def store(results_store: Store) -> Store:
    return results_store


_file = text_file


def _classes(store: Store) -> dict[tuple[str, int], int]:
    a = annual_classes(store.samples())
    return {(r.point, int(r.year)): int(r.quality_class) for r in a.itertuples()}


def _values(store: Store) -> dict[tuple[str, str, str], float]:
    m = store.measurements()
    return {
        (r.point, str(r.date), r.indicator_code): float(r.value) for r in m.itertuples()
    }


def test_import_reimport_correct_withdraw_reimport(store: Store, tmp_path: Path) -> None:
    first = _file(tmp_path, "first.csv", FIRST)
    plan = prepare_results(store, first, TODAY)
    assert plan.counts == {"新增": 3, "修改": 0, "未变": 0}
    assert plan.rejected_rows == 0 and not plan.issues
    b1 = commit_results(store, plan, EDITOR)
    assert b1.summary() == f"imported 3, updated 0, unchanged 0, rejected 0 (batch {b1.batch_id})"
    classes, values = _classes(store), _values(store)
    assert classes == {("P1", 2024): 2, ("P2", 2024): 4}

    # The same file again changes nothing.
    b2 = commit_results(store, prepare_results(store, first, TODAY), EDITOR)
    assert (b2.imported, b2.updated, b2.unchanged) == (0, 0, 3)
    assert _values(store) == values and _classes(store) == classes

    # A corrected file: one value changed, one indicator added, one sample unchanged.
    fixed = _file(tmp_path, "fixed.csv", HEADER + (
        "P1,2024-05-01,丰水期,氟化物,1.2,mg/L\n"
        "P2,2024-05-01,丰水期,氟化物,1.6,mg/L\n"
        "P2,2024-05-01,丰水期,砷,0.02,mg/L\n"
    ))  # fmt: skip
    plan = prepare_results(store, fixed, TODAY)
    assert plan.counts == {"新增": 0, "修改": 2, "未变": 0}
    changes = {(r.point, r.indicator, r.old, r.new) for r in plan.changes.itertuples()}
    assert changes == {("P1", "氟化物", "0.8", "1.2"), ("P2", "砷", "", "0.02")}
    b3 = commit_results(store, plan, EDITOR)
    after = _values(store)
    assert after[("P1", "2024-05-01", "T1-26")] == pytest.approx(1.2)
    assert after[("P1", "2024-05-01", "T1-24")] == pytest.approx(5.0)  # kept: not in the file
    assert len(after) == len(values) + 1
    assert _classes(store) == {("P1", 2024): 4, ("P2", 2024): 4}
    with store.engine.connect() as conn:
        trail = conn.execute(
            sa.select(audit_log.c.entity_key, audit_log.c.field, audit_log.c.old_value,
                      audit_log.c.new_value).where(audit_log.c.entity == "result")
        ).all()  # fmt: skip
    assert {tuple(r) for r in trail} == {
        ("P1 2024-05-01", "氟化物 监测值", "0.8", "1.2"),
        ("P2 2024-05-01", "砷 监测值", "", "0.02"),
    }

    # The first batch cannot go while a later batch has changed its samples.
    with pytest.raises(StoreError, match=f"批次 {b3.batch_id}"):
        withdraw_batch(store, b1.batch_id, EDITOR, "整批作废")
    with pytest.raises(ValidationError):
        withdraw_batch(store, b3.batch_id, EDITOR, "  ")
    touched = withdraw_batch(store, b3.batch_id, EDITOR, "更正有误")
    assert touched == ("P1", "P2")
    assert _values(store) == values and _classes(store) == classes
    withdraw_batch(store, b1.batch_id, EDITOR, "整批作废")
    assert store.samples().empty and _classes(store) == {}
    hist = batches(store).set_index("id")
    assert hist.loc[b1.batch_id, "status"] == "已撤回"
    assert hist.loc[b3.batch_id, "withdraw_reason"] == "更正有误"
    with pytest.raises(StoreError, match="已于"):
        withdraw_batch(store, b1.batch_id, EDITOR, "again")
    with store.transaction() as conn:  # a batch of another register is not a results batch
        other = open_batch(conn, "points", "点位.xlsx", "0" * 64, EDITOR, dt.datetime(2026, 1, 1),
                           2, 0, (2, 0, 0))  # fmt: skip
    with pytest.raises(StoreError, match="不是检测结果批次"):
        withdraw_batch(store, other, EDITOR, "误操作")
    assert batches(store, "points").set_index("id").loc[other, "status"] == "有效"

    # Re-importing the withdrawn file brings it back.
    b4 = commit_results(store, prepare_results(store, first, TODAY), EDITOR)
    assert b4.imported == 3 and _values(store) == values and _classes(store) == classes


def test_rejections_duplicates_and_suspicious_values(store: Store, tmp_path: Path) -> None:
    f = _file(tmp_path, "mixed.csv", HEADER + (
        "P1,2024-05-01,丰水期,氟化物,0.8,mg/L\n"
        "P1,2024-05-01,丰水期,氟化物,0.8,mg/L\n"        # same value twice: counted once
        "P2,2024-05-01,丰水期,氟化物,0.5,mg/L\n"
        "P2,2024-05-01,丰水期,氟化物,0.9,mg/L\n"        # conflicting: the sample is rejected
        "P9,2024-05-01,丰水期,氟化物,0.5,mg/L\n"        # unknown point
        "P1,2024-06-01,平水期,pH,15,无量纲\n"            # suspicious: pH outside 0-14
        "P1,2024-06-01,平水期,砷,-0.01,mg/L\n"          # suspicious: negative
        "P1,2024-06-01,平水期,铅,200,mg/L\n"            # suspicious: > 1000 x the Ⅴ threshold
        "P1,2027-01-01,丰水期,氟化物,0.2,mg/L\n"        # suspicious: after today
        "P1,2024-07-01,丰水期,氟化物,abc,mg/L\n"        # unreadable value
    ))  # fmt: skip
    plan = prepare_results(store, f, TODAY)
    errors = {(i.row, i.column) for i in plan.errors}
    assert (6, "点位编码") in errors  # P9
    assert {4, 5} <= {r for r, _ in errors}  # the conflicting P2 sample, both rows
    assert 11 in {r for r, _ in errors}  # abc
    assert plan.unknown_points == ["P9"]
    assert plan.rejected_rows == 4
    warn = {i.row: i.reason for i in plan.issues if i.severity == "warning"}
    assert "重复" in warn[3]
    why = {i.row: i.reason for i in plan.suspicious}
    assert "pH" in why[7] and "负值" in why[8] and "1,000" in why[9] and "晚于今天" in why[10]
    assert plan.counts["新增"] == 3  # P1 05-01, P1 06-01, P1 2027-01-01
    result = commit_results(store, plan, EDITOR)
    assert result.rejected == 4
    m = store.measurements("P1")
    assert len(m[m["date"].astype(str) == "2024-05-01"]) == 1
    assert "P2" not in set(store.samples()["point"])


def test_a_failed_commit_writes_nothing(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = prepare_results(store, _file(tmp_path, "f.csv", FIRST), TODAY)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr("gwlib.store.results.insert_graded", boom)
    with pytest.raises(RuntimeError):
        commit_results(store, plan, EDITOR)
    assert store.samples().empty and batches(store).empty


def test_viewers_cannot_import_or_withdraw(store: Store, tmp_path: Path) -> None:
    from gwlib.errors import PermissionDenied

    plan = prepare_results(store, _file(tmp_path, "f.csv", FIRST), TODAY)
    with pytest.raises(PermissionDenied):
        commit_results(store, plan, Actor("li"))
    b = commit_results(store, plan, EDITOR)
    with pytest.raises(PermissionDenied):
        withdraw_batch(store, b.batch_id, Actor("li"), "x")


def _gwlib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gwlib", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)  # fmt: skip


def test_cli_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    s = Store.open(url)
    s.upsert_points(
        MonitoringPoint.from_row(
            {"code": c, "name": c, "category": "县控", "township": "", "lon": 111.5, "lat": 35.5,
             "aquifer": "孔隙", "burial": "潜水", "target_class": 3}
        )
        for c in ("P1", "P2")
    )  # fmt: skip
    s.close()
    f = _file(tmp_path, "r.csv", FIRST + "P9,2024-05-01,丰水期,氟化物,0.5,mg/L\n")
    done = _gwlib("results", "import", str(f), "--db", url, "--dry-run")
    assert done.stdout.strip().splitlines()[-1].startswith("imported 3, updated 0, unchanged 0, rejected 1")
    with Store.open(url) as s:
        assert s.samples().empty
    done = _gwlib("results", "import", str(f), "--db", url, "--report", str(tmp_path / "r.csv.report"))
    assert done.returncode == 2
    assert done.stdout.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, rejected 1 (batch 1)"
    report = pd.read_csv(tmp_path / "r.csv.report", encoding="utf-8-sig")
    assert list(report.columns) == ["file", "row", "column", "value", "reason", "severity"]
    assert report["row"].tolist() == [6]
    done = _gwlib("results", "import", str(f), "--db", url)
    assert done.stdout.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 3, rejected 1 (batch 2)"
    out = tmp_path / "classes.csv"
    assert _gwlib("classes", "--db", url, "-o", str(out)).returncode == 0
    classes = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(classes.columns) == ["point", "year", "class", "limiting"]
    assert classes.values.tolist() == [["P1", "2024", "II", "硝酸盐（以N计）"], ["P2", "2024", "IV", "氟化物"]]
    assert _gwlib("classes", "--db", url, "-o", str(out), "--period", "枯水期").returncode == 0
    dry = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert dry.values.tolist() == [["P2", "2024", "I", ""]]
    done = _gwlib("results", "withdraw", "1", "--db", url, "--reason", "测试撤回")
    assert done.returncode == 0, done.stderr
    with Store.open(url) as s, s.engine.connect() as conn:
        assert s.samples().empty
        users = {u for (u,) in conn.execute(sa.select(schema.import_batch.c.user_name))}
    assert all(u.startswith("命令行:") for u in users)


def test_class_changes_and_refreshed_trends_after_commit_and_withdrawal(
    store: Store, tmp_path: Path
) -> None:
    from gwlib.quality.batches import commit_and_refresh, withdraw_and_refresh

    first = commit_and_refresh(store, prepare_results(store, _file(tmp_path, "a.csv", FIRST),
                                                      TODAY), EDITOR)  # fmt: skip
    assert first.class_changes[["point", "year", "old_class", "new_class"]].values.tolist() == [
        ["P1", 2024, 0, 2], ["P2", 2024, 0, 4]
    ]
    assert set(store.trends()["point"]) == {"P1", "P2"}
    fix = _file(tmp_path, "b.csv", HEADER + "P1,2024-05-01,丰水期,氟化物,1.2,mg/L\n")
    second = commit_and_refresh(store, prepare_results(store, fix, TODAY), EDITOR)
    assert second.points == ("P1",)
    assert second.class_changes[["point", "old_class", "new_class"]].values.tolist() == [
        ["P1", 2, 4]
    ]
    assert second.result is not None
    back = withdraw_and_refresh(store, second.result.batch_id, EDITOR, "录错")
    assert back.class_changes[["point", "old_class", "new_class"]].values.tolist() == [
        ["P1", 4, 2]
    ]
