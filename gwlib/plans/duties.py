"""The responsibility parenthesis at the end of a plan task: who leads, who cooperates.

Styles seen in county, city and provincial plans (all handled here)::

    （X牵头，Y、Z等配合）            lead X; cooperating Y, Z
    （X负责）  （X、Y按职责分工负责）  lead X (and Y)
    （X牵头，Y等参与）               lead X; cooperating Y
    〔责任单位：X、Y〕 （责任部门：X、Y）  lead X, Y
    （X牵头，Y按职责分工负责，各县级人民政府负责落实）
                                     lead X; cooperating Y; implementing 各县级人民政府
    （…，以下均需各乡镇人民政府负责落实，不再列出）
                                     a standing clause: 各乡镇人民政府 implements every later task

"负责落实" names the governments that carry the task out locally; they are kept apart
(``implementing``) and are neither lead nor cooperating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "（([〔【［"
CLOSE = "）)]〕】］"
DUTY_WORDS = ("牵头", "负责", "配合", "参与", "责任单位", "责任部门", "协助", "协同", "落实")

_STANDING = re.compile(r"以下均(?:需|由|须)?(?P<who>.+?)(?:负责)?落实[，,、]?不再(?:一一)?列出")
_LABELS = (r"责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|参与单位|参与部门|协办单位"
           r"|责任主体")
_LABELLED = re.compile(rf"^(?P<label>{_LABELS})\s*[:：]\s*(?P<who>.+)$")
#: A line of its own after a task naming who does it: 「牵头单位：县水务局」 (another common style
#: of the same plans, besides the trailing parenthesis).
LABELLED_LINE = re.compile(rf"^(?:{_LABELS})\s*[:：]")
_LEAD = re.compile(r"^(?P<who>.+?)(?:共同)?牵头(?:组织|负责|落实)?$")
_COOP = re.compile(r"^(?P<who>.+?)(?:配合|参与|协助|协同)(?:落实)?$")
_IMPLEMENT = re.compile(r"^(?P<who>.+?)(?:负责|具体)?(?:组织)?落实$")
_RESPONSIBLE = re.compile(
    r"^(?P<who>.+?)(?:按(?:照)?(?:各自)?(?:职责|责任)(?:分工)?|分别|共同|具体)?负责(?:组织)?$"
)
_ETC = re.compile(r"(?:等)?(?:相关|有关)?(?:部门|单位)?$")
_AND_REST = re.compile(r"(?:等(?:相关|有关)?(?:部门|单位)?|(?:相关|有关)(?:部门|单位))和")
_LOCAL_GOV = re.compile(
    r"^(?:各.*[镇乡街县区市]|.*(?:乡镇|街道|人民政府|县级政府|各级政府)|[镇乡区])$"
)


@dataclass(frozen=True)
class Duties:
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    implementing: tuple[str, ...] = ()
    standing: tuple[str, ...] = ()  # implementers named by a "以下均需…不再列出" clause


def trailing_paren(text: str) -> tuple[str, str] | None:
    """Split ``text`` into (body, content of its final bracketed group), or None.

    Any opening bracket matches any closing one (plans mix （ with ), 〔 with 〕…); a final
    "。" after the bracket is ignored.
    """
    s = text.rstrip().rstrip("。.；;").rstrip()
    if not s or s[-1] not in CLOSE:
        return None
    depth = 0
    for i in range(len(s) - 1, -1, -1):
        ch = s[i]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN:
            depth -= 1
            if depth == 0:
                return s[:i], s[i + 1 : -1]
    return None


def is_duty(content: str) -> bool:
    return any(w in content for w in DUTY_WORDS)


def split_top(text: str, seps: str) -> list[str]:
    """Split at any of ``seps`` outside brackets: "各县（市、区）人民政府、X局" → 2 parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def split_names(who: str) -> list[str]:
    """ "X、Y等相关部门和各乡镇、街道" → [X, Y, 各乡镇, 街道] (trailing 等/等部门 dropped)."""
    who = who.strip().removeprefix("由")
    parts: list[str] = []
    for chunk in _AND_REST.split(who):
        for name in split_top(chunk, "、/"):
            n = _ETC.sub("", name.strip()).strip()
            n = n.removesuffix("等")
            if n:
                parts.append(n)
    return parts


def _dedupe(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def parse_duties(content: str) -> Duties:
    """Read the inside of a responsibility parenthesis."""
    standing: list[str] = []
    m = _STANDING.search(content)
    if m:
        standing = split_names(m.group("who"))
        content = content[: m.start()] + content[m.end() :]
    lead: list[str] = []
    coop: list[str] = []
    impl: list[str] = list(standing)
    responsible: list[str] = []  # "按职责分工负责": lead unless someone else leads
    loose: list[str] = []
    for raw in split_top(content, "，,；;。"):
        clause = raw.strip()
        if not clause:
            continue
        if lab := _LABELLED.match(clause):
            names = split_names(lab.group("who"))
            impl.extend(n for n in names if _LOCAL_GOV.match(n))
            names = [n for n in names if not _LOCAL_GOV.match(n)]
            helper = lab.group("label").startswith(("配合", "参与", "协办"))
            (coop if helper else lead).extend(names)
        elif m2 := _LEAD.match(clause):
            lead.extend(split_names(m2.group("who")))
        elif m2 := _COOP.match(clause):
            coop.extend(split_names(m2.group("who")))
        elif m2 := _IMPLEMENT.match(clause):
            impl.extend(split_names(m2.group("who")))
        elif m2 := _RESPONSIBLE.match(clause):
            responsible.extend(split_names(m2.group("who")))
        else:
            loose.extend(split_names(clause))
    someone_leads = bool(lead)
    for name in responsible:
        if someone_leads:
            (impl if name in standing else coop).append(name)
        else:
            lead.append(name)
    for name in loose:
        (impl if _LOCAL_GOV.match(name) else lead).append(name)
    return Duties(
        lead=_dedupe(lead),
        cooperating=_dedupe([c for c in coop if c not in lead]),
        implementing=_dedupe(impl),
        standing=_dedupe(standing),
    )
