"""Deadlines and quantitative targets written inside a plan's prose.

Deadlines become ISO dates where the words fix a day: ``2023年6月底前`` → 2023-06-30,
``2023年底前`` / ``到2024年`` → year end, ``2023年9月15日前`` → that day, ``10月底前`` after an
earlier ``2021年…`` → 2021-10-31. Recurring or blank ones keep their words: ``每季度``,
``每年12月底前``, ``*年底前`` (a template left blank). Start dates (``自2023年起``) are not
deadlines.

Targets: ``达到或优于Ⅲ类``, ``不低于Ⅴ类`` (also written ``V类``), ``95%以上``, ``不低于90%``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from gwlib.quality.classes import QualityClass

_YEAR = r"(?P<y>\d{4}|\*)\s*年"
_DEADLINE = re.compile(
    r"(?P<every>每(?:年|季度|半年|月)|按季度|按月)?"
    r"(?:(?P<to>到|至|于|在)\s*)?"
    r"(?:" + _YEAR + r")?"
    r"\s*(?:(?P<m>\d{1,2}|\*)\s*月(?:份)?\s*(?:(?P<d>\d{1,2})\s*日)?)?"
    r"(?P<tail>年?底前|底前|底|前|起|以前|末)?"
)
_RECURRING = re.compile(r"(?:每(?:季度|半年|月|年)|按季度|按月)(?:\d{1,2}月(?:底|末)?前?)?")
_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_CLASS_TARGET = re.compile(
    r"(?P<op>达到或优于|达到或好于|优于|好于|不低于|不劣于|不差于|保持|达到)\s*"
    r"(?P<cls>Ⅲ|Ⅱ|Ⅰ|Ⅳ|Ⅴ|III|II|IV|I|V)\s*类"
)
_PCT_TARGET = re.compile(
    r"(?P<op>达到|不低于|不少于|不高于|低于|超过|提高到|提高至|降低|减少|下降)?\s*"
    r"(?P<v>\d+(?:\.\d+)?)\s*[%％](?P<q>以上|以下|左右)?"
)
_SUBJECT_BREAK = re.compile(r"[，。；、：,;:（）()“”]")


@dataclass(frozen=True)
class Target:
    """A quantitative target: ``subject`` ``op`` ``value`` ``unit`` (op one of ≥ ≤ = ≈)."""

    subject: str
    op: str
    value: float
    unit: str  # "类" (a QualityClass number) or "%"
    text: str

    @property
    def quality_class(self) -> QualityClass | None:
        return QualityClass(int(self.value)) if self.unit == "类" else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadlines(text: str, default_year: int | None = None) -> list[str]:
    """Deadlines in ``text``, in order, without repeats (ISO date or the original words)."""
    out: list[str] = []
    last_year = default_year
    for m in _DEADLINE.finditer(text):
        whole = m.group(0).strip()
        y, mo, d, tail, to, every = (
            m.group("y"),
            m.group("m"),
            m.group("d"),
            m.group("tail") or "",
            m.group("to"),
            m.group("every"),
        )
        if not whole or (y is None and mo is None and every is None):
            continue
        if y and y != "*":
            last_year = int(y)
        if every:
            rec = _RECURRING.match(text, m.start())
            out.append(rec.group(0) if rec else every)
            continue
        if tail.endswith("起"):
            continue
        is_deadline = "前" in tail or "底" in tail or "末" in tail or to in ("到", "至")
        if not is_deadline:
            continue
        if y == "*" or mo == "*":
            out.append(whole)
            continue
        year = int(y) if y else last_year
        if year is None:
            out.append(whole)
            continue
        if mo is None:
            out.append(dt.date(year, 12, 31).isoformat())
        elif d is not None:
            out.append(dt.date(year, int(mo), int(d)).isoformat())
        elif "底" in tail or "末" in tail:
            out.append(_month_end(year, int(mo)).isoformat())
        else:  # "9月前": before September
            out.append((dt.date(year, int(mo), 1) - dt.timedelta(days=1)).isoformat())
    return list(dict.fromkeys(out))


def _subject(text: str, end: int) -> str:
    start = end
    while start > 0 and not _SUBJECT_BREAK.match(text[start - 1]):
        start -= 1
    s = text[start:end].strip()
    s = re.sub(r"^(?:到|至|在)?\s*\d{4}\s*年(?:底|末)?(?:前)?", "", s)
    return s


def targets(text: str) -> list[Target]:
    """Quantitative targets in ``text`` (class targets and percentages)."""
    out: list[Target] = []
    for m in _CLASS_TARGET.finditer(text):
        op = m.group("op")
        sign = "=" if op in ("保持", "达到") else "≥"  # "≥" = this class or better
        out.append(
            Target(_subject(text, m.start()), sign, _ROMAN[m.group("cls")], "类", m.group(0))
        )
    for m in _PCT_TARGET.finditer(text):
        op, q = m.group("op") or "", m.group("q") or ""
        if not op and not q:
            continue
        if q == "以下" or op in ("不高于", "低于"):
            sign = "≤"
        elif q == "左右":
            sign = "≈"
        elif op in ("降低", "减少", "下降"):
            sign = "↓"
        else:
            sign = "≥"
        out.append(Target(_subject(text, m.start()), sign, float(m.group("v")), "%", m.group(0)))
    return out
