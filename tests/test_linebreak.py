"""Where lines of Chinese text may break, and that nothing is set wider than its line."""

import pytest

from reports.linebreak import CLOSING, OPENING, fill_lines, longest_word_em


def _lines(text: str, per_line: float, spacing: float = 0.0) -> list[str]:
    widths = [1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text]
    return [text[a:b] for a, b in fill_lines(text, widths, per_line, per_line, spacing)]


def test_a_closing_mark_never_starts_a_line_it_pulls_the_character_before_down() -> None:
    lines = _lines("一二三四五，六七八九十。", 5)
    assert lines == ["一二三四", "五，六七八", "九十。"]


@pytest.mark.parametrize("mark", ["》", "；", "”", "）", "、", "。"])
def test_no_line_starts_with_a_closing_mark(mark: str) -> None:
    text = f"根据《条例》{mark}" * 9
    assert all(line[0] not in CLOSING for line in _lines(text, 7))


def test_an_opening_mark_never_ends_a_line() -> None:
    lines = _lines("一二三四《五六》七八", 5)
    assert lines[0] == "一二三四"
    assert all(line[-1] not in OPENING for line in _lines("二三四“五六”七八（九）" * 5, 6))


def test_amounts_dates_and_codes_are_never_broken() -> None:
    text = "应退还金额合计¥167,300.00元，统一社会信用代码51100000500002862F，2026年"
    lines = _lines(text, 12)
    assert any("¥167,300.00" in line for line in lines)
    assert any("51100000500002862F" in line for line in lines)
    assert all(sum(1.0 if ord(c) >= 0x2E80 else 0.5 for c in line) <= 12 for line in lines)


def test_a_word_longer_than_a_line_is_broken_rather_than_overflowing() -> None:
    lines = _lines("a" * 30, 5)
    assert lines == ["a" * 10, "a" * 10, "a" * 10]


def test_negative_spacing_sets_28_characters_of_16pt_in_156mm() -> None:
    block = 156 * 72 / 25.4
    text = "字" * 60
    widths = [16.0] * len(text)
    spans = fill_lines(text, widths, block, block, -0.25)
    assert [b - a for a, b in spans] == [28, 28, 4]
    first_start, first_end = fill_lines(text, widths, block, block)[0]
    assert first_end - first_start == 27


def test_longest_unbreakable_word() -> None:
    assert longest_word_em("金额¥12,800.00") == 5.0
    assert longest_word_em("收费项目") == 1.0
