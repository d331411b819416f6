"""In Chromium: a signed-in session is bound to the browser that signed in.

The admin signs in through the sidebar; the browser then holds the ``gwlib_session`` cookie
(SameSite=Strict) and the page reloads on a connection that carries it. The admin uploads a
file, so the session id appears in an upload URL, as it would in a proxy log. A second browser
without the cookie replays that session id on a new websocket (the way Streamlit's frontend
reconnects: third entry of Sec-WebSocket-Protocol). Streamlit hands it the admin's session
(its own log says so), but nobody is signed in there: the sidebar offers the sign-in form and
用户管理 refuses. The admin's own browser, on reconnecting, is still signed in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import run_gwlib, serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e
ADMIN, PASSWORD = "root", "Admin-password-1"
UPLOAD = re.compile(r"/_stcore/upload_file/([0-9a-f-]{36})/")
#: Runs in the attacker's page before Streamlit's code: every websocket to the app asks to
#: resume the victim's session, as Streamlit's own reconnect does.
REPLAY = """
(() => {
  const Original = window.WebSocket;
  class Replay extends Original {
    constructor(url, protocols) {
      const p = Array.isArray(protocols) ? protocols.slice() : [];
      if (String(url).includes("_stcore/stream") && p.length >= 2) {
        p[2] = "%s";
      }
      super(url, p);
    }
  }
  window.WebSocket = Replay;
})();
"""


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("e2e-binding")
    db_url = f"sqlite:///{tmp / 'demo.sqlite'}"
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    run_gwlib(env, "demo", "--db", db_url)
    run_gwlib(env, "users", "add", ADMIN, "--role", "admin", "--db", db_url, stdin=PASSWORD + "\n")
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url, tmp


def _sidebar_sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/wells-io", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(ADMIN)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(f"已登录：{ADMIN}")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(page)


def _leak_session_id(page: Page, tmp: Path) -> str:
    """Upload a file: the request URL names the session, as a proxy's access log keeps it."""
    sample = tmp / "台账.csv"
    sample.write_text("井编码\n", encoding="utf-8")
    with page.expect_request(lambda r: bool(UPLOAD.search(r.url))) as upload:
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(sample))
    match = UPLOAD.search(upload.value.url)
    assert match
    return match.group(1)


def test_replayed_session_id_without_the_cookie_is_not_signed_in(
    browser: Browser, server: tuple[str, Path]
) -> None:
    base, tmp = server
    victim_context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1600})
    victim = victim_context.new_page()
    _sidebar_sign_in(victim, base)
    session_id = _leak_session_id(victim, tmp)

    attacker_context = browser.new_context(
        locale="zh-CN", viewport={"width": 1400, "height": 1600}
    )
    attacker_context.add_init_script(REPLAY % session_id)
    attacker = attacker_context.new_page()
    attacker.goto(f"{base}/users", timeout=LOAD_TIMEOUT_MS)
    wait_for_app_run(attacker)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    attacker.screenshot(path=SCREENSHOT_DIR / "session-replay-attacker.png", full_page=True)

    # Streamlit did give the attacker's connection the admin's session ...
    log = (tmp / "streamlit.stderr").read_text(errors="replace")
    assert f"Session with id {session_id} is already connected" in log
    # ... and yet nobody is signed in there.
    sidebar = attacker.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="登录", exact=True)).to_be_visible()
    assert sidebar.get_by_text("已登录").count() == 0
    main = attacker.get_by_test_id("stMain")
    expect(main.get_by_text("只有管理员可以管理用户")).to_be_visible()
    assert attacker.locator("[data-testid='stException']").count() == 0

    # The admin's browser holds the cookie, and is still signed in after it reconnects.
    cookies = {c["name"]: c for c in victim_context.cookies()}
    assert cookies["gwlib_session"]["sameSite"] == "Strict"
    assert not attacker_context.cookies() or "gwlib_session" not in {
        c["name"] for c in attacker_context.cookies()
    }
    victim.reload()
    wait_for_app_run(victim)
    expect(victim.get_by_test_id("stSidebar").get_by_text(f"已登录：{ADMIN}")).to_be_visible(
        timeout=LOAD_TIMEOUT_MS
    )
    victim.screenshot(path=SCREENSHOT_DIR / "session-replay-admin.png", full_page=True)
    victim_context.close()
    attacker_context.close()
