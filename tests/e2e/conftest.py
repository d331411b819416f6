"""Real-browser fixtures: the app served by `streamlit run`, driven by Debian's Chromium.

Never run `playwright install`: it downloads a browser, and the machines this runs on have no
internet. The system browser /usr/bin/chromium (Debian package `chromium`) is used instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
STARTUP_TIMEOUT_S = 60.0
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI containers
    "--disable-gpu",
    # Without these Chromium phones home, and a closed network refuses the connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} not found: install the Debian package `chromium` "
            "(./dev.sh test does this; never `playwright install`)",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


def _tail(path: Path, limit: int = 20_000) -> str:
    return path.read_text(errors="replace")[-limit:] if path.exists() else ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def run_gwlib(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """Run ``python -m gwlib ARGS`` for a test fixture; fail with its output if it fails."""
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
        pytest.fail(
            f"python -m gwlib {args[0]} failed (exit {done.returncode})\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}",
            pytrace=False,
        )


@contextmanager
def serve_app(env: dict[str, str], port: int, logs: Path) -> Iterator[str]:
    """Start ``streamlit run app.py`` on ``port`` with ``env``; yield its base URL once healthy."""
    base_url = f"http://127.0.0.1:{port}"
    # Server output goes to files: an unread pipe fills up and stalls the server.
    stdout_path, stderr_path = logs / "streamlit.stdout", logs / "streamlit.stderr"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
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
            stdout=stdout,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base_url}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                reason = (
                    f"exited with code {proc.returncode}"
                    if proc.poll() is not None
                    else f"not healthy after {STARTUP_TIMEOUT_S:.0f} s"
                )
                pytest.fail(
                    f"streamlit server {reason}\n"
                    f"--- stderr ---\n{_tail(stderr_path)}\n--- stdout ---\n{_tail(stdout_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_server(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[str]:
    """Build a demo database, start the app on a free port, yield its base URL."""
    tmp = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{tmp / 'demo.sqlite'}"
    env = {**os.environ, "GWLIB_DB_URL": db_url, "GWLIB_DATA_DIR": str(tmp)}
    run_gwlib(env, "demo", "--db", db_url)
    with serve_app(env, free_port(), tmp) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A tall viewport: Streamlit scrolls inside its own container, so a full-page screenshot
    only shows what fits in the viewport."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 2400}, "locale": "zh-CN"}
