"""How values read in documents: money, dates, Chinese ordinals, checklist answers."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from inspector.checklist_model import COMPLIANCE_LABELS, AnswerType, Column, Item

_DIGITS = "零一二三四五六七八九"
_CENT = Decimal("0.01")

UNANSWERED = "未作答"


def money(value: Decimal) -> str:
    """¥12,800.00: exact, rounded half up to the fen."""
    return f"¥{value.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"


def parse_money(value: Any) -> Decimal | None:
    """A stored decimal string (or number) as ``Decimal``; blank or malformed gives None."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("¥"))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def chinese_date(day: date) -> str:
    """2026年12月21日."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n: int) -> str:
    """一 … 九十九, for headings 一、 and sub-items （一）."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def sentence(text: str) -> str:
    """The text ending in full-width punctuation, as one sentence of a paragraph."""
    text = text.strip()
    if not text or text[-1] in "。；！？：.;!?":
        return text
    return text + "。"


def answer_text(field: Item | Column, value: Any) -> str:
    """A stored answer (of an item or a table cell) as a person reads it, with its own labels."""
    if value is None or value == "" or value == []:
        return UNANSWERED
    kind = field.answer_type
    choices = {c.value: c.label for c in field.choices}
    if kind is AnswerType.COMPLIANCE:
        own = field.compliance_text if isinstance(field, Item) else None
        return own(str(value)) if own else COMPLIANCE_LABELS.get(str(value), str(value))
    if kind is AnswerType.YES_NO:
        return "是" if value is True else "否" if value is False else str(value)
    if kind is AnswerType.MONEY:
        amount = parse_money(value)
        return money(amount) if amount is not None else str(value)
    if kind is AnswerType.DATE:
        return _date_text(str(value))
    if kind is AnswerType.SINGLE_CHOICE:
        return str(choices.get(value, value))
    if kind is AnswerType.MULTI_CHOICE and isinstance(value, list):
        return "、".join(str(choices.get(v, v)) for v in value)
    return str(value)


def cell_text(column: Column, value: Any) -> str:
    """One cell of a table answer; an empty cell stays empty."""
    if value is None or value == "":
        return ""
    return answer_text(column, value)


def _date_text(value: str) -> str:
    try:
        return chinese_date(date.fromisoformat(value))
    except ValueError:
        return value


def file_size(size: int) -> str:
    """1.2 MB, 340 KB, 12 B."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.0f} KB"
    return f"{size} B"
