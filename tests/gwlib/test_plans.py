"""Plan import: the seeds (with the hand-checked 绛县 2023 groundwater plan as oracle) and
held-out plans written in other styles of the same family."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest

from gwlib.plans import deadlines, parse_duties, parse_plan_file, parse_plans, targets

DATA = Path(__file__).parent / "data" / "plans"
ROOT = Path(__file__).resolve().parents[2]
ORACLE = json.loads((ROOT / "data/demo/plan_2023_groundwater.json").read_text(encoding="utf-8"))
KEYS = ("number", "section", "title", "lead", "cooperating", "deadlines", "text")


def _groundwater(plans):  # type: ignore[no-untyped-def]
    [gw] = [p for p in plans if "地下水" in p.title]
    return gw


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_seed_001_groundwater_plan_equals_oracle() -> None:
    plans = parse_plan_file(DATA / "001_6a786e1caf41aadd.txt")
    assert [p.title for p in plans] == [
        "绛县土壤污染防治2023年行动计划",
        "地下水污染防治2023年行动计划",
    ]
    gw = _groundwater(plans)
    assert (gw.year, gw.region, gw.implementing) == (2023, "绛县", ("各乡镇人民政府",))
    assert gw.goals == ORACLE["goals"]
    got = [t.to_json() for t in gw.tasks]
    want = ORACLE["tasks"]
    assert [g["number"] for g in got] == [w["number"] for w in want]
    for g, w in zip(got, want, strict=True):
        assert {k: g[k] for k in KEYS} == {k: w[k] for k in KEYS}, w["number"]
    # the plan's task numbers skip 2: reported, not silently renumbered
    assert any("从 1 跳到 3" in w for w in gw.warnings)
    # goals carry the quantitative targets
    assert [(t.op, t.value, t.unit) for t in gw.targets] == [
        ("≥", 5, "类"),
        ("≥", 3, "类"),
        ("≥", 5, "类"),
    ]
    assert "饮用水源点位" in gw.targets[1].subject


def test_seed_001_soil_plan_standing_clause_and_shared_duty() -> None:
    soil = parse_plan_file(DATA / "001_6a786e1caf41aadd.txt")[0]
    assert len(soil.tasks) == 16
    t1, t2 = soil.tasks[0], soil.tasks[1]
    assert t1.lead == ("市生态环境局绛县分局",) and t1.cooperating == ()
    assert t1.implementing == ("各乡镇人民政府",)
    assert t2.lead == ("市生态环境局绛县分局", "县农业农村局")  # 按职责分工负责: all lead
    assert all("各乡镇人民政府" in t.implementing for t in soil.tasks)
    assert soil.tasks[10].deadlines == ("每季度",)


def test_seed_000_wrapped_task_and_mixed_brackets() -> None:
    [plan] = parse_plan_file(DATA / "000_0b82115e5bb850c9.txt")
    assert (plan.title, plan.year, plan.region) == (
        "朔州市土壤污染防治 2021 年行动计划",
        2021,
        "朔州市",
    )
    assert [t.number for t in plan.tasks] == list(range(1, 14))
    by = {t.number: t for t in plan.tasks}
    # wrapped across a blank line, closed with an ASCII bracket
    assert by[5].lead == ("市生态环境局", "市规划和自然资源局", "市工信局")
    assert by[5].implementing == ("各县级人民政府",)
    assert "坚持最严格的耕地保护制度" in by[3].text  # paragraph wrapped mid-word
    assert by[8].lead == ("市规划和自然资源局",)
    assert by[8].cooperating == ("市生态环境局", "市工信局")
    assert by[10].deadlines == ("2021-08-31", "2021-10-31")  # "10月底前" takes the year before
    assert by[4].lead == ("市农业农村局", "市生态环境局")


def test_seed_002_compilation_many_styles() -> None:
    plans = parse_plan_file(DATA / "002_96ea000ddecb04a0.txt")
    titles = [p.title for p in plans]
    assert len(plans) == 5
    county = plans[0]
    assert county.tasks[0].cooperating[0] == "县发改局"  # （X牵头，Y等参与）
    assert county.tasks[2].implementing == ("各乡镇", "县西城产业开发区管理委员会")
    assert county.implementing == ("各乡镇", "县西城产业开发区管理委员会")
    resp = plans[1]  # （责任单位：…）/（责任部门：…）, dates left blank in a template
    assert resp.tasks[0].lead == ("市生态环境分局", "市自然资源和规划局")
    assert resp.tasks[0].deadlines == ("*年底前",)
    gw = [t for t in resp.tasks if t.section.startswith("五、")]
    assert [t.title for t in gw] == [
        "开展地下水基础环境调查",
        "加强土壤、地表水、地下水污染协同防治",
        "保障地下水型饮用水水源安全",
    ]
    assert gw[0].lead == ("市生态环境分局", "市水务局", "市住建局")
    jiangxi = plans[2]
    assert jiangxi.year == 2024 and jiangxi.implementing == ("全省各级政府",)
    fangshan = next(p for p in plans if p.title.startswith("房山区"))
    assert [t.number for t in fangshan.tasks][:43] == list(range(1, 44))
    # page numbers inside sentences ("房— 4 — 山国土分局") are removed
    assert all("—" not in n for t in fangshan.tasks for n in (*t.lead, *t.cooperating))
    assert "房山国土分局" in fangshan.tasks[5].lead
    assert (95.0, "%") in {(t.value, t.unit) for t in fangshan.targets}
    xian = next(p for p in plans if p.title.startswith("献县"))
    assert xian.tasks[0].title == "开展土壤污染状况详查"  # title on its own line
    assert xian.tasks[4].title == "科学划分农用地质量类别"  # title, a space, then the text
    assert xian.implementing == ("各乡镇人民政府", "街道办", "农场")
    assert titles[-1] == "献县土壤污染防治工作方案"


def _rewrap(text: str, width: int, every: int) -> str:
    """Hard-wrap every line at ``width`` characters and put a page number every ``every`` lines."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    paged: list[str] = []
    for i, line in enumerate(out, 1):
        paged.append(line)
        if i % every == 0:
            paged.append(f"— {i // every} —")
    return "\n".join(paged)


@pytest.mark.parametrize("width", [26, 33])
def test_hard_wrapped_and_paged_groundwater_plan_still_equals_oracle(width: int) -> None:
    text = (DATA / "001_6a786e1caf41aadd.txt").read_text(encoding="utf-8")
    gw_text = text[text.index("地下水污染防治2023年行动计划") :]
    gw = _groundwater(parse_plans(_rewrap(gw_text, width, 23)))
    assert gw.region == "绛县"
    for g, w in zip(gw.tasks, ORACLE["tasks"], strict=True):
        gj = g.to_json()
        assert {k: gj[k] for k in KEYS if k != "text"} == {k: w[k] for k in KEYS if k != "text"}
        assert _squash(g.text) == _squash(w["text"])


def test_docx_input(tmp_path: Path) -> None:
    text = (DATA / "001_6a786e1caf41aadd.txt").read_text(encoding="utf-8")
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    path = tmp_path / "plan.docx"
    d.save(str(path))
    gw = _groundwater(parse_plan_file(path))
    assert [t.to_json()["lead"] for t in gw.tasks] == [t["lead"] for t in ORACLE["tasks"]]


HELD_OUT_A = """\
**某某县地下水污染防治2024年工作方案**

一、工作目标
到2024年底，全县地下水国考点位水质总体保持稳定，饮用水水源地水质达到或优于Ⅲ类，
区域点位水质不低于Ⅴ类，“千吨万人”水源保护区划定率达到100%，报废井封井回填
完成率95%以上。

二、重点任务
（一）摸清底数
1、开展报废矿井、钻井、取水井排查
2024年6月底前，完成全县报废矿井、钻井、取水井排查登记，建立清单并动态更新。
〔责任单位：县水务局、县自然资源局〕

— 3 —

2、推进封井回填
按照“一井一策”要求推进封井回填，每季度调度进展，2024年11月15日前完成年度任务。
（县水务局牵头，县自然资源局、县应急局等参与，以下均由各乡镇人民政府负责落实，不再列出）
（二）强化饮用水水源保护
3、划定补给区。到2025年，完成乡镇级水源补给区划定；2024年底前完成“千吨万
人”及以上水源补给区初步划定。（责任部门：县生态环境分局、县水务局）
4、加强水质监测。按季度开展水源地水质监测，确保水质达到或优于Ⅲ类。（县生态环境
分局负责，县卫健局配合）
三、保障措施
（一）加强组织领导。各乡镇要高度重视，细化任务分解。
"""


def test_held_out_a_bracket_styles_debris_and_standing_clause() -> None:
    [plan] = parse_plans(HELD_OUT_A)
    assert (plan.title, plan.year, plan.region) == (
        "某某县地下水污染防治2024年工作方案",
        2024,
        "某某县",
    )
    t = {x.number: x for x in plan.tasks}
    assert sorted(t) == [1, 2, 3, 4]
    assert t[1].title == "开展报废矿井、钻井、取水井排查"
    assert t[1].lead == ("县水务局", "县自然资源局") and t[1].cooperating == ()
    assert t[1].deadlines == ("2024-06-30",)
    assert t[2].lead == ("县水务局",)
    assert t[2].cooperating == ("县自然资源局", "县应急局")
    assert t[2].deadlines == ("每季度", "2024-11-15")
    assert "— 3 —" not in t[1].text and "3 —" not in t[2].text
    assert t[3].section == "（二）强化饮用水水源保护"
    assert t[3].lead == ("县生态环境分局", "县水务局")
    assert t[3].deadlines == ("2025-12-31", "2024-12-31")
    assert t[3].implementing == ("各乡镇人民政府",)  # standing clause from task 2 on
    assert t[1].implementing == ()
    assert t[4].lead == ("县生态环境分局",) and t[4].cooperating == ("县卫健局",)
    assert t[4].deadlines == ("按季度",)
    assert [(x.op, x.value, x.unit) for x in plan.targets] == [
        ("≥", 3, "类"),
        ("≥", 5, "类"),
        ("≥", 100.0, "%"),
        ("≥", 95.0, "%"),
    ]
    assert plan.targets[0].subject == "饮用水水源地水质"


HELD_OUT_B = """\
XX市地下水污染防治2025年行动计划
为推进XX市2025年地下水污染防治工作，制定本计划。
一、主要目标
重点污染源周边地下水环境状况调查评估完成率达到90%以上。
二、重点任务
（1）以下不是任务编号
1．建立重点排污单位名录。2025年3月底前，更新地下水污染防治重点排污单位名录，并
实现自动监测设备联网。（市生态环境局负责，市行政审批局配合，各县（市、区）人民政府负责落实）
2．推进防渗改造。督促加油站、垃圾填埋场完成防渗改造。（市住建局、市商务局、市生态环境局
按职责分工负责）
－ 7 －
3．开展调查评估。每年对“一企一库”“两场两区”开展调查评估。（市生态环境局牵头）
"""


def test_held_out_b_fullwidth_numbers_and_local_governments() -> None:
    [plan] = parse_plans(HELD_OUT_B)
    assert plan.region == "XX市" and plan.year == 2025
    t = {x.number: x for x in plan.tasks}
    assert sorted(t) == [1, 2, 3]
    assert t[1].lead == ("市生态环境局",) and t[1].cooperating == ("市行政审批局",)
    assert t[1].implementing == ("各县（市、区）人民政府",)
    assert t[1].deadlines == ("2025-03-31",)
    assert "并实现自动监测设备联网" in t[1].text
    assert t[2].lead == ("市住建局", "市商务局", "市生态环境局")
    assert t[3].lead == ("市生态环境局",) and t[3].deadlines == ("每年",)
    assert plan.targets[0].value == 90.0


@pytest.mark.parametrize(
    ("content", "lead", "coop", "impl"),
    [
        ("X局牵头，Y局、Z局等配合", ("X局",), ("Y局", "Z局"), ()),
        ("X局负责", ("X局",), (), ()),
        ("X局、Y局按职责分工负责", ("X局", "Y局"), (), ()),
        ("X局牵头，Y局等参与", ("X局",), ("Y局",), ()),
        ("责任单位：X局、Y局", ("X局", "Y局"), (), ()),
        ("责任部门：X局、Y局、各镇、区", ("X局", "Y局"), (), ("各镇", "区")),
        (
            "X局牵头，Y局等相关部门和各乡镇、街道按职责分工负责",
            ("X局",),
            ("Y局", "各乡镇", "街道"),
            (),
        ),
        ("X局牵头组织", ("X局",), (), ()),
        (
            "X局牵头，各乡镇人民政府负责落实。以下均需各乡镇人民政府负责落实，不再列出",
            ("X局",),
            (),
            ("各乡镇人民政府",),
        ),
    ],
)
def test_duty_styles(content: str, lead: tuple, coop: tuple, impl: tuple) -> None:  # type: ignore[type-arg]
    d = parse_duties(content)
    assert (d.lead, d.cooperating, d.implementing) == (lead, coop, impl)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2023年6月底前建立清单", ["2023-06-30"]),
        ("2023年底前完成", ["2023-12-31"]),
        ("到2024年，基本完成", ["2024-12-31"]),
        ("每季度调度一次", ["每季度"]),
        ("于每年12月底前报送", ["每年12月底前"]),
        ("自2023年起执行特别排放限值", []),
        ("*年底前完成", ["*年底前"]),
        ("2024年9月15日前上报", ["2024-09-15"]),
        ("《山西省土壤污染防治2022—2023年行动计划》", []),
    ],
)
def test_deadline_words(text: str, want: list[str]) -> None:
    assert deadlines(text) == want


def test_target_words() -> None:
    got = [
        (t.op, t.value, t.unit) for t in targets("水质不低于V类，覆盖率95%以上，投保率不低于50%")
    ]
    assert got == [("≥", 5, "类"), ("≥", 95.0, "%"), ("≥", 50.0, "%")]
