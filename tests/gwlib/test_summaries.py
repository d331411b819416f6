"""Page summaries kept in the database (gwlib/store/summaries.py): each equals the frame built
from the live tables, is read rather than rebuilt while the data stays the same, and is never
read stale after a write of samples, trends, batches or points."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

from gwlib.quality.annual import QualityFilter, annual_classes
from gwlib.quality.model import MonitoringPoint
from gwlib.store import Store
from gwlib.store import summaries as sm
from gwlib.store.audit import Actor
from gwlib.store.backup import backup, restore
from gwlib.store.results import commit_results, prepare_results, withdraw_batch
from gwlib.store.schema_trends import summary
from tests.accounts import add_accounts

EDITOR = Actor("zhang")


def _names(store: Store) -> list[str]:
    years = sorted({d.year for d in pd.to_datetime(store.samples(live=True)["date"])})
    return [*sm.BUILDERS, *(f"{sm.EXCEEDANCES}{y}" for y in years)]


def _stored(store: Store) -> dict[str, str]:
    with store.engine.connect() as conn:
        return {r.name: r.stamp for r in conn.execute(sa.select(summary.c.name, summary.c.stamp))}


def test_every_summary_equals_its_live_frame(demo_copy_url: str) -> None:
    with Store.open(demo_copy_url) as store:
        names = _names(store)
        assert len(names) > len(sm.BUILDERS)  # the demo has years of exceedances
        for name in names:
            build = sm.builder(name)
            assert build is not None
            live = build(store)
            first, second = sm.cached(store, name), sm.cached(store, name)  # built, then read
            assert_frame_equal(first, live)
            assert_frame_equal(second, live, check_dtype=True)
        assert set(_stored(store)) == set(names)


def test_the_demo_build_leaves_the_first_pages_summaries_current(demo_url: str) -> None:
    with Store.open(demo_url) as store:
        stored, mark = _stored(store), sm.stamp(store)
    last = max(pd.to_datetime(Store.open(demo_url).samples(live=True)["date"])).year
    for name in (*sm.ON_WRITE, f"{sm.EXCEEDANCES}{last}"):
        assert stored.get(name) == mark, name


def test_a_current_summary_is_read_not_rebuilt(
    demo_copy_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(demo_copy_url) as store:
        expected = store.samples(live=True)
        sm.refresh(store)

        def refuse(_: Store) -> pd.DataFrame:
            raise AssertionError("rebuilt although current")

        monkeypatch.setitem(sm.BUILDERS, "samples", refuse)
        assert_frame_equal(store.samples(), expected)


def _results(tmp_path: Path, name: str, rows: str) -> Path:
    p = tmp_path / name
    p.write_text("点位编码,采样日期,水期,指标,监测值,单位\n" + rows, encoding="utf-8")
    return p


def test_writes_never_leave_a_summary_stale(demo_copy_url: str, tmp_path: Path) -> None:
    """The library's own writers, none of which refreshes the summaries: the stamp alone must
    notice each change."""
    with Store.open(demo_copy_url) as store:
        add_accounts(store, {"zhang": "editor"})
        point = str(store.points()["code"].iloc[0])
        for name in _names(store):  # every summary stored and current
            sm.cached(store, name)

        def agree() -> None:
            assert_frame_equal(store.samples(), store.samples(live=True))
            assert_frame_equal(store.latest_measurements(), store.latest_measurements(live=True))
            assert_frame_equal(store.trends(), store.trends(live=True))
            assert_frame_equal(store.exceedances(2026), store.exceedances(2026, live=True))

        rows = f"{point},2026-05-06,丰水期,氟化物,3.5,mg/L\n{point},2026-05-06,丰水期,铁,0.1,mg/L\n"
        plan = prepare_results(store, _results(tmp_path, "a.csv", rows), dt.date(2026, 6, 1))
        first = commit_results(store, plan, EDITOR)
        assert (store.samples()["date"] == dt.date(2026, 5, 6)).sum() == 1
        assert len(store.exceedances(2026)) == 1
        agree()
        # a corrected value (same sample) in a second file
        fixed = rows.replace("3.5", "0.5")
        plan = prepare_results(store, _results(tmp_path, "b.csv", fixed), dt.date(2026, 6, 1))
        second = commit_results(store, plan, EDITOR)
        assert store.exceedances(2026).empty
        agree()
        # withdrawing the correction brings the first value back; withdrawing the first, nothing
        withdraw_batch(store, second.batch_id, EDITOR, "测试撤回")
        assert len(store.exceedances(2026)) == 1
        agree()
        withdraw_batch(store, first.batch_id, EDITOR, "测试撤回")
        assert not (store.samples()["date"] == dt.date(2026, 5, 6)).any()
        agree()
        # trends stored anew (a changed statistic)
        before = store.trends()
        store.replace_trends(store.trends(live=True).assign(s=lambda t: t["s"] + 1))
        assert not store.trends().equals(before)
        agree()
        # a point's attributes changed
        renamed = [dataclasses.replace(MonitoringPoint.from_row(store.points().iloc[0]),
                                       name="改名后的点位")]  # fmt: skip
        store.upsert_points(renamed)
        names = set(store.samples().loc[lambda s: s["point"] == point, "point_name"])
        assert names == {"改名后的点位"}
        agree()


def test_backups_leave_summaries_out_and_a_restore_rebuilds_them(
    demo_copy_url: str, tmp_path: Path
) -> None:
    with Store.open(demo_copy_url) as store:
        sm.refresh(store)
        manifest = backup(store, tmp_path / "b.zip", key=b"k" * 32)
        assert "summary" not in manifest["tables"]
        expected = store.samples(live=True)
    target = Store.open(f"sqlite:///{tmp_path}/restored.sqlite")
    restore(target, tmp_path / "b.zip", key=b"k" * 32)
    assert_frame_equal(target.samples(), expected)
    target.close()


@pytest.mark.parametrize("period", ["", "丰水期", "枯水期", "平水期"])
def test_the_stored_annual_classes_filtered_equal_those_of_the_filtered_samples(
    demo_url: str, period: str
) -> None:
    """The pages filter the stored annual classes by point (QualityFilter.annual) instead of
    grading the filtered samples again: the same rows either way."""
    with Store.open(demo_url) as store:
        samples, stored = store.samples(), sm.annual(store, period)
        points = store.points()
    filters = [
        QualityFilter(period=period),
        QualityFilter(period=period, categories=(str(points["category"].iloc[0]),)),
        QualityFilter(period=period, townships=tuple(sorted(set(points["township"]))[:2])),
        QualityFilter(period=period, purposes=("饮用水源",), aquifers=("孔隙",)),
    ]
    for flt in filters:
        expected = annual_classes(flt.samples(samples)).reset_index(drop=True)
        got = flt.annual(stored)
        if expected.empty:  # (annual_classes' own empty frame has object columns)
            assert got.empty and list(got.columns) == list(expected.columns)
        else:
            assert_frame_equal(got, expected)
    assert len(filters[0].annual(stored)) > 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_sql_edit_by_hand_is_seen_on_both_engines(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The database's own triggers record a change made outside the program (a DBA's UPDATE of
    samples' water level, which changes no count, id or time), so the stored summary is not
    read."""
    url = (
        f"sqlite:///{tmp_path}/s.sqlite"
        if backend == "sqlite"
        else request.getfixturevalue("fresh_pg_url")
    )
    with Store.open(url) as store:
        store.upsert_points(
            [MonitoringPoint.from_row({"code": "P1", "name": "P1", "category": "县控",
                                       "township": "古绛镇", "lon": 111.5, "lat": 35.5,
                                       "aquifer": "孔隙", "burial": "潜水", "target_class": 3})]
        )  # fmt: skip
        add_accounts(store, {"zhang": "editor"})
        rows = "P1,2024-05-01,丰水期,氟化物,0.8,mg/L\nP1,2024-10-08,枯水期,氟化物,1.6,mg/L\n"
        plan = prepare_results(store, _results(tmp_path, "r.csv", rows), dt.date(2025, 1, 1))
        commit_results(store, plan, EDITOR)
        names = _names(store)
        for name in names:
            build = sm.builder(name)
            assert build is not None
            assert_frame_equal(sm.cached(store, name), build(store))
            assert_frame_equal(sm.cached(store, name), build(store))  # the stored one
        before = sm.stamp(store)
        with store.transaction() as conn:
            conn.execute(sa.text("UPDATE sample SET water_level_m = 12.5"))
        assert sm.stamp(store) != before
        assert set(store.samples()["water_level_m"]) == {12.5}

