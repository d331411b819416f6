"""Widget keys, prefixed by page; every widget takes its key from here."""

from __future__ import annotations

OVERVIEW_YEAR = "overview.year"
