"""Zip archives given by users (zipped Shapefiles, KMZ, and the .xlsx of a 拐点坐标表), opened only
after :func:`gwlib.io.archives.check_zip` found that they are not zip bombs.
"""

from __future__ import annotations

import io
import zipfile

from gwlib.errors import InputError
from gwlib.io.archives import check_zip
from gwlib.io.tables import MAX_INFLATED_BYTES, Issue

#: A zone file (zipped Shapefile, KMZ) inflates to far less than this: a county's polygons are a
#: few MB at most.
MAX_ZONE_ZIP_BYTES = 50 * 2**20


def open_zip(data: bytes, filename: str, issues: list[Issue], what: str = "zip 压缩包",
             max_total: int = MAX_INFLATED_BYTES) -> zipfile.ZipFile | None:  # fmt: skip
    """The archive, after :func:`gwlib.io.archives.check_zip` (the one zip-bomb guard of every
    upload) found it sound; None, with an issue naming the problem, otherwise."""
    try:
        check_zip(data, filename, what=what, max_total=max_total)
        return zipfile.ZipFile(io.BytesIO(data))
    except InputError as exc:
        issues.append(Issue(filename, None, "文件", "", exc.reason))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        issues.append(Issue(filename, None, "文件", "", f"不是有效的 {what}"))
    return None


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
    archive = open_zip(data, filename, issues, "KMZ（zip 压缩的 KML）", MAX_ZONE_ZIP_BYTES)
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
