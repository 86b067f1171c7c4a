"""Line breaking for Chinese official documents: where a line may end, and how much fits.

The rules (GB/T 15834 punctuation practice, as 公文 typesetting applies it):
- a closing mark (，。、；：！？）》”…) never starts a line, an opening mark (（《“) never ends one;
- a run of Latin letters, digits and the marks inside numbers (¥167,300.00, 2026, 30%) is never
  broken, unless it is longer than a whole line;
- nothing is hung past the type block: a line holds only what fits, and a mark that may not
  start the next line pulls the character before it down with it.

Widths are given per character, so the same breaks serve any font and size.
"""

from collections.abc import Sequence

CLOSING = "，。、；：！？）》」』】〕〉］｝”’…·％,.;:!?)]}%"
OPENING = "（《「『【〔〈［｛“‘([{¥$￥"
_FUZZ = 1e-6


def _is_word(ch: str) -> bool:
    """Characters that hold together as one word: ASCII letters, digits and number marks."""
    return ("!" <= ch <= "~" and ch not in "([{") or ch in "¥￥"


def break_allowed(text: str, i: int) -> bool:
    """May a line end between ``text[i - 1]`` and ``text[i]``?"""
    before, after = text[i - 1], text[i]
    if before in " \u3000":
        return True
    if after in CLOSING or before in OPENING:
        return False
    if after in " \u3000":
        return False  # a space ends the line it follows, it does not start one
    if before == after and before in "—…":
        return False
    return not (_is_word(before) and _is_word(after))


def fill_lines(
    text: str,
    widths: Sequence[float],
    first_width: float,
    width: float,
    spacing: float = 0.0,
    start_gaps: Sequence[float] | None = None,
) -> list[tuple[int, int]]:
    """Greedy lines as (start, end) indices: each line is at most its width, never more.

    ``spacing`` is added after every character (negative to set 28 characters of 3号 in the
    156 mm block, as Word's character grid does). A word longer than a line is broken
    character by character rather than overflowing. ``start_gaps`` is width included in a
    character's that it does not take when it starts a line (the space between scripts).
    """
    lines: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        limit = first_width if not lines else width
        if start_gaps is not None:
            limit += start_gaps[start]
        end = _line_end(text, widths, start, limit, spacing)
        lines.append((start, end))
        start = end
    return lines


def _line_end(text: str, widths: Sequence[float], start: int, limit: float, spacing: float) -> int:
    used = 0.0
    last_break = None
    i = start
    while i < len(text):
        if i > start and break_allowed(text, i):
            last_break = i
        advance = widths[i] + spacing
        if used + advance > limit + _FUZZ and text[i] not in " \u3000":
            if last_break is not None and last_break > start:
                return last_break
            return max(i, start + 1)  # one unbreakable word wider than the line
        used += advance
        i += 1
    return len(text)


def visible_end(text: str, start: int, end: int) -> int:
    """The end of a line without the spaces it ends with (they are not drawn or justified)."""
    while end > start and text[end - 1] in " \u3000":
        end -= 1
    return end


def longest_word_em(text: str) -> float:
    """Width in ems of the longest piece of ``text`` that may not be broken."""
    longest = current = 0.0
    for i, ch in enumerate(text):
        if i and break_allowed(text, i):
            current = 0.0
        current += 1.0 if ord(ch) >= 0x2E80 else 0.5
        longest = max(longest, current)
    return longest
