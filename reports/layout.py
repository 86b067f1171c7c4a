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
LINE_PITCH_PT = BLOCK_HEIGHT_MM * MM / LINES_PER_PAGE  # ≈ 28.95 pt
CHAR_PITCH_PT = BLOCK_WIDTH_MM * MM / CHARS_PER_LINE  # ≈ 15.79 pt
PAGE_NUMBER_GAP_MM = 7.0

THUMBNAIL_MM = 40.0  # longest side of a photo thumbnail in the inspection report


def page_number_text(page: int) -> str:
    """The folio as printed: half-width digits with a dash each side."""
    return f"— {page} —"
