"""Zip containers from users (.xlsx, .docx, zipped Shapefiles): refuse a decompression bomb
before anything else inflates it.

A 430 KB .docx can hold 130 MB of XML (a repeated pattern deflates about 1000:1); parsing it
took 115 s of CPU and 2.2 GB. Every reader that opens a zip from a user calls
:func:`check_zip` first: :func:`gwlib.io.tables.read_table` (.xlsx),
:func:`gwlib.plans.read_plan_text` (.docx) and :func:`gwlib.geo.io.read_zones` (.zip).

Two steps, both with bounded memory:

1. The sizes the archive's directory declares: the number of members, their total, and for
   XML parts (parsed whole into memory) each one's size, against the caller's caps. A plain
   bomb stops here, without inflating a byte.
2. The sizes the data really inflates to. The directory can lie: Python's :mod:`zipfile`,
   which openpyxl and python-docx read through, inflates a member in one call of up to 2 GB
   and only then cuts it to the declared size. So each member's compressed stream is inflated
   here 1 MB at a time and counted; one that yields more than it declares is refused. Only
   stored and Deflate members are accepted (what Office and GIS programs write); encrypted
   members are refused.

XML entity expansion ("billion laughs") inside these files is stopped by the parsers
themselves: expat ≥ 2.4 (openpyxl's worksheet reader) and libxml2 (python-docx and openpyxl's
other parts) refuse an entity amplification, and the readers report an unreadable file. KML,
parsed by :mod:`xml.etree`, is refused when it declares a DOCTYPE or ENTITY at all.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from gwlib.errors import InputError, Location

MB = 2**20
MAX_MEMBERS = 10_000  # an Office file has tens of parts, a Shapefile zip a handful
XML_SUFFIXES = (".xml", ".rels", ".vml", ".kml")
_CHUNK = MB
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length


def check_zip(
    source: Path | bytes,
    name: str,
    *,
    what: str,
    max_total: int,
    max_xml: int | None = None,
) -> None:
    """Raise :class:`InputError` naming file ``name`` unless ``source`` is a zip archive whose
    members inflate to at most ``max_total`` bytes together and, for XML parts, at most
    ``max_xml`` bytes each, and no member inflates to more than it declares. ``what`` names
    the kind of file in the message (e.g. "Word 文件（.docx）")."""
    where = Location(name)
    fp: BinaryIO = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with fp:
        try:
            members = zipfile.ZipFile(fp).infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise InputError(f"不是有效的 {what}（无法作为压缩包打开）", where=where) from None
        if len(members) > MAX_MEMBERS:
            raise InputError(
                f"{what}内的文件过多（{len(members)} 个，上限 {MAX_MEMBERS} 个）", where=where
            )
        xml_cap = max_total if max_xml is None else max_xml
        for m in members:
            if m.filename.lower().endswith(XML_SUFFIXES) and m.file_size > xml_cap:
                raise InputError(
                    f"{what}中的「{m.filename}」解压后过大"
                    f"（{m.file_size / MB:.0f} MB，上限 {xml_cap // MB} MB）",
                    where=where,
                )
        total = sum(m.file_size for m in members)
        if total > max_total:
            raise InputError(
                f"{what}解压后过大（{total / MB:.0f} MB，上限 {max_total // MB} MB）", where=where
            )
        for m in members:
            problem = _member_problem(fp, m)
            if problem:
                raise InputError(f"{what}中的「{m.filename}」{problem}", where=where)


def _member_problem(fp: BinaryIO, m: zipfile.ZipInfo) -> str:
    """Why member ``m`` may not be inflated ("" when it may): inflates its compressed stream
    1 MB at a time, stopping as soon as it yields more than ``m.file_size``."""
    if m.flag_bits & 0x1:
        return "已加密，无法读取"
    if m.compress_type == zipfile.ZIP_STORED:
        return ""  # copied, never more than its compressed bytes
    if m.compress_type != zipfile.ZIP_DEFLATED:
        return f"使用了不支持的压缩方式（{m.compress_type}），应为 Deflate"
    fp.seek(m.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        return "已损坏（找不到文件头）"
    name_len, extra_len = _LOCAL_HEADER.unpack(head)[1:]
    fp.seek(m.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    left, out = m.compress_size, 0
    try:
        while left > 0 and not inflate.eof:
            data = fp.read(min(_CHUNK, left))
            if not data:
                break
            left -= len(data)
            while data and not inflate.eof:
                out += len(inflate.decompress(data, _CHUNK))
                if out > m.file_size:
                    return f"解压后比声明的 {m.file_size} 字节更大：已损坏或被篡改"
                data = inflate.unconsumed_tail
    except zlib.error as exc:
        return f"已损坏，无法解压（{exc}）"
    return ""
