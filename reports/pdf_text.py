"""Text set line by line for the PDF, with the breaks of ``reports.linebreak``.

reportlab's own CJK paragraph hangs closing marks past the right edge, breaks inside numbers
and cannot justify Chinese text. ``TextBlock`` sets one or more paragraphs itself: justified
to the type block, 28 characters of 3号 a line, and split across pages only where a page may
break — at least two lines of a paragraph on each side, and never between paragraphs that are
kept together (a heading and what follows it, the last lines of text and the signature).
"""

from dataclasses import dataclass, replace
from functools import cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import Table as RLTable

from reports import layout
from reports.document import Align
from reports.linebreak import fill_lines, visible_end

_ASCENT = 0.86  # of the font size; the baseline sits so the glyphs are centred on the line
_MIN_LINES = 2  # Word's and LibreOffice's widow and orphan control


@dataclass(frozen=True)
class Run:
    text: str
    font: str


@dataclass(frozen=True)
class TextStyle:
    size: float
    leading: float
    align: Align = Align.LEFT
    justify: bool = True  # LEFT lines fill the width, as body text in 公文 fills the block
    first_indent: float = 0.0
    right_indent: float = 0.0
    spacing: float = 0.0  # added after every character


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    style: TextStyle

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class _Line:
    segments: tuple[tuple[float, str, str], ...]  # (x, text, font)
    size: float
    char_space: float
    height: float
    break_before: bool  # may a page end just before this line?


@cache
def _unit_width(font: str, ch: str) -> float:
    return float(stringWidth(ch, font, 1.0))


def _script(ch: str) -> str:
    """'asian', 'latin', or '' for marks that take the script of what precedes them."""
    if ord(ch) >= 0x2E80:
        return "asian"
    if ch.isascii() or ch in "¥":
        return "" if ch == " " else "latin"
    return ""


def _script_gaps(text: str, size: float) -> list[float]:
    """Extra space before each character where Chinese meets Latin letters or digits.

    Word and LibreOffice add it by default (LibreOffice always, about a fifth of an em), so
    the PDF does too: without it, lines with numbers would break at other places in the DOCX.
    """
    gaps = [0.0] * len(text)
    current = ""
    for i, ch in enumerate(text):
        script = _script(ch) or current
        if current and script and script != current and i > 0 and text[i - 1] != " ":
            gaps[i] = size * layout.SCRIPT_GAP_EM
        current = script
    return gaps


def _lay_out(para: Para, width: float) -> list[_Line]:
    style = para.style
    text = para.text
    if not text:
        return [_Line((), style.size, 0, style.leading, True)]
    fonts = [run.font for run in para.runs for _ in run.text]
    gaps = _script_gaps(text, style.size)
    widths = [
        _unit_width(font, ch) * style.size + gap
        for font, ch, gap in zip(fonts, text, gaps, strict=True)
    ]
    avail = width - style.right_indent
    first = avail - style.first_indent
    spans = fill_lines(text, widths, first, avail, style.spacing, gaps)
    lines = []
    for n, (start, end) in enumerate(spans):
        end = visible_end(text, start, end)
        natural = sum(widths[start:end]) - gaps[start]  # no gap at the start of a line
        indent = style.first_indent if n == 0 else 0.0
        room = (first if n == 0 else avail) - natural
        count = end - start
        last = n == len(spans) - 1
        if style.align is Align.LEFT and style.justify and not last and count > 1:
            x, space = indent, room / (count - 1)
        else:
            space = style.spacing
            slack = room - (count - 1) * space
            x = indent + {Align.LEFT: 0.0, Align.CENTER: slack / 2, Align.RIGHT: slack}[style.align]
        segments = _segments(text, fonts, widths, gaps, start, end, x, space)
        lines.append(_Line(segments, style.size, space, style.leading, True))
    return _with_widow_control(lines)


def _segments(
    text: str,
    fonts: list[str],
    widths: list[float],
    gaps: list[float],
    start: int,
    end: int,
    x: float,
    space: float,
) -> tuple[tuple[float, str, str], ...]:
    """(x, text, font) pieces of a line: a new piece at each change of font or script gap."""
    segments: list[tuple[float, str, str]] = []
    for i in range(start, end):
        gap = gaps[i] if i > start else 0.0
        x += gap
        if segments and segments[-1][2] == fonts[i] and not gap:
            at, chars, font = segments[-1]
            segments[-1] = (at, chars + text[i], font)
        else:
            segments.append((x, text[i], fonts[i]))
        x += widths[i] - gaps[i] + space
    return tuple(segments)


def _with_widow_control(lines: list[_Line]) -> list[_Line]:
    n = len(lines)
    return [
        replace(line, break_before=i == 0 or (i >= _MIN_LINES and n - i >= _MIN_LINES))
        for i, line in enumerate(lines)
    ]


class TextBlock(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Paragraphs kept together (``keep``: no page break between them), set as lines."""

    def __init__(self, paras: list[Para], *, lines: list[_Line] | None = None) -> None:
        super().__init__()
        self.paras = paras
        self._lines = lines
        self._width: float | None = None

    def lines(self, width: float) -> list[_Line]:
        if self._lines is None or (self._width is not None and self._width != width):
            laid: list[_Line] = []
            for para in self.paras:
                para_lines = _lay_out(para, width)
                if laid:  # kept with the paragraph before
                    para_lines[0] = replace(para_lines[0], break_before=False)
                laid += para_lines
            self._lines, self._width = laid, width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = sum(line.height for line in self.lines(availWidth))
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.lines(availWidth)
        at = _split_index(lines, availHeight)
        if at is None:
            return []
        head = TextBlock(self.paras, lines=lines[:at])
        head._width = availWidth
        tail = TextBlock(
            self.paras, lines=[replace(lines[at], break_before=True), *lines[at + 1 :]]
        )
        tail._width = availWidth
        return [head, tail]

    def draw(self) -> None:
        canvas: Canvas = self.canv
        top = self.height
        for line in self.lines(self.width):
            if line.segments:
                baseline = top - (line.height - line.size) / 2 - _ASCENT * line.size
                for x, chars, font in line.segments:
                    text = canvas.beginText(x, baseline)
                    text.setCharSpace(line.char_space)
                    text.setFont(font, line.size)
                    text.textOut(chars)
                    canvas.drawText(text)
            top -= line.height


def _split_index(lines: list[_Line], height: float) -> int | None:
    """The last line index a page may break before, with what comes before it fitting."""
    used = 0.0
    best = None
    fitting = 0
    for i, line in enumerate(lines):
        if used + line.height > height + 1e-6:
            break
        used += line.height
        fitting = i + 1
        if i + 1 < len(lines) and lines[i + 1].break_before:
            best = i + 1
    if best is None and height >= layout.BLOCK_HEIGHT_MM * layout.MM - 1 and fitting:
        return fitting if fitting < len(lines) else None  # taller than a page: break anyway
    return best


class Captioned(Flowable):  # type: ignore[misc]
    """A caption (or heading) kept with at least the first rows of the table after it."""

    def __init__(self, caption: TextBlock, table: RLTable) -> None:
        super().__init__()
        self.caption = caption
        self.table = table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, caption = self.caption.wrap(availWidth, availHeight)
        _, table = self.table.wrap(availWidth, availHeight - caption)
        self.width, self.height = availWidth, caption + table
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        _, caption = self.caption.wrap(availWidth, availHeight)
        parts = self.table.split(availWidth, availHeight - caption)
        if not parts:
            return []
        return [Captioned(self.caption, parts[0]), *parts[1:]]

    def draw(self) -> None:
        _, table = self.table.wrap(self.width, self.height)
        self.caption.drawOn(self.canv, 0, table)
        self.table.drawOn(self.canv, (self.width - self.table._width) / 2, 0)
