"""The offline bundle's builder and installer, piece by piece (the whole bundle, built and
installed with no network, is tests/e2e/test_offline_bundle.py).

The installer must stop before it changes anything when the target lacks something, and say in
Chinese what to install; these tests give it a small fake bundle that fails each check.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.offline import install
from scripts.offline.build import (
    BuildError,
    elf_needed,
    pip_platforms,
    wheel_min_glibc,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


def fake_bundle(root: Path, **info: Any) -> install.Bundle:
    """A bundle with no wheels: bundle.json, MANIFEST, install.sh, the installer, gwlib/config.py."""
    for rel, src in {
        "install.sh": "scripts/offline/install.sh",
        "scripts/offline/install.py": "scripts/offline/install.py",
        "scripts/serve.sh": "scripts/serve.sh",
        "gwlib/config.py": "gwlib/config.py",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / src, root / rel)
    (root / "app.py").write_text("# app\n")
    defaults = {
        "name": "gwlib-offline",
        "version": "0.1.0",
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "platform": f"manylinux_2_17_{platform.machine()}",
        "arch": platform.machine(),
        "glibc": "2.17",
        "system_libs": ["libc.so.6"],
        "optional_libs": [],
        "pip_wheel": "pip-0-py3-none-any.whl",
        "wheels": [],
        "fonts": {"package": "fonts-noto-cjk", "version": "0", "files": []},
    }
    (root / "bundle.json").write_text(json.dumps({**defaults, **info}))
    files = sorted(p for p in root.rglob("*") if p.is_file())
    (root / "MANIFEST").write_text(
        "".join(f"{install.sha256(p)}  {p.relative_to(root).as_posix()}\n" for p in files)
    )
    return install.Bundle.load(root)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("GWLIB_DB_URL", "GWLIB_DATA_DIR", "GWLIB_ADDRESS"):
        monkeypatch.setenv(name, "")  # recorded, so that what the installer sets is undone
        monkeypatch.delenv(name)
    return home


def test_a_damaged_bundle_is_named_file_by_file(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path / "b")
    assert install.check_manifest(bundle) == []
    (tmp_path / "b/app.py").write_text("# changed on the USB disk\n")
    (tmp_path / "b/gwlib/config.py").unlink()
    (problem,) = install.check_manifest(bundle)
    assert "app.py（SHA-256 不符）" in problem
    assert "gwlib/config.py（缺失）" in problem
    assert "请重新拷贝安装包" in problem


def test_missing_system_pieces_are_named_with_the_package_to_install(tmp_path: Path) -> None:
    bundle = fake_bundle(
        tmp_path / "b",
        arch="sparc64",
        glibc="9.99",
        system_libs=["libc.so.6", "libstdc++.so.6", "libgwlib-absent.so.7"],
    )
    problems = "\n".join(install.check_system(bundle))
    assert f"本安装包用于 sparc64 处理器，本机是 {platform.machine()}" in problems
    assert "需要 glibc 9.99 或更新" in problems
    assert "缺少系统库 libgwlib-absent.so.7" in problems
    assert "提供 libgwlib-absent.so.7 的软件包" in problems
    assert "libstdc++" not in problems  # present here


def test_a_failed_check_changes_nothing_and_lists_every_problem(
    tmp_path: Path, clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = fake_bundle(tmp_path / "b", glibc="9.99", system_libs=["libgwlib-absent.so.7"])
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(install.InstallError) as err:
        install.install(bundle, target, "user")
    message = str(err.value)
    assert message.startswith("安装前检查未通过，未做任何改动")
    assert "  1. 需要 glibc 9.99" in message
    assert "  2. 缺少系统库 libgwlib-absent.so.7" in message
    assert list(target.iterdir()) == []
    assert not (clean_env / ".local").exists()  # no fonts, no data directory


def test_install_sh_names_the_python_to_install(tmp_path: Path) -> None:
    fake_bundle(tmp_path / "b", python="3.99")
    target = tmp_path / "target"
    done = subprocess.run(
        ["bash", str(tmp_path / "b/install.sh"), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "需要 Python 3.99：本安装包中的组件是为 Python 3.99 编译的" in done.stderr
    assert "apt install python3.99" in done.stderr
    assert "./dev.sh bundle --python" in done.stderr
    assert not target.exists()


def test_an_older_bundle_does_not_overwrite_a_newer_install(
    tmp_path: Path, clean_env: Path
) -> None:
    bundle = fake_bundle(tmp_path / "b", version="0.9.0")
    target = tmp_path / "target"
    target.mkdir()
    (target / install.RECORD).write_text(json.dumps({"version": "0.10.0", "entries": []}))
    with pytest.raises(install.InstallError, match=r"已安装 0\.10\.0，比本安装包 0\.9\.0 新"):
        install.install(bundle, target, "none")
    assert [p.name for p in target.iterdir()] == [install.RECORD]


def test_env_file_fills_in_what_the_environment_does_not_set(
    tmp_path: Path, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One parser (load_env_file in scripts/serve.sh) for run.sh, dev.sh and the installer."""
    (tmp_path / "gwlib.env").write_text(
        "# 服务设置\n"
        "GWLIB_DATA_DIR=/srv/gwlib data\n"
        'export GWLIB_DB_URL="postgresql+psycopg://gw:pw@db/gw"\n'
        "  GWLIB_ADDRESS='0.0.0.0'  \n"
        "\n"
    )
    monkeypatch.setenv("GWLIB_ADDRESS", "127.0.0.1")  # the environment wins
    install.load_env_file(tmp_path, REPO_ROOT)
    assert os.environ["GWLIB_DATA_DIR"] == "/srv/gwlib data"
    assert os.environ["GWLIB_DB_URL"] == "postgresql+psycopg://gw:pw@db/gw"
    assert os.environ["GWLIB_ADDRESS"] == "127.0.0.1"

    (tmp_path / "gwlib.env").write_text("GWLIB_DATA_DIR /srv\n")
    with pytest.raises(install.InstallError, match="应写作 名称=值，而不是「GWLIB_DATA_DIR /srv」"):
        install.load_env_file(tmp_path, REPO_ROOT)


def test_database_is_resolved_as_the_app_resolves_it(
    tmp_path: Path, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app"
    (target / ".streamlit").mkdir(parents=True)
    db = install.resolve_database(target, REPO_ROOT)
    assert db.url == f"sqlite:///{clean_env}/.local/share/gwlib/gwlib.sqlite"
    assert db.sqlite_path == clean_env / ".local/share/gwlib/gwlib.sqlite"

    monkeypatch.setenv("GWLIB_DB_URL", "sqlite:////env.sqlite")
    assert install.resolve_database(target, REPO_ROOT).url == "sqlite:////env.sqlite"
    (clean_env / ".streamlit").mkdir()
    (clean_env / ".streamlit/secrets.toml").write_text('[db]\nurl = "sqlite:////home.sqlite"\n')
    assert install.resolve_database(target, REPO_ROOT).url == "sqlite:////home.sqlite"
    (target / ".streamlit/secrets.toml").write_text(
        '[db]\nurl = "postgresql+psycopg://gw:s3cret@db-host:5433/gw"\n'
    )
    db = install.resolve_database(target, REPO_ROOT)
    assert db.sqlite_path is None
    assert db.shown() == "postgresql+psycopg://gw:***@db-host:5433/gw"
    (problem,) = install.check_database_reachable(
        install.Database("postgresql+psycopg://gw@127.0.0.1:1/gw", db.data_dir)
    )
    assert problem.startswith("无法连接数据库服务器 127.0.0.1:1")


def test_gwlib_config_loads_with_the_standard_library_alone() -> None:
    """The installer runs on the system Python, with no site-packages, and reads the data
    directory and database URL through gwlib/config.py itself."""
    code = (
        "import sys; sys.path.insert(0, 'scripts/offline'); import install, pathlib; "
        "print(install.load_config(pathlib.Path('.')).resolve_db_url('sqlite:///x'))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sqlite:///x"


@pytest.mark.parametrize(
    ("older", "newer"), [("0.1.0", "0.1.1"), ("0.9.3", "0.10.0"), ("1.2", "1.2.1")]
)
def test_version_order(older: str, newer: str) -> None:
    assert install.version_key(older) < install.version_key(newer)


# -- builder -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wheel", "glibc"),
    [
        ("numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", (2, 27)),
        ("matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", (2, 17)),
        (
            "charset_normalizer-3.5.3-cp311-cp311-manylinux1_x86_64.manylinux_2_28_x86_64"
            ".manylinux_2_5_x86_64.whl",
            (2, 5),
        ),
        ("pyarrow-26.0.1-cp311-cp311-manylinux_2_28_x86_64.whl", (2, 28)),
        ("streamlit-1.67.0-py3-none-any.whl", None),
    ],
)
def test_wheel_min_glibc(wheel: str, glibc: tuple[int, int] | None) -> None:
    assert wheel_min_glibc(wheel) == glibc


def test_pip_platforms_widen_the_glibc_baseline() -> None:
    tags = pip_platforms("manylinux_2_28_aarch64")
    assert tags[0] == "manylinux_2_28_aarch64"
    assert {"manylinux_2_17_aarch64", "manylinux2014_aarch64", "manylinux_2_5_aarch64"} <= set(tags)
    assert not any("2_29" in t for t in tags)
    with pytest.raises(BuildError, match="应写作 manylinux_2_<glibc 次版本号>_<架构>"):
        pip_platforms("linux_x86_64")


def test_elf_needed_reads_the_libraries_of_an_extension_module() -> None:
    import numpy.linalg._umath_linalg as ext

    needed = elf_needed(Path(ext.__file__).read_bytes())
    assert "libc.so.6" in needed
    vendored = {p.name for p in (Path(ext.__file__).parents[2] / "numpy.libs").iterdir()}
    assert set(needed) & vendored  # OpenBLAS, shipped inside the wheel
    assert elf_needed(b"#!/bin/sh\n") == []
