"""Rectification deadlines: a start date plus N calendar days, or N working days.

Working days follow China's public holidays and make-up workdays (调休) from the maintained
``chinesecalendar`` package, which covers years as the State Council announces them.
"""

from datetime import date, timedelta

import chinese_calendar

from inspector.errors import UserError


def deadline(start: date, days: int, *, working_days: bool = False) -> date:
    """The date ``days`` calendar (or working) days after ``start``.

    Raises ``UserError`` when a working-day count reaches a year the holiday data does not
    cover yet, rather than guessing.
    """
    if days < 0:
        raise UserError(f"整改天数不能为负数：{days}")
    if not working_days:
        return start + timedelta(days=days)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if _is_workday(current):
            remaining -= 1
    return current


def days_left(deadline_on: date, today: date) -> int:
    """Days until the deadline; negative when overdue."""
    return (deadline_on - today).days


def _is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise UserError(
            f"节假日数据尚未包含{day.year}年，无法按工作日计算期限；"
            "请改按自然日计算，或升级程序（chinesecalendar）"
        ) from exc
