"""A full 调度 round in Chromium (issue 13 acceptance): an editor opens 2023Q4, two units report
with an evidence file each, one file is reviewed, a 督办 is issued and answered, and the 通报 is
downloaded; the audit log holds every step."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from playwright.sync_api import Browser, Page, expect

from gwlib.store import Store
from gwlib.store.schema_ledger import audit_log
from tests.demo_db import copy_demo
from tests.e2e.conftest import run_gwlib, serve_app
from tests.e2e.test_smoke import LOAD_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_app_run

pytestmark = pytest.mark.e2e
EDITOR, PASSWORD = "zhang", "Editor-password-1"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int], demo_db: Path
) -> Iterator[tuple[str, str, Path]]:
    tmp = tmp_path_factory.mktemp("e2e-dispatch")
    db_url = copy_demo(demo_db, tmp / "demo.sqlite")
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp),
           "GWLIB_ATTACHMENTS_DIR": str(tmp / "att")}  # fmt: skip
    run_gwlib(env, "users", "add", EDITOR, "--role", "editor", "--db", db_url,
              stdin=PASSWORD + "\n")  # fmt: skip
    (tmp / "清单印发文件.pdf").write_bytes(b"%PDF-1.4 evidence one")
    (tmp / "封井照片.png").write_bytes(b"\x89PNG\r\n\x1a\n evidence two")
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url, db_url, tmp


def _run(page: Page) -> None:
    wait_for_app_run(page)
    assert page.locator("[data-testid='stException']").count() == 0


def _report(page: Page, main: object, file: Path, text: str, unit_down: int) -> None:
    form = page.get_by_test_id("stForm").filter(has_text="提交填报")
    unit = form.get_by_test_id("stSelectbox").first
    unit.click()
    for _ in range(unit_down):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    form.get_by_label("完成情况").fill(text)
    form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(file))
    expect(form.get_by_text(file.name)).to_be_visible(timeout=LOAD_TIMEOUT_MS)  # uploaded
    _run(page)
    form.get_by_role("button", name="提交填报").click()
    _run(page)
    expect(page.get_by_text("及 1 个佐证文件")).to_be_visible(timeout=LOAD_TIMEOUT_MS)


def test_a_full_round(browser: Browser, server: tuple[str, str, Path]) -> None:
    base, db_url, tmp = server
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 2000},
                               accept_downloads=True).new_page()  # fmt: skip
    page.goto(f"{base}/dispatch", timeout=LOAD_TIMEOUT_MS)
    _run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("用户名").fill(EDITOR)
    sidebar.get_by_label("密码").fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar.get_by_text(f"已登录：{EDITOR}")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    _run(page)
    main = page.get_by_test_id("stMain")
    # the 2023 plan (the demo's 2024 and 2025 plans carry it forward; the page opens on 2025)
    main.get_by_test_id("stSelectbox").filter(has_text="工作方案年度").click()
    page.get_by_role("option", name="2023").click()
    _run(page)

    main.get_by_label("轮次（如 2025Q4）").fill("2023Q4")
    main.get_by_role("button", name="开启（快照各任务当前进展）").click()
    _run(page)
    expect(page.get_by_text("已开启 2023Q4 调度。")).to_be_visible(timeout=LOAD_TIMEOUT_MS)

    main.get_by_role("tab", name="填报记录").click()
    _report(page, main, tmp / "清单印发文件.pdf", "已印发报废井清单", 0)
    main.get_by_role("tab", name="填报记录").click()
    _report(page, main, tmp / "封井照片.png", "完成 12 眼封井", 1)
    review = page.get_by_test_id("stForm").filter(has_text="保存审核")
    review.get_by_label("审核意见").fill("材料齐全")
    review.get_by_role("button", name="保存审核").click()
    _run(page)

    main.get_by_role("tab", name="督办").click()
    issue = page.get_by_test_id("stForm").filter(has_text="下达")
    issue.get_by_label("单位").fill("县水务局")
    issue.get_by_label("办理要求").fill("12月25日前报送封井进度与证明资料")
    issue.get_by_role("spinbutton", name="year, 办结期限").click()
    page.keyboard.type("2023")
    page.keyboard.type("12")
    page.keyboard.type("25")
    page.keyboard.press("Escape")  # close the calendar
    issue.get_by_role("button", name="下达").click()
    _run(page)
    expect(page.get_by_text("已下达督办。")).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    main.get_by_role("tab", name="督办").click()
    answer = page.get_by_test_id("stForm").filter(has_text="记录回复")
    answer.get_by_label("办理情况").fill("已报送，见附件")
    answer.get_by_role("button", name="记录回复").click()
    _run(page)
    expect(page.get_by_text("已记录办理情况。")).to_be_visible(timeout=LOAD_TIMEOUT_MS)

    main.get_by_role("tab", name="通报").click()
    _run(page)  # the button is clicked on a page at rest (under a full run's load it may not be)
    button = main.get_by_role("button", name="下载通报（Word）")
    expect(button).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as info:
        button.click()
    doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "2023Q4" in text or "2023 年第四季度" in text or "第四季度" in text
    assert "督办" in text
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "dispatch-round.png", full_page=True)

    with Store.open(db_url) as store, store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.entity_key, audit_log.c.field)
            .where(audit_log.c.entity.like("dispatch%")).order_by(audit_log.c.id)).all()  # fmt: skip
    steps = [k for k, _ in itertools.groupby((r.action, r.entity_key) for r in rows)]
    assert [a for a, _ in steps] == ["open", "report", "evidence", "report", "evidence",
                                     "review", "issue", "respond"]  # fmt: skip
    assert steps[0][1] == "2023 2023Q4" and steps[1][1] != steps[3][1]  # two units reported
