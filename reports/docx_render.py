"""Render a ``Document`` to DOCX with python-docx, in the same GB/T 9704 layout as the PDF.

Every run names its East Asian font (``w:eastAsia``: 仿宋, 宋体, 黑体, 楷体) as well as the Latin
one, so Word and WPS pick the Chinese faces instead of falling back to a default. The page grid
is 22 lines of 28 characters; page numbers "— N —" are PAGE fields in odd and even footers.
"""

import copy
import io
from functools import cache
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from reports import layout
from reports.document import (
    Align,
    Block,
    Document,
    Heading,
    Images,
    NewPage,
    Paragraph,
    Signature,
    Table,
    Title,
)
from reports.fonts import DOCX_EAST_ASIAN, DOCX_LATIN, Role
from reports.thumbnails import thumbnail_jpeg

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.JUSTIFY,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}
# Word's document grid: line pitch in twips; extra character pitch in 1/4096 pt beyond 16 pt.
_LINE_PITCH_TWIPS = round(layout.LINE_PITCH_PT * 20)
_CHAR_SPACE = round((layout.CHAR_PITCH_PT - layout.BODY_PT) * 4096)


def render(document: Document) -> bytes:
    """The DOCX file's bytes."""
    docx = new_docx()
    docx.core_properties.title = document.title
    docx.settings.odd_and_even_pages_header_footer = True
    _set_normal_style(docx)
    _set_up_section(docx.sections[0], numbered=True)
    for block in document.blocks:
        _add(docx, block)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


@cache
def _run_properties(role: Role, size: float) -> BaseOxmlElement:
    """``w:rPr`` naming the Latin and East Asian faces and the size, built once and copied.

    Setting the same through python-docx's run API costs about a millisecond a run.
    """
    r_pr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), DOCX_LATIN)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN[role])
    r_pr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        half_points = OxmlElement(tag)
        half_points.set(qn("w:val"), str(round(size * 2)))
        r_pr.append(half_points)
    return r_pr


def _set_normal_style(docx: DocxDocument) -> None:
    normal = docx.styles["Normal"]
    normal.font.name = DOCX_LATIN
    normal.font.size = Pt(layout.BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        qn("w:eastAsia"), DOCX_EAST_ASIAN[Role.FANGSONG]
    )
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(layout.LINE_PITCH_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _set_up_section(section: Section, *, numbered: bool) -> None:
    section.page_width = Mm(layout.PAGE_WIDTH_MM)
    section.page_height = Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin = Mm(layout.MARGIN_TOP_MM)
    section.bottom_margin = Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(layout.MARGIN_LEFT_MM)
    section.right_margin = Mm(layout.MARGIN_RIGHT_MM)
    section.footer_distance = Mm(layout.MARGIN_BOTTOM_MM - layout.PAGE_NUMBER_GAP_MM) - Pt(
        layout.PAGE_NUMBER_PT
    )
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(_LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(_CHAR_SPACE))
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        for run in list(paragraph.runs):
            run._element.getparent().remove(run._element)
        if numbered:
            _folio(paragraph, align)


def _folio(paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """“— PAGE —” in 4号 宋体, one character in from the outer edge."""
    paragraph.alignment = align
    one_char = Pt(layout.PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    _text_run(paragraph, "— ", Role.SONG, layout.PAGE_NUMBER_PT)
    for kind, text in (
        ("begin", ""),
        ("instr", " PAGE "),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
    ):
        run = _text_run(paragraph, text if kind == "text" else "", Role.SONG, layout.PAGE_NUMBER_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        elif kind != "text":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
    _text_run(paragraph, " —", Role.SONG, layout.PAGE_NUMBER_PT)


def _text_run(paragraph: DocxParagraph, text: str, role: Role, size: float) -> Run:
    run = paragraph.add_run(text)
    run._r.insert(0, copy.deepcopy(_run_properties(role, size)))
    return run


def _add(docx: DocxDocument, block: Block) -> None:
    match block:
        case Title(text):
            p = docx.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing = Pt(layout.LINE_PITCH_PT * 1.25)
            p.paragraph_format.space_after = Pt(layout.LINE_PITCH_PT * 0.25)
            _text_run(p, text, Role.SONG, layout.TITLE_PT)
        case Paragraph(text, lead, indent, align, keep_with_next):
            p = docx.add_paragraph()
            p.alignment = _ALIGN[align]
            if keep_with_next:
                p.paragraph_format.keep_with_next = True
            if indent:
                p.paragraph_format.first_line_indent = Pt(2 * layout.BODY_PT)
            if lead:
                _text_run(p, lead, Role.HEI, layout.BODY_PT)
            _text_run(p, text, Role.FANGSONG, layout.BODY_PT)
        case Heading(text, level):
            p = docx.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(2 * layout.BODY_PT)
            p.paragraph_format.keep_with_next = True
            _text_run(p, text, Role.HEI if level == 1 else Role.KAI, layout.BODY_PT)
        case Table():
            _table(docx, block)
        case Images(items):
            if items:
                _images(docx, items)
        case Signature():
            _signature(docx, block)
        case NewPage(numbered):
            section = docx.add_section(WD_SECTION.NEW_PAGE)
            _set_up_section(section, numbered=numbered)
        case _:
            raise TypeError(f"unknown block {block!r}")


def _table(docx: DocxDocument, block: Table) -> None:
    header_rows = 1 if block.headers else 0
    all_rows = ([block.headers] if block.headers else []) + list(block.rows)
    all_rows += [block.totals] if block.totals else []
    table = docx.add_table(rows=len(all_rows), cols=len(block.widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    widths = [Mm(layout.BLOCK_WIDTH_MM * w / total) for w in block.widths]
    # row.cells once per row: table.cell(r, c) walks the whole table on every call
    for r, (row, values) in enumerate(zip(table.rows, all_rows, strict=True)):
        strong = r < header_rows or (block.totals is not None and r == len(all_rows) - 1)
        for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            label = not block.headers and c == 0
            _cell(cell, value, block.font_size, bold=strong or label, width=widths[c])
    if header_rows:
        _repeat_header(table)
    for index in block.tall_rows:
        row = table.rows[index + header_rows]
        row.height = Pt(layout.LINE_PITCH_PT * 3)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    docx.add_paragraph()


def _cell(cell: _Cell, value: str, size: float, *, bold: bool, width: Length) -> None:
    cell.width = width
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = Pt(0)
    if bold:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text_run(p, value, Role.HEI if bold else Role.FANGSONG, size)


def _repeat_header(table: DocxTable) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _images(docx: DocxDocument, items: tuple[tuple[Path, str], ...]) -> None:
    per_row = 3
    table = docx.add_table(rows=(len(items) + per_row - 1) // per_row, cols=per_row)
    for n, (path, caption) in enumerate(items):
        cell = table.cell(n // per_row, n % per_row)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        shrunk = thumbnail_jpeg(path)
        if shrunk is not None:
            data, width, height = shrunk
            side = Mm(layout.THUMBNAIL_MM)
            p.add_run().add_picture(
                io.BytesIO(data),
                width=int(side * width / max(width, height)),
                height=int(side * height / max(width, height)),
            )
        note = cell.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _text_run(note, caption, Role.FANGSONG, layout.CAPTION_PT)
    docx.add_paragraph()


def _signature(docx: DocxDocument, block: Signature) -> None:
    docx.add_paragraph()
    for text in (block.issuer, block.seal_note, block.date_text):
        if not text:
            continue
        p = docx.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(4 * layout.BODY_PT)
        p.paragraph_format.keep_with_next = True
        _text_run(p, text, Role.FANGSONG, layout.BODY_PT)
