"""Render a ``Document`` to PDF with reportlab platypus in the GB/T 9704 layout.

Text flows frame to frame, so long notices continue on further pages; every page of the
document proper carries "— N —" at the foot (odd pages right, even pages left), forms such as
the service receipt do not. The CJK faces are TrueType subsets embedded in the file.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Table as RLTable

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
from reports.fonts import FontSet, Role
from reports.pdf_text import Captioned, Para, Run, TextBlock, TextStyle
from reports.thumbnails import thumbnail_jpeg

# ASCII85 in pure Python costs milliseconds per embedded font or photo; plain Flate is as good.
rl_config.useA85 = 0
MM = layout.MM
BLOCK_WIDTH = layout.BLOCK_WIDTH_MM * MM
_NUMBERED, _PLAIN = "numbered", "plain"


def render(document: Document, fonts: FontSet) -> bytes:
    """The PDF file's bytes."""
    buffer = io.BytesIO()
    template = _template(buffer, document, fonts)
    canvas = _dated_canvas(document, fonts.pdf_name(Role.FANGSONG))
    template.build(_Styles(fonts).flow(document.blocks), canvasmaker=canvas)
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
        if document.page_footer is None:  # else the canvas draws it, once it knows the count
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
        subject=document.subject,
        author=document.author,
        creator="social-org-inspector",
        lang="zh-CN",
        initialFontName=fonts.pdf_name(Role.FANGSONG),
        invariant=1,
    )


def _dated_canvas(document: Document, footer_font: str) -> Callable[..., Canvas]:
    """A canvas whose file carries the document's own date (reportlab's invariant mode, used
    so that the same notice gives the same bytes, would otherwise date it 2000-01-01), and
    that draws the document's page footer, if it has one."""
    when = document.created or datetime.now().astimezone()
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)

    def make(*args: Any, **kwargs: Any) -> Canvas:
        footer = document.page_footer
        canvas = (
            Canvas(*args, **kwargs)
            if footer is None
            else _FooterCanvas(footer, footer_font, *args, **kwargs)
        )
        stamp = TimeStamp(invariant=1)
        stamp.t = when.timestamp()
        stamp.lt = when.timetuple()
        stamp.YMDhms = tuple(when.timetuple())[:6]
        stamp.dhh, stamp.dmm = divmod(minutes, 60)
        stamp.tzname = when.tzname() or "UTC"
        canvas._doc._timeStamp = stamp
        return canvas

    return make


class _FooterCanvas(Canvas):  # type: ignore[misc]  # reportlab has no types
    """Keeps each finished page until the last, so that every page's footer can say
    "共 M 页" (reportlab's usual way of printing the page count)."""

    def __init__(self, footer: PageFooter, font: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer, self._font = footer, font
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            _draw_page_footer(self, self._footer, number, len(self._pages), self._font)
            super().showPage()
        super().save()


def _draw_page_footer(canvas: Canvas, footer: PageFooter, page: int, pages: int, font: str) -> None:
    size, leading = layout.PAGE_FOOTER_PT, layout.PAGE_FOOTER_LEADING_PT
    left = layout.MARGIN_LEFT_MM * MM
    first = (layout.MARGIN_BOTTOM_MM - layout.PAGE_FOOTER_GAP_MM) * MM - size * 0.88
    canvas.setFont(font, size)
    canvas.drawString(left, first, footer.labels[0])
    canvas.drawString(left + BLOCK_WIDTH / 2, first, footer.labels[1])
    canvas.drawCentredString(
        left + BLOCK_WIDTH / 2, first - leading, layout.page_count_text(page, pages)
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
    """Text styles and the flowables for each kind of block."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        body = layout.BODY_PT
        self.body = TextStyle(body, layout.LINE_PITCH_PT, spacing=layout.BODY_SPACING_PT)
        self.title = TextStyle(layout.TITLE_PT, layout.TITLE_LEADING_PT, align=Align.CENTER)

    def run(self, text: str, role: Role) -> Run:
        return Run(text, self.fonts.pdf_name(role))

    def flow(self, blocks: Iterable[Block]) -> list[Flowable]:
        """Flowables for the blocks, with what must stay together joined into one."""
        out: list[Flowable] = []
        kept: list[Para] = []  # paragraphs waiting for the block they are kept with
        for block in blocks:
            match block:
                case Title() | Paragraph() | Heading():
                    kept.append(self._para(block))
                    if not _keeps_with_next(block):
                        out.append(TextBlock(kept))
                        kept = []
                case Signature():
                    lines = self._signature(block)
                    if not kept and out and isinstance(out[-1], TextBlock):
                        kept = out.pop().paras
                    out.append(TextBlock([*kept, *lines]))
                    kept = []
                case Table():
                    table = self._table(block)
                    out.append(Captioned(TextBlock(kept), table) if kept else table)
                    out.append(Spacer(1, layout.TABLE_GAP_PT))
                    kept = []
                case Images(items):
                    out += [TextBlock(kept)] if kept else []
                    out += [self._images(items)] if items else []
                    kept = []
                case NewPage(numbered):
                    out += [TextBlock(kept)] if kept else []
                    out += [NextPageTemplate(_NUMBERED if numbered else _PLAIN), PageBreak()]
                    kept = []
                case _:
                    raise TypeError(f"unknown block {block!r}")
        return out + ([TextBlock(kept)] if kept else [])

    def _para(self, block: Title | Paragraph | Heading) -> Para:
        indent = 2 * layout.BODY_PT
        match block:
            case Title(text):
                return Para((self.run(text, Role.SONG),), self.title)
            case Heading(text, level):
                role = Role.HEI if level == 1 else Role.KAI
                return Para((self.run(text, role),), replace(self.body, first_indent=indent))
            case Paragraph(text, lead, indented, align):
                runs = [self.run(lead, Role.HEI)] if lead else []
                style = replace(self.body, align=align, first_indent=indent if indented else 0.0)
                return Para((*runs, self.run(text, Role.FANGSONG)), style)

    def _signature(self, block: Signature) -> list[Para]:
        lines = [Para((), self.body)]
        for text in (block.issuer, block.seal_note, block.date_text):
            if text:
                indent = layout.signature_right_indent(text, block.date_text)
                style = replace(self.body, align=Align.RIGHT, right_indent=indent)
                lines.append(Para((self.run(text, Role.FANGSONG),), style))
        return lines

    def _cell(self, text: str, size: float, *, bold: bool = False) -> TextBlock:
        align = Align.CENTER if bold else Align.LEFT
        style = TextStyle(size, layout.cell_leading(size), align=align, justify=False)
        run = self.run(text, Role.HEI if bold else Role.FANGSONG)
        return TextBlock([Para((run,), style)])

    def _plain_cells(self) -> list[tuple[Any, ...]]:
        """Empty cells would otherwise select reportlab's default Helvetica, unembedded."""
        return [("FONTNAME", (0, 0), (-1, -1), self.fonts.pdf_name(Role.FANGSONG))]

    def _table(self, block: Table) -> RLTable:
        size = block.font_size
        rows: list[list[Any]] = []
        if block.headers:
            rows.append([self._cell(h, size, bold=True) for h in block.headers])
        for row in block.rows:
            cells = [self._cell(value, size) for value in row]
            if not block.headers:
                cells[0] = self._cell(row[0], size, bold=True)
            rows.append(cells)
        if block.totals:
            rows.append([self._cell(t, size, bold=True) for t in block.totals])
        offset = 1 if block.headers else 0
        heights: list[float | None] = [None] * len(rows)
        for index in block.tall_rows:
            heights[index + offset] = layout.TALL_ROW_PT
        table = RLTable(
            rows,
            colWidths=[w * MM for w in layout.column_widths_mm(block.widths)],
            rowHeights=heights,
            repeatRows=offset,
        )
        table.setStyle(
            [
                *self._plain_cells(),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), layout.CELL_PADDING_H_PT),
                ("RIGHTPADDING", (0, 0), (-1, -1), layout.CELL_PADDING_H_PT),
                ("TOPPADDING", (0, 0), (-1, -1), layout.CELL_PADDING_V_PT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), layout.CELL_PADDING_V_PT),
            ]
        )
        return table

    def _images(self, items: tuple[tuple[bytes, str], ...]) -> RLTable:
        per_row = 3
        side = layout.THUMBNAIL_MM * MM
        cells: list[Any] = [
            [_thumbnail(image, side), self._cell(text, layout.CAPTION_PT, bold=False)]
            for image, text in items
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


def _keeps_with_next(block: Title | Paragraph | Heading) -> bool:
    return isinstance(block, Heading) or (isinstance(block, Paragraph) and block.keep_with_next)


def _thumbnail(content: bytes, side: float) -> Flowable:
    """A small JPEG of the photo, so a report with many photos stays small and quick."""
    shrunk = thumbnail_jpeg(content)
    if shrunk is None:
        return Spacer(side, side)
    data, width, height = shrunk
    scale = side / max(width, height)
    return RLImage(io.BytesIO(data), width=width * scale, height=height * scale)
