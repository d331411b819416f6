"""The page registry: navigation, the AppTest smoke test and the browser test all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # script, relative to the repository root
    title: str
    icon: str
    url_path: str  # "" for the home page
    section: str = "监测与评价"

    @property
    def default(self) -> bool:
        return self.url_path == ""


PAGES: tuple[PageSpec, ...] = (PageSpec("pages/overview.py", "总览", ":material/dashboard:", ""),)
