"""Every page, tab and export in Chromium, signed in as an admin (issue 17, item 5): no text a
user reads is English — Streamlit's own widget texts included (gwui/zh.py translates them) —
and no export has an English header or a None/nan cell. Tables drawn on the grid's canvas are
checked from the server's side in tests/app/test_chinese_only.py."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from gwui.pages import PAGES
from tests.e2e.conftest import run_gwlib, serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, wait_for_app_run
from tests.english import MISSING, english

pytestmark = pytest.mark.e2e
ADMIN, PASSWORD = "GL-01", "Admin-password-1"  # a login name without letters: not English
TEXTS_JS = """() => {
  const out = [];
  const roots = '[data-testid="stMain"], [data-testid="stSidebar"], [data-baseweb="popover"]';
  for (const root of document.querySelectorAll(roots)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const tag = n.parentElement ? n.parentElement.tagName : "";
      if (tag === "SCRIPT" || tag === "STYLE" || tag === "CODE") { continue; }
      // icon names (Material Symbols ligatures) are not text a user reads
      if (getComputedStyle(n.parentElement).fontFamily.includes("Material")) { continue; }
      // a table's flag column is drawn as check boxes; its cells' hidden text says true/false
      if (n.parentElement.closest('[role="gridcell"]') && /^(true|false)$/.test(n.nodeValue.trim())) {
        continue;
      }
      if (n.nodeValue.trim()) { out.push(n.nodeValue.trim()); }
    }
    for (const e of root.querySelectorAll("[placeholder]")) {
      out.push(e.getAttribute("placeholder"));
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e-zh")
    db_url = f"sqlite:///{tmp / 'demo.sqlite'}"
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    run_gwlib(env, "demo", "--db", db_url)
    run_gwlib(env, "users", "add", ADMIN, "--role", "admin", "--db", db_url,
              stdin=PASSWORD + "\n")  # fmt: skip
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1800},
                                  accept_downloads=True)  # fmt: skip
    p = context.new_page()
    p.goto(server, timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(p)
    sidebar = p.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(ADMIN)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(ADMIN).first).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(p)
    yield p
    context.close()


def _english_texts(page: Page) -> list[str]:
    return sorted({f"{why}" for t in page.evaluate(TEXTS_JS) if (why := english(t))})


def _export_problems(name: str, data: bytes) -> list[str]:
    """English headers or None/nan cells in an Excel or CSV export, None/nan in a Word or
    PowerPoint one."""
    suffix = Path(name).suffix.lower()
    problems = []
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            for i, row in enumerate(sheet.iter_rows(values_only=True)):
                for v in row:
                    if i == 0 and v is not None and (why := english(v)):
                        problems.append(f"{name}/{sheet.title} header {why}")
                    if isinstance(v, str) and v.strip() in MISSING:
                        problems.append(f"{name}/{sheet.title} cell {v!r}")
    elif suffix == ".csv":
        text = data.decode("utf-8-sig")
        header = text.splitlines()[0].split(",") if text else []
        problems += [f"{name} header {why}" for h in header if (why := english(h))]
        cells = {c.strip() for line in text.splitlines()[1:] for c in line.split(",")}
        problems += [f"{name} cell {c!r}" for c in cells & MISSING]
    elif suffix in (".docx", ".pptx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist()
                           if n.endswith(".xml") and ("document" in n or "slide" in n))  # fmt: skip
        for word in ("None", "nan", "NaN", "NaT"):
            if f">{word}<" in xml:
                problems.append(f"{name} has a cell {word!r}")
    return problems


@pytest.mark.parametrize("entry", PAGES, ids=lambda e: e.url_path or "home")
def test_page_tabs_and_exports_in_chinese(page: Page, server: str, entry: object) -> None:
    page.goto(f"{server}/{entry.url_path}", timeout=LOAD_TIMEOUT_MS)  # type: ignore[attr-defined]
    wait_for_app_run(page)
    problems = _english_texts(page)
    for tab in page.get_by_role("tab").all():
        tab.click()
        page.wait_for_timeout(300)  # a lazy tab (水质类别与趋势) reruns the page when opened
        wait_for_app_run(page)
        problems += _english_texts(page)
    buttons = page.get_by_test_id("stDownloadButton").get_by_role("button").all()
    for button in buttons:
        with page.expect_download(timeout=LOAD_TIMEOUT_MS) as info:
            button.click()
        download = info.value
        path = download.path()
        problems += _export_problems(download.suggested_filename, Path(path).read_bytes())
    assert sorted(set(problems)) == []


def test_streamlit_widget_texts_are_chinese(page: Page, server: str) -> None:
    """The texts Streamlit draws itself: an empty multiselect and its open list, an uploader."""
    page.goto(f"{server}/tasks", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    page.get_by_test_id("stMultiSelect").first.click()
    expect(page.get_by_text("全选").first).to_be_visible()
    page.keyboard.press("Escape")
    page.goto(f"{server}/results", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    uploader = page.get_by_test_id("stFileUploader")
    expect(uploader.get_by_text("选择文件")).to_be_visible()
    expect(uploader.get_by_text("单个文件不超过", exact=False)).to_be_visible()
    assert _english_texts(page) == []
