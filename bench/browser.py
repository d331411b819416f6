"""The app as users get it: `streamlit run` on a database, driven by Debian's Chromium.

Figures: bytes received over Streamlit's websocket while the 一张图 page loads (the map arrives
this way), seconds from navigation to the first drawn well marker in the map's iframe, the same
browser's time to a drawn map on an empty database (the reference), every page's time in the
browser, and the served app process's peak memory (VmHWM) after every page has run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_MS = 600_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@dataclass
class Served:
    base: str
    pid: int
    pages: dict[str, float] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(url: str, log: Path) -> Iterator[Served]:
    """The app on ``url`` at a free loopback port, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "GWLIB_DB_URL": url}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(480):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError as exc:
                if proc.poll() is not None:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"app exited: {tail}") from exc
                time.sleep(0.25)
        yield Served(base, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def open_map(b: Any, base: str, selector: str) -> tuple[float, float]:
    """(seconds to ``selector`` drawn inside the map iframe, MB received over the websocket)."""
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    received = [0]

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    page.on("websocket", on_ws)
    t0 = time.perf_counter()
    page.goto(f"{base}/map", timeout=TIMEOUT_MS)
    page.frame_locator(MAP_FRAME).locator(selector).first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    page.wait_for_selector(DONE, timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    page.close()
    return seconds, received[0] / 1e6


def visit_pages(b: Any, served: Served) -> None:
    """Open every page once in one tab; record seconds until its script has run."""
    from gwui.pages import PAGES

    page = b.new_page(viewport={"width": 1400, "height": 1000})
    # Each page from a blank page, in a tab that has loaded the app once (on 用户管理, which
    # reads no monitoring data): a new tab's first load of Streamlit's own scripts (~0.6 s here,
    # the same on an empty database) and the previous page's teardown are not a page's first
    # visit. Every data cache of the server is still cold for the pages that read it.
    page.goto(f"{served.base}/users", timeout=TIMEOUT_MS)
    page.wait_for_selector(DONE, timeout=TIMEOUT_MS)
    for spec in PAGES:
        page.goto("about:blank")
        t0 = time.perf_counter()
        page.goto(f"{served.base}/{spec.url_path}", timeout=TIMEOUT_MS)
        page.wait_for_selector(
            "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=TIMEOUT_MS
        )
        page.wait_for_selector(DONE, timeout=TIMEOUT_MS)
        served.pages[spec.title] = time.perf_counter() - t0
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"page {spec.title} shows an exception")
    page.close()
