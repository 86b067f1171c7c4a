"""Render a ``Document`` to DOCX with python-docx, in the same GB/T 9704 layout as the PDF.

Formatting lives in named paragraph styles (正文, 公文标题, 一级标题, 二级标题, 表格文字, 表格标题,
落款), each naming its East Asian face (``w:eastAsia``: 仿宋, 宋体, 黑体, 楷体) and the Latin one, so
Word, WPS and LibreOffice pick the Chinese faces and an office can restyle a document in one
place. Lines are set as the PDF sets them, so LibreOffice breaks them at the same places:

- the page grid is 22 lines (``w:docGrid type="lines"``). A character grid
  (``linesAndChars`` with a negative ``charSpace``) is what Word uses for 28 characters a line,
  but LibreOffice spreads every character to the grid and sets about 15 a line; instead body
  text has a character spacing of −0.25 pt, which sets 28 characters in every program;
- paragraphs do not snap to the grid, so the exact line pitch is kept; kinsoku is on and
  punctuation does not hang into the margin (the automatic space between Chinese and Latin
  text stays on: LibreOffice always adds it, and the PDF adds the same);
- tables have fixed column widths (``w:gridCol``), the PDF's cell padding and line pitch, and
  rows that do not break across pages, as in the PDF.

Page numbers "— N —" are PAGE fields in odd and even footers.
"""

import copy
import io
from datetime import UTC, datetime
from functools import cache

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
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
    PageFooter,
    Paragraph,
    Signature,
    Table,
    Title,
)
from reports.fonts import DOCX_EAST_ASIAN, Role
from reports.thumbnails import thumbnail_jpeg

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.JUSTIFY,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}
_LINE_PITCH_TWIPS = round(layout.LINE_PITCH_PT * 20)
_BODY_SPACING_TWIPS = round(layout.BODY_SPACING_PT * 20)

# The order of w:pPr's children after those we add (ECMA-376 CT_PPrBase).
_P_PR_ORDER = (
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

BODY, TITLE, HEADING_1, HEADING_2 = "Normal", "公文标题", "一级标题", "二级标题"
CELL, CELL_HEAD, SIGNATURE, GAP = "表格文字", "表格标题", "落款", "表后空行"


def render(document: Document) -> bytes:
    """The DOCX file's bytes."""
    docx = new_docx(io.BytesIO(_styled_template()))
    _set_properties(docx, document)
    _set_up_section(docx.sections[0], numbered=True, footer=document.page_footer)
    for block in document.blocks:
        _add(docx, block)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


@cache
def _styled_template() -> bytes:
    """python-docx's blank document with our styles, built once a process: adding the seven
    styles costs about 20 ms a document (python-docx looks each name up among all styles)."""
    docx = new_docx()
    docx.settings.odd_and_even_pages_header_footer = True
    _set_styles(docx)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def _set_properties(docx: DocxDocument, document: Document) -> None:
    """Title, author (the issuing authority) and the document's own date, not the template's."""
    props = docx.core_properties
    props.title = document.title
    props.subject = document.subject
    props.author = document.author
    props.last_modified_by = document.author
    props.language = "zh-CN"
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    # python-docx writes the datetime as UTC ("…Z") without converting it
    when = (document.created or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    props.created = when
    props.modified = when
    props.last_printed = when


@cache
def _run_properties(role: Role, size: float, spacing: int = 0) -> BaseOxmlElement:
    """``w:rPr`` naming the face (for Chinese and Latin text alike: digits in 公文 are set in
    the body face, as in the PDF), the size and character spacing.

    Built once and copied: setting the same through python-docx's run API costs about a
    millisecond a run.
    """
    r_pr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOCX_EAST_ASIAN[role])
    r_pr.append(fonts)
    character_spacing = OxmlElement("w:spacing")
    character_spacing.set(qn("w:val"), str(spacing))
    r_pr.append(character_spacing)
    for tag in ("w:sz", "w:szCs"):
        half_points = OxmlElement(tag)
        half_points.set(qn("w:val"), str(round(size * 2)))
        r_pr.append(half_points)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    r_pr.append(lang)
    return r_pr


def _set_styles(docx: DocxDocument) -> None:
    normal = docx.styles[BODY]
    _style_text(normal, Role.FANGSONG, layout.BODY_PT, _BODY_SPACING_TWIPS)
    _style_lines(normal, layout.LINE_PITCH_PT)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    styles: tuple[tuple[str, Role, float, int, float], ...] = (
        (TITLE, Role.SONG, layout.TITLE_PT, 0, layout.TITLE_LEADING_PT),
        (HEADING_1, Role.HEI, layout.BODY_PT, _BODY_SPACING_TWIPS, layout.LINE_PITCH_PT),
        (HEADING_2, Role.KAI, layout.BODY_PT, _BODY_SPACING_TWIPS, layout.LINE_PITCH_PT),
        (SIGNATURE, Role.FANGSONG, layout.BODY_PT, _BODY_SPACING_TWIPS, layout.LINE_PITCH_PT),
        (CELL, Role.FANGSONG, layout.TABLE_PT, 0, layout.cell_leading(layout.TABLE_PT)),
        (CELL_HEAD, Role.HEI, layout.TABLE_PT, 0, layout.cell_leading(layout.TABLE_PT)),
        (GAP, Role.FANGSONG, layout.TABLE_PT, 0, layout.TABLE_GAP_PT),
    )
    for name, role, size, spacing, leading in styles:
        style = docx.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _style_text(style, role, size, spacing)
        _style_lines(style, leading)
    docx.styles[TITLE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, level in ((HEADING_1, 0), (HEADING_2, 1)):
        heading = docx.styles[name]
        heading.paragraph_format.first_line_indent = Pt(2 * layout.BODY_PT)
        heading.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level))
        _insert_in_order(heading.element.get_or_add_pPr(), outline, "w:outlineLvl")
    docx.styles[CELL_HEAD].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx.styles[CELL].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    signature = docx.styles[SIGNATURE].paragraph_format
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.keep_with_next = True


def _style_text(style: ParagraphStyle, role: Role, size: float, spacing: int) -> None:
    r_pr = style.element.get_or_add_rPr()
    for child in list(r_pr):
        r_pr.remove(child)
    for child in copy.deepcopy(_run_properties(role, size, spacing)):
        r_pr.append(child)


def _style_lines(style: ParagraphStyle, leading: float) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(leading)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = True
    p_pr = style.element.get_or_add_pPr()
    for tag, value in (
        ("w:snapToGrid", "0"),
        ("w:kinsoku", "1"),
        ("w:overflowPunct", "0"),
    ):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        _insert_in_order(p_pr, element, tag)


def _insert_in_order(parent: BaseOxmlElement, element: BaseOxmlElement, tag: str) -> None:
    """Word refuses, and LibreOffice may ignore, properties out of the schema's order."""
    parent.insert_element_before(element, *_P_PR_ORDER[_P_PR_ORDER.index(tag) + 1 :])


def _set_up_section(section: Section, *, numbered: bool, footer: PageFooter | None = None) -> None:
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
    grid.attrib.pop(qn("w:charSpace"), None)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(_LINE_PITCH_TWIPS))
    if footer is not None:
        lines = 2 * layout.PAGE_FOOTER_LEADING_PT
        section.footer_distance = Mm(layout.MARGIN_BOTTOM_MM - layout.PAGE_FOOTER_GAP_MM) - Pt(
            lines
        )
    for part, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        part.is_linked_to_previous = False
        paragraph = part.paragraphs[0]
        for run in list(paragraph.runs):
            run._element.getparent().remove(run._element)
        if footer is not None:
            _page_footer(paragraph, part.add_paragraph(), footer)
        elif numbered:
            _folio(paragraph, align)


def _page_footer(line: DocxParagraph, count: DocxParagraph, footer: PageFooter) -> None:
    """The line to sign, its second label at a tab stop in the middle, and “第 N 页 共 M 页”
    from PAGE and NUMPAGES fields, which Word and LibreOffice fill in on every page."""
    size = layout.PAGE_FOOTER_PT
    for paragraph in (line, count):
        paragraph_format = paragraph.paragraph_format
        paragraph_format.first_line_indent = Pt(0)
        paragraph_format.line_spacing = Pt(layout.PAGE_FOOTER_LEADING_PT)
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    line.alignment = WD_ALIGN_PARAGRAPH.LEFT
    line.paragraph_format.tab_stops.add_tab_stop(Mm(layout.BLOCK_WIDTH_MM / 2))
    _text_run(line, f"{footer.labels[0]}\t{footer.labels[1]}", Role.FANGSONG, size)
    count.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, between, after = layout.page_count_text(0, 0).split("0")
    _text_run(count, before, Role.FANGSONG, size)
    _field(count, "PAGE", Role.FANGSONG, size)
    _text_run(count, between, Role.FANGSONG, size)
    _field(count, "NUMPAGES", Role.FANGSONG, size)
    _text_run(count, after, Role.FANGSONG, size)


def _folio(paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """“— PAGE —” in 4号 宋体, one character in from the outer edge."""
    paragraph.alignment = align
    one_char = Pt(layout.PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    _text_run(paragraph, "— ", Role.SONG, layout.PAGE_NUMBER_PT)
    _field(paragraph, "PAGE", Role.SONG, layout.PAGE_NUMBER_PT)
    _text_run(paragraph, " —", Role.SONG, layout.PAGE_NUMBER_PT)


def _field(paragraph: DocxParagraph, name: str, role: Role, size: float) -> None:
    """A field (PAGE, NUMPAGES) that the word processor fills in, showing 1 until it does."""
    for kind, text in (
        ("begin", ""),
        ("instr", f" {name} "),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
    ):
        run = _text_run(paragraph, text if kind == "text" else "", role, size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        elif kind != "text":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)


def _styled(paragraph: DocxParagraph, style: str) -> DocxParagraph:
    """Apply one of our paragraph styles by its id: python-docx's lookup by name walks every
    style of the template for each paragraph, which was most of the time a DOCX took."""
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style  # our ids are our names
    return paragraph


def _text_run(
    paragraph: DocxParagraph, text: str, role: Role, size: float, spacing: int = 0
) -> Run:
    """A run in a face other than its paragraph style's (a lead in 黑体, a footer)."""
    run = paragraph.add_run(text)
    run._r.insert(0, copy.deepcopy(_run_properties(role, size, spacing)))
    return run


def _add(docx: DocxDocument, block: Block) -> None:
    match block:
        case Title(text):
            _styled(docx.add_paragraph(text), TITLE)
        case Paragraph(text, lead, indent, align, keep_with_next):
            p = docx.add_paragraph()
            if align is not Align.LEFT:
                p.alignment = _ALIGN[align]
            if keep_with_next:
                p.paragraph_format.keep_with_next = True
            if indent:
                p.paragraph_format.first_line_indent = Pt(2 * layout.BODY_PT)
            if lead:
                _text_run(p, lead, Role.HEI, layout.BODY_PT, _BODY_SPACING_TWIPS)
            p.add_run(text)
        case Heading(text, level):
            _styled(docx.add_paragraph(text), HEADING_1 if level == 1 else HEADING_2)
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
    table._tbl.tblPr.style = "TableGrid"  # by id: the lookup by name walks every style
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths: list[Length] = [Mm(w) for w in layout.column_widths_mm(block.widths)]
    _fix_geometry(table, widths)
    size = block.font_size
    # row.cells once per row: table.cell(r, c) walks the whole table on every call
    for r, (row, values) in enumerate(zip(table.rows, all_rows, strict=True)):
        strong = r < header_rows or (block.totals is not None and r == len(all_rows) - 1)
        _no_split(row._tr)
        for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            label = not block.headers and c == 0
            _cell(cell, value, size, bold=strong or label, width=widths[c])
    if header_rows:
        _repeat_header(table)
    for index in block.tall_rows:
        row = table.rows[index + header_rows]
        row.height = Pt(layout.TALL_ROW_PT)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    _styled(docx.add_paragraph(), GAP)


def _fix_geometry(table: DocxTable, widths: list[Length]) -> None:
    """Column widths in the grid as well as the cells, fixed layout, the PDF's cell padding."""
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(round(width / 635)))  # EMU → twips
    tbl_pr = table._tbl.tblPr
    tbl_width = tbl_pr.find(qn("w:tblW"))
    if tbl_width is None:
        tbl_width = OxmlElement("w:tblW")
        tbl_pr.append(tbl_width)
    tbl_width.set(qn("w:type"), "dxa")
    tbl_width.set(qn("w:w"), str(round(sum(widths) / 635)))
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tbl_pr.append(fixed)
    margins = OxmlElement("w:tblCellMar")
    for side, points in (
        ("top", layout.CELL_PADDING_V_PT),
        ("left", layout.CELL_PADDING_H_PT),
        ("bottom", layout.CELL_PADDING_V_PT),
        ("right", layout.CELL_PADDING_H_PT),
    ):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(points * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)


def _no_split(tr: BaseOxmlElement) -> None:
    cant_split = OxmlElement("w:cantSplit")
    tr.get_or_add_trPr().append(cant_split)


def _cell(cell: _Cell, value: str, size: float, *, bold: bool, width: Length) -> None:
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    _styled(p, CELL_HEAD if bold else CELL)
    if size != layout.TABLE_PT:
        _text_run(p, value, Role.HEI if bold else Role.FANGSONG, size)
        p.paragraph_format.line_spacing = Pt(layout.cell_leading(size))
    else:
        p.add_run(value)


def _repeat_header(table: DocxTable) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _images(docx: DocxDocument, items: tuple[tuple[bytes, str], ...]) -> None:
    per_row = 3
    table = docx.add_table(rows=(len(items) + per_row - 1) // per_row, cols=per_row)
    for n, (image, caption) in enumerate(items):
        cell = table.cell(n // per_row, n % per_row)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        shrunk = thumbnail_jpeg(image)
        if shrunk is not None:
            data, width, height = shrunk
            side = Mm(layout.THUMBNAIL_MM)
            p.add_run().add_picture(
                io.BytesIO(data),
                width=int(side * width / max(width, height)),
                height=int(side * height / max(width, height)),
            )
        note = _styled(cell.add_paragraph(), CELL)
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text_run(note, caption, Role.FANGSONG, layout.CAPTION_PT)
        note.paragraph_format.line_spacing = Pt(layout.cell_leading(layout.CAPTION_PT))
    _styled(docx.add_paragraph(), GAP)


def _signature(docx: DocxDocument, block: Signature) -> None:
    """The issuer centred over the date, four characters in; kept with the text before it."""
    body = docx.element.body
    previous = body[-2] if len(body) > 1 else None
    if previous is not None and previous.tag == qn("w:p"):
        DocxParagraph(previous, docx._body).paragraph_format.keep_with_next = True
    _styled(docx.add_paragraph(), SIGNATURE)
    for text in (block.issuer, block.seal_note, block.date_text):
        if text:
            p = _styled(docx.add_paragraph(text), SIGNATURE)
            indent = layout.signature_right_indent(text, block.date_text)
            p.paragraph_format.right_indent = Pt(indent)
    last = docx.paragraphs[-1] if block.date_text else None
    if last is not None:
        last.paragraph_format.keep_with_next = False
