"""Rectification deadlines: a start date plus N calendar days, or N working days.

Working days follow China's public holidays and make-up workdays (调休): from the maintained
``chinesecalendar`` package, which covers years as the State Council announces them, and for
a year it does not cover yet, from the schedule the office recorded
(``inspector.holiday_schedule``). A ``Calendar`` holds both; the functions below take one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from inspector.errors import UserError


@dataclass(frozen=True)
class OfficeYear:
    """The State Council's schedule for one year, as the office recorded it: the 放假 days
    and the 调休上班 days (weekends worked). Any other weekday works, any other weekend rests."""

    year: int
    rest: frozenset[date]
    work: frozenset[date]
    source: str = ""

    def is_workday(self, day: date) -> bool:
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.rest


class Calendar:
    """``chinesecalendar``'s years, and the office's for the years it lacks."""

    def __init__(self, office: Mapping[int, OfficeYear] | None = None) -> None:
        self.office = dict(office or {})

    def known(self, day: date) -> bool:
        return library_knows(day.year) or day.year in self.office

    def is_workday(self, day: date) -> bool:
        """By the holiday data; ``UserError`` for a year nobody has a schedule for."""
        if library_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.office:
            return self.office[day.year].is_workday(day)
        raise UserError(
            f"节假日数据尚未包含{day.year}年，无法按工作日计算期限；请改按自然日计算，"
            f"或登记国务院公布的{day.year}年节假日安排（inspector holidays import）"
        )


def library_knows(year: int) -> bool:
    """Does ``chinesecalendar`` have the State Council's schedule for ``year``?"""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


LIBRARY = Calendar()  # no office schedule: what tests and callers without a store use


def deadline(
    start: date, days: int, *, working_days: bool = False, calendar: Calendar = LIBRARY
) -> date:
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
        if calendar.is_workday(current):
            remaining -= 1
    return current


def from_service(
    served_on: date, days: int, *, working_days: bool = False, calendar: Calendar = LIBRARY
) -> date:
    """The last day of a period of ``days`` counted from service (民事诉讼法 第八十五条).

    The day of service is not counted (the period starts the next day); a last day that is a
    rest day or public holiday moves to the first working day after it (调休 included). In a
    year no holiday data covers (neither the library nor the office), only Saturdays and
    Sundays are known: callers say so (``holidays_known``).
    """
    last = deadline(served_on, days, working_days=working_days, calendar=calendar)
    while not _is_rest_free(last, calendar):
        last += timedelta(days=1)
    return last


def holidays_known(day: date, calendar: Calendar = LIBRARY) -> bool:
    """Does the holiday data cover ``day``'s year? (The State Council announces each year's
    holidays late in the year before; until a library update or the office records it, only
    weekends are known.)"""
    return calendar.known(day)


def _is_rest_free(day: date, calendar: Calendar) -> bool:
    """A working day, by the holiday data where it exists, else by the weekday alone."""
    if calendar.known(day):
        return calendar.is_workday(day)
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
