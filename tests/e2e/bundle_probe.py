"""Install, run, upgrade and roll back the offline bundle on a machine with no network.

Run as root inside new network and mount namespaces (``unshare --net --mount``; the test
``test_offline_bundle.py`` does this). Inside, only loopback is up, and the CJK fonts of the host
are hidden (tmpfs over Debian's Noto CJK directory and over /usr/local/share/fonts), so the brief
can only draw with the fonts the bundle installs. Steps, each timed:

1. unpack bundle A into an empty directory, ``./install.sh`` there;
2. ``./run.sh --server.port P`` on an empty data directory (builds the demo database), poll
   ``/_stcore/health``, open the home page and the map in Chromium, record every request;
3. ``python -m gwlib brief`` (charts need the CJK font); add a user; write secrets.toml and an
   attachment file;
4. unpack bundle B elsewhere, ``./install.sh A_DIR`` (upgrade), ``./run.sh`` again, health;
5. ``A_DIR/install.sh --rollback``.

Prints one JSON object with every step's exit code, output and seconds, for the test to judge.

    unshare --net --mount python tests/e2e/bundle_probe.py A.tar.gz B.tar.gz WORKDIR SHOT.png
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.offline_probe import (  # noqa: E402
    COUNT_JS,
    free_port,
    internet_reachable,
    loopback_up,
)

HIDDEN_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/local/share/fonts")
HEALTH_TIMEOUT_S = 180
TIMEOUT_MS = 120_000
PASSWORD = "Offline-升级-2024"  # meets the password policy: 3 of 4 classes, 10+ chars
SECRETS = '# kept across upgrades\n[map]\nbasemap = "none"\n'
LOGS: list[Path] = []  # where each step's output is kept (the work directory)


def isolate_fonts() -> None:
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    for path in HIDDEN_FONT_DIRS:
        os.makedirs(path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", path], check=True)


def step(
    result: dict[str, Any], name: str, cmd: list[str], cwd: Path, env: dict[str, str], **kw: Any
) -> bool:
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, **kw)
    (LOGS[0] / f"{name}.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    result[name] = {
        "rc": done.returncode,
        "out": done.stdout[-6000:],
        "err": done.stderr[-6000:],
        "seconds": round(time.monotonic() - started, 1),
    }
    return done.returncode == 0


def unpack(archive: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    assert not any(dest.iterdir())
    with tarfile.open(archive) as tf:
        tf.extractall(dest, filter="tar")
    (top,) = dest.iterdir()
    return top


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.read().strip() == b"ok")
    except OSError:
        return False


class Server:
    """``run.sh ARGS`` in ``home``; output to a log file."""

    def __init__(self, home: Path, env: dict[str, str], log: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                ["./run.sh", "--server.port", str(port), "--server.fileWatcherType", "none"],
                cwd=home,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> float:
        started = time.monotonic()
        while not healthy(f"{self.base}/_stcore/health"):
            if self.proc.poll() is not None or time.monotonic() - started > HEALTH_TIMEOUT_S:
                raise RuntimeError(
                    f"run.sh not healthy (exit {self.proc.poll()}):\n"
                    + self.log.read_text(errors="replace")[-4000:]
                )
            time.sleep(0.5)
        return round(time.monotonic() - started, 1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def browse(base: str, shot: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_smoke import wait_for_app_run

    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1300}, locale="zh-CN")
        requests: list[str] = []
        failed: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        started = time.monotonic()
        page.goto(base, timeout=TIMEOUT_MS)
        wait_for_app_run(page)
        out["home_seconds"] = round(time.monotonic() - started, 1)
        out["home_text"] = page.locator("body").inner_text()[:3000]
        page.screenshot(path=shot, full_page=True)
        exceptions = page.locator("[data-testid='stException']").all_inner_texts()
        page.goto(f"{base}/map", timeout=TIMEOUT_MS)
        wait_for_app_run(page)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator(".gw-cluster").first.wait_for(timeout=TIMEOUT_MS)
        out["map"] = frame.locator("body").evaluate(COUNT_JS)
        exceptions += page.locator("[data-testid='stException']").all_inner_texts()
        out["exceptions"] = exceptions
        out["requests"] = sorted(set(requests))
        out["failed"] = sorted(set(failed))
        browser.close()
    return out


def main() -> None:
    bundle_a, bundle_b, work, shot = (Path(a) for a in sys.argv[1:5])
    LOGS.append(work)
    isolate_fonts()
    loopback_up()
    result: dict[str, Any] = {"internet_reachable": internet_reachable()}
    home = work / "home"
    home.mkdir(parents=True)
    data = work / "data"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GWLIB_DATA_DIR": str(data),
    }
    app = unpack(bundle_a, work / "a")
    result["app_dir"] = str(app)
    if not step(result, "install", ["./install.sh"], app, env):
        print(json.dumps(result, ensure_ascii=False))
        return

    server = Server(app, env, work / "run-a.log", free_port())
    try:
        result["health_seconds"] = server.wait()
        result["browser"] = browse(server.base, shot)
    finally:
        server.stop()

    python = str(app / ".venv/bin/python")
    result["font_file"] = subprocess.run(
        [python, "-c", "from matplotlib import font_manager as f; "
         "print(f.findfont('Noto Sans CJK SC', fallback_to_default=False))"],
        cwd=app, env=env, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    step(result, "brief", [python, "-m", "gwlib", "brief", "--year", "2024", "-o",
                           str(work / "brief.docx")], app, env)  # fmt: skip
    step(result, "add_user", [python, "-m", "gwlib", "users", "add", "zhang", "--role", "editor",
                              "--display-name", "张三"], app, env, input=PASSWORD + "\n")  # fmt: skip
    (app / ".streamlit/secrets.toml").write_text(SECRETS, encoding="utf-8")
    result["secrets_before"] = SECRETS
    (data / "attachments").mkdir(parents=True, exist_ok=True)
    (data / "attachments" / "封井记录.txt").write_text("升级时保留", encoding="utf-8")

    new = unpack(bundle_b, work / "b")
    if step(result, "upgrade", ["./install.sh", str(app)], new, env):
        server = Server(app, env, work / "run-b.log", free_port())
        try:
            result["health_after_upgrade_seconds"] = server.wait()
        finally:
            server.stop()
        result["after_upgrade"] = {
            "record": json.loads((app / ".gwlib-installed.json").read_text()),
            "previous": json.loads((app / ".previous/.gwlib-installed.json").read_text()),
            "secrets": (app / ".streamlit/secrets.toml").read_text(encoding="utf-8"),
            "backups": sorted(str(p) for p in (data / "backups").glob("*.gwbak")),
        }
        step(result, "rollback", ["./install.sh", "--rollback"], app, env)
        result["after_rollback"] = {
            "record": json.loads((app / ".gwlib-installed.json").read_text()),
            "previous_exists": (app / ".previous").exists(),
            "secrets": (app / ".streamlit/secrets.toml").read_text(encoding="utf-8"),
            "databases": sorted(p.name for p in data.iterdir() if p.name.startswith("gwlib")),
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
