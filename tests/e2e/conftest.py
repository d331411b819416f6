"""Real-browser fixtures: the app served by `streamlit run`, driven by Debian's Chromium.

Never run `playwright install`: it downloads a browser, and the machines this runs on have no
internet. The system browser /usr/bin/chromium (Debian package `chromium`) is used instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from devtools import appserver
from devtools.appserver import REPO_ROOT, AppServerError
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS


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
    """:func:`devtools.appserver.serve_app`, failing the test with the server's output."""
    try:
        with appserver.serve_app(env, port, logs) as base_url:
            yield base_url
    except AppServerError as exc:
        pytest.fail(str(exc), pytrace=False)


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
