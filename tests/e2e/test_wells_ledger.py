"""In Chromium: an editor signs in through the sidebar form, moves a well to the next stage and
sees the step in the well's history; a viewer signs in and finds no edit controls.

The app runs on its own demo database here (users are added to it and a well is changed), so
the shared ``app_server`` stays untouched for the other browser tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.demo_db import copy_demo
from tests.e2e.conftest import run_gwlib, serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e
CODE = "JX-FJ-0001"  # planted demo well, status 已排查登记


@pytest.fixture(scope="module")
def ledger_server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int], demo_db: Path
) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e-ledger")
    db_url = copy_demo(demo_db, tmp / "demo.sqlite")
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    run_gwlib(
        env, "users", "add", "zhang", "--role", "editor", "--db", db_url, stdin="Editor-password-1\n"
    )
    run_gwlib(
        env, "users", "add", "boss", "--role", "viewer", "--db", db_url, stdin="Viewer-password-1\n"
    )
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url


def _sign_in(page: Page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/well-record?code={CODE}", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(user)
    sidebar.get_by_label("密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(f"已登录：{user}")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)


def test_editor_moves_well_and_sees_history(page: Page, ledger_server: str) -> None:
    _sign_in(page, ledger_server, "zhang", "Editor-password-1")
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="办理流程").click()
    button = main.get_by_role("button", name="办理：已排查登记 → 已核查评估")
    expect(button).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    main.get_by_label("说明", exact=True).fill("现场核查完成（浏览器测试）")
    button.click()
    wait_for_app_run(page)
    expect(main.get_by_test_id("stMetric").first).to_contain_text(
        "已核查评估", timeout=LOAD_TIMEOUT_MS
    )
    main.get_by_role("tab", name="历史记录").click()
    history = main.get_by_test_id("stDataFrame").last
    expect(history).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "well-history-editor.png", full_page=True)
    # Glide data grid draws on a canvas; its accessible table mirror carries the cell text.
    expect(history.get_by_text("已核查评估").first).to_be_attached(timeout=LOAD_TIMEOUT_MS)
    expect(history.get_by_text("zhang").first).to_be_attached()
    assert page.locator("[data-testid='stException']").count() == 0


def test_viewer_cannot_edit(page: Page, ledger_server: str) -> None:
    _sign_in(page, ledger_server, "boss", "Viewer-password-1")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("当前为只读")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    main.get_by_role("tab", name="办理流程").click()
    expect(main.get_by_role("button", name="办理：", exact=False)).to_have_count(0)
    expect(main.get_by_role("button", name="保存修改")).to_have_count(0)
    page.screenshot(path=SCREENSHOT_DIR / "well-viewer.png", full_page=True)


def test_ticking_a_ledger_row_opens_that_well(page: Page, ledger_server: str) -> None:
    """封井回填台账, tab 台账: ticking a row's box opens the well in 单井档案 (issue 17, item 8)."""
    _sign_in(page, ledger_server, "boss", "Viewer-password-1")
    page.goto(f"{ledger_server}/wells", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    first_code = grid.locator('[role="gridcell"]').filter(has_text="JX-").first.inner_text()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's tick box
    page.wait_for_url("**/well-record?code=*", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    assert first_code in page.url
    expect(page.get_by_test_id("stMain")).to_contain_text(first_code)
