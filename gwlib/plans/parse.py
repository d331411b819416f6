"""Read an annual action plan's text into tasks.

The text may come from a .docx, from a PDF copied to .txt, or from a web page: lines are
wrapped anywhere, page numbers (``— 13 —``) sit inside sentences, Markdown marks (``##``,
``**``) may surround headings, and one file may hold several plans (``第二篇``).

Steps:

1. clean each line (Markdown marks, page-break debris, full-width spaces);
2. join wrapped lines into blocks: a line continues the block before it unless it starts a
   heading or item (``一、`` ``（一）`` ``1.`` ``1．`` ``1、`` ``第二篇``) or the block before it
   is complete (ends in 。；！？ or a closing bracket, or is a short heading line);
3. walk the blocks: plan titles start a plan; ``一、`` headings open sections (those about
   目标 collect the goals); numbered items are tasks; a ``（一）`` item with its own text and a
   responsibility parenthesis and no numbered items under it is a task too; other paragraphs
   belong to the task before them;
4. per task: title (first sentence), responsibility (:mod:`gwlib.plans.duties`), deadlines and
   targets (:mod:`gwlib.plans.terms`).

Size: about 540 lines in one module, because the steps above are one pipeline over the same blocks
of text.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gwlib.errors import InputError, Location
from gwlib.io.archives import check_zip
from gwlib.plans.duties import LABELLED_LINE, is_duty, parse_duties, trailing_paren
from gwlib.plans.model import ActionPlan, PlanTask
from gwlib.plans.terms import Target, deadlines, targets

CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "一二三四五六七八九十"
_PART = re.compile(rf"^第[{_CN}]+[篇章部分]+")
_L1 = re.compile(rf"^(?P<n>[{_CN}]+)\s*[、．.]\s*")
_L2 = re.compile(rf"^[（(]\s*(?P<n>[{_CN}]+)\s*[）)]\s*")
_ITEM = re.compile(r"^(?P<n>\d{1,3})\s*(?:[.．、]|\s)\s*(?!\d)(?=\S)")
_TITLE_END = (
    "行动计划",
    "工作方案",
    "实施方案",
    "工作要点",
    "防治方案",
    "攻坚方案",
    "计划",
    "方案",
)
_DEBRIS_INLINE = re.compile(
    r"(?<![\dA-Za-z])\s*[—－–\u2010\-]{1,2}\s*\d{1,3}\s*[—－–\u2010\-]{1,2}\s*(?![\dA-Za-z])"
)
_DEBRIS_LINE = re.compile(
    r"^(?:[—－–\u2010\-]*\s*\d{1,3}\s*[—－–\u2010\-]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|"
    r"\d+\s*/\s*\d+|[-—=_*]{3,})$"
)
_MARKDOWN = re.compile(r"^#{1,6}\s*|\*\*|__")
_DONE = tuple("。；！？;!?") + tuple("）)〕】］")
_GOALS = re.compile(r"目标|总体要求|指导思想|总体思路|主要指标")
_GOAL_LINE = re.compile(r"^(?:工作目标|主要目标|总体目标|主要指标|防治目标|年度目标)\s*[:：]")
_REGION = re.compile(r"^(?P<r>[\u4e00-\u9fa5A-Z]{1,10}?(?:省|自治区|市|自治州|县|区|旗))")
_REGION_IN_TEXT = re.compile(
    r"(?:推进|推动|结合)(?P<r>(?![全我本各])[\u4e00-\u9fa5]{1,6}?(?:县|市|区|旗))"
)
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年")


@dataclass(frozen=True)
class ParsedTask:
    """A task as read from the text, before the user reviews it."""

    number: int
    section: str
    title: str
    text: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    implementing: tuple[str, ...]
    deadlines: tuple[str, ...]
    targets: tuple[Target, ...] = ()

    def to_task(self) -> PlanTask:
        return PlanTask(
            number=self.number,
            section=self.section,
            title=self.title,
            text=self.text,
            lead=self.lead,
            cooperating=self.cooperating,
            deadlines=self.deadlines,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "lead": list(self.lead),
            "cooperating": list(self.cooperating),
            "deadlines": list(self.deadlines),
            "text": self.text,
            "implementing": list(self.implementing),
            "targets": [
                {"subject": t.subject, "op": t.op, "value": t.value, "unit": t.unit, "text": t.text}
                for t in self.targets
            ],
        }


@dataclass(frozen=True)
class ParsedPlan:
    title: str
    year: int | None
    region: str
    goals: str
    implementing: tuple[str, ...]
    tasks: tuple[ParsedTask, ...]
    targets: tuple[Target, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_plan(self, year: int | None = None, region: str | None = None) -> ActionPlan:
        y = year if year is not None else self.year
        if y is None:
            raise InputError("无法从计划标题中识别年度，请指定年度", value=self.title)
        return ActionPlan(
            year=y,
            region=region if region is not None else self.region,
            title=self.title,
            goals=self.goals,
            tasks=tuple(t.to_task() for t in self.tasks),
        )


def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23."""
    if "十" not in s:
        return CN_DIGITS.get(s, 0)
    tens, _, ones = s.partition("十")
    return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)


# -- lines and blocks ------------------------------------------------------------------------


def clean_line(line: str) -> str:
    s = line.replace("\u3000", " ").replace("\xa0", " ").strip()
    s = _MARKDOWN.sub("", s).strip()
    s = _DEBRIS_INLINE.sub("", s).strip()
    return "" if _DEBRIS_LINE.match(s) else s


def _is_start(line: str) -> bool:
    return bool(_PART.match(line) or _L1.match(line) or _L2.match(line) or _ITEM.match(line)
                or LABELLED_LINE.match(line))  # fmt: skip


#: A qualifier after a title: （修订稿）, （征求意见稿）, （试行）, (草案).
_TITLE_NOTE = re.compile(r"\s*[（(][^（）()]{1,8}[）)]\s*$")


def _is_plan_title(line: str) -> bool:
    s = _PART.sub("", line).lstrip("：: ")
    return (
        4 <= len(s) <= 40
        and _TITLE_NOTE.sub("", s).endswith(_TITLE_END)
        and not re.search(r"[，。；：,;:]", s)
        and not s.startswith(("关于", "为"))
    )


def _wrap_width(lines: list[str]) -> int | None:
    """The width text was hard-wrapped at, if it was (≥ 5 open lines of about one length)."""
    open_lengths = [len(s) for s in lines if len(s) >= 16 and not s.endswith(_DONE)]
    if len(open_lengths) < 5:
        return None
    common, _n = Counter(open_lengths).most_common(1)[0]
    near = sum(1 for x in open_lengths if abs(x - common) <= 2)
    return common if near >= 5 and near >= len(open_lengths) / 2 else None


def blocks(text: str) -> list[str]:
    """Join wrapped lines into paragraphs/headings (blank lines do not end a paragraph)."""
    lines = [c for c in (clean_line(x) for x in text.splitlines()) if c]
    width = _wrap_width(lines)
    out: list[str] = []
    open_heading = False  # the last block is a heading or title line that ended on its own
    for line in lines:
        if not out or _is_start(line) or _is_plan_title(line):
            out.append(line)
        else:
            prev = out[-1]
            short = width is None or len(prev) < width - 2
            if prev.endswith(_DONE) or (open_heading and short) or _is_plan_title(prev):
                out.append(line)
            else:
                out[-1] = prev + line
        last = out[-1]
        open_heading = (
            not last.endswith(_DONE)
            and len(last) <= 40
            and not re.search("[，。；]", last)
            and (_is_start(last) or _is_plan_title(last) or len(last) <= 20)
        )
        if open_heading and width is not None and len(last) >= width - 2:
            open_heading = False
    return out


# -- plans and tasks -------------------------------------------------------------------------


@dataclass
class _Item:
    level: int  # 2 = （一） item, 3 = numbered item
    number: int
    section: str
    head: str  # the line that opened it, without its number
    paras: list[str] = field(default_factory=list)
    children: int = 0


@dataclass
class _Plan:
    title: str = ""
    goals: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


def _heading_text(block: str) -> str:
    """ "一、工作目标" or "二、全力配合基础调查。正文…" → the heading up to its first 。."""
    head = re.split(r"[。]", block, maxsplit=1)[0]
    return head.strip()


def _split_plans(bls: list[str]) -> list[_Plan]:
    plans: list[_Plan] = [_Plan()]
    l1 = l2 = ""
    goals_mode = False
    current: _Item | None = None
    l2_item: _Item | None = None
    for b in bls:
        plan = plans[-1]
        if _PART.match(b) or _is_plan_title(b):
            title = _PART.sub("", b).lstrip("：: ").strip("《》 ")
            if plan.items or plan.goals:
                plans.append(_Plan(title=title if _is_plan_title(title) else ""))
            elif _is_plan_title(title):
                plan.title = title
            l1 = l2 = ""
            goals_mode = False
            current = l2_item = None
            continue
        if m := _L1.match(b):
            l1 = _heading_text(b)
            l2 = ""
            goals_mode = bool(_GOALS.search(l1))
            current = l2_item = None
            rest = b[len(_heading_text(b)) :].lstrip("。 ")
            if rest:
                (plan.goals if goals_mode else plan.preamble).append(rest)
            continue
        if goals_mode:
            plan.goals.append(b)
            continue
        if m := _L2.match(b):
            l2 = _heading_text(b)
            l2_item = _Item(2, cn_number(m.group("n")), l1, b[m.end() :])
            plan.items.append(l2_item)
            current = l2_item
            continue
        if m := _ITEM.match(b):
            if l2_item is not None:
                l2_item.children += 1
            current = _Item(3, int(m.group("n")), l2 or l1, b[m.end() :])
            plan.items.append(current)
            continue
        if _GOAL_LINE.match(b):
            plan.goals.append(b)
        elif current is not None:
            current.paras.append(b)
        else:
            plan.preamble.append(b)
    return [p for p in plans if p.items]


def _title_of(head: str) -> tuple[str, str]:
    """(title, text) of an item from its first line."""
    first = re.split(r"(?<=[。；！？])", head, maxsplit=1)[0]
    # "5、科学划分农用地质量类别 根据国家…": a short title then the text after a space
    m = re.match(r"^([^，。；\s]{2,30})\s+(\S.*)$", head)
    if m and "。" not in m.group(1):
        return m.group(1), head
    title = first.rstrip("。；！？ ")
    if len(title) > 40:
        title = re.split(r"[，,]", title, maxsplit=1)[0]
    return title, head


def _task_of(item: _Item, standing: tuple[str, ...], default_year: int | None) -> ParsedTask:
    title, head = _title_of(item.head.strip())
    paras = [head, *item.paras] if head else list(item.paras)
    if len(paras) > 1 and paras[0] == title and not paras[0].endswith(_DONE):
        text = paras[0] + "\n" + "\n".join(paras[1:])
    else:
        text = "\n".join(paras)
    lead: list[str] = []
    coop: list[str] = []
    impl: list[str] = list(standing)
    for p in paras:
        tp = trailing_paren(p)
        duty = p if LABELLED_LINE.match(p) else (tp[1] if tp and is_duty(tp[1]) else None)
        if duty is not None:
            d = parse_duties(duty)
            lead += d.lead
            coop += d.cooperating
            impl += d.implementing
    lead_t = tuple(dict.fromkeys(lead))
    return ParsedTask(
        number=item.number,
        section=item.section,
        title=title,
        text=text,
        lead=lead_t,
        cooperating=tuple(c for c in dict.fromkeys(coop) if c not in lead_t),
        implementing=tuple(dict.fromkeys(impl)),
        deadlines=tuple(deadlines(text, default_year)),
        targets=tuple(targets(text)),
    )


def _has_duty(item: _Item) -> bool:
    for p in [item.head, *item.paras]:
        tp = trailing_paren(p)
        if (tp and is_duty(tp[1])) or LABELLED_LINE.match(p):
            return True
    return False


def _likely_year(goals: str) -> int | None:
    """A plan titled without a year: the year its goals are set for (most named, then latest)."""
    years = Counter(int(y) for y in re.findall(r"(?:到|至)\s*(\d{4})\s*年", goals))
    if not years:
        return None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top)


def _finish(plan: _Plan, fallback_region: str) -> ParsedPlan:
    m = _YEAR_IN_TITLE.search(plan.title)
    year = int(m.group(1)) if m else _likely_year("\n".join(plan.goals))
    rm = _REGION.match(plan.title)
    region = rm.group("r") if rm else ""
    if not region:
        tm = _REGION_IN_TEXT.search("".join(plan.preamble))
        region = tm.group("r") if tm else fallback_region
    tasks: list[ParsedTask] = []
    standing: tuple[str, ...] = ()
    warnings: list[str] = []
    for item in plan.items:
        if item.level == 2 and (item.children or not _has_duty(item)):
            continue
        task = _task_of(item, standing, year)
        for p in [item.head, *item.paras]:
            tp = trailing_paren(p)
            if tp and is_duty(tp[1]):
                d = parse_duties(tp[1])
                if d.standing:
                    standing = d.standing
        if not task.lead and not task.implementing:
            warnings.append(f"第 {task.number} 项「{task.title}」未识别出牵头或负责单位")
        tasks.append(task)
    numbers = [t.number for t in tasks if t.section]
    for a, b in itertools.pairwise(numbers):
        if b > a + 1:
            warnings.append(f"任务编号从 {a} 跳到 {b}（原文如此，请核对）")
    goals = "\n".join(plan.goals)
    return ParsedPlan(
        title=plan.title or "（未识别标题）",
        year=year,
        region=region,
        goals=goals,
        implementing=standing,
        tasks=tuple(tasks),
        targets=tuple(targets(goals)),
        warnings=tuple(warnings),
    )


def parse_plans(text: str) -> list[ParsedPlan]:
    """Every plan in ``text`` that has tasks, in order."""
    out: list[ParsedPlan] = []
    region = ""
    for p in _split_plans(blocks(text)):
        parsed = _finish(p, region)
        region = parsed.region or region
        out.append(parsed)
    return out


#: A .docx is a zip: its parts together, and each XML part (parsed whole into memory, about
#: 17 times its size), are capped before python-docx opens it. A 100-page plan's
#: document.xml is 1–3 MB; the photos in it count only towards the total.
MAX_DOCX_BYTES = 50 * 2**20
MAX_DOCX_XML_BYTES = 5 * 2**20


def read_plan_text(path: Path) -> str:
    """Text of a plan file: .txt (UTF-8, UTF-8 with BOM or GBK) or .docx (paragraphs)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx  # python-docx

        check_zip(
            path,
            path.name,
            what="Word 文件（.docx）",
            max_total=MAX_DOCX_BYTES,
            max_xml=MAX_DOCX_XML_BYTES,
        )
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # python-docx raises zipfile/KeyError/ValueError variants
            raise InputError(f"无法读取 Word 文件：{exc}", where=Location(file=path.name)) from exc
        return docx_text(document)
    if suffix not in (".txt", ".md", ".text", ""):
        raise InputError(
            "不支持的文件类型，应为 .txt 或 .docx", value=path.suffix, where=Location(path.name)
        )
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("文本编码无法识别，应为 UTF-8 或 GBK", where=Location(file=path.name))


#: Columns of a 重点任务分工表 (header words → role).
_TABLE_COLUMNS = (
    ("number", ("序号", "编号")),
    ("task", ("重点任务", "主要任务", "工作任务", "任务", "工作内容", "任务内容")),
    ("measures", ("工作措施", "具体措施", "主要措施", "工作要求", "具体内容")),
    ("lead", ("牵头单位", "牵头部门", "责任单位", "责任部门")),
    ("coop", ("配合单位", "配合部门", "参与单位", "协办单位")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限")),
)


def _table_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for j, cell in enumerate(header):
        text = re.sub(r"\s+", "", cell)
        for role, words in _TABLE_COLUMNS:
            if role not in roles and any(text == w or text.startswith(w) for w in words):
                roles[role] = j
                break
    return roles


def _table_lines(rows: list[list[str]]) -> list[str]:
    """A 重点任务分工表 as the lines a plan in paragraphs would have: 「N.任务。措施」 then
    「牵头单位：…」「配合单位：…」 and the deadline; another table as its rows' text."""
    if not rows:
        return []
    roles = _table_roles(rows[0])
    if "task" not in roles or "lead" not in roles:
        return ["　".join(dict.fromkeys(c for c in r if c)) for r in rows]
    out: list[str] = []
    n = 0
    for r in rows[1:]:
        cell = {k: (r[j].strip() if j < len(r) else "") for k, j in roles.items()}
        if not cell.get("task"):
            continue
        n += 1
        number = int(m.group()) if (m := re.match(r"\d+", cell.get("number", ""))) else n
        body = cell["task"].rstrip("。") + "。"
        if cell.get("measures") and cell["measures"] != cell["task"]:
            body += cell["measures"].rstrip("。") + "。"
        if cell.get("deadline"):
            body += f"完成时限：{cell['deadline'].rstrip('。')}。"
        out.append(f"{number}.{body}")
        out.append(f"牵头单位：{cell['lead']}")
        if cell.get("coop"):
            out.append(f"配合单位：{cell['coop']}")
    return out


def docx_text(document: Any) -> str:
    """A Word document's paragraphs and tables in their order; a 重点任务分工表 becomes task
    lines (:func:`_table_lines`)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body: Any = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            rows = [[c.text.strip() for c in row.cells] for row in table.rows]
            lines += _table_lines(rows)
    return "\n".join(lines)


def plan_text_from_bytes(name: str, data: bytes) -> str:
    """Text of an uploaded plan (.txt or .docx), as :func:`read_plan_text` reads files."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        return read_plan_text(path)


def parse_plan_file(path: Path) -> list[ParsedPlan]:
    plans = parse_plans(read_plan_text(path))
    if not plans:
        raise InputError(
            "未找到编号任务（如“1.”“（一）”开头并带有牵头/负责单位的段落）",
            where=Location(file=path.name),
        )
    return plans
