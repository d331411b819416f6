"""Load test of a multi-replica deployment: one command, everything on 127.0.0.1.

    python -m bench.load [--browsers 20] [--editors 5] [--edits 4] [--wells 3] [--rounds 1]
                         [--pages 11] [--concurrency 4] [--max-seconds 600] [--out bench/LOAD.md]

1. A throwaway PostgreSQL server (tests/pgserver.py, loopback only) gets the demo data and one
   editor account per editing session.
2. Two app replicas (``streamlit run app.py``) on two loopback ports share that database and
   one data directory (attachments), as two machines behind nginx would.
3. One headless Chromium (/usr/bin/chromium) with one browser context per session. A session
   is sticky: it talks to one replica only (session i goes to replica i mod 2), as nginx
   ``ip_hash`` or a sticky cookie would arrange. Browsing sessions open one page by URL and
   then visit every page of gwui.pages.PAGES through the sidebar ``--rounds`` times, in a
   seeded random order. Editing sessions sign in through the sidebar and change 备注 of the
   same few wells through the 单井档案 form, with a short pause between reading the form and
   saving it, so editors overwrite each other's wells and get version conflicts.
   Before that, one unmeasured visit of every page per replica warms its caches (its errors
   count). All editing sessions run at once; browsing sessions run ``--concurrency`` at a
   time beside them (on a 2-core machine a Chromium tab rendering a Streamlit page costs
   about as much CPU as the server run behind it; more tabs at once only measure the
   browser queueing).
4. Page time: from the click (or ``goto``) until the server reports the script run finished
   (its websocket message), the app's script state is ``notRunning``, no placeholder is left
   and the page's own title is shown.
   Errors: any ``stException``, any error alert (except the expected conflict message on a
   save), a JavaScript error in the page, a request to a host other than 127.0.0.1, a
   timeout. A conflict (“已被他人修改”) is the correct answer to a stale save, and is counted
   apart.
5. Verified against the database: the audit log holds exactly the saved edits (same count,
   wells, users, new values; nothing else changed on those wells), the saved edits of each
   well form one chain (each save replaced the value its editor had seen, so nobody
   overwrote a save they had not seen), and each well ends with the value of its last save
   and version = start + saves.

Exit status 0 only when there was no error and every check holds. Every process and temporary
directory is removed at the end, also after a failure, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import sqlalchemy as sa
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devtools.appserver import serve_app
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS
from devtools.pgserver import pg_server
from gwlib.demo import build_demo
from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.schema_ledger import audit_log
from gwlib.store.users import create_user
from gwui.pages import PAGES

ROOT = Path(__file__).resolve().parents[1]
REPLICAS = ("A", "B")
VIEW_TIMEOUT_S = 120
SETTLE_S = 0.4
RUN_ENDS = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
CONFLICT_TEXT = "已被他人修改"
PASSWORD = "Load-test-password-1"
BENCH = Actor.command_line("bench")  # who creates the editors' accounts
WELL_TITLE = next(p.title for p in PAGES if p.url_path == "well-record")

DRAWN_JS = """(title) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  const h1 = document.querySelector("[data-testid='stMain'] h1");
  return !!h1 && h1.textContent.includes(title);
}"""
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const h1 = document.querySelector("[data-testid='stMain'] h1");
  return {url: location.pathname, connection: app?.getAttribute("data-test-connection-state"),
          script: app?.getAttribute("data-test-script-state"),
          skeletons: document.querySelectorAll("[data-testid='stSkeleton']").length,
          title: h1?.textContent};
}"""
PROBLEMS_JS = """() => ({
  exceptions: [...document.querySelectorAll("[data-testid='stException']")]
    .map((e) => e.innerText),
  alerts: [...document.querySelectorAll("[data-testid='stAlertContentError']")]
    .map((e) => e.innerText),
})"""


@dataclass
class View:
    replica: str
    page: str
    seconds: float
    opened: bool = False  # a new tab (page.goto: loads the front end, opens a session)


@dataclass
class Edit:
    user: str
    replica: str
    well: str
    seen: str  # 备注 as the form showed it before the edit
    new: str
    why: str  # 修改说明, stored in the audit log's note
    outcome: str = ""  # saved | conflict | error
    seconds: float = 0.0


@dataclass
class Run:
    views: list[View] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPLICAS, 0))
    warmup_s: float = 0.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in {"127.0.0.1"}


class Session:
    """One browser context on one replica: a person with one tab."""

    def __init__(self, run: Run, name: str, replica: str, base: str) -> None:
        self.run, self.name, self.replica, self.base = run, name, replica, base
        self.page: Page | None = None
        self.doing = ""  # what the session is waiting for, for the error message
        self.runs = 0  # script runs finished, as the server told this tab
        self.context: BrowserContext | None = None

    async def open(self, browser: Browser) -> Page:
        self.context = await browser.new_context(
            viewport={"width": 1280, "height": 1000}, locale="zh-CN"
        )
        page = await self.context.new_page()
        page.on("pageerror", lambda exc: self.error(f"JavaScript: {exc}"))
        page.on(
            "request",
            lambda req: None if _is_local(req.url) else self.error(f"request to {req.url}"),
        )
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page = page
        self.run.sessions[self.replica] += 1
        return page

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    def error(self, what: str) -> None:
        self.run.errors.append(f"{self.name} (replica {self.replica}): {what}")

    async def failed(self, exc: Exception) -> None:
        first = str(exc).splitlines()[0] if str(exc) else ""
        state = ""
        if self.page is not None and not self.page.is_closed():
            try:
                state = f" (page state: {await self.page.evaluate(STATE_JS)})"
            except Exception as probe:
                state = f" (page state unknown: {type(probe).__name__})"
        self.error(f"{self.doing}: {type(exc).__name__}: {first}{state}")

    def _frame(self, payload: str | bytes) -> None:
        # The page's state attributes are not enough: React may batch a fast run so that the
        # script state never shows "running". The server's own message is exact.
        if isinstance(payload, bytes):
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in RUN_ENDS:
                self.runs += 1

    async def ready(self, title: str, runs_before: int) -> float:
        """Wait for a script run after ``runs_before`` and the page drawn with ``title``, and
        for it to stay so for SETTLE_S (``st.rerun`` ends one run and starts the next);
        return the moment it was drawn in that final state."""
        assert self.page is not None
        async with asyncio.timeout(VIEW_TIMEOUT_S):
            while True:
                while self.runs <= runs_before:
                    await asyncio.sleep(0.05)
                await self.page.wait_for_function(
                    DRAWN_JS, arg=title, polling=100, timeout=VIEW_TIMEOUT_S * 1000
                )
                drawn, runs = time.perf_counter(), self.runs
                await asyncio.sleep(SETTLE_S)
                if self.runs == runs and await self.page.evaluate(DRAWN_JS, title):
                    return drawn

    async def problems(self, *, expect_conflict: bool = False) -> bool:
        """Record exceptions and error alerts on the page; True when a conflict is shown."""
        assert self.page is not None
        found: dict[str, list[str]] = await self.page.evaluate(PROBLEMS_JS)
        for text in found["exceptions"]:
            self.error(f"exception: {text[:300]}")
        conflict = False
        for text in found["alerts"]:
            if expect_conflict and CONFLICT_TEXT in text:
                conflict = True
            else:
                self.error(f"error alert: {text[:300]}")
        return conflict

    async def goto(self, path: str, title: str) -> float:
        assert self.page is not None
        start = time.perf_counter()
        await self.page.goto(f"{self.base}/{path}", timeout=VIEW_TIMEOUT_S * 1000)
        return await self.ready(title, 0) - start


async def browse(
    run: Run,
    browser: Browser,
    name: str,
    replica: str,
    base: str,
    rounds: int,
    pages: int,
    rng: random.Random,
) -> None:
    session = Session(run, name, replica, base)
    try:
        page = await session.open(browser)
        nav = page.get_by_test_id("stSidebarNav")
        order = [spec for _ in range(rounds) for spec in rng.sample(PAGES, pages)]
        first = order.pop(0)
        session.doing = first.title
        seconds = await session.goto(first.url_path, first.title)
        run.views.append(View(replica, first.title, seconds, opened=True))
        await session.problems()
        more = nav.get_by_test_id("stSidebarNavViewButton")
        if await more.count() and "more" in (await more.inner_text()):
            await more.click()  # the sidebar shows only the first pages until expanded
        for spec in order:
            session.doing = spec.title
            before = session.runs
            start = time.perf_counter()
            await nav.get_by_test_id("stSidebarNavLink").filter(has_text=spec.title).click()
            run.views.append(
                View(replica, spec.title, await session.ready(spec.title, before) - start)
            )
            await session.problems()
    except Exception as exc:  # a timeout or a closed page: this session failed
        await session.failed(exc)
    finally:
        await session.close()


async def edit(
    run: Run,
    browser: Browser,
    name: str,
    replica: str,
    base: str,
    user: str,
    wells: list[str],
    n_edits: int,
    token: str,
    rng: random.Random,
) -> None:
    session = Session(run, name, replica, base)
    try:
        page = await session.open(browser)
        main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
        current = wells[0]
        session.doing = "打开单井档案"
        seconds = await session.goto(f"well-record?code={current}", WELL_TITLE)
        run.views.append(View(replica, WELL_TITLE, seconds, opened=True))
        session.doing = "登录"
        await sidebar.get_by_label("用户名").fill(user)
        await sidebar.get_by_label("密码").fill(PASSWORD)
        before = session.runs
        await sidebar.get_by_role("button", name="登录").click()
        await sidebar.get_by_text(f"已登录：{user}").wait_for(timeout=VIEW_TIMEOUT_S * 1000)
        await session.ready(WELL_TITLE, before)
        await session.problems()
        picker = main.get_by_test_id("stSelectbox").filter(has_text="井编码")
        for i in range(n_edits):
            code = rng.choice(wells)
            session.doing = f"修改 {code}"
            if code != current:
                before = session.runs
                start = time.perf_counter()
                await picker.click()
                await page.keyboard.type(code)
                await page.get_by_role("option", name=code, exact=True).click()
                drawn = await session.ready(WELL_TITLE, before)
                run.views.append(View(replica, WELL_TITLE, drawn - start))
                await session.problems()
                current = code
            if await picker.locator("input").input_value() != code:
                session.error(f"the well picker does not show {code}")
                return
            note = main.get_by_label("备注", exact=True)
            if not await note.is_visible():
                await main.get_by_test_id("stExpander").filter(has_text="修改基本信息").click()
            change = Edit(
                user,
                replica,
                code,
                await note.input_value(),
                f"负载测试 {user} 第{i + 1}次 {token}",
                f"load {token} {name} {i + 1}",
            )
            await asyncio.sleep(rng.uniform(0.3, 1.5))  # reading, typing
            await note.fill(change.new)
            await main.get_by_label("修改说明", exact=True).fill(change.why)
            before = session.runs
            start = time.perf_counter()
            await main.get_by_role("button", name="保存修改").click()
            change.seconds = await session.ready(WELL_TITLE, before) - start
            errors_before = len(run.errors)
            conflict = await session.problems(expect_conflict=True)
            change.outcome = (
                "error" if len(run.errors) > errors_before else "conflict" if conflict else "saved"
            )
            run.edits.append(change)
    except Exception as exc:
        await session.failed(exc)
    finally:
        await session.close()


async def drive(
    run: Run,
    bases: dict[str, str],
    users: list[str],
    wells: list[str],
    args: argparse.Namespace,
    token: str,
) -> None:
    rng = random.Random(args.seed)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            # Warm-up, not measured: one visit of every page per replica fills its caches and
            # imports, as on a server that has been up for a while. Its errors still count.
            warm = Run()
            start = time.perf_counter()
            await asyncio.gather(
                *(
                    browse(warm, browser, "预热", r, bases[r], 1, len(PAGES), random.Random(0))
                    for r in REPLICAS
                )
            )
            run.warmup_s = time.perf_counter() - start
            run.errors += warm.errors
            slots = asyncio.Semaphore(args.concurrency)

            async def browse_bounded(i: int) -> None:
                replica = REPLICAS[i % 2]
                async with slots:
                    await browse(
                        run,
                        browser,
                        f"浏览{i + 1}",
                        replica,
                        bases[replica],
                        args.rounds,
                        args.pages,
                        random.Random(rng.random()),
                    )

            tasks = [
                edit(
                    run,
                    browser,
                    f"编辑{i + 1}",
                    REPLICAS[i % 2],
                    bases[REPLICAS[i % 2]],
                    user,
                    wells,
                    args.edits,
                    token,
                    random.Random(rng.random()),
                )
                for i, user in enumerate(users)
            ]
            tasks += [browse_bounded(i) for i in range(args.browsers)]
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.max_seconds)
            except TimeoutError:
                run.errors.append(f"the sessions did not finish within {args.max_seconds} s")
        finally:
            await browser.close()


def verify(url: str, run: Run, start: dict[str, tuple[str, int]], after_id: int) -> list[str]:
    """Compare the saved edits with the audit log and the wells as stored; list mismatches."""
    problems: list[str] = []
    store = Store.open(url, migrate=False)
    try:
        with store.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(audit_log)
                    .where(audit_log.c.entity_key.in_(list(start)), audit_log.c.id > after_id)
                    .order_by(audit_log.c.id)
                )
                .mappings()
                .all()
            )
        final = {code: store_well(store, code) for code in start}
    finally:
        store.close()
    saved = [e for e in run.edits if e.outcome == "saved"]
    other = [r for r in rows if (r["action"], r["field"]) != ("update", "note")]
    for r in other:
        problems.append(f"unexpected audit row: {r['action']} {r['entity_key']} {r['field']}")
    notes = [r for r in rows if (r["action"], r["field"]) == ("update", "note")]
    logged = sorted((r["user_name"], r["entity_key"], r["new_value"], r["note"]) for r in notes)
    expected = sorted((e.user, e.well, e.new, e.why) for e in saved)
    if logged != expected:
        problems.append(
            f"audit log ≠ saved edits: {len(logged)} audit rows, {len(expected)} saves; "
            f"only in the log: {sorted(set(logged) - set(expected))[:3]}, "
            f"only saved: {sorted(set(expected) - set(logged))[:3]}"
        )
    seen = {(e.well, e.new): e.seen for e in saved}
    for code, (initial, version) in start.items():
        chain = [r for r in notes if r["entity_key"] == code]
        value = initial
        for r in chain:
            if r["old_value"] != value:
                problems.append(f"{code}: a save replaced {r['old_value']!r}, not {value!r}")
            if seen.get((code, r["new_value"]), r["old_value"]) != r["old_value"]:
                problems.append(
                    f"{code}: {r['user_name']} saved over {r['old_value']!r} having seen "
                    f"{seen[(code, r['new_value'])]!r} (a lost update)"
                )
            value = r["new_value"]
        note, now = final[code]
        if note != value:
            problems.append(f"{code}: stored 备注 {note!r}, last save {value!r}")
        if now != version + len(chain):
            problems.append(f"{code}: version {now}, expected {version} + {len(chain)} saves")
    return problems


def store_well(store: Store, code: str) -> tuple[str, int]:
    from gwlib.store import ledger

    row = ledger.well(store, code)
    return str(row["note"] or ""), int(row["version"])


def _q(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _times(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{_q(values, 50):.2f} / {_q(values, 95):.2f} / {max(values):.2f}"


def summary(
    run: Run, args: argparse.Namespace, wells: list[str], problems: list[str], elapsed: float
) -> list[str]:
    cols = [*REPLICAS, "合计"]

    def views(r: str, opened: bool | None = None) -> list[float]:
        return [
            v.seconds
            for v in run.views
            if (r == "合计" or v.replica == r) and opened in (None, v.opened)
        ]

    def edits(r: str, outcome: str | None = None) -> list[Edit]:
        return [
            e
            for e in run.edits
            if (r == "合计" or e.replica == r) and (outcome is None or e.outcome == outcome)
        ]

    table = [
        (
            "会话（浏览+编辑）",
            lambda r: str(sum(run.sessions.values()) if r == "合计" else run.sessions[r]),
        ),
        ("页面访问", lambda r: str(len(views(r)))),
        ("页面时间 p50/p95/max（s）", lambda r: _times(views(r))),
        ("　其中新开标签页", lambda r: _times(views(r, True))),
        ("　其中侧栏切换、换井", lambda r: _times(views(r, False))),
        (
            "保存修改 尝试/成功/冲突",
            lambda r: f"{len(edits(r))} / {len(edits(r, 'saved'))} / {len(edits(r, 'conflict'))}",
        ),
        ("保存时间 p50/p95/max（s）", lambda r: _times([e.seconds for e in edits(r)])),
    ]
    lines = [
        f"负载测试 {dt.datetime.now():%Y-%m-%d %H:%M}：{platform.node()}，{os.cpu_count()} 核，"
        f"2 个副本，PostgreSQL，{args.browsers} 个浏览会话（同时 {args.concurrency} 个）"
        f" + {args.editors} 个编辑会话（{args.edits} 次修改，共用 {len(wells)} 口井："
        f"{'、'.join(wells)}），用时 {elapsed:.0f} s"
        f"（其中副本预热 {run.warmup_s:.0f} s，不计入页面时间）",
        "",
        "| 项目 | " + " | ".join(f"副本 {c}" if c in REPLICAS else c for c in cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    lines += [f"| {label} | " + " | ".join(f(c) for c in cols) + " |" for label, f in table]
    lines += [
        "",
        f"错误：{len(run.errors)}；"
        "核对（审计日志 = 成功保存，每口井修改成链，最终值 = 最后一次保存）："
        + ("一致" if not problems else f"{len(problems)} 处不一致"),
    ]
    slow = sorted(run.views, key=lambda v: -v.seconds)[:5]
    lines.append(
        "最慢的页面：" + "，".join(f"{v.page}（{v.replica}）{v.seconds:.1f} s" for v in slow)
    )
    lines += [f"- 错误：{e}" for e in run.errors[:20]]
    lines += [f"- 不一致：{p}" for p in problems[:20]]
    return lines


@contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so every ``finally`` (servers, temp dirs) runs."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--browsers", type=int, default=20, help="browsing sessions")
    parser.add_argument("--editors", type=int, default=5, help="editing sessions (one user each)")
    parser.add_argument("--edits", type=int, default=4, help="saves per editing session")
    parser.add_argument("--wells", type=int, default=3, help="wells shared by the editors")
    parser.add_argument("--rounds", type=int, default=1, help="visits of every page per session")
    parser.add_argument(
        "--pages", type=int, default=len(PAGES), help="pages per round (a seeded random subset)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="browsing sessions at once")
    parser.add_argument("--max-seconds", type=float, default=600, help="limit for all sessions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the summary to this file")
    args = parser.parse_args(argv)

    token = uuid.uuid4().hex[:6]
    run = Run()
    t0 = time.perf_counter()
    with _terminate_on_sigterm(), ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="gwload-"))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        print("启动 PostgreSQL，生成模拟数据…", flush=True)
        url = stack.enter_context(pg_server(_free_port(), database="gwload"))
        build_demo(url)
        users = [f"editor{i + 1}" for i in range(args.editors)]
        store = Store.open(url)
        try:
            for user in users:
                create_user(store, user, "editor", PASSWORD, f"编辑{user[-1]}", by=BENCH)
            wells = list(store.wells()["code"][: args.wells])
            start = {code: store_well(store, code) for code in wells}
            with store.engine.connect() as conn:
                after_id = conn.execute(sa.select(sa.func.max(audit_log.c.id))).scalar() or 0
        finally:
            store.close()
        data = tmp / "data"  # one data directory for both replicas: shared attachment storage
        data.mkdir()
        env = {**os.environ, "GWLIB_DB_URL": url, "GWLIB_DATA_DIR": str(data)}
        bases: dict[str, str] = {}
        for replica in REPLICAS:
            logs = tmp / f"replica-{replica}"
            logs.mkdir()
            bases[replica] = stack.enter_context(serve_app(env, _free_port(), logs))
        print(f"副本 A {bases['A']}，副本 B {bases['B']}；开始访问…", flush=True)
        asyncio.run(drive(run, bases, users, wells, args, token))
        problems = verify(url, run, start, after_id)
        for replica in REPLICAS:
            log = tmp / f"replica-{replica}" / "streamlit.stderr"
            tracebacks = log.read_text(errors="replace").count("Traceback")
            if tracebacks:
                run.errors.append(f"replica {replica}: {tracebacks} traceback(s) in its log")
    lines = summary(run, args, wells, problems, time.perf_counter() - t0)
    print("\n".join(lines))
    if args.out:
        args.out.write_text("# 负载测试（python -m bench.load）\n\n" + "\n".join(lines) + "\n")
    failed = bool(run.errors or problems or not run.views)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
