"""Install, upgrade or roll back the app from an offline bundle. Never touches the network.

Run by ``install.sh`` (which finds the Python the wheels were built for) on the target's own
Python, so only the standard library is used here::

    ./install.sh [DIR]                 install into DIR (default: the unpacked bundle itself);
                                       when DIR holds an earlier version, upgrade it in place
    ./install.sh --rollback [DIR]      undo the last upgrade of DIR (program and database)
    ./install.sh --fonts user|system|none

Every check runs before anything changes (bundle intact per MANIFEST, Python, venv and sqlite3
modules, CPU, glibc and the system libraries the wheels need, disk space, database reachable,
app stopped); when one fails, all failures are printed in Chinese, each with what to install,
and nothing has been touched.

Install::

    fonts → program files → .venv from the bundled wheels only (pip --no-index) → import check
    → migrate (an existing or configured database; a missing SQLite file is left to run.sh,
      which builds the demo database on first start, as ./dev.sh run does)

Upgrade (DIR has ``.gwlib-installed.json`` of an older or the same version)::

    1. back up the database with the installed program:   python -m gwlib backup
    2. move the old program and its .venv to DIR/.previous
    3. new program, .venv, import check    (any failure: the old program is moved back;
                                             the database has not been touched)
    4. migrate, then python -m gwlib verify the backup     (every row kept, by checksum)
    5. print how to roll back

Kept as they are: the data directory, DIR/.streamlit/secrets.toml, DIR/gwlib.env and every other
file in DIR that is not part of the program.

Settings come from the environment and, for variables not set there, from ``DIR/gwlib.env``
(``KEY=VALUE`` lines; run.sh reads it the same way), so install, upgrade, run.sh and a systemd
service all find the same database. The database URL is resolved as the app resolves it:
``[db] url`` in ``.streamlit/secrets.toml``, else :func:`gwlib.config.resolve_db_url`.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parents[2]  # the unpacked bundle
RECORD = ".gwlib-installed.json"
UPGRADE = ".gwlib-upgrade.json"
PREVIOUS = ".previous"
VENV = ".venv"
ENV_FILE = "gwlib.env"
FONT_SUBDIR = "gwlib-noto-cjk"
#: Bundle files that stay in the bundle when the program is copied to another directory.
BUNDLE_ONLY = ("wheels", "fonts", "MANIFEST")
#: Installed size of the virtualenv relative to the wheels (measured: 268 MB → 1.1 GB).
VENV_FACTOR = 4.5
MB = 1 << 20

#: Debian package (same name on 统信 UOS and 麒麟) that provides a system library.
LIB_PACKAGES = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "librt.so.1": "libc6",
    "libpthread.so.0": "libc6",
    "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libz.so.1": "zlib1g",
    "libexpat.so.1": "libexpat1",
    "libffi.so.8": "libffi8",
}

#: Imports every module of gwlib and gwui (not the Alembic scripts), so a missing shared
#: library or a broken wheel shows now, not when someone opens a page.
IMPORT_CHECK = """
import importlib, pkgutil, sys
bad = []
for top in ("gwlib", "gwui"):
    pkg = importlib.import_module(top)
    for info in pkgutil.walk_packages(pkg.__path__, top + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            bad.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(bad))
sys.exit(1 if bad else 0)
"""

#: The CJK family the brief's charts use; retried once with matplotlib's font list rebuilt,
#: since matplotlib caches the list and does not notice fonts installed afterwards.
FONT_CHECK = """
import glob, os, sys
import matplotlib
try:
    from gwlib.brief.charts import cjk_family
    print(cjk_family())
except Exception:
    for f in glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-*.json")):
        os.remove(f)
    sys.exit(3)
"""


class InstallError(Exception):
    """Stop: the message (Chinese) says what is wrong and what to do."""


STARTED = time.monotonic()


def say(msg: str) -> None:
    """A progress line, with the seconds since the installer started."""
    print(f"==> [{time.monotonic() - STARTED:4.0f} s] {msg}", flush=True)


# -- the bundle and an installed directory ---------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    root: Path
    info: dict[str, Any]

    @classmethod
    def load(cls, root: Path) -> Bundle:
        return cls(root, json.loads((root / "bundle.json").read_text(encoding="utf-8")))

    @property
    def version(self) -> str:
        return str(self.info["version"])

    def manifest(self) -> dict[str, str]:
        """path → SHA-256 from MANIFEST."""
        out: dict[str, str] = {}
        for line in (self.root / "MANIFEST").read_text(encoding="utf-8").splitlines():
            digest, _, path = line.partition("  ")
            out[path] = digest
        return out

    def program_files(self, in_place: bool) -> list[str]:
        """Files that make up the installed program (the bundle's own files stay out when the
        program is copied elsewhere)."""
        files = list(self.manifest())
        if not in_place:
            files = [f for f in files if f.split("/", 1)[0] not in BUNDLE_ONLY]
        return files + (["MANIFEST"] if in_place else [])


def entries(files: Iterable[str]) -> list[str]:
    """Top-level entries that hold ``files`` (``.streamlit`` is shared with secrets.toml, so
    only its program files count)."""
    out: set[str] = set()
    for f in files:
        top = f.split("/", 1)[0]
        out.add(f if top == ".streamlit" else top)
    return sorted(out)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    m = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(p) for p in m.group(0).split(".")) if m else ()


def read_record(target: Path) -> dict[str, Any] | None:
    path = target / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# -- settings: gwlib.env, secrets.toml, gwlib.config -----------------------------------------


def load_env_file(target: Path, program: Path) -> None:
    """Variables from DIR/gwlib.env that the environment does not set, read by the same shell
    function as run.sh and dev.sh use (``load_env_file`` in scripts/serve.sh)."""
    path = target / ENV_FILE
    if not path.is_file():
        return
    done = subprocess.run(
        ["bash", "-c", '. scripts/serve.sh && load_env_file "$1" && env -0', "bash", str(path)],
        cwd=program,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise InstallError(done.stderr.decode(errors="replace").strip())
    for item in done.stdout.split(b"\0"):
        key, sep, value = item.decode(errors="surrogateescape").partition("=")
        if sep and key not in os.environ:
            os.environ[key] = value


def load_config(program: Path) -> ModuleType:
    """gwlib/config.py of ``program`` on its own (it imports only the standard library)."""
    spec = importlib.util.spec_from_file_location("gwlib_config", program / "gwlib" / "config.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def secrets_db_url(target: Path) -> str | None:
    """``[db] url`` from the secrets files Streamlit reads (the app's own one wins)."""
    url = None
    for path in (Path.home() / ".streamlit" / "secrets.toml", target / ".streamlit/secrets.toml"):
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    db = tomllib.load(fh).get("db", {})
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InstallError(f"{path} 无法读取：{exc}") from exc
            if isinstance(db, dict) and db.get("url"):
                url = str(db["url"])
    return url


@dataclass(frozen=True)
class Database:
    url: str
    data_dir: Path

    @property
    def sqlite_path(self) -> Path | None:
        m = re.match(r"sqlite(\+\w+)?:///(.*)", self.url)
        return Path(m.group(2).split("?", 1)[0]) if m else None

    @property
    def exists(self) -> bool:
        path = self.sqlite_path
        return path is None or (path.is_file() and path.stat().st_size > 0)

    def shown(self) -> str:
        """The URL without its password."""
        parts = urlsplit(self.url)
        if parts.password:
            return self.url.replace(f":{parts.password}@", ":***@", 1)
        return self.url


def resolve_database(target: Path, program: Path) -> Database:
    config = load_config(program)
    return Database(config.resolve_db_url(secrets_db_url(target)), config.data_dir())


# -- checks (nothing changes until all pass) ---------------------------------------------------


def check_manifest(bundle: Bundle) -> list[str]:
    bad = []
    for path, digest in bundle.manifest().items():
        file = bundle.root / path
        if not file.is_file():
            bad.append(f"{path}（缺失）")
        elif sha256(file) != digest:
            bad.append(f"{path}（SHA-256 不符）")
    if bad:
        shown = "、".join(bad[:10]) + (f" 等 {len(bad)} 个文件" if len(bad) > 10 else "")
        return [f"安装包不完整或已损坏：{shown}。请重新拷贝安装包并核对其 SHA-256"]
    return []


def check_python(bundle: Bundle) -> list[str]:
    want = bundle.info["python"]
    have = f"{sys.version_info.major}.{sys.version_info.minor}"
    problems = []
    if sys.implementation.name != "cpython" or have != want:
        problems.append(f"需要 CPython {want}，当前是 {platform.python_implementation()} {have}")
    for module, package in (("venv", f"python{want}-venv"), ("sqlite3", f"libpython{want}-stdlib")):
        if importlib.util.find_spec(module) is None:
            problems.append(f"Python 缺少 {module} 模块：请安装 {package}")
    return problems


def glibc_version() -> tuple[int, ...] | None:
    name, _, version = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
    return version_key(version) if name == "glibc" else None


def check_system(bundle: Bundle) -> list[str]:
    problems = []
    arch = bundle.info["arch"]
    if platform.machine() != arch:
        problems.append(
            f"本安装包用于 {arch} 处理器，本机是 {platform.machine()}："
            f"请用 ./dev.sh bundle --platform manylinux_2_28_{platform.machine()} 制作安装包"
        )
    need = version_key(bundle.info["glibc"])
    have = glibc_version()
    if have is None or have < need:
        shown = ".".join(map(str, have)) if have else "非 glibc"
        problems.append(
            f"需要 glibc {bundle.info['glibc']} 或更新（本机 {shown}）：请升级操作系统，"
            "或在联网的电脑上用 ./dev.sh bundle --platform manylinux_2_<本机 glibc 次版本号>_"
            f"{arch} 制作安装包"
        )
    missing = []
    for lib in bundle.info["system_libs"]:
        if lib.startswith("ld-linux"):
            continue  # the dynamic loader itself; present when anything runs
        try:
            ctypes.CDLL(lib)
        except OSError:
            missing.append(lib)
    if missing:
        packages = sorted({LIB_PACKAGES.get(lib, f"提供 {lib} 的软件包") for lib in missing})
        problems.append(
            f"缺少系统库 {'、'.join(missing)}："
            f"请从系统安装光盘或内网软件源安装 {' '.join(packages)}"
        )
    return problems


def free_mb(path: Path) -> float:
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free / MB


def check_space(bundle: Bundle, target: Path, db: Database | None, upgrade: bool) -> list[str]:
    wheels = sum((bundle.root / "wheels" / w).stat().st_size for w in bundle.info["wheels"])
    need = wheels * VENV_FACTOR / MB + 50
    problems = []
    if free_mb(target) < need:
        problems.append(f"{target} 所在磁盘剩余 {free_mb(target):.0f} MB，安装需要约 {need:.0f} MB")
    if upgrade and db is not None and db.sqlite_path is not None and db.exists:
        size = db.sqlite_path.stat().st_size / MB
        if free_mb(db.data_dir) < size + 50:
            problems.append(
                f"数据目录 {db.data_dir} 所在磁盘剩余 {free_mb(db.data_dir):.0f} MB，"
                f"升级前的数据库备份需要约 {size:.0f} MB"
            )
    return problems


def check_writable(target: Path) -> list[str]:
    probe = target
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        return [f"没有写入 {probe} 的权限：请换一个目录，或用 sudo 运行"]
    return []


def check_database_reachable(db: Database) -> list[str]:
    """A TCP connection to a database server (PostgreSQL); SQLite files need nothing."""
    if db.sqlite_path is not None:
        return []
    parts = urlsplit(db.url)
    host, port = parts.hostname or "localhost", parts.port or 5432
    if host.startswith("/"):
        return []  # a Unix socket directory
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        return [
            f"无法连接数据库服务器 {host}:{port}（{db.shown()}）：{exc}。请先启动数据库或检查网络"
        ]
    return []


def running_apps(target: Path) -> list[int]:
    """Processes started from ``target`` (or its .previous) that run Streamlit."""
    pids = []
    places = {target.resolve(), (target / PREVIOUS).resolve()}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cwd = (proc / "cwd").resolve(strict=True)
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if cwd in places and b"streamlit" in cmdline:
            pids.append(int(proc.name))
    return pids


def check_stopped(target: Path) -> list[str]:
    pids = running_apps(target)
    if pids:
        return [
            f"应用正在运行（进程 {', '.join(map(str, pids))}）：请先停止"
            "（systemctl stop gwlib，或在运行 run.sh 的终端按 Ctrl-C）"
        ]
    return []


def check_inside_program(db: Database, target: Path, program: Iterable[str]) -> list[str]:
    data = db.data_dir.resolve()
    for entry in program:
        place = (target / entry).resolve()
        if data == place or place in data.parents:
            return [
                f"数据目录 {db.data_dir} 位于程序目录 {place} 之内，升级时会随程序移走："
                f"请把数据移到程序目录之外，并在 {target / ENV_FILE} 中设置 GWLIB_DATA_DIR"
            ]
    return []


# -- actions ---------------------------------------------------------------------------------


def db_owner(db: Database) -> tuple[int, int] | None:
    """Run database commands as the owner of the data directory when root installs for a
    service account, so that SQLite's -wal/-shm files and backups stay the service's."""
    if os.geteuid() != 0 or not db.data_dir.exists():
        return None
    st = db.data_dir.stat()
    return None if st.st_uid == 0 else (st.st_uid, st.st_gid)


def run(
    cmd: list[str],
    cwd: Path,
    what: str,
    owner: tuple[int, int] | None = None,
    quiet: bool = True,
) -> str:
    """Run ``cmd``; on failure raise InstallError with its output."""
    kwargs: dict[str, Any] = {}
    if owner is not None:
        kwargs.update(user=owner[0], group=owner[1], extra_groups=[])
    done = subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=quiet,
        text=True,
        check=False,
        **kwargs,
    )
    if done.returncode != 0:
        detail = ((done.stdout or "") + (done.stderr or "")).strip()[-3000:]
        raise InstallError(f"{what}失败（退出码 {done.returncode}）：\n{detail}")
    return (done.stdout or "") + (done.stderr or "")


def gwlib_cmd(program: Path, *args: str) -> list[str]:
    return [str(program / VENV / "bin/python"), "-m", "gwlib", *args]


def install_fonts(bundle: Bundle, mode: str) -> Path | None:
    if mode == "none":
        return None
    if mode == "system" or (mode == "auto" and os.geteuid() == 0):
        dest = Path("/usr/local/share/fonts") / FONT_SUBDIR
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local/share")
        dest = Path(data_home) / "fonts" / FONT_SUBDIR
    dest.mkdir(parents=True, exist_ok=True)
    for name in [*bundle.info["fonts"]["files"], "LICENSE-fonts-noto-cjk.txt", "README.txt"]:
        src, out = bundle.root / "fonts" / name, dest / name
        if (
            not out.is_file()
            or out.stat().st_size != src.stat().st_size
            or sha256(out) != sha256(src)
        ):
            shutil.copyfile(src, out)
            out.chmod(0o644)
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache", "-f", str(dest)], capture_output=True, check=False)
    say(f"中文字体已安装：{dest}")
    return dest


def copy_program(bundle: Bundle, files: list[str], target: Path) -> dict[str, str]:
    digests = bundle.manifest()
    for rel in files:
        src, dst = bundle.root / rel, target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.resolve() != dst.resolve():
            shutil.copy2(src, dst)
    return {f: digests[f] for f in files if f in digests}


def create_venv(bundle: Bundle, target: Path) -> float:
    started = time.monotonic()
    venv = target / VENV
    if venv.exists():
        shutil.rmtree(venv)
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], target, "创建虚拟环境")
    pip = bundle.root / "wheels" / bundle.info["pip_wheel"] / "pip"
    run(
        [
            str(venv / "bin/python"), str(pip), "install", "--isolated", "--no-index",
            "--find-links", str(bundle.root / "wheels"), "--no-cache-dir",
            "--disable-pip-version-check", "--no-warn-script-location", "--quiet",
            "-r", str(bundle.root / "requirements.txt"), "pip",
        ],
        target,
        "从安装包中的 wheel 安装 Python 组件",
    )  # fmt: skip
    return time.monotonic() - started


def check_imports(target: Path) -> None:
    python = str(target / VENV / "bin/python")
    run([python, "-c", IMPORT_CHECK], target, "检查程序能否加载（导入全部模块）")
    say("程序的全部模块均可加载")


def check_font(target: Path) -> str:
    python = str(target / VENV / "bin/python")
    for _ in range(2):
        done = subprocess.run(
            [python, "-c", FONT_CHECK], cwd=target, capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return done.stdout.strip()
    raise InstallError(
        "字体已安装，但简报绘图仍找不到中文字体（Noto Sans CJK SC）：" + done.stderr.strip()[-1000:]
    )


def migrate(program: Path, db: Database) -> str:
    out = run(gwlib_cmd(program, "migrate", "--db", db.url), program, "数据库迁移", db_owner(db))
    return out.strip().splitlines()[-1] if out.strip() else ""


def move_program(src_root: Path, dst_root: Path, items: Iterable[str]) -> None:
    for item in items:
        src = src_root / item
        if src.exists() or src.is_symlink():
            dst = dst_root / item
            dst.parent.mkdir(parents=True, exist_ok=True)
            src.rename(dst)


def write_record(target: Path, bundle: Bundle, files: dict[str, str]) -> None:
    record = {
        "version": bundle.version,
        "python": bundle.info["python"],
        "platform": bundle.info["platform"],
        "entries": [*entries(files), VENV, RECORD],
        "files": files,
        "installed": datetime.now().isoformat(timespec="seconds"),
    }
    (target / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")


def modified_files(target: Path, record: dict[str, Any]) -> list[str]:
    out = []
    for rel, digest in record.get("files", {}).items():
        path = target / rel
        if path.is_file() and sha256(path) != digest:
            out.append(rel)
    return out


# -- the three commands -----------------------------------------------------------------------


def preflight(problems: list[str]) -> None:
    if problems:
        lines = "\n".join(f"  {i}. {p}" for i, p in enumerate(problems, 1))
        raise InstallError(f"安装前检查未通过，未做任何改动：\n{lines}")
    say("检查通过")


def install(bundle: Bundle, target: Path, fonts: str) -> None:
    in_place = target == bundle.root
    load_env_file(target, bundle.root)
    record = read_record(target)
    upgrade = record is not None and not in_place
    files = bundle.program_files(in_place)

    say(f"检查安装包（{len(bundle.manifest())} 个文件的 SHA-256）和本机…")
    problems = check_manifest(bundle) + check_python(bundle) + check_system(bundle)
    problems += check_writable(target)
    db = resolve_database(target, bundle.root)
    problems += check_space(bundle, target, db, upgrade)
    problems += check_database_reachable(db)
    problems += check_inside_program(db, target, entries(files))
    if record is not None:
        problems += check_stopped(target)
    if upgrade:
        assert record is not None
        old = record["version"]
        if version_key(bundle.version) < version_key(old):
            problems.append(
                f"{target} 已安装 {old}，比本安装包 {bundle.version} 新：不能用旧版本覆盖。"
                f"撤销最近一次升级请运行 {target}/install.sh --rollback"
            )
        old_python = target / VENV / "bin/python"
        if (
            not old_python.exists()
            or subprocess.run(
                [str(old_python), "-c", "import gwlib"],
                cwd=target,
                capture_output=True,
                check=False,
            ).returncode
        ):
            problems.append(
                f"{target} 中已安装的 {old} 无法运行（{VENV} 损坏），不能用它备份数据库：请先用 "
                f"python -m gwlib backup 手工备份，再删除 {target / RECORD} 后重新安装"
            )
    elif target.exists() and not in_place and any(target.iterdir()) and record is None:
        strays = [p.name for p in target.iterdir() if p.name in {e.split("/")[0] for e in files}]
        if strays:
            problems.append(
                f"{target} 中已有 {'、'.join(sorted(strays)[:5])} 等文件，但不是本程序的安装目录"
                f"（没有 {RECORD}）：请换一个空目录"
            )
    preflight(problems)

    say(
        f"{'升级' if upgrade else '安装'} {describe(bundle)} → {target}"
        + (f"（已安装 {record['version']}）" if upgrade and record else "")
    )
    say(f"数据库：{db.shown()}；数据目录：{db.data_dir}")
    install_fonts(bundle, fonts)

    if upgrade:
        assert record is not None
        _upgrade(bundle, target, files, record, db, fonts)
        return

    digests = copy_program(bundle, files, target)
    python = target / VENV / "bin/python"
    reuse = (
        in_place
        and record is not None
        and record["version"] == bundle.version
        and python.exists()
        and subprocess.run([str(python), "-c", "import streamlit"], capture_output=True).returncode
        == 0
    )
    if reuse:
        say("虚拟环境已存在且可用，保留")
    else:
        say("从安装包中的 wheel 创建虚拟环境（不联网）…")
        try:
            seconds = create_venv(bundle, target)
        except InstallError:
            shutil.rmtree(target / VENV, ignore_errors=True)
            raise
        say(f"虚拟环境已创建：{target / VENV}（{seconds:.0f} 秒）")
    check_imports(target)
    write_record(target, bundle, digests)
    if fonts != "none":
        say(f"简报图表字体：{check_font(target)}")
    if db.exists:
        say(f"数据库迁移：{migrate(target, db)}")
    else:
        say(f"数据库 {db.sqlite_path} 尚不存在：首次运行 run.sh 时生成模拟数据库（标注“模拟数据”）")
    finish(target)


def describe(bundle: Bundle) -> str:
    info = bundle.info
    return f"{info['name']} {bundle.version}（Python {info['python']}，{info['platform']}）"


def _upgrade(
    bundle: Bundle,
    target: Path,
    files: list[str],
    record: dict[str, Any],
    db: Database,
    fonts: str,
) -> None:
    old = record["version"]
    owner = db_owner(db)
    backup: Path | None = None
    if db.exists:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = db.data_dir / "backups" / f"gwlib-{old}-before-{bundle.version}-{stamp}.gwbak"
        backup.parent.mkdir(parents=True, exist_ok=True)
        if owner:
            os.chown(backup.parent, *owner)
        say(f"用已安装的 {old} 备份数据库 → {backup}")
        run(
            gwlib_cmd(target, "backup", "--db", db.url, "-o", str(backup)),
            target,
            "备份数据库",
            owner,
        )
    else:
        say(f"数据库 {db.sqlite_path} 不存在，无需备份")

    changed = modified_files(target, record)
    previous = target / PREVIOUS
    if previous.exists():
        shutil.rmtree(previous)
    previous.mkdir()
    move_program(target, previous, record["entries"])
    secrets = target / ".streamlit/secrets.toml"
    if secrets.is_file():  # so that .previous runs on its own during a rollback
        (previous / ".streamlit").mkdir(exist_ok=True)
        shutil.copy2(secrets, previous / ".streamlit/secrets.toml")
    (previous / UPGRADE).write_text(
        json.dumps(
            {"from": old, "to": bundle.version, "backup": str(backup) if backup else None},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
    say(f"旧版 {old} 已移到 {previous}")

    try:
        digests = copy_program(bundle, files, target)
        say("从安装包中的 wheel 创建虚拟环境（不联网）…")
        seconds = create_venv(bundle, target)
        say(f"虚拟环境已创建（{seconds:.0f} 秒）")
        check_imports(target)
    except (InstallError, OSError) as exc:
        say("新版安装失败，恢复旧版程序（数据库未改动）…")
        new_entries = [*entries(files), VENV]
        for item in new_entries:
            path = target / item
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        move_program(previous, target, record["entries"])
        shutil.rmtree(previous)
        raise InstallError(f"升级未完成，已恢复到 {old}，数据库未改动。原因：{exc}") from exc

    write_record(target, bundle, digests)
    if changed:
        say(
            "注意：以下程序文件在安装后被修改过，已被新版替换（修改过的旧文件在 "
            f"{previous}）：{'、'.join(changed)}"
        )
    if (target / ".streamlit/secrets.toml").is_file():
        say("保留 .streamlit/secrets.toml")
    rollback_help = rollback_text(target, old, backup, db)
    if db.exists:
        try:
            say(f"数据库迁移：{migrate(target, db)}")
            assert backup is not None
            out = run(
                gwlib_cmd(target, "verify", str(backup), "--db", db.url),
                target,
                "核对升级后的数据库与升级前的备份",
                owner,
            )
            say(out.strip().splitlines()[-1])
        except InstallError as exc:
            raise InstallError(f"{exc}\n\n{rollback_help}") from exc
    if fonts != "none":
        say(f"简报图表字体：{check_font(target)}")
    say(f"已从 {old} 升级到 {bundle.version}。")
    print(rollback_help, flush=True)
    finish(target)


def rollback_text(target: Path, old: str, backup: Path | None, db: Database) -> str:
    lines = [f"如需回退到 {old}（程序和数据库都回到升级前）："]
    lines.append("  1. 停止应用（systemctl stop gwlib，或在运行 run.sh 的终端按 Ctrl-C）；")
    if backup is None:
        lines.append(f"  2. {target}/install.sh --rollback")
    elif db.sqlite_path is not None:
        lines.append(
            f"  2. {target}/install.sh --rollback"
            f"    （用 {old} 把备份 {backup} 恢复到新的 {db.sqlite_path}，"
            "升级后的数据库文件改名保留）"
        )
    else:
        lines.append(
            "  2. 新建一个空数据库（例如 sudo -u postgres createdb --owner gw gw_rollback）；"
        )
        lines.append(
            f"  3. {target}/install.sh --rollback --db postgresql+psycopg://用户:口令@主机/gw_rollback"
            f"    （用 {old} 把备份 {backup} 恢复到该库）；"
        )
        lines.append("  4. 把 GWLIB_DB_URL（或 secrets.toml 的 [db] url）改为该库。")
    return "\n".join(lines)


def rollback(target: Path, db_override: str | None) -> None:
    load_env_file(target, target)
    previous = target / PREVIOUS
    state_path = previous / UPGRADE
    if not state_path.is_file():
        raise InstallError(f"{target} 没有可撤销的升级（没有 {state_path}）")
    state = json.loads(state_path.read_text(encoding="utf-8"))
    record = read_record(target)
    old_record = read_record(previous)
    if record is None or old_record is None:
        raise InstallError(f"{target} 或 {previous} 中缺少 {RECORD}，无法自动回退")
    db = resolve_database(target, target)
    backup = Path(state["backup"]) if state["backup"] else None
    problems = check_stopped(target)
    if backup is not None and not backup.is_file():
        problems.append(f"升级前的备份 {backup} 不见了")
    if backup is not None and db.sqlite_path is None:
        if not db_override:
            problems.append(
                "数据库不是 SQLite：旧版程序要恢复到一个新的空库。"
                "请先新建空库，再运行 install.sh --rollback --db <新库 URL>"
            )
        else:
            problems += check_database_reachable(Database(db_override, db.data_dir))
    preflight(problems)

    owner = db_owner(db)
    if backup is not None:
        say(f"用 {state['from']} 把升级前的备份 {backup} 恢复到数据库…")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        if db.sqlite_path is not None:
            path = db.sqlite_path
            aside = path.with_name(f"{path.name}.{state['to']}-{stamp}")
            moved = []
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
                    moved.append((src, Path(str(aside) + suffix)))
            url = f"sqlite:///{path}"
            try:
                run(gwlib_cmd(previous, "restore", str(backup), "--db", url, "--yes"), previous,
                    f"用 {state['from']} 恢复备份", owner)  # fmt: skip
            except InstallError:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
                for src, dst in moved:
                    dst.rename(src)
                raise
            say(
                f"数据库已从 {backup} 恢复到 {path}（逐表校验和一致）；升级后的数据库改名为 {aside}"
            )
        else:
            assert db_override is not None
            run(gwlib_cmd(previous, "restore", str(backup), "--db", db_override, "--yes"), previous,
                f"用 {state['from']} 恢复备份", owner)  # fmt: skip
            say(f"数据库已从 {backup} 恢复到 {Database(db_override, db.data_dir).shown()}")

    say(f"删除 {state['to']} 的程序文件，换回 {state['from']}…")
    for item in record["entries"]:
        path = target / item
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    move_program(previous, target, old_record["entries"])
    shutil.rmtree(previous)
    say(f"已回退到 {state['from']}。")
    if backup is not None and db.sqlite_path is None:
        say("请把 GWLIB_DB_URL（或 secrets.toml 的 [db] url）改为恢复后的数据库，再启动应用。")
    finish(target)


def finish(target: Path) -> None:
    print(
        f"启动：      {target}/run.sh [--server.port 8501]\n"
        f"局域网访问：GWLIB_ADDRESS=0.0.0.0 {target}/run.sh（或写入 {target / ENV_FILE}）\n"
        "作为服务运行：见 docs/deploy.md 第 7 节（systemd）",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="install.sh", description="离线安装、升级或回退（不联网）"
    )
    parser.add_argument("target", nargs="?", type=Path, help="安装目录（默认：安装包所在目录）")
    parser.add_argument("--rollback", action="store_true", help="撤销最近一次升级")
    parser.add_argument("--db", help="回退时恢复到的空数据库（PostgreSQL）")
    parser.add_argument(
        "--fonts",
        choices=["auto", "user", "system", "none"],
        default="auto",
        help="中文字体装给当前用户或全系统（默认：root 全系统，否则当前用户）",
    )
    args = parser.parse_args(argv)
    target = (args.target or HERE).expanduser().resolve()
    action: Callable[[], None]
    if args.rollback:
        action = lambda: rollback(target, args.db)  # noqa: E731
    else:
        action = lambda: install(Bundle.load(HERE), target, args.fonts)  # noqa: E731
    try:
        action()
    except InstallError as exc:
        print(f"install.sh：{exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
