"""Render a ``Document`` to PDF with reportlab platypus in the GB/T 9704 layout.

Text flows frame to frame, so long notices continue on further pages; every page of the
document proper carries "— N —" at the foot (odd pages right, even pages left), forms such as
the service receipt do not. The CJK faces are TrueType subsets embedded in the file.
"""

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import paragraph as rl_paragraph

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
from reports.fonts import FontSet, Role
from reports.thumbnails import thumbnail_jpeg

# ASCII85 in pure Python costs milliseconds per embedded font or photo; plain Flate is as good.
rl_config.useA85 = 0
# reportlab's line-start rules come from Japanese typesetting and miss the full-width comma and
# other Chinese closing marks, so a line could begin with "，"; those now hang at the line end.
_CLOSING_MARKS = "，；：！？）》」』】〕”’"
rl_paragraph.ALL_CANNOT_START += "".join(
    mark for mark in _CLOSING_MARKS if mark not in rl_paragraph.ALL_CANNOT_START
)

MM = layout.MM
BLOCK_WIDTH = layout.BLOCK_WIDTH_MM * MM
_ALIGN = {Align.LEFT: TA_JUSTIFY, Align.CENTER: TA_CENTER, Align.RIGHT: TA_RIGHT}
_NUMBERED, _PLAIN = "numbered", "plain"


def render(document: Document, fonts: FontSet) -> bytes:
    """The PDF file's bytes."""
    buffer = io.BytesIO()
    template = _template(buffer, document, fonts)
    styles = _Styles(fonts)
    template.build([flowable for block in document.blocks for flowable in styles.flow(block)])
    return buffer.getvalue()


def _template(buffer: io.BytesIO, document: Document, fonts: FontSet) -> BaseDocTemplate:
    frame = Frame(
        layout.MARGIN_LEFT_MM * MM,
        layout.MARGIN_BOTTOM_MM * MM,
        BLOCK_WIDTH,
        layout.BLOCK_HEIGHT_MM * MM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="block",
    )
    folio_font = fonts.pdf_name(Role.SONG)

    def folio(canvas: Canvas, doc: BaseDocTemplate) -> None:
        _draw_folio(canvas, doc.page, folio_font)

    return BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=layout.MARGIN_LEFT_MM * MM,
        rightMargin=layout.MARGIN_RIGHT_MM * MM,
        topMargin=layout.MARGIN_TOP_MM * MM,
        bottomMargin=layout.MARGIN_BOTTOM_MM * MM,
        pageTemplates=[
            PageTemplate(_NUMBERED, [frame], onPage=folio),
            PageTemplate(_PLAIN, [frame]),
        ],
        title=document.title,
        creator="social-org-inspector",
        lang="zh-CN",
        initialFontName=fonts.pdf_name(Role.FANGSONG),
        invariant=1,
    )


def _draw_folio(canvas: Canvas, page: int, font: str) -> None:
    size = layout.PAGE_NUMBER_PT
    top = (layout.MARGIN_BOTTOM_MM - layout.PAGE_NUMBER_GAP_MM) * MM
    baseline = top - size * 0.88
    text = layout.page_number_text(page)
    canvas.setFont(font, size)
    if page % 2:
        right = (layout.PAGE_WIDTH_MM - layout.MARGIN_RIGHT_MM) * MM - size
        canvas.drawRightString(right, baseline, text)
    else:
        canvas.drawString(layout.MARGIN_LEFT_MM * MM + size, baseline, text)


class _Styles:
    """Paragraph styles and the flowables for each kind of block."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        body = layout.BODY_PT
        self.body = ParagraphStyle(
            "body",
            fontName=fonts.pdf_name(Role.FANGSONG),
            fontSize=body,
            leading=layout.LINE_PITCH_PT,
            wordWrap="CJK",
            alignment=TA_JUSTIFY,
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontName=fonts.pdf_name(Role.SONG),
            fontSize=layout.TITLE_PT,
            leading=layout.LINE_PITCH_PT * 1.25,
            alignment=TA_CENTER,
            spaceAfter=layout.LINE_PITCH_PT * 0.25,
        )
        self.headings = {
            1: ParagraphStyle(
                "h1", parent=self.body, fontName=fonts.pdf_name(Role.HEI), keepWithNext=1
            ),
            2: ParagraphStyle(
                "h2", parent=self.body, fontName=fonts.pdf_name(Role.KAI), keepWithNext=1
            ),
        }

    def flow(self, block: Block) -> list[Flowable]:
        match block:
            case Title(text):
                return [RLParagraph(escape(text), self.title)]
            case Paragraph():
                return [self._paragraph(block)]
            case Heading(text, level):
                style = self.headings.get(level, self.headings[2])
                return [RLParagraph(escape(text), _indented(style, True))]
            case Table():
                return [self._table(block), Spacer(1, layout.LINE_PITCH_PT * 0.3)]
            case Images(items):
                return [self._images(items)] if items else []
            case Signature():
                return [self._signature(block)]
            case NewPage(numbered):
                return [NextPageTemplate(_NUMBERED if numbered else _PLAIN), PageBreak()]
        raise TypeError(f"unknown block {block!r}")

    def _paragraph(self, block: Paragraph) -> RLParagraph:
        text = escape(block.text)
        if block.lead:
            text = f'<font name="{self.fonts.pdf_name(Role.HEI)}">{escape(block.lead)}</font>{text}'
        style = _indented(self.body, block.indent)
        if block.align is not Align.LEFT or block.keep_with_next:
            style = ParagraphStyle(
                f"{style.name}-{block.align}-{block.keep_with_next}",
                parent=style,
                alignment=_ALIGN[block.align],
                keepWithNext=int(block.keep_with_next),
            )
        return RLParagraph(text, style)

    def _cell_style(
        self, size: float, *, bold: bool = False, center: bool = False
    ) -> ParagraphStyle:
        role = Role.HEI if bold else Role.FANGSONG
        return _cell_style(self.fonts.pdf_name(role), size, center)

    def _plain_cells(self) -> list[tuple[Any, ...]]:
        """Empty cells would otherwise select reportlab's default Helvetica, unembedded."""
        return [("FONTNAME", (0, 0), (-1, -1), self.fonts.pdf_name(Role.FANGSONG))]

    def _table(self, block: Table) -> RLTable:
        size = block.font_size
        cell = self._cell_style(size)
        head = self._cell_style(size, bold=True, center=True)
        rows: list[list[Any]] = []
        if block.headers:
            rows.append([RLParagraph(escape(h), head) for h in block.headers])
        label_style = head if not block.headers else cell
        for row in block.rows:
            cells = [RLParagraph(escape(value), cell) for value in row]
            if not block.headers:
                cells[0] = RLParagraph(escape(row[0]), label_style)
            rows.append(cells)
        if block.totals:
            rows.append([RLParagraph(escape(t), head) for t in block.totals])
        offset = 1 if block.headers else 0
        heights: list[float | None] = [None] * len(rows)
        for index in block.tall_rows:
            heights[index + offset] = layout.LINE_PITCH_PT * 3
        total = sum(block.widths)
        table = RLTable(
            rows,
            colWidths=[BLOCK_WIDTH * w / total for w in block.widths],
            rowHeights=heights,
            repeatRows=offset,
        )
        table.setStyle(
            [
                *self._plain_cells(),
                ("GRID", (0, 0), (-1, -1), 0.6, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        return table

    def _images(self, items: tuple[tuple[Path, str], ...]) -> RLTable:
        per_row = 3
        side = layout.THUMBNAIL_MM * MM
        caption = self._cell_style(layout.CAPTION_PT, center=True)
        cells: list[Any] = [
            [_thumbnail(path, side), RLParagraph(escape(text), caption)] for path, text in items
        ]
        cells += [""] * (-len(cells) % per_row)
        grid = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        table = RLTable(grid, colWidths=[BLOCK_WIDTH / per_row] * per_row)
        table.setStyle(
            [
                *self._plain_cells(),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
        return table

    def _signature(self, block: Signature) -> Flowable:
        # GB/T 9704: the date sits four characters in from the right, the issuer centred over it.
        style = ParagraphStyle("sign", parent=self.body, alignment=TA_CENTER)
        width = layout.BODY_PT * 12
        right = layout.BODY_PT * 2
        lines = [block.issuer, block.seal_note, block.date_text]
        column = [[RLParagraph(escape(text), style)] for text in lines if text]
        table = RLTable(
            [["", c[0]] for c in column],
            colWidths=[BLOCK_WIDTH - width - right, width],
        )
        table.setStyle(
            [
                *self._plain_cells(),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
        return KeepTogether([Spacer(1, layout.LINE_PITCH_PT), table])


def _indented(style: ParagraphStyle, indent: bool) -> ParagraphStyle:
    if not indent:
        return style
    return ParagraphStyle(f"{style.name}-indent", parent=style, firstLineIndent=2 * style.fontSize)


@cache
def _cell_style(font: str, size: float, center: bool) -> ParagraphStyle:
    return ParagraphStyle(
        f"cell-{font}-{size}-{center}",
        fontName=font,
        fontSize=size,
        leading=size * 1.35,
        wordWrap="CJK",
        alignment=TA_CENTER if center else TA_LEFT,
    )


def _thumbnail(path: Path, side: float) -> Flowable:
    """A small JPEG of the photo, so a report with many photos stays small and quick."""
    shrunk = thumbnail_jpeg(path)
    if shrunk is None:
        return Spacer(side, side)
    data, width, height = shrunk
    scale = side / max(width, height)
    return RLImage(io.BytesIO(data), width=width * scale, height=height * scale)
