"""A plan's tasks survive the review table (rows typed or edited by hand), and the checklist's
headline counts come from gwlib, not from the page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gwlib.errors import ValidationError
from gwlib.plans.checklist import Checklist
from gwlib.plans.model import PlanTask


def test_review_row_round_trip() -> None:
    task = PlanTask(3, "二、重点任务", "封井回填", "全文……", ("县水利局", "县自然资源局"),
                    ("各乡镇人民政府",), ("2023-06-30", "年底前"))  # fmt: skip
    assert PlanTask.from_review_row(task.review_row()) == task


def test_row_added_by_hand_with_empty_cells() -> None:
    row = {"number": 7.0, "section": float("nan"), "title": "新增任务", "lead": "县生态环境局、 ",
           "cooperating": None, "deadlines": float("nan"), "text": float("nan")}  # fmt: skip
    task = PlanTask.from_review_row(row)
    assert task == PlanTask(7, "", "新增任务", "新增任务", ("县生态环境局",), (), ())


@pytest.mark.parametrize("number", [None, float("nan"), "", "第三"])
def test_row_without_a_number_is_refused(number: object) -> None:
    with pytest.raises(ValidationError, match="序号"):
        PlanTask.from_review_row({"number": number, "title": "x"})


def test_checklist_counts() -> None:
    tasks = pd.DataFrame({"progress": [100.0, 40.0, 10.0, 100.0, 0.0],
                          "outlook": ["正常", "有风险", "滞后", "正常", "滞后"]})  # fmt: skip
    check = Checklist(2023, "绛县", "计划", dt.date(2023, 12, 31), tasks, [], [])
    assert check.counts() == {"任务": 5, "已完成": 2, "有风险": 1, "滞后": 2}
