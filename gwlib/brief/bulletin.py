"""通报: the document a round of 调度 ends with, separate from the joint-meeting brief.

A 公文 masthead (red title, 期号, 编发单位 and date over a red rule), then: the round's overall
progress; progress by lead department and by township (应报 / 已报 / 报送率 / 已完成 / 滞后 /
排名, :func:`gwlib.plans.rounds.ranking`); who has not reported; lagging items (预警) and the
督办 / 约谈 / 通报批评 issued with their responses; the next round's due date; 报送 / 抄送 lines.

Fonts: 方正小标宋简体 for the title and 仿宋_GB2312 for the text where installed; otherwise the
CJK fonts the setup installs (Noto Serif CJK SC / Noto Sans CJK SC) are named instead, so the
document renders the same on a machine without the 公文 fonts.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gwlib.plans.checklist import Checklist, build_checklist
from gwlib.plans.metrics import MetricData
from gwlib.plans.rounds import (
    RoundCode,
    changes_since,
    default_due,
    expected_reports,
    lagging,
    latest_reports,
    missing_reports,
    parse_round,
    ranking,
)
from gwlib.store import Store
from gwlib.store.rounds import actions, evidence, find_round, reports, rounds, snapshot

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "Noto Serif CJK SC"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "Noto Serif CJK SC"
HEAD_FONT, HEAD_FALLBACK = "黑体", "Noto Sans CJK SC"
DEFAULT_ISSUER = "县生态环境局"
DEFAULT_TO = "县委、县政府，市生态环境局"
DEFAULT_CC = "县地下水污染防治工作领导小组各成员单位，各乡镇人民政府"


@functools.cache
def installed_fonts() -> frozenset[str]:
    """Family names fontconfig knows (empty when fc-list is absent)."""
    fc = shutil.which("fc-list")
    if not fc:
        return frozenset()
    out = subprocess.run([fc, ":", "family"], capture_output=True, text=True, check=False)
    return frozenset(n.strip() for line in out.stdout.splitlines() for n in line.split(","))


def font(name: str, fallback: str) -> str:
    fonts = installed_fonts()
    return name if not fonts or name in fonts or fallback not in fonts else fallback


def checklist_at(store: Store, plan_year: int, as_of: dt.date) -> Checklist:
    """The checklist of the plan of ``plan_year`` as of ``as_of``."""
    from gwlib.brief.data import plan_for
    from gwlib.store.tasks import task_statuses

    plan = plan_for(store, plan_year)
    title = str(plan["plan_title"].iloc[0]) if len(plan) else None
    return build_checklist(plan, task_statuses(store, plan_year, title),
                           MetricData.from_store(store), as_of)  # fmt: skip


@dataclass(frozen=True)
class BulletinData:
    title: str
    region: str
    code: RoundCode
    plan_year: int
    issue_no: int
    issuer: str
    date: dt.date
    due: dt.date
    next_due: dt.date
    tasks: pd.DataFrame  # snapshot
    departments: pd.DataFrame  # ranking of non-township units
    townships: pd.DataFrame  # ranking of township units
    missing: pd.DataFrame
    lagging: pd.DataFrame
    actions: pd.DataFrame
    changes: pd.DataFrame
    send_to: str = DEFAULT_TO
    copy_to: str = DEFAULT_CC


def bulletin_data(
    store: Store, code: str, plan_year: int | None = None, issuer: str = DEFAULT_ISSUER,
    date: dt.date | None = None,
) -> BulletinData:  # fmt: skip
    """Everything the 通报 of round ``code`` shows."""
    from gwlib.store.county import county_info, townships

    r = find_round(store, parse_round(code).code, plan_year)
    rc = parse_round(r["code"])
    snap = snapshot(r)
    towns = townships(store)
    expected = expected_reports(snap, towns)
    rep = latest_reports(reports(store, int(r["id"])))
    rank = ranking(expected, rep, snap)
    is_town = rank["unit"].isin(towns)
    earlier = rounds(store, int(r["plan_year"]))
    earlier = earlier[pd.to_datetime(earlier["period_end"]) < pd.Timestamp(r["period_end"])]
    prev = snapshot(find_round(store, str(earlier["code"].iloc[-1]), int(r["plan_year"]))) if len(
        earlier) else pd.DataFrame()  # fmt: skip
    info = county_info(store)
    region = info.name if info.name else (store.get_meta("region") or "")
    return BulletinData(
        title="地下水污染防治工作通报",
        region=region,
        code=rc,
        plan_year=int(r["plan_year"]),
        issue_no=int(r["issue_no"]),
        issuer=issuer,
        date=date or dt.date.today(),
        due=pd.Timestamp(r["due"]).date(),
        next_due=default_due(rc.next()),
        tasks=snap,
        departments=rank[~is_town].reset_index(drop=True),
        townships=rank[is_town].reset_index(drop=True),
        missing=missing_reports(expected, rep),
        lagging=lagging(snap),
        actions=actions(store, int(r["id"])),
        changes=changes_since(prev, snap),
    )


# -- DOCX -------------------------------------------------------------------------------------


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def write_bulletin(data: BulletinData, out: Path | io.BytesIO) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    from gwlib.brief.pack import _font

    title_f, body_f = font(TITLE_FONT, TITLE_FALLBACK), font(BODY_FONT, BODY_FALLBACK)
    head_f = font(HEAD_FONT, HEAD_FALLBACK)
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)  # A4
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    red = RGBColor(0xC0, 0x00, 0x00)

    def para(text: str, face: str, size: float, *, bold: bool = False, centre: bool = False,
             colour: RGBColor | None = None, indent: bool = False) -> None:  # fmt: skip
        p = doc.add_paragraph()
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        _font(run, face, size, bold)
        if colour is not None:
            run.font.color.rgb = colour

    para(data.title, title_f, 26, centre=True, colour=red)
    para(f"{data.plan_year}年第{data.issue_no}期", body_f, 16, centre=True)
    p = doc.add_paragraph()
    run = p.add_run(f"{data.issuer}" + "\u3000" * 6 + _cn_date(data.date))
    _font(run, body_f, 14)
    rule = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    bdr.append(bottom)
    rule.append(bdr)

    t = data.tasks
    done = int((t["progress"].fillna(0) >= 100).sum()) if len(t) else 0
    lag = len(data.lagging)
    para(f"{data.region}{data.code.label}地下水污染防治工作调度情况通报", title_f, 18,
         centre=True)  # fmt: skip
    para("一、总体进展", head_f, 16)
    units = len(data.departments) + len(data.townships)
    reported = int(data.departments["reported"].sum() + data.townships["reported"].sum())
    expected = int(data.departments["expected"].sum() + data.townships["expected"].sum())
    para(
        f"本轮调度覆盖{data.plan_year}年度工作方案 {len(t)} 项任务，截至"
        f"{_cn_date(data.code.end)}，已完成 {done} 项，滞后 {lag} 项。应报送单位 {units} 个，"
        f"应报 {expected} 项、已报 {reported} 项（报送截止{_cn_date(data.due)}）。",
        body_f, 16, indent=True,
    )  # fmt: skip
    _table(doc, "二、各牵头单位进展", head_f, body_f, _rank_frame(data.departments))
    if len(data.townships):
        _table(doc, "三、各乡镇进展", head_f, body_f, _rank_frame(data.townships))
    n = 2 + bool(len(data.townships))  # index into nums of the next section
    nums = "一二三四五六七八九十"
    _table(doc, f"{nums[n]}、未按时报送情况", head_f, body_f,
           data.missing.rename(columns={"unit": "单位", "task_number": "任务序号",
                                        "title": "任务"}))  # fmt: skip
    lag_frame = pd.DataFrame({
        "任务序号": data.lagging.get("number", pd.Series(dtype=int)),
        "任务": data.lagging.get("title", pd.Series(dtype=str)),
        "牵头单位": data.lagging.get("lead", pd.Series(dtype=str)),
        "完成时限": data.lagging.get("deadline", pd.Series(dtype=str)),
        "进度(%)": data.lagging.get("progress", pd.Series(dtype=float)).map(
            lambda v: "" if v != v or v is None else f"{v:.0f}"),
    })  # fmt: skip
    _table(doc, f"{nums[n + 1]}、滞后事项（预警）", head_f, body_f, lag_frame)
    a = data.actions
    act = pd.DataFrame({
        "类型": a.get("kind", pd.Series(dtype=str)),
        "单位": a.get("unit", pd.Series(dtype=str)),
        "任务序号": a.get("task_number", pd.Series(dtype=object)).map(
            lambda v: "" if v is None or v != v else str(int(v))),
        "要求": a.get("requirement", pd.Series(dtype=str)),
        "期限": a.get("deadline", pd.Series(dtype=object)).map(
            lambda v: "" if v is None or v != v else str(v)[:10]),
        "办理情况": a.get("response", pd.Series(dtype=str)).map(lambda v: v or "未回复"),
    })  # fmt: skip
    _table(doc, f"{nums[n + 2]}、督办及问责", head_f, body_f, act)
    para(f"{nums[n + 3]}、下一步工作", head_f, 16)
    para(f"下一轮调度为{data.code.next().label}，请各单位于{_cn_date(data.next_due)}前报送"
         "工作进展及佐证材料；对滞后事项，牵头单位须于督办期限内反馈办理情况。", body_f, 16,
         indent=True)  # fmt: skip
    para("", body_f, 12)
    para(f"报送：{data.send_to}", body_f, 14)
    para(f"抄送：{data.copy_to}", body_f, 14)
    para(f"{data.issuer}" + "\u3000" * 4 + f"{_cn_date(data.date)}印发", body_f, 14)
    doc.save(str(out) if isinstance(out, Path) else out)


def _rank_frame(rank: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "排名": rank["rank"], "单位": rank["unit"], "应报(项)": rank["expected"],
        "已报(项)": rank["reported"], "报送率(%)": rank["report_rate"].map(lambda v: f"{v:.0f}"),
        "已完成(项)": rank["done"], "滞后(项)": rank["lagging"],
    })  # fmt: skip


def _table(doc: object, title: str, head_f: str, body_f: str, frame: pd.DataFrame) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    from gwlib.brief.pack import _font

    p = doc.add_paragraph()  # type: ignore[attr-defined]
    _font(p.add_run(title), head_f, 16)
    if frame.empty:
        q = doc.add_paragraph()  # type: ignore[attr-defined]
        _font(q.add_run("（无）"), body_f, 14)
        return
    t = doc.add_table(rows=len(frame) + 1, cols=len(frame.columns))  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, c in enumerate(frame.columns):
        _font(t.cell(0, j).paragraphs[0].add_run(str(c)), head_f, 12, bold=True)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, v in enumerate(row):
            text = "" if v is None or (isinstance(v, float) and v != v) else str(v)
            _font(t.cell(i, j).paragraphs[0].add_run(text), body_f, 12)


def bulletin_bytes(data: BulletinData) -> bytes:
    buf = io.BytesIO()
    write_bulletin(data, buf)
    return buf.getvalue()


# -- 评估考核 ------------------------------------------------------------------------------------


def write_assessment_report(
    store: Store, plan_year: int, out: Path | io.BytesIO, issuer: str = DEFAULT_ISSUER,
    date: dt.date | None = None,
) -> int:  # fmt: skip
    """The year-end 评估考核 of a plan year: every goal and every task as of the plan's year end
    (whatever year the data reaches now), with its progress, judgement and the evidence on
    record, and the 调度 rounds held. Returns the number of tasks."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from gwlib.brief.pack import _font

    as_of = dt.date(plan_year, 12, 31)
    check = checklist_at(store, plan_year, as_of)
    title_f, body_f = font(TITLE_FONT, TITLE_FALLBACK), font(BODY_FONT, BODY_FALLBACK)
    head_f = font(HEAD_FONT, HEAD_FALLBACK)
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(f"{plan_year}年度地下水污染防治工作评估考核报告"), title_f, 20)
    q = doc.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(q.add_run(f"{check.plan_title}（评估截至 {as_of.isoformat()}）"), body_f, 14)
    goals = pd.DataFrame([{"目标": g.describe(), "完成程度(%)": f"{g.pct:.0f}",
                           "研判": g.outlook, "说明": g.note} for g in check.goals],
                         columns=["目标", "完成程度(%)", "研判", "说明"])  # fmt: skip
    _table(doc, "一、工作目标完成情况", head_f, body_f, goals)
    t = check.tasks
    tasks = pd.DataFrame({
        "序号": t["number"], "任务": t["title"], "牵头单位": t["lead"],
        "完成时限": t["deadline_text"],
        "进度(%)": t["progress"].map(lambda v: "" if v != v else f"{v:.0f}"),
        "研判": t["outlook"], "依据": t["metrics"].where(t["metrics"] != "", t["manual_status"]),
        "佐证材料": t["evidence"],
    })  # fmt: skip
    _table(doc, "二、重点任务完成情况", head_f, body_f, tasks)
    held = rounds(store, plan_year)
    r = pd.DataFrame({"轮次": held.get("code", pd.Series(dtype=str)),
                      "期号": held.get("issue_no", pd.Series(dtype=int)),
                      "填报截止": held.get("due", pd.Series(dtype=str)).astype(str)})  # fmt: skip
    _table(doc, "三、调度与通报", head_f, body_f, r)
    files = [evidence(store, int(i)).assign(round=c)
             for i, c in zip(held.get("id", []), held.get("code", []), strict=True)]  # fmt: skip
    f = pd.concat(files) if files else pd.DataFrame()
    proof = pd.DataFrame({"轮次": f.get("round", pd.Series(dtype=str)),
                          "单位": f.get("unit", pd.Series(dtype=str)),
                          "任务序号": f.get("task_number", pd.Series(dtype=int)),
                          "文件": f.get("filename", pd.Series(dtype=str)),
                          "审核状态": f.get("review_status", pd.Series(dtype=str))})  # fmt: skip
    _table(doc, "四、佐证材料清单（调度填报所附文件）", head_f, body_f, proof)
    late = t[t["overdue"]]
    text = ("全部任务按期完成。" if late.empty else
            f"逾期未完成 {len(late)} 项：" + "、".join(f"第{n}项" for n in late["number"]) + "。")
    s = doc.add_paragraph()
    _font(s.add_run(f"五、结论：{text}"), head_f, 14)
    e = doc.add_paragraph()
    _font(e.add_run(f"{issuer}　{_cn_date(date or dt.date.today())}"), body_f, 14)
    doc.save(str(out) if isinstance(out, Path) else out)
    return len(t)
