"""The as-of date (数据截至): the one date every figure is computed at.

Policy, in one place:

* A database may declare the date its data reaches in its metadata (``as_of``). The demo does
  (its data is frozen at 2025-12-31), and so may a county that loads a year's data and briefs on
  it later. Every page, the brief, the checklist and the CLI then compute overdue wells, task
  outlooks and 数据截至 at that date, so a frozen data set reads the same on any day.
* Otherwise the as-of date is today.
* A figure for a past year (the brief for 2024, a plan judged at its deadline) is computed at the
  earlier of the as-of date and that year's 31 December (:func:`as_of_for_year`).

"Today" itself is not a rule of the data: gwlib never reads the clock. The caller (the app's
loaders, the CLI) passes ``today``; the date of an action being recorded (办理日期) is today,
whatever the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from gwlib.errors import ValidationError

META_KEY = "as_of"


def as_of(meta: Mapping[str, str | None], today: dt.date) -> dt.date:
    """The as-of date: the database's declared ``as_of`` (ISO date) if any, else ``today``."""
    raw = (meta.get(META_KEY) or "").strip()
    if not raw:
        return today
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationError("数据截至日期（as_of）", raw, "YYYY-MM-DD 格式的日期") from None


def as_of_for_year(as_of_date: dt.date, year: int) -> dt.date:
    """The date a figure for ``year`` is computed at: ``as_of_date``, or that year's end if
    earlier."""
    return min(as_of_date, dt.date(year, 12, 31))


class HasMeta(Protocol):
    def get_meta(self, key: str, default: str | None = None) -> str | None: ...


def store_as_of(store: HasMeta, today: dt.date) -> dt.date:
    """:func:`as_of` of a store's metadata."""
    return as_of({META_KEY: store.get_meta(META_KEY)}, today)
