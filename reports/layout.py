"""Page geometry and type sizes of official documents, GB/T 9704-2012.

A4; the type block 版心 is 156 × 225 mm with its top 37 mm and its left edge 28 mm from the
paper's edges (so 26 mm right and 35 mm bottom). Body 3号 (16 pt) 仿宋, 22 lines of 28
characters; title 2号 (22 pt) 小标宋; page numbers 4号 (14 pt) "— N —", 7 mm below the block,
odd pages at the right and even pages at the left, one character in from the edge.
"""

MM = 72 / 25.4  # points per millimetre

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
BLOCK_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
BLOCK_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225

TITLE_PT = 22.0  # 2号
BODY_PT = 16.0  # 3号
PAGE_NUMBER_PT = 14.0  # 4号
TABLE_PT = 12.0  # 小四, for tables that must fit the block
CAPTION_PT = 10.5  # 五号

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28


def twips(points: float) -> float:
    """Points rounded to whole twentieths, the unit of DOCX: both formats then use the same."""
    return round(points * 20) / 20


# The largest whole-twip pitch that puts 22 lines in 225 mm (637.8 pt): 579 twips.
LINE_PITCH_PT = int(BLOCK_HEIGHT_MM * MM / LINES_PER_PAGE * 20) / 20  # 28.95 pt
CHAR_PITCH_PT = BLOCK_WIDTH_MM * MM / CHARS_PER_LINE  # ≈ 15.79 pt
PAGE_NUMBER_GAP_MM = 7.0

THUMBNAIL_MM = 40.0  # longest side of a photo thumbnail in the inspection report


def page_number_text(page: int) -> str:
    """The folio as printed: half-width digits with a dash each side."""
    return f"— {page} —"


# A record signed page by page (现场检查记录) has, in place of the folio, a line to sign and
# "第 N 页 共 M 页" under it, in 小四 仿宋, starting this far below the type block.
PAGE_FOOTER_PT = TABLE_PT
PAGE_FOOTER_LEADING_PT = 18.0
PAGE_FOOTER_GAP_MM = 4.0


def page_count_text(page: int, pages: int) -> str:
    return f"第 {page} 页 共 {pages} 页"


# Character spacing (pt, after every character) that sets 28 characters of 3号 across the
# 156 mm block: 28 × (16 − 0.25) = 441 pt ≤ 442.2 pt. Word gets the same from its character
# grid; LibreOffice and WPS read this spacing directly, as w:spacing −5 (twentieths of a pt).
BODY_SPACING_PT = -0.25
# A title line is one and a half lines; paragraph spacing is avoided altogether, as
# LibreOffice lays out space after a paragraph differently from Word and from the PDF.
TITLE_LEADING_PT = twips(LINE_PITCH_PT * 1.5)
TABLE_GAP_PT = twips(LINE_PITCH_PT * 0.3)  # below every table
CELL_PADDING_V_PT = 3.0
CELL_PADDING_H_PT = 4.0
SIGNATURE_RIGHT_CHARS = 4  # 成文日期右空四字
TALL_ROW_PT = LINE_PITCH_PT * 2  # a table row left blank to sign in (about 20 mm)


def cell_leading(size: float) -> float:
    """Line pitch inside table cells."""
    return twips(size * 1.35)


def em_width(text: str) -> float:
    """Width in ems, counting a CJK character as one and anything else as a half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text)


def signature_right_indent(line: str, date_text: str) -> float:
    """Right indent (pt) of a signature line: the date four characters in, the rest centred
    over the date (GB/T 9704-2012 7.3.5.1)."""
    date_right = SIGNATURE_RIGHT_CHARS * BODY_PT
    if line == date_text or not date_text:
        return date_right
    centre = date_right + em_width(date_text) * BODY_PT / 2
    return max(0.0, centre - em_width(line) * BODY_PT / 2)


def column_widths_mm(relative: tuple[float, ...]) -> list[float]:
    """Relative column widths as millimetres across the type block."""
    total = sum(relative)
    return [BLOCK_WIDTH_MM * w / total for w in relative]


# Space between Chinese and Latin letters or digits, as LibreOffice (always) and Word (by
# default) add it: a fifth of an em.
SCRIPT_GAP_EM = 0.2
