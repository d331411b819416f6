"""Small files that inflate huge, built in the test (nothing binary is committed).

Each member is written in 1 MB chunks, so building a 120 MB bomb holds 1 MB at a time; a run
of one repeated pattern deflates about 1000:1, so the files are a few hundred KB.
"""

from __future__ import annotations

import io
import struct
import zipfile

import docx

MB = 2**20
INFLATED_MB = 120  # the probe's docx held 130 MB of XML; caps are 5–200 MB


def _stream(zf: zipfile.ZipFile, name: str, head: bytes, unit: bytes, tail: bytes, mb: int) -> None:
    chunk = unit * (MB // len(unit))
    with zf.open(name, "w") as fh:
        fh.write(head)
        for _ in range(mb):
            fh.write(chunk)
        fh.write(tail)


def docx_bomb(mb: int = INFLATED_MB) -> bytes:
    """A real .docx (python-docx's own template) whose document.xml is ``mb`` MB of
    paragraphs: what took 115 s of CPU and 2.2 GB to parse."""
    src = io.BytesIO()
    docx.Document().save(src)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "word/document.xml":
                zout.writestr(item.filename, zin.read(item.filename))
                continue
            xml = zin.read(item.filename)
            head, tail = xml.split(b"<w:body>")
            _stream(
                zout,
                item.filename,
                head + b"<w:body>",
                b"<w:p><w:r><w:t>0</w:t></w:r></w:p>",
                tail,
                mb,
            )
    return out.getvalue()


def shapefile_bomb(mb: int = INFLATED_MB) -> bytes:
    """A zipped Shapefile whose .shp inflates to ``mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _stream(zf, "zones.shp", b"", b"\0" * 1024, b"", mb)
        zf.writestr("zones.shx", b"\0" * 100)
        zf.writestr("zones.dbf", b"\0" * 100)
    return out.getvalue()


def xlsx_bomb(mb: int = 2 * INFLATED_MB) -> bytes:
    """An .xlsx whose one sheet inflates to ``mb`` MB of empty rows (above the 200 MB cap)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        _stream(zf, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData>", b"<row/>",
                b"</sheetData></worksheet>", mb)  # fmt: skip
    return out.getvalue()


def lying(data: bytes, member: str, declared: int = 1000) -> bytes:
    """``data`` (a zip) with ``member``'s uncompressed size rewritten to ``declared`` bytes in
    both headers: a bomb that passes a size check which trusts the directory."""
    buf = bytearray(data)
    name = member.encode()
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_at = 30 if sig == b"PK\x03\x04" else 46
        start = 0
        while (i := buf.find(sig, start)) >= 0:
            start = i + 4
            n = struct.unpack_from("<H", buf, i + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(buf[i + name_at : i + name_at + n]) == name:
                struct.pack_into("<I", buf, i + size_at, declared)
    with zipfile.ZipFile(io.BytesIO(bytes(buf))) as zf:
        assert zf.getinfo(member).file_size == declared
    return bytes(buf)
