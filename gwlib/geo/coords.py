# ruff: noqa: RUF002, RUF003  (the minute marks ′ ’ ‘ ´ are what staff type)
"""Coordinates as people type them: decimal degrees, 度分秒 in every common notation, and metres.

One home for reading a coordinate cell. Accepted (after Unicode NFKC, so full-width digits and
punctuation are the same as ASCII)::

    111.5701        -111.5701        111.5701°        E111.5701        111.5701E
    111°34'12.5"    111°34′12.5″     111°34’12.5”     111°34'12.5''    111º34'12.5"
    111度34分12.5秒  111度34分12.5     111 34 12.5      111:34:12.5
    111°34.2083'    111度34.2083分    111 34.2083      东经111°34'12.5"   北纬35°29'24"

A hemisphere may come first or last: ``E``/``W``/``N``/``S`` (either case), ``东经``/``西经``/
``北纬``/``南纬`` or ``东``/``西``/``北``/``南``; west and south are negative. Only the last
component may carry decimals (``111.5°34'`` is refused: which part is meant?). Minutes and
seconds must be below 60, degrees at most 180 (90 for a latitude).

Errors are :class:`gwlib.errors.ValueFormatError` whose ``reason`` says what was expected.
Metre values (projected X/Y) go through :func:`parse_number`, which also takes thousands
separators (``3,934,567.8``) and a trailing ``m``/``米``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Literal

import numpy as np
import numpy.typing as npt

from gwlib.errors import ValueFormatError
from gwlib.text import nfkc

Axis = Literal["lon", "lat"]
FloatArray = npt.NDArray[np.float64]

EXPECTED = (
    "应为十进制度（如 111.5701）或度分秒（如 111°34'12.5\"、111度34分12.5秒、111 34 12.5、"
    "111°34.2083'），可带 E/N 或 东经/北纬"
)
# Marks people use for degrees, minutes and seconds, mapped to ° ' ".
_MARKS = (
    ("\u00ba", "°"),  # º masculine ordinal (NFKC would turn it into "o")
    ("\u02da", "°"),  # ˚ ring above
    ("度", "°"),
    ("\u2032\u2032", '"'),  # ′′ (NFKC of ″)
    ("\u2033", '"'),
    ("''", '"'),
    ("\u2019\u2019", '"'),
    ("\u2032", "'"),
    ("\u2019", "'"),  # ’
    ("\u2018", "'"),  # ‘
    ("\u00b4", "'"),  # ´
    ("分", "'"),
    ("\u201c", '"'),  # “
    ("\u201d", '"'),  # ”
    ("\u3003", '"'),  # 〃
    ("秒", '"'),
)
_HEMISPHERES = (
    ("东经", "E"), ("西经", "W"), ("北纬", "N"), ("南纬", "S"),
    ("东", "E"), ("西", "W"), ("北", "N"), ("南", "S"),
)  # fmt: skip
_NUM = r"\d+(?:\.\d+)?"
_DECIMAL = re.compile(rf"^[-+]?{_NUM}°?$")
_TOKEN = re.compile(rf"({_NUM}) ?([°'\"]?)[ :]*")
_UNITS = {"°": 0, "'": 1, '"': 2}
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_METRES = re.compile(r"\s*(?:m|米)$")


def _normalise(text: str) -> str:
    s = text
    for mark, plain in _MARKS[:2]:
        s = s.replace(mark, plain)
    s = nfkc(s).strip()
    for mark, plain in _MARKS[2:]:
        s = s.replace(mark, plain)
    s = re.sub(r"\s+", " ", s)
    return re.sub(r" ?([°'\"]) ?", r"\1", s)  # spaces next to a mark carry no meaning


def _hemisphere(s: str, text: str) -> tuple[str, str]:
    """``s`` without its hemisphere marker(s), and the hemisphere letter (``""`` if none)."""
    found: list[str] = []
    for word, letter in _HEMISPHERES:
        if s.startswith(word):
            s, found = s[len(word) :].strip(), [*found, letter]
            break
    for word, letter in _HEMISPHERES:
        if s.endswith(word):
            s, found = s[: -len(word)].strip(), [*found, letter]
            break
    if s[:1].upper() in ("E", "W", "N", "S"):
        s, found = s[1:].strip(), [*found, s[0].upper()]
    if s[-1:].upper() in ("E", "W", "N", "S"):
        s, found = s[:-1].strip(), [*found, s[-1].upper()]
    if len(set(found)) > 1 or len(found) > 2:
        raise ValueFormatError(f"方位标记自相矛盾（{'、'.join(found)}）：{EXPECTED}", value=text)
    return s, found[0] if found else ""


def parse_angle(text: object, axis: Axis | None = None) -> float | None:
    """Degrees from a cell as written; None for a blank cell.

    ``axis`` ("lon" or "lat") checks the range (180° / 90°) and that a hemisphere marker fits
    (no ``N`` on a longitude). Without it a plain number is returned as it is, so metres pass
    through; a value written with ° ' " or 度分秒 is always checked to be at most 180°.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    raw = str(text)
    s = _normalise(raw)
    if not s:
        return None
    s, hemi = _hemisphere(s, raw)
    if not s:
        raise ValueFormatError(EXPECTED, value=raw)
    if axis == "lon" and hemi in ("N", "S"):
        raise ValueFormatError("经度不应标北纬/南纬（N/S）：经度、纬度是否填反？", value=raw)
    if axis == "lat" and hemi in ("E", "W"):
        raise ValueFormatError("纬度不应标东经/西经（E/W）：经度、纬度是否填反？", value=raw)
    if _DECIMAL.match(s):
        value = float(s.rstrip("°"))
        angular = bool(hemi) or s.endswith("°")
        if hemi and value < 0:
            raise ValueFormatError(f"负号与方位标记不能同时使用：{EXPECTED}", value=raw)
    else:
        negative = s.startswith("-") and not hemi
        value = _dms(s[1:] if negative else s, raw)
        value, angular = (-value if negative else value), True
    if hemi in ("W", "S"):
        value = -value
    limit = {"lon": 180.0, "lat": 90.0}.get(axis or "", 180.0)
    if (axis or angular) and abs(value) > limit:
        what = {"lon": "经度", "lat": "纬度"}.get(axis or "", "角度")
        raise ValueFormatError(f"{what}超出范围：应在 ±{limit:g}° 以内", value=raw)
    return value


def _dms(s: str, raw: str) -> float:
    """Degrees from ``111°34'12.5"``-like text (marks already normalised). A number without a
    mark is the unit after the previous one (``111 34 12.5``, ``111°34'12.5``)."""
    parts: list[str | None] = [None, None, None]
    pos, unit = 0, 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None or m.end() == pos:
            raise ValueFormatError(EXPECTED, value=raw)
        this = _UNITS[m[2]] if m[2] else unit
        if this < unit or this > 2:
            raise ValueFormatError(f"度、分、秒的顺序不对：{EXPECTED}", value=raw)
        parts[this], unit, pos = m[1], this + 1, m.end()
    d, mi, se = parts
    if d is None:
        raise ValueFormatError(f"缺少度数：{EXPECTED}", value=raw)
    given = [p for p in parts if p is not None]
    if any("." in p for p in given[:-1]):
        raise ValueFormatError(
            "只有最后一部分可以带小数（如 111°34.2083' 或 111°34'12.5\"）", value=raw
        )
    minutes, seconds = float(mi or 0), float(se or 0)
    if minutes >= 60:
        raise ValueFormatError(f"分应小于 60，此处为 {mi}", value=raw)
    if seconds >= 60:
        raise ValueFormatError(f"秒应小于 60，此处为 {se}", value=raw)
    return float(d) + minutes / 60 + seconds / 3600


def parse_number(text: object) -> float | None:
    """A coordinate in metres (or any plain number): ``3934567.8``, ``3,934,567.8``,
    ``３９３４５６７．８``, ``3934567.8m``; None for a blank cell. Angles written with ° ' " or
    度分秒 are read as degrees (the caller decides whether degrees fit)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    raw = str(text)
    s = _METRES.sub("", nfkc(raw).strip())
    if not s:
        return None
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        return parse_angle(raw)
    if not math.isfinite(value):
        raise ValueFormatError("应为有限的数值（米或度）", value=raw)
    return value


def parse_column(
    values: Iterable[object], axis: Axis | None = None, metres: bool = False
) -> tuple[FloatArray, dict[int, str]]:
    """A column of cells → floats (NaN where blank or unreadable) and ``{position: reason}`` for
    the unreadable ones. ``metres`` reads with :func:`parse_number`, else :func:`parse_angle`.
    Each distinct text is parsed once, so 10,000 rows of a register cost little."""
    cache: dict[str, float | str] = {}
    items = list(values)
    out = np.full(len(items), np.nan)
    errors: dict[int, str] = {}
    for i, v in enumerate(items):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        key = str(v)
        got = cache.get(key)
        if got is None:
            try:
                parsed = parse_number(key) if metres else parse_angle(key, axis)
                got = math.nan if parsed is None else parsed
            except ValueFormatError as exc:
                got = exc.reason
            cache[key] = got
        if isinstance(got, str):
            errors[i] = got
        else:
            out[i] = got
    return out, errors
