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


def from_service(served_on: date, days: int, *, working_days: bool = False) -> date:
    """The last day of a period of ``days`` counted from service (民事诉讼法 第八十五条).

    The day of service is not counted (the period starts the next day); a last day that is a
    rest day or public holiday moves to the first working day after it (调休 included). In a
    year the holiday data does not cover yet, only Saturdays and Sundays are known: callers
    say so (``holidays_known``).
    """
    last = deadline(served_on, days, working_days=working_days)
    while not _is_rest_free(last):
        last += timedelta(days=1)
    return last


def holidays_known(day: date) -> bool:
    """Does the holiday data cover ``day``'s year? (The State Council announces each year's
    holidays late in the year before; until an update, only weekends are known.)"""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def _is_rest_free(day: date) -> bool:
    """A working day, by the holiday data where it exists, else by the weekday alone."""
    if holidays_known(day):
        return _is_workday(day)
    return day.weekday() < 5


def require_not_past(day: date, field: str, today: date) -> None:
    """Refuse, in Chinese naming the field, a deadline that has already passed."""
    if day < today:
        raise UserError(
            f"{field}{day.year}年{day.month}月{day.day}日已经过去，请填写今天或以后的日期"
        )


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
