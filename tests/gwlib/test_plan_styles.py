"""Plan import in more styles (issue 13 item 6): responsibility on labelled lines after a task,
tasks in a 重点任务分工表 inside a .docx, and the plan year from a 「2024年度…工作要点」 title;
documents built here, as a county's office writes them."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from gwlib.plans import parse_plans
from gwlib.plans.parse import parse_plan_file

LABELLED = """某县2024年度地下水污染防治工作要点
一、工作目标
地下水国考区域点位水质不低于Ⅴ类。
二、重点任务
1.推进报废井封井回填。2024年6月30日前完成排查清单建立。
牵头单位：县水务局
配合单位：县自然资源局、县能源局
2.开展饮用水水源保护区规范化建设。
责任单位：各乡镇人民政府
参与单位：县生态环境分局
3.加强地下水环境监测。
牵头部门：县生态环境分局；配合部门：县水务局
"""


def test_labelled_lines_after_each_task() -> None:
    (plan,) = parse_plans(LABELLED)
    assert (plan.year, plan.region) == (2024, "某县")
    got = [(t.number, t.lead, t.cooperating, t.implementing) for t in plan.tasks]
    assert got == [
        (1, ("县水务局",), ("县自然资源局", "县能源局"), ()),
        (2, (), ("县生态环境分局",), ("各乡镇人民政府",)),
        (3, ("县生态环境分局",), ("县水务局",), ()),
    ]
    assert plan.tasks[0].deadlines == ("2024-06-30",)
    assert not plan.warnings  # 责任单位 各乡镇人民政府 is a responsible unit


def test_a_task_division_table_in_a_docx(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("某县2025年地下水污染防治工作方案")
    d.add_paragraph("一、工作目标")
    d.add_paragraph("地下水国考饮用水源点位水质达到或优于Ⅲ类。")
    d.add_paragraph("二、重点任务分工")
    rows = [
        ("序号", "重点任务", "工作措施", "牵头单位", "配合单位", "完成时限"),
        ("1", "建立报废井清单", "全面排查报废矿井、钻井、取水井", "县水务局", "县自然资源局",
         "2025年6月底前"),
        ("2", "化工园区地下水调查评估", "完成园区调查评估", "县生态环境分局", "县工信局、园区管委会",
         "2025年12月31日前"),
    ]  # fmt: skip
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            t.cell(i, j).text = text
    d.add_paragraph("三、保障措施")
    path = tmp_path / "工作方案.docx"
    d.save(str(path))
    (plan,) = parse_plan_file(path)
    assert (plan.year, plan.region) == (2025, "某县")
    got = [(t.number, t.title, t.lead, t.cooperating, t.deadlines) for t in plan.tasks]
    assert got == [
        (1, "建立报废井清单", ("县水务局",), ("县自然资源局",), ("2025-06-30",)),
        (2, "化工园区地下水调查评估", ("县生态环境分局",), ("县工信局", "园区管委会"),
         ("2025-12-31",)),
    ]  # fmt: skip
    assert "达到或优于Ⅲ类" in plan.goals


@pytest.mark.parametrize("note", ["（修订稿）", "（征求意见稿）", "（试行）", "(草案)"])
def test_a_title_with_a_qualifier_is_still_the_plans_title(note: str) -> None:


    text = (f"绛县地下水污染防治2024年工作要点{note}\n一、工作目标\n地下水国考区域点位水质不低于V类。\n"
            "二、重点任务\n1.推进报废矿井封井回填。2024年6月底前完成清单。（县水务局负责）\n")  # fmt: skip
    [plan] = parse_plans(text)
    assert (plan.title, plan.year) == (f"绛县地下水污染防治2024年工作要点{note}", 2024)
