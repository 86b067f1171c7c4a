"""How values read on screen: dates, deadlines, money, local times (UX.md)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from inspector.clock import to_local, today
from inspector.deadlines import days_left


def local_time(utc_iso: str | None) -> str:
    """``2026-11-21 09:30`` in the machine's time zone; empty for no time."""
    return to_local(utc_iso).strftime("%Y-%m-%d %H:%M") if utc_iso else ""


def deadline_text(deadline: str | None, on: date | None = None) -> str:
    """``2026-11-21（还剩 5 天）`` / ``（已逾期 3 天）`` / ``待送达``.

    A finding has no deadline while its notice awaits 送达: the period runs from service.
    """
    if not deadline:
        return "待送达"
    left = days_left(date.fromisoformat(deadline), on or today())
    if left < 0:
        return f"{deadline}（已逾期 {-left} 天）"
    if left == 0:
        return f"{deadline}（今天到期）"
    return f"{deadline}（还剩 {left} 天）"


def money(value: str | Decimal | None) -> str:
    """``¥12,800.00``; empty for no value, the raw text for something that is not a number."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{amount:,.2f}"


def document_date(iso: str | None) -> str:
    """``2026年11月21日`` as dates read in official documents; empty for no date."""
    if not iso:
        return ""
    day = date.fromisoformat(iso[:10])
    return f"{day.year}年{day.month}月{day.day}日"
