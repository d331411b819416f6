"""Build the offline install bundle for an intranet server with no internet and no mirror.

    ./dev.sh bundle                                  # for this machine's Python and CPU
    ./dev.sh bundle --python 3.12                    # for a server with Python 3.12
    ./dev.sh bundle --platform manylinux_2_28_aarch64   # for an ARM server (鲲鹏、飞腾)

writes ``dist/gwlib-offline-<version>-cp<XY>-<platform>.tar.gz``, one directory holding:

* the app and gwlib (``app.py``, ``views/``, ``gwui/``, ``gwlib/``, ``data/``, the Leaflet files in
  ``static/vendor/``, ``.streamlit/config.toml``), ``install.sh`` and ``run.sh``;
* ``wheels/``: a wheel for every runtime requirement (``requirements.txt``, transitive
  dependencies at the versions of the virtualenv that built it, i.e. the ones the tests ran
  with), downloaded by ``pip download --only-binary=:all:`` for the target Python and platform,
  and pip itself, so the target needs no ``ensurepip``;
* ``fonts/``: the CJK faces the brief asks for (Noto Sans CJK SC regular and bold for 黑体 and
  the charts, Noto Serif CJK SC regular for 宋体; ``data/fonts/fonts.conf``) from Debian's
  ``fonts-noto-cjk``, with its copyright file (SIL Open Font License 1.1);
* ``bundle.json``: version, target Python and platform, the glibc and system libraries the wheels
  need (read from the ELF files inside them), the font package; ``install.sh`` checks the target
  against it before it changes anything;
* ``MANIFEST``: the SHA-256 of every other file (``sha256sum -c MANIFEST`` format).

Next to the archive, ``<archive>.sha256`` checks the copy on the server (``sha256sum -c``).

The version is ``[project] version`` in ``pyproject.toml``. Wheels are kept in
``~/.cache/gwlib-bundle/wheels``: a rebuild whose pins are all there needs no network; otherwise
pip downloads (PyPI or the mirror pip is configured for; pip's own cache applies). Run by
``./dev.sh bundle``, which installs fonts-noto-cjk and the Leaflet files first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gwui.webassets import FILES as VENDOR_FILES  # noqa: E402  (streamlit-free module)

NAME = "gwlib-offline"
#: What the bundle ships from the source tree (directories are walked).
APP_ENTRIES = (
    "app.py",
    "views",
    "gwui",
    "gwlib",
    "data",
    ".streamlit/config.toml",
    "requirements.txt",
    "pyproject.toml",
    "README.md",
    "docs/deploy.md",
    "scripts/serve.sh",
    "scripts/offline/install.py",
)
#: Bundle root name → source file.
ROOT_SCRIPTS = {"install.sh": "scripts/offline/install.sh", "run.sh": "scripts/offline/run.sh"}
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")

FONT_PACKAGE = "fonts-noto-cjk"
#: Faces the brief uses: gwlib.brief.charts (Noto Sans CJK SC), data/fonts/fonts.conf maps
#: 黑体/微软雅黑 (regular and bold headings) to Noto Sans CJK SC and 宋体 (body, never bold) to
#: Noto Serif CJK SC. Each .ttc holds the SC/TC/JP/KR faces of one weight.
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc")

#: Extension modules that are optional back ends and may need libraries the target lacks:
#: numba's TBB and OpenMP threading layers (numba falls back to its own workqueue layer).
OPTIONAL_EXTENSIONS = ("numba/np/ufunc/tbbpool", "numba/np/ufunc/omppool")
PLATFORM_RE = re.compile(r"^manylinux_(\d+)_(\d+)_([a-z0-9_]+)$")
MANYLINUX_LEGACY = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}


class BuildError(Exception):
    """The bundle cannot be built; the message says what to install or fix."""


def project_version(root: Path) -> str:
    with (root / "pyproject.toml").open("rb") as fh:
        version: str = tomllib.load(fh)["project"]["version"]
    return version


def bundle_name(version: str, python: str, plat: str) -> str:
    return f"{NAME}-{version}-cp{python.replace('.', '')}-{plat}"


def default_platform() -> str:
    return f"manylinux_2_28_{platform.machine()}"


def pip_platforms(plat: str) -> list[str]:
    """``--platform`` values for a glibc baseline: pip does not widen ``manylinux_2_28`` to the
    older tags (2_17 …) that most wheels carry, so every one is listed."""
    m = PLATFORM_RE.match(plat)
    if not m or m.group(1) != "2":
        raise BuildError(
            f"平台「{plat}」应写作 manylinux_2_<glibc 次版本号>_<架构>，如 manylinux_2_28_x86_64"
        )
    minor, arch = int(m.group(2)), m.group(3)
    tags = [f"manylinux_2_{n}_{arch}" for n in range(minor, 4, -1)]
    tags += [f"{old}_{arch}" for old, n in MANYLINUX_LEGACY.items() if n <= minor]
    return tags


def source_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(source path, path in the bundle) for the app, sorted, without caches or databases."""
    for entry in APP_ENTRIES:
        path = root / entry
        if path.is_file():
            yield path, entry
            continue
        if not path.is_dir():
            raise BuildError(f"源码中缺少 {entry}")
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                if not name.endswith(SKIP_SUFFIXES):
                    full = Path(dirpath) / name
                    yield full, full.relative_to(root).as_posix()
    for dest, src in ROOT_SCRIPTS.items():
        yield root / src, dest
    missing = [name for name in VENDOR_FILES if not (root / "static/vendor" / name).is_file()]
    if missing:
        raise BuildError(
            "static/vendor 中缺少地图脚本"
            "（先运行 ./dev.sh run，或 npm ci && python -m gwui.webassets）："
            + "、".join(missing)
        )
    for name in sorted(VENDOR_FILES):
        yield root / "static/vendor" / name, f"static/vendor/{name}"


def frozen_constraints(python: str) -> list[str]:
    """``name==version`` of every package in the building virtualenv (the versions tested)."""
    done = subprocess.run(
        [python, "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if re.match(r"^[A-Za-z0-9_.\-]+==\S+$", line)]


def pip_version(python: str) -> str:
    done = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('pip'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def wheel_cache() -> Path:
    """Wheels of earlier builds (``~/.cache/gwlib-bundle/wheels``): a rebuild whose pins are all
    there resolves from it with ``--no-index`` and needs no network at all."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gwlib-bundle" / "wheels"


def download_wheels(
    root: Path, dest: Path, python: str, plat: str, build_python: str
) -> tuple[float, str]:
    """``pip download`` every runtime wheel for ``python``/``plat`` into ``dest``: from the wheel
    cache when it holds them all, else from the index. Returns (seconds, where from)."""
    dest.mkdir(parents=True)
    constraints = dest.parent / "constraints.txt"
    constraints.write_text("\n".join(frozen_constraints(build_python)) + "\n")
    xy = python.replace(".", "")
    cmd = [
        build_python, "-m", "pip", "download", "--disable-pip-version-check", "--quiet",
        "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
        "--abi", f"cp{xy}", "--abi", "abi3", "--abi", "none",
        *[arg for tag in pip_platforms(plat) for arg in ("--platform", tag)],
        "--dest", str(dest), "-c", str(constraints),
        "-r", str(root / "requirements.txt"), f"pip=={pip_version(build_python)}",
    ]  # fmt: skip
    cache = wheel_cache()
    started = time.monotonic()
    source = "wheel cache"
    done = subprocess.run(
        [*cmd, "--no-index", "--find-links", str(cache)], capture_output=True, check=False
    )
    if done.returncode != 0:
        for stale in dest.iterdir():
            stale.unlink()
        source = "index"
        done = subprocess.run(cmd, capture_output=True, check=False)
    constraints.unlink()
    if done.returncode != 0:
        raise BuildError(
            f"pip download 失败（Python {python}，{plat}）：\n"
            + done.stderr.decode(errors="replace").strip()[-4000:]
        )
    if source == "index":
        cache.mkdir(parents=True, exist_ok=True)
        for wheel in dest.glob("*.whl"):
            if not (cache / wheel.name).exists():
                shutil.copy2(wheel, cache / wheel.name)
    return time.monotonic() - started, source


# -- what the wheels need from the target system ---------------------------------------------


def elf_needed(data: bytes) -> list[str]:
    """DT_NEEDED entries of an ELF shared object (empty for anything else)."""
    if data[:4] != b"\x7fELF":
        return []
    is64, endian = data[4] == 2, "<" if data[5] == 1 else ">"
    if is64:
        shoff, shentsize, shnum = (
            struct.unpack_from(endian + "Q", data, 0x28)[0],
            *struct.unpack_from(endian + "HH", data, 0x3A),
        )
        sec_fmt, dyn_fmt = endian + "IIQQQQIIQQ", endian + "qQ"
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(endian + "I", data, 0x20)[0],
            *struct.unpack_from(endian + "HH", data, 0x2E),
        )
        sec_fmt, dyn_fmt = endian + "IIIIIIIIII", endian + "iI"
    sections = [struct.unpack_from(sec_fmt, data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for sec in sections:
        if sec[1] != 6:  # SHT_DYNAMIC
            continue
        offset, size, link, entsize = sec[4], sec[5], sec[6], sec[9]
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            tag, val = struct.unpack_from(dyn_fmt, data, pos)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + val)
                names.append(data[strtab + val : end].decode())
    return names


def wheel_min_glibc(filename: str) -> tuple[int, int] | None:
    """The oldest glibc a wheel runs on, from its platform tags (None for pure wheels)."""
    tags = filename[: -len(".whl")].split("-")[-1].split(".")
    found: list[tuple[int, int]] = []
    for tag in tags:
        m = re.match(r"manylinux_(\d+)_(\d+)_", tag)
        if m:
            found.append((int(m.group(1)), int(m.group(2))))
        for old, minor in MANYLINUX_LEGACY.items():
            if tag.startswith(old + "_"):
                found.append((2, minor))
    return min(found) if found else None


def system_needs(wheels: Iterable[Path]) -> tuple[list[str], list[str], tuple[int, int]]:
    """(libraries every wheel needs from the system, those only optional modules need, glibc)."""
    provided: set[str] = set()
    required: set[str] = set()
    optional: set[str] = set()
    glibc = (2, 5)
    for wheel in wheels:
        glibc = max(glibc, wheel_min_glibc(wheel.name) or glibc)
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                base = name.rsplit("/", 1)[-1]
                if not re.search(r"\.so(\.\d+)*$", base):
                    continue
                provided.add(base)
                needed = elf_needed(zf.read(name))
                (optional if name.startswith(OPTIONAL_EXTENSIONS) else required).update(needed)
    return sorted(required - provided), sorted(optional - provided - required), glibc


# -- fonts -------------------------------------------------------------------------------------


def font_files() -> tuple[list[Path], Path, str]:
    """The font files, the package's copyright file and its version, from dpkg."""
    listing = subprocess.run(
        ["dpkg", "-L", FONT_PACKAGE], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BuildError(f"需要 Debian 软件包 {FONT_PACKAGE}（./dev.sh bundle 会安装它）")
    paths = [Path(p) for p in listing.stdout.splitlines()]
    by_name = {p.name: p for p in paths}
    missing = [f for f in FONT_FILES if f not in by_name]
    if missing:
        raise BuildError(f"软件包 {FONT_PACKAGE} 中没有 {'、'.join(missing)}")
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", FONT_PACKAGE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [by_name[f] for f in FONT_FILES], by_name["copyright"], version


# -- the bundle ----------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(top: Path) -> int:
    files = sorted(p for p in top.rglob("*") if p.is_file() and p.name != "MANIFEST")
    lines = [f"{sha256(p)}  {p.relative_to(top).as_posix()}" for p in files]
    (top / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def build(
    root: Path = ROOT,
    out_dir: Path | None = None,
    python: str | None = None,
    plat: str | None = None,
    build_python: str = sys.executable,
) -> tuple[Path, dict[str, Any]]:
    """Build the bundle; returns its path and figures (seconds, sizes)."""
    started = time.monotonic()
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    if not re.fullmatch(r"3\.\d+", python):
        raise BuildError(f"--python 应写作 3.<次版本号>，如 3.12，而不是「{python}」")
    plat = plat or default_platform()
    pip_platforms(plat)  # validates
    version = project_version(root)
    name = bundle_name(version, python, plat)
    out_dir = out_dir or root / "dist"
    work = out_dir / f".build-{name}"
    top = work / name
    if work.exists():
        shutil.rmtree(work)
    top.mkdir(parents=True)

    for src, dest in source_files(root):
        target = top / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    download_s, wheels_from = download_wheels(root, top / "wheels", python, plat, build_python)
    wheels = sorted((top / "wheels").glob("*.whl"))
    libs, optional_libs, glibc = system_needs(wheels)
    fonts, licence, font_version = font_files()
    (top / "fonts").mkdir()
    for font in fonts:
        shutil.copy2(font, top / "fonts" / font.name)
    shutil.copy2(licence, top / "fonts" / "LICENSE-fonts-noto-cjk.txt")
    (top / "fonts" / "README.txt").write_text(
        f"来自 Debian 软件包 {FONT_PACKAGE} {font_version}（Noto CJK，SIL Open Font License 1.1，"
        "许可证全文见 LICENSE-fonts-noto-cjk.txt）。\n"
        "install.sh 把它们装到 /usr/local/share/fonts/gwlib-noto-cjk（root）"
        "或 ~/.local/share/fonts/gwlib-noto-cjk。\n",
        encoding="utf-8",
    )
    info = {
        "name": NAME,
        "version": version,
        "python": python,
        "platform": plat,
        "arch": PLATFORM_RE.match(plat).group(3),  # type: ignore[union-attr]
        "glibc": f"{glibc[0]}.{glibc[1]}",
        "system_libs": libs,
        "optional_libs": optional_libs,
        "pip_wheel": next(w.name for w in wheels if w.name.startswith("pip-")),
        "wheels": [w.name for w in wheels],
        "fonts": {"package": FONT_PACKAGE, "version": font_version, "files": list(FONT_FILES)},
        "built": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (top / "bundle.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n")
    n_files = write_manifest(top)
    unpacked = sum(p.stat().st_size for p in top.rglob("*") if p.is_file())
    wheels_bytes = sum(w.stat().st_size for w in wheels)

    archive = out_dir / f"{name}.tar.gz"
    partial = archive.with_name(archive.name + ".partial")
    tar_started = time.monotonic()
    with tarfile.open(partial, "w:gz", compresslevel=1) as tf:
        tf.add(top, arcname=name, filter=_tar_filter)
    partial.replace(archive)  # a half-written bundle never carries the final name
    # For checking the copy carried to the server: sha256sum -c <archive>.sha256
    archive.with_name(archive.name + ".sha256").write_text(f"{sha256(archive)}  {archive.name}\n")
    shutil.rmtree(work)
    figures: dict[str, Any] = {
        "files": n_files,
        "wheels": len(wheels),
        "wheels_bytes": wheels_bytes,
        "unpacked_bytes": unpacked,
        "archive_bytes": archive.stat().st_size,
        "download_s": round(download_s, 1),
        "wheels_from": wheels_from,
        "compress_s": round(time.monotonic() - tar_started, 1),
        "total_s": round(time.monotonic() - started, 1),
    }
    return archive, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev.sh bundle", description=__doc__.split("\n")[0])
    parser.add_argument("--python", help="目标服务器的 Python 版本，如 3.12（默认与本机相同）")
    parser.add_argument("--platform", help="目标平台，如 manylinux_2_28_aarch64（默认本机架构）")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="输出目录（默认 dist/）")
    args = parser.parse_args(argv)
    try:
        archive, figures = build(ROOT, args.out, args.python, args.platform)
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    mb = 1 << 20
    print(
        f"{archive}\n"
        f"  {figures['files']} 个文件（{figures['wheels']} 个 wheel），"
        f"解包后 {figures['unpacked_bytes'] / mb:.0f} MB，"
        f"压缩包 {figures['archive_bytes'] / mb:.0f} MB；"
        f"取得 wheel {figures['download_s']} s（{figures['wheels_from']}），"
        f"压缩 {figures['compress_s']} s，共 {figures['total_s']} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
