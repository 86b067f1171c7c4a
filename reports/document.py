"""A document as a flat list of blocks: what both renderers (PDF and DOCX) know how to draw.

Composing (``reports.compose``) decides *what* a document says; the renderers only decide how a
title, a paragraph or a table looks on the page, following GB/T 9704.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Title:
    """2号 小标宋-style, centred."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Body text (3号 仿宋-style). ``lead`` is set in 黑体 before the text, e.g. “整改要求：”."""

    text: str
    lead: str = ""
    indent: bool = True  # two characters in on the first line
    align: Align = Align.LEFT
    keep_with_next: bool = False  # e.g. a table's caption stays on the table's page


@dataclass(frozen=True)
class Heading:
    """Level 1 in 黑体 (“一、”), level 2 in 楷体 (“（一）”)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A ruled table in a smaller size. ``widths`` are relative; ``tall_rows`` leave room to sign."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    headers: tuple[str, ...] | None = None
    totals: tuple[str, ...] | None = None
    tall_rows: frozenset[int] = field(default_factory=frozenset)
    font_size: float = 12.0


@dataclass(frozen=True)
class Images:
    """Photo thumbnails in a row-wrapping grid, each with a caption."""

    items: tuple[tuple[bytes, str], ...]  # image content (PNG, JPEG...), caption


@dataclass(frozen=True)
class Signature:
    """The issuer block at the right: name, the place for the seal, the date."""

    issuer: str
    date_text: str
    seal_note: str = "（印章）"


@dataclass(frozen=True)
class NewPage:
    """Start a new page; ``numbered`` False for forms such as the service receipt 送达回证."""

    numbered: bool = True


@dataclass(frozen=True)
class PageFooter:
    """On every page, in place of the folio: a line to sign (a 笔录 is signed page by page,
    so no page can be swapped) with these labels, the second one from the middle of the line,
    and "第 N 页 共 M 页" under it."""

    labels: tuple[str, str]


Block = Title | Paragraph | Heading | Table | Images | Signature | NewPage


@dataclass(frozen=True)
class Document:
    """The blocks, and the file metadata: title, subject, author (the issuing authority) and
    the moment the document was made (its issue time, so every copy carries the same date)."""

    title: str
    blocks: tuple[Block, ...]
    subject: str = ""
    author: str = ""
    created: datetime | None = None
    page_footer: PageFooter | None = None
