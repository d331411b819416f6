"""In Chromium: an editor signs in through the sidebar form, moves a well to the next stage and
sees the step in the well's history; a viewer signs in and finds no edit controls.

The app runs on its own demo database here (users are added to it and a well is changed), so
the shared ``app_server`` stays untouched for the other browser tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPO_ROOT, STARTUP_TIMEOUT_S, _healthy, _tail
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e
CODE = "JX-FJ-0001"  # planted demo well, status 已排查登记


@pytest.fixture(scope="module")
def ledger_server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e-ledger")
    db_url = f"sqlite:///{tmp / 'demo.sqlite'}"
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    for args, stdin in (
        (["demo", "--db", db_url], None),
        (["users", "add", "zhang", "--role", "editor", "--db", db_url], "editor-password\n"),
        (["users", "add", "boss", "--role", "viewer", "--db", db_url], "viewer-password\n"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "gwlib", *args],
            cwd=REPO_ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"gwlib {args[0]} failed: {done.stderr}", pytrace=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = tmp / "streamlit.stdout", tmp / "streamlit.stderr"
    with out.open("wb") as so, err.open("wb") as se:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=so,
            stderr=se,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start\n{_tail(err)}", pytrace=False)
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _sign_in(page: Page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/well-record?code={CODE}", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    # A cold first run sometimes shows Streamlit's "Page not found" notice over the right page;
    # it makes the rest of the page inert until closed.
    notice = page.get_by_role("dialog")
    if notice.count():
        notice.get_by_role("button").first.click()
        expect(notice).to_have_count(0)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(user)
    sidebar.get_by_label("密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(f"已登录：{user}")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)


def test_editor_moves_well_and_sees_history(page: Page, ledger_server: str) -> None:
    _sign_in(page, ledger_server, "zhang", "editor-password")
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
    _sign_in(page, ledger_server, "boss", "viewer-password")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("当前为只读")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    main.get_by_role("tab", name="办理流程").click()
    expect(main.get_by_role("button", name="办理：", exact=False)).to_have_count(0)
    expect(main.get_by_role("button", name="保存修改")).to_have_count(0)
    page.screenshot(path=SCREENSHOT_DIR / "well-viewer.png", full_page=True)
