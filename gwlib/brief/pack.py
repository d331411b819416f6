"""Write the brief as DOCX (official-report style) or PPTX, and convert to PDF with LibreOffice.

Chinese text needs East-Asian font slots: python-docx's ``font.name`` sets only
``w:ascii``/``w:hAnsi`` (so ``w:eastAsia`` is set here), python-pptx's only ``a:latin`` (so an
``a:ea`` child is added). The fonts named are those on the readers' Windows desktops (宋体,
黑体); LibreOffice substitutes an installed CJK font (Noto CJK) when rendering here.

Tables are 三线表: a heavy rule above and below, a light rule under the header, no verticals.
Rows the brief marks (exceedances, lagging tasks, overdue wells) are printed in red.

Size: about 450 lines in one module, because the DOCX and PPTX writers share the brief's tables,
fonts and colours and are read side by side when the layout changes; the PDF step is a few lines
more.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.run import Run
from pptx import Presentation
from pptx.dml.color import RGBColor as PptRGB
from pptx.oxml.ns import qn as pqn
from pptx.text.text import _Run as PptRun
from pptx.util import Emu
from pptx.util import Pt as PPt

from gwlib.brief.charts import CHART_TITLES, render
from gwlib.brief.data import BriefData, Table
from gwlib.brief.office import to_pdf
from gwlib.errors import GwlibError

BODY_FONT, HEAD_FONT = "宋体", "黑体"
A4 = (Cm(21.0), Cm(29.7))
RED = (0xC0, 0x00, 0x00)
Progress = Callable[[int, int, str], None]


def _noop(done: int, total: int, what: str) -> None:
    return None


# -- DOCX -------------------------------------------------------------------------------------


def _font(run: Run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    # Chinese text marked zh-CN: a renderer without 宋体/黑体 then substitutes a Simplified
    # Chinese face (LibreOffice asks fontconfig by language), not a Japanese one.
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _para(
    doc: object,
    text: str,
    font: str,
    size: float,
    *,
    bold: bool = False,
    centre: bool = False,
    red: bool = False,
    keep_with_next: bool = False,
) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = keep_with_next
    run = p.add_run(text)
    _font(run, font, size, bold)
    if red:
        run.font.color.rgb = RGBColor(*RED)


def _row_flag(row: object, tag: str) -> None:
    """Set a table row property (``w:cantSplit``: never break the row across pages;
    ``w:tblHeader``: repeat the row at the top of every page the table runs onto)."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement(tag))


def _keep_table_together(t: object) -> None:
    """A table is kept on one page where it fits (every row but the last keeps with the next,
    no row splits); a longer one breaks between rows and repeats its header row."""
    rows = t.rows  # type: ignore[attr-defined]
    for i, row in enumerate(rows):
        _row_flag(row, "w:cantSplit")
        if i == 0:
            _row_flag(row, "w:tblHeader")
        if i < len(rows) - 1:
            for cell in row.cells:
                for para in cell.paragraphs:
                    para.paragraph_format.keep_with_next = True


def _borders(cell: _Cell, **edges: tuple[str, int]) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    tb = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        style, size = edges.get(edge, ("nil", 0))
        el.set(qn("w:val"), style)
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), "000000")
        tb.append(el)
    tcpr.append(tb)


def _docx_table(doc: object, table: Table) -> None:
    _para(doc, table.title, HEAD_FONT, 11, centre=True, keep_with_next=True)
    f = table.frame
    t = doc.add_table(rows=len(f) + 1, cols=len(f.columns))  # type: ignore[attr-defined]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    heavy, light = ("single", 12), ("single", 6)
    n = len(f)
    for j, col in enumerate(f.columns):
        cell = t.cell(0, j)
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(col)), HEAD_FONT, 9, bold=True)
        _borders(cell, top=heavy, bottom=light if n else heavy)
    for i, row in enumerate(f.itertuples(index=False), start=1):
        red = (i - 1) in table.highlight
        for j, value in enumerate(row):
            cell = t.cell(i, j)
            run = cell.paragraphs[0].add_run(str(value))
            _font(run, BODY_FONT, 9)
            if red:
                run.font.color.rgb = RGBColor(*RED)
            _borders(cell, bottom=heavy if i == n else ("nil", 0))
    _keep_table_together(t)
    if not n:
        _para(doc, "（无）", BODY_FONT, 10, centre=True)
    if table.note:
        _para(doc, table.note, BODY_FONT, 9)


def write_docx(data: BriefData, images: dict[str, bytes], path: Path | io.BytesIO) -> None:
    doc = Document()
    for s in doc.sections:
        s.page_width, s.page_height = A4
        s.left_margin = s.right_margin = Cm(2.6)
        s.top_margin, s.bottom_margin = Cm(3.7), Cm(3.5)
    _para(doc, data.title, HEAD_FONT, 20, bold=True, centre=True)
    water = f"（{data.period}）" if data.period else ""
    _para(doc, f"数据截至 {data.as_of}  {water}", BODY_FONT, 12, centre=True)
    if data.notice:
        _para(doc, data.notice, HEAD_FONT, 12, bold=True, centre=True, red=True)
    _para(doc, "一、总体情况", HEAD_FONT, 16, keep_with_next=True)
    _para(doc, "；".join(f"{k} {v}" for k, v in data.headline) + "。", BODY_FONT, 14)
    chart_after = {
        "一、地下水环境质量": "quality",
        "二、报废矿井、钻井、取水井封井回填": "wells",
        "四、年度目标任务完成情况": "tasks",
    }
    for n, (heading, tables) in enumerate(data.sections, start=2):
        _para(doc, f"{_cn(n)}、{heading.split('、', 1)[1]}", HEAD_FONT, 16, keep_with_next=True)
        key = chart_after.get(heading)
        if key and key in images:
            doc.add_picture(io.BytesIO(images[key]), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
            _para(doc, CHART_TITLES[key], HEAD_FONT, 11, centre=True)
        for table in tables:
            _docx_table(doc, table)
    _para(doc, f"{_cn(len(data.sections) + 2)}、下一步工作", HEAD_FONT, 16, keep_with_next=True)
    for i, step in enumerate(data.next_steps, 1):
        _para(doc, f"{i}. {step}。", BODY_FONT, 14)
    _para(doc, "本简报由地下水污染防治工作台根据台账和监测数据自动生成。", BODY_FONT, 10)
    doc.save(path if isinstance(path, io.BytesIO) else str(path))


def _cn(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)


# -- PPTX -------------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9


def _ea(run: PptRun, size: int, bold: bool = False, red: bool = False) -> None:
    run.font.size = PPt(size)
    run.font.bold = bold
    run.font.name = "Arial"
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")  # see _font: a Simplified Chinese face when 微软雅黑 is missing
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(pqn(tag))
        if el is None:
            el = rpr.makeelement(pqn(tag), {})
            rpr.append(el)
        el.set("typeface", HEAD_FONT if bold else "微软雅黑")
    if red:
        run.font.color.rgb = PptRGB(*RED)  # type: ignore[no-untyped-call]


def _slide(prs: object, title: str) -> object:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # type: ignore[attr-defined]
    box = slide.shapes.add_textbox(Emu(457200), Emu(228600), SLIDE_W - Emu(914400), Emu(640080))
    box.text_frame.word_wrap = True  # a long table title wraps (at most two lines at 20 pt)
    run = box.text_frame.paragraphs[0].add_run()
    run.text = title
    _ea(run, 26 if _text_width_pt(title) * 26 / PPT_FONT_PT < 880 else 20, bold=True)
    return slide


#: A one-line table row's height on a slide at 12 pt (the line and the cell margins), each
#: further wrapped line's height, and where tables start and must end: a table whose rows do
#: not fit continues on the next slide, never off this one.
PPT_ROW_H, PPT_LINE_H, PPT_TABLE_TOP, PPT_BOTTOM = 380_000, 200_000, 1_000_000, 6_600_000
PPT_FONT_PT = 12
PPT_TABLE_W = int(SLIDE_W) - 914400
EMU_PER_PT = 12_700


def _text_width_pt(text: str) -> float:
    """Width of ``text`` at 12 pt: a Chinese character is a full em, Latin about half."""
    return sum(PPT_FONT_PT if ord(ch) > 0x2E7F else PPT_FONT_PT * 0.55 for ch in text)


def _row_heights(frame: object, cols: int) -> list[int]:
    """The height each row (header first) needs when its longest cell wraps in its column."""
    cell_pt = PPT_TABLE_W / max(cols, 1) / EMU_PER_PT - 14  # less the cell's side margins
    f = frame  # a DataFrame
    texts = [[str(c) for c in f.columns]]  # type: ignore[attr-defined]
    texts += [[str(v) for v in row] for row in f.itertuples(index=False)]  # type: ignore[attr-defined]
    heights = []
    for row in texts:
        # 1.15: lines break at characters and punctuation, not exactly at the width
        lines = max((-(-_text_width_pt(t) * 1.15 // max(cell_pt, 1)) for t in row), default=1)
        heights.append(PPT_ROW_H + PPT_LINE_H * (max(int(lines), 1) - 1))
    return heights


def _ppt_pages(table: Table) -> list[slice]:
    """The table's data rows split into slides so that header plus rows fit above the bottom."""
    f = table.frame
    heights = _row_heights(f, len(f.columns))
    room = PPT_BOTTOM - PPT_TABLE_TOP - heights[0]
    pages, start, used = [], 0, 0
    for i, h in enumerate(heights[1:]):
        if used + h > room and i > start:
            pages.append(slice(start, i))
            start, used = i, 0
        used += h
    pages.append(slice(start, len(f)))
    return pages


def _ppt_table(slide: object, table: Table, rows_of: slice) -> None:
    """Rows ``rows_of`` of the table, with its header, at 12 pt, each row as tall as its text."""
    f = table.frame.iloc[rows_of]
    rows, cols = len(f) + 1, max(len(f.columns), 1)
    heights = _row_heights(f, cols)
    shape = slide.shapes.add_table(  # type: ignore[attr-defined]
        rows, cols, Emu(457200), Emu(PPT_TABLE_TOP), Emu(PPT_TABLE_W), Emu(sum(heights))
    )
    t = shape.table
    for r, h in zip(t.rows, heights, strict=True):
        r.height = Emu(h)
    for j, col in enumerate(f.columns):
        cell = t.cell(0, j)
        _ea(cell.text_frame.paragraphs[0].add_run(), PPT_FONT_PT, bold=True)
        cell.text_frame.paragraphs[0].runs[0].text = str(col)
    first = rows_of.start or 0
    for i, row in enumerate(f.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            run = t.cell(i, j).text_frame.paragraphs[0].add_run()
            run.text = str(value)
            _ea(run, PPT_FONT_PT, red=(first + i - 1) in table.highlight)


def _ppt_table_slides(prs: object, table: Table) -> None:
    """The table on as many slides as its rows need; the later ones titled （续）."""
    for k, rows in enumerate(_ppt_pages(table)):
        s = _slide(prs, table.title if k == 0 else f"{table.title}（续）")
        _ppt_table(s, table, rows)


def _picture(slide: object, png: bytes) -> None:
    """Place a PNG centred below the title, as large as fits."""
    w, h = struct.unpack(">II", png[16:24])
    box_w, box_h = int(SLIDE_W) - 914400, 5_700_000
    scale = min(box_w / w, box_h / h)
    width, height = int(w * scale), int(h * scale)
    left = (int(SLIDE_W) - width) // 2
    slide.shapes.add_picture(  # type: ignore[attr-defined]
        io.BytesIO(png), Emu(left), Emu(950_000), Emu(width), Emu(height)
    )


def write_pptx(data: BriefData, images: dict[str, bytes], path: Path | io.BytesIO) -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    s = _slide(prs, data.title)
    box = s.shapes.add_textbox(Emu(457200), Emu(1100000), SLIDE_W - Emu(914400), Emu(5000000))  # type: ignore[attr-defined]
    tf = box.text_frame
    first = True
    notice = [("注意", data.notice)] if data.notice else []
    for k, v in [*notice, ("数据截至", str(data.as_of)), *data.headline]:
        p = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        run = p.add_run()
        run.text = f"{k}：{v}"
        _ea(run, 22)
    charts = {
        "一、地下水环境质量": "quality",
        "二、报废矿井、钻井、取水井封井回填": "wells",
        "四、年度目标任务完成情况": "tasks",
    }
    for heading, tables in data.sections:
        key = charts.get(heading)
        if key and key in images:
            s = _slide(prs, f"{heading.split('、', 1)[1]}：{CHART_TITLES[key].split(' ', 1)[1]}")
            _picture(s, images[key])
        for table in tables:
            _ppt_table_slides(prs, table)
    s = _slide(prs, "下一步工作")
    box = s.shapes.add_textbox(Emu(457200), Emu(1100000), SLIDE_W - Emu(914400), Emu(5200000))  # type: ignore[attr-defined]
    tf = box.text_frame
    tf.word_wrap = True
    for i, step in enumerate(data.next_steps or ["（无）"], 1):
        p = tf.paragraphs[0] if i == 1 else tf.add_paragraph()
        run = p.add_run()
        run.text = f"{i}. {step}"
        _ea(run, 18)
    prs.save(path if isinstance(path, io.BytesIO) else str(path))


# -- PDF and the one-call entry ---------------------------------------------------------------


def pack_bytes(data: BriefData, images: dict[str, bytes], kind: str) -> bytes:
    """The pack as bytes: ``kind`` is "docx", "pptx" or "pdf" (PDF needs LibreOffice)."""
    buf = io.BytesIO()
    if kind == "docx":
        write_docx(data, images, buf)
    elif kind == "pptx":
        write_pptx(data, images, buf)
    elif kind == "pdf":
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "简报.docx"
            write_docx(data, images, src)
            return to_pdf(src, Path(tmp)).read_bytes()
    else:
        raise GwlibError(f"不支持的简报格式：{kind}（应为 docx、pptx 或 pdf）")
    return buf.getvalue()


def build_pack(
    store: object,
    year: int,
    output: Path,
    period: str = "",
    progress: Progress = _noop,
    as_of: dt.date | None = None,
) -> Path:
    """Compute the brief for ``year``/``period`` at ``as_of`` (see :func:`brief_data`) and write
    ``output`` (.docx, .pptx or .pdf)."""
    from gwlib.brief.data import brief_data
    from gwlib.store import Store

    if not isinstance(store, Store):
        raise TypeError("store must be a gwlib Store")
    kind = output.suffix.lower()
    if kind not in (".docx", ".pptx", ".pdf"):
        raise GwlibError(f"输出文件应为 .docx、.pptx 或 .pdf：{output.name}")
    steps = 4 if kind == ".pdf" else 3
    progress(0, steps, "汇总数据")
    data = brief_data(store, year, period, as_of)
    progress(1, steps, "绘制图表")
    images = {k: render(k, v) for k, v in data.charts.items()}
    progress(2, steps, "写入文件")
    output.parent.mkdir(parents=True, exist_ok=True)
    if kind == ".pptx":
        write_pptx(data, images, output)
    elif kind == ".docx":
        write_docx(data, images, output)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            docx_path = Path(tmp) / (output.stem + ".docx")
            write_docx(data, images, docx_path)
            progress(3, steps, "转换 PDF")
            pdf = to_pdf(docx_path, Path(tmp))
            shutil.move(str(pdf), output)
    progress(steps, steps, "完成")
    return output
