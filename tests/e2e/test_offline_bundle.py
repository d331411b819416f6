"""The offline install bundle, end to end, on a machine with no network (issue 15).

Builds two bundles once per session: A from this tree (``./dev.sh bundle`` does the same), and B
from a copy of it whose pyproject.toml says the next patch version. Then ``bundle_probe.py``
runs in new network and mount namespaces, with only loopback up and the host's CJK fonts
hidden: unpack A into an empty directory, ``./install.sh``, ``./run.sh`` on a free port, health,
the home page and the map in Chromium; the brief; a user added; B's ``install.sh`` over A
(upgrade), ``run.sh`` again; ``install.sh --rollback``.

Building needs PyPI once (wheels are kept in ~/.cache/gwlib-bundle); everything after it runs
with no network. 2 min 45 s on a quiet 2-core machine (two builds 25 s, install 44 s, upgrade
50 s, the rest starting the app and the browser); 10–12 min while other jobs load it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from gwlib.store import Store
from gwlib.store.backup import read_manifest, table_checksums
from scripts.offline.build import build, project_version, source_files

pytestmark = [pytest.mark.e2e, pytest.mark.bundle]

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("bundle_probe.py")
SCREENSHOT = Path(__file__).parent / "screenshots" / "offline-bundle.png"


def next_patch(version: str) -> str:
    parts = version.split(".")
    return ".".join([*parts[:-1], str(int(parts[-1]) + 1)])


@pytest.fixture(scope="session")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Bundle A (this tree) and bundle B (the same code one patch version later)."""
    out = tmp_path_factory.mktemp("dist")
    a, a_figures = build(REPO_ROOT, out)
    copy = tmp_path_factory.mktemp("source-b")
    for src, _ in source_files(REPO_ROOT):
        dest = copy / src.relative_to(REPO_ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    version_a = project_version(REPO_ROOT)
    version_b = next_patch(version_a)
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (copy / "pyproject.toml").write_text(
        pyproject.replace(f'version = "{version_a}"', f'version = "{version_b}"', 1),
        encoding="utf-8",
    )
    b, b_figures = build(copy, out)
    return {"a": a, "b": b, "version_a": version_a, "version_b": version_b,
            "figures": {"a": a_figures, "b": b_figures}}  # fmt: skip


@pytest.fixture(scope="session")
def probe(bundles: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to cut the test off from the network"
    assert os.geteuid() == 0, "the namespaces need root (CI runs as root)"
    work = tmp_path_factory.mktemp("offline")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        [unshare, "--net", "--mount", sys.executable, str(PROBE), str(bundles["a"]),
         str(bundles["b"]), str(work), str(SCREENSHOT)],
        capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert run.returncode == 0, f"{run.stdout[-5000:]}\n{run.stderr[-5000:]}"
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result["work"] = work
    # Figures for the report (pytest -s shows them).
    print(
        "\noffline bundle:",
        json.dumps(bundles["figures"], ensure_ascii=False),
        {k: v["seconds"] for k, v in result.items() if isinstance(v, dict) and "seconds" in v},
        f"health {result.get('health_seconds')} s",
    )
    return result


def _ok(result: dict[str, Any], name: str) -> str:
    step = result[name]
    assert step["rc"] == 0, f"{name} failed:\n{step['out']}\n{step['err']}"
    return str(step["out"] + step["err"])


def test_bundle_is_named_for_version_python_and_platform(bundles: dict[str, Any]) -> None:
    xy = f"{sys.version_info.major}{sys.version_info.minor}"
    assert re.fullmatch(
        rf"gwlib-offline-{re.escape(bundles['version_a'])}-cp{xy}-manylinux_2_\d+_\w+\.tar\.gz",
        bundles["a"].name,
    )
    assert bundles["b"].name.startswith(f"gwlib-offline-{bundles['version_b']}-")
    done = subprocess.run(
        ["sha256sum", "-c", bundles["a"].name + ".sha256"],
        cwd=bundles["a"].parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_install_and_run_with_no_network(probe: dict[str, Any]) -> None:
    assert probe["internet_reachable"] is False  # the namespace really is cut off
    out = _ok(probe, "install")
    assert "虚拟环境已创建" in out

    browser = probe["browser"]
    assert browser["exceptions"] == []
    assert "总览" in browser["home_text"]
    assert "模拟数据" in browser["home_text"]  # run.sh built the demo database
    assert browser["map"]["leaflet"] == "1.9.4"  # from the bundle's static/vendor
    assert browser["map"]["polygons"] >= 10
    hosts = {urlsplit(u).hostname for u in browser["requests"] if urlsplit(u).scheme != "data"}
    assert hosts == {"127.0.0.1"}, hosts
    assert browser["failed"] == []

    # The brief's charts drew with the font the bundle installed (the host's are hidden).
    assert probe["font_file"].startswith("/usr/local/share/fonts/gwlib-noto-cjk/"), probe
    _ok(probe, "brief")


def test_upgrade_keeps_every_row_then_rolls_back(
    probe: dict[str, Any], bundles: dict[str, Any]
) -> None:
    _ok(probe, "add_user")
    out = _ok(probe, "upgrade")
    assert "备份数据库" in out
    assert "逐表一致" in out  # gwlib verify after the migration
    assert "如需回退" in out and "--rollback" in out
    after = probe["after_upgrade"]
    assert after["record"]["version"] == bundles["version_b"]
    assert after["previous"]["version"] == bundles["version_a"]
    assert after["secrets"] == probe["secrets_before"]
    assert probe["health_after_upgrade_seconds"] > 0

    # Every row kept: the upgraded database (set aside by the rollback) has exactly the
    # checksums of the backup taken before the upgrade, table by table, and that backup holds
    # the demo data and the user added before the upgrade.
    (backup,) = after["backups"]
    manifest = read_manifest(backup)
    data = probe["work"] / "data"
    aside = f"gwlib.sqlite.{bundles['version_b']}-"
    (upgraded,) = [
        p for p in data.iterdir() if p.name.startswith(aside) and not p.name.endswith("-wal")
        and not p.name.endswith("-shm")
    ]  # fmt: skip
    with Store.open(f"sqlite:///{upgraded}", migrate=False) as store:
        assert _checksums(table_checksums(store)) == _checksums(manifest["tables"])
    assert manifest["tables"]["measurement"]["rows"] > 10_000
    with zipfile.ZipFile(backup) as zf:
        assert '"zhang"' in zf.read("app_user.jsonl").decode()

    # Rollback: program A back in place, database restored from the backup (same checksums).
    out = _ok(probe, "rollback")
    assert "已回退到" in out
    back = probe["after_rollback"]
    assert back["record"]["version"] == bundles["version_a"]
    assert back["previous_exists"] is False
    assert back["secrets"] == probe["secrets_before"]
    with Store.open(f"sqlite:///{data / 'gwlib.sqlite'}", migrate=False) as store:
        assert _checksums(table_checksums(store)) == _checksums(manifest["tables"])
    assert (data / "attachments" / "封井记录.txt").read_text(encoding="utf-8") == "升级时保留"


def _checksums(tables: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return {name: (t["rows"], t["sha256"]) for name, t in tables.items()}
