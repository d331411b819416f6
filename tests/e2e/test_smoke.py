"""Every registered page loads in a real browser: no exception, its title shown, nothing fetched
from outside the machine, and a full-page screenshot kept in tests/e2e/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from gwui.pages import PAGES

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOAD_TIMEOUT_MS = 120_000  # generous: a cold first run imports pandas/plotly and reads the DB


def _page_id(entry: Any) -> str:
    return str(entry.url_path) or "home"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    # data:, blob: and about: URLs never leave the browser.
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def wait_for_app_run(page: Page) -> None:
    """Wait until the script has connected, run and finished, and the page has drawn."""
    # The first two waits are streamlit's own e2e helper (e2e_playwright/conftest.py).
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=LOAD_TIMEOUT_MS
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=LOAD_TIMEOUT_MS
    )
    # Lazily loaded elements (st.dataframe, charts) show a placeholder until their code arrives;
    # on a cold server that outlasts the script run and would leave blank boxes in screenshots.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)


@pytest.mark.parametrize("entry", PAGES, ids=_page_id)
def test_page_renders(page: Page, app_server: str, entry: Any) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    page.goto(f"{app_server}/{entry.url_path}", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{_page_id(entry)}.png", full_page=True)

    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, "\n\n".join(exceptions.all_inner_texts())
    assert entry.title in page.locator("body").inner_text()
    outside = sorted({url for url in requested if not _is_local(url)})
    assert not outside, f"requests to outside hosts: {outside}"
