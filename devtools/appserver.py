"""The app served by ``streamlit run app.py`` on a port of this machine, for browser tests,
benchmarks and the load test: started, polled on its health endpoint, stopped."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 60.0


class AppServerError(RuntimeError):
    """The server exited or did not become healthy; the message holds its output."""


def _tail(path: Path, limit: int = 20_000) -> str:
    return path.read_text(errors="replace")[-limit:] if path.exists() else ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


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
                raise AppServerError(
                    f"streamlit server {reason}\n"
                    f"--- stderr ---\n{_tail(stderr_path)}\n--- stdout ---\n{_tail(stdout_path)}"
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
