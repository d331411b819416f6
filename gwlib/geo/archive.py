"""Zip archives given by users (zipped Shapefiles, KMZ, and the .xlsx of a 拐点坐标表), opened only
after a check that they are not zip bombs: a member count and the total inflated size, read from
the central directory before anything is decompressed.
"""

from __future__ import annotations

import io
import zipfile

from gwlib.io.tables import MAX_INFLATED_BYTES, Issue

MAX_ZIP_MEMBERS = 1000


def open_zip(data: bytes, filename: str, issues: list[Issue], what: str = "zip 压缩包"
             ) -> zipfile.ZipFile | None:  # fmt: skip
    """The archive, after checking that it is one, has at most :data:`MAX_ZIP_MEMBERS` members
    and inflates to at most ``MAX_INFLATED_BYTES`` (the declared sizes: :mod:`zipfile` never
    reads a member past its declared size). None, with an issue, otherwise.

    TODO(zip-cap): one shared check for every zip-based input — unify with the inflated-size
    check inline in ``gwlib.io.tables._read_rows`` when gwlib/io gets it as a function.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        issues.append(Issue(filename, None, "文件", "", f"不是有效的 {what}"))
        return None
    inflated = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or inflated > MAX_INFLATED_BYTES:
        size = f"{len(members)} 个文件，{inflated / 2**20:.0f} MB"
        reason = (f"{what}解压后过大（上限 {MAX_ZIP_MEMBERS} 个文件、"
                  f"{MAX_INFLATED_BYTES // 2**20} MB）")  # fmt: skip
        issues.append(Issue(filename, None, "文件", size, reason))
        return None
    return archive


def read_member(
    archive: zipfile.ZipFile, name: str, filename: str, issues: list[Issue]
) -> bytes | None:
    """A member's bytes, or None with an issue when it is damaged or encrypted."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as exc:  # fmt: skip
        issues.append(
            Issue(filename, None, "文件", name[:80], f"压缩包内文件损坏，无法读取：{exc}")
        )
        return None


def kmz_document(data: bytes, filename: str, issues: list[Issue]) -> bytes | None:
    """The KML inside a KMZ: ``doc.kml`` at the top, else the first ``.kml`` in it."""
    archive = open_zip(data, filename, issues, "KMZ（zip 压缩的 KML）")
    if archive is None:
        return None
    names = [n for n in archive.namelist() if n.lower().endswith(".kml")
             and not n.startswith("__MACOSX")]  # fmt: skip
    if not names:
        issues.append(Issue(filename, None, "文件", "、".join(archive.namelist())[:200],
                            "KMZ 压缩包内没有 .kml 文件"))  # fmt: skip
        return None
    top = sorted(names, key=lambda n: (n.lower() != "doc.kml", n.count("/"), n))
    return read_member(archive, top[0], filename, issues)
