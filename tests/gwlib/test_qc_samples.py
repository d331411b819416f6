"""QA/QC samples (issue 14 item 4): a 平行样 and blanks beside a point's routine sample of the same
day, told apart by 样品类型 and named by 样品编号. They are kept, reported (relative difference of
each parallel pair, indicators detected in blanks) and never counted in a class or in 到报率; a
re-import changes nothing, a corrected QC value replaces the stored one with a trail, and a
withdrawal removes them and brings the replaced ones back — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from gwlib.errors import StoreError
from gwlib.io.lab import read_lab_file
from gwlib.quality.annual import annual_classes, completeness
from gwlib.quality.model import MonitoringPoint
from gwlib.quality.qc import qc_type, relative_difference
from gwlib.quality.standards import get_standard
from gwlib.store import Store, schema
from gwlib.store.audit import Actor
from gwlib.store.qc import qc_report, qc_results
from gwlib.store.results import batches, commit_results, prepare_results, withdraw_batch
from gwlib.store.schema_ledger import audit_log
from tests.accounts import add_accounts
from tests.files import text_file

TODAY = dt.date(2026, 1, 15)
EDITOR = Actor("zhang")
HEADER = "点位编码,采样日期,水期,样品编号,样品类型,指标,监测值,单位\n"
ROUTINE = (
    "P1,2024-05-01,丰水期,S-001,,氟化物,0.8,mg/L\n"
    "P1,2024-05-01,丰水期,S-001,,硝酸盐（以N计）,5,mg/L\n"
    "P1,2024-05-01,丰水期,S-001,,砷,0.0003L,mg/L\n"
    "P2,2024-05-01,丰水期,S-003,常规样,氟化物,1.6,mg/L\n"
)
QC = (
    "P1,2024-05-01,丰水期,S-002,平行样,氟化物,0.9,mg/L\n"  # RD = 0.1 / 1.7 = 5.9 %
    "P1,2024-05-01,丰水期,S-002,平行样,硝酸盐（以N计）,30,mg/L\n"  # would be Ⅴ if counted
    "P1,2024-05-01,丰水期,S-002,平行样,砷,0.0003L,mg/L\n"
    "P1,2024-05-01,丰水期,KB-01,现场空白,氟化物,0.05,mg/L\n"  # detected in a blank
    "P1,2024-05-01,丰水期,KB-01,现场空白,硝酸盐（以N计）,ND,mg/L\n"
)


@pytest.fixture
def store(results_store: Store) -> Store:
    return results_store


_file = text_file


def _import(store: Store, path: Path):  # type: ignore[no-untyped-def]
    plan = prepare_results(store, path, TODAY)
    return plan, commit_results(store, plan, EDITOR)


def test_written_types_and_relative_difference() -> None:
    assert [qc_type(t) for t in ("", "常规样", "平行样", "现场平行", "全程序空白", "Trip Blank")] \
        == ["", "", "平行样", "平行样", "现场空白", "运输空白"]
    assert qc_type("加标样") is None
    got = relative_difference(np.array([0.8, 0.0, 2.0]), np.array([0.9, 0.0, 2.0]))
    assert got[0] == pytest.approx(0.1 / 1.7 * 100) and np.isnan(got[1]) and got[2] == 0.0


def test_an_unknown_sample_type_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    path = _file(tmp_path, "bad.csv", HEADER + "P1,2024-05-01,丰水期,S-9,加标样,氟化物,0.8,mg/L\n")
    batch = read_lab_file(path, get_standard())
    [issue] = batch.errors
    assert (issue.file, issue.row, issue.column, issue.value) == ("bad.csv", 2, "样品类型", "加标样")
    assert "平行样" in issue.reason and "现场空白" in issue.reason


def test_qc_samples_are_kept_apart_and_not_counted(store: Store, tmp_path: Path) -> None:
    plain = _file(tmp_path, "plain.csv", HEADER + ROUTINE)
    with_qc = _file(tmp_path, "qc.csv", HEADER + ROUTINE + QC)
    plan = prepare_results(store, with_qc, TODAY)
    assert plan.errors == []
    assert plan.counts == {"新增": 2, "修改": 0, "未变": 0}  # the routine samples only
    assert sorted(plan.qc_samples["qc_type"]) == ["平行样", "现场空白"]
    assert set(plan.qc_samples["status"]) == {"新增"}
    result = commit_results(store, plan, EDITOR)
    assert (result.imported, result.updated, result.unchanged) == (2, 0, 0)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.sample)).scalar() == 2
    qc = qc_results(store)
    assert len(qc) == 5 and set(qc["sample_code"]) == {"S-002", "KB-01"}

    # Classes and 到报率 equal those of the file without its QC rows.
    other = Store.open(f"sqlite:///{tmp_path}/plain.sqlite")
    other.upsert_points(store.points().pipe(lambda p: [
        MonitoringPoint.from_row(r) for r in p.to_dict("records")]))  # fmt: skip
    add_accounts(other, {"zhang": "editor"})
    _import(other, plain)
    cols = ["point", "year", "quality_class", "limiting"]
    pd.testing.assert_frame_equal(annual_classes(store.samples())[cols],
                                  annual_classes(other.samples())[cols])  # fmt: skip
    assert int(annual_classes(store.samples()).set_index("point").at["P1", "quality_class"]) < 5
    got = completeness(store.points(), store.samples(), 2024)
    want = completeness(other.points(), other.samples(), 2024)
    pd.testing.assert_frame_equal(got, want)
    other.close()

    pairs, blanks = qc_report(store)
    by = pairs.set_index("indicator")
    assert by.at["氟化物", "rd_pct"] == pytest.approx(5.9, abs=0.05)
    assert by.at["氟化物", "routine"] == pytest.approx(0.8)
    assert np.isnan(by.at["砷", "rd_pct"]) and by.at["砷", "note"] == "均未检出"
    assert by.at["硝酸盐（以N计）", "rd_pct"] == pytest.approx(25 / 35 * 100, abs=0.05)
    assert qc_report(store, limit_pct=20)[0].set_index("indicator").at[
        "硝酸盐（以N计）", "note"] == "相对偏差超过 20%"  # fmt: skip
    assert blanks[["sample_code", "indicator"]].values.tolist() == [["KB-01", "氟化物"]]


def test_reimport_correction_and_withdrawal(store: Store, tmp_path: Path) -> None:
    first = _file(tmp_path, "qc.csv", HEADER + ROUTINE + QC)
    _, r1 = _import(store, first)
    again, r2 = _import(store, first)
    assert set(again.qc_samples["status"]) == {"未变"} and len(again.qc_detail) == 0
    assert (r2.imported, r2.updated, r2.unchanged) == (0, 0, 2)
    assert len(qc_results(store)) == 5

    corrected = _file(tmp_path, "qc2.csv", HEADER + ROUTINE + QC.replace(
        "S-002,平行样,氟化物,0.9", "S-002,平行样,氟化物,0.85"))  # fmt: skip
    plan, r3 = _import(store, corrected)
    assert dict(zip(plan.qc_samples["qc_type"], plan.qc_samples["status"], strict=True)) == {
        "平行样": "修改", "现场空白": "未变"}  # fmt: skip
    assert plan.qc_changes[["indicator", "old", "new"]].values.tolist() == [
        ["氟化物", "0.9", "0.85"]]  # fmt: skip
    n_qc = batches(store).set_index("id")["n_qc"]  # the batch history's 质控样品
    assert (n_qc[r1.batch_id], n_qc[r2.batch_id], n_qc[r3.batch_id]) == (2, 0, 1)
    qc = qc_results(store).set_index(["sample_code", "indicator_code"])
    assert len(qc) == 5
    assert qc.loc[("S-002", qc.loc["S-002"].index[0]), "value"] is not None
    fl = qc_results(store)
    assert fl.loc[(fl["sample_code"] == "S-002") & (fl["reported_name"] == "氟化物"),
                  "value"].tolist() == [0.85]  # fmt: skip
    with store.engine.connect() as conn:
        trail = conn.execute(sa.select(audit_log.c.field, audit_log.c.old_value,
                                       audit_log.c.new_value)
                             .where(audit_log.c.entity == "qc_result")).all()  # fmt: skip
    assert [tuple(t) for t in trail] == [("平行样 氟化物", "0.9", "0.85")]

    with pytest.raises(StoreError, match="质控样已被后来的批次"):
        withdraw_batch(store, r1.batch_id, EDITOR, "先撤回更早的批次")
    withdraw_batch(store, r3.batch_id, EDITOR, "平行样数值录入有误")
    fl = qc_results(store)
    assert fl.loc[(fl["sample_code"] == "S-002") & (fl["reported_name"] == "氟化物"),
                  "value"].tolist() == [0.9]  # fmt: skip
    withdraw_batch(store, r1.batch_id, EDITOR, "整批撤回")
    assert qc_results(store).empty and store.samples().empty
    _, r4 = _import(store, first)  # the withdrawn batch comes back on re-import
    assert r4.imported == 2 and len(qc_results(store)) == 5


def test_a_wide_sheet_with_a_parallel_row(store: Store, tmp_path: Path) -> None:
    wide = _file(tmp_path, "wide.csv",
                 "点位编码,采样日期,样品编号,样品类型,氟化物(mg/L),硝酸盐（以N计）(mg/L)\n"
                 "P1,2024-05-01,W-1,,0.8,5\n"
                 "P1,2024-05-01,W-2,平行样,0.82,5.2\n")  # fmt: skip
    plan, result = _import(store, wide)
    assert plan.errors == [] and result.imported == 1
    assert plan.qc_samples[["sample_code", "qc_type"]].values.tolist() == [["W-2", "平行样"]]
    pairs, _ = qc_report(store)
    assert sorted(pairs["parallel"]) == [0.82, 5.2]


def test_two_routine_samples_of_a_day_name_their_codes(store: Store, tmp_path: Path) -> None:
    """Two routine rows of one point, day and indicator with different values are rejected, and
    the reason says how to mark the parallel one when the 样品编号 differ."""
    two = _file(tmp_path, "two.csv", HEADER + "P1,2024-05-01,丰水期,A,,氟化物,0.8,mg/L\n"
                "P1,2024-05-01,丰水期,B,,氟化物,0.9,mg/L\n")  # fmt: skip
    plan = prepare_results(store, two, TODAY)
    assert {i.row for i in plan.errors} == {2, 3}
    assert all("样品编号 A、B 不同" in i.reason and "样品类型" in i.reason for i in plan.errors)


@pytest.mark.usefixtures("close_stores")  # the command's own store is closed after the test
def test_cli_exports_the_qc_report(store: Store, tmp_path: Path) -> None:
    """`python -m gwlib results qc --db URL -o PAIRS.csv [--blanks B.csv] [--limit PCT]`: the
    page's two QC tables as CSV; a difference above the limit (as shown, to 0.1 %) is named."""
    from gwlib.cli import main

    _import(store, _file(tmp_path, "qc.csv", HEADER + ROUTINE + QC))
    url = store.engine.url.render_as_string(hide_password=False)
    pairs, blanks = tmp_path / "pairs.csv", tmp_path / "blanks.csv"
    assert main(["results", "qc", "--db", url, "-o", str(pairs), "--blanks", str(blanks),
                 "--limit", "20"]) == 0  # fmt: skip
    p = pd.read_csv(pairs, encoding="utf-8-sig").set_index("indicator")
    assert list(p.columns) == ["point", "date", "sample_code", "unit", "routine", "parallel",
                               "rd_pct", "note"]  # fmt: skip
    assert p.at["硝酸盐（以N计）", "note"] == "相对偏差超过 20%"
    assert p.at["氟化物", "rd_pct"] == pytest.approx(5.9) and pd.isna(p.at["氟化物", "note"])
    b = pd.read_csv(blanks, encoding="utf-8-sig")
    assert b[["sample_code", "qc_type", "indicator"]].values.tolist() == [
        ["KB-01", "现场空白", "氟化物"]]  # fmt: skip
