from datetime import date

import pytest

from inspector.deadlines import days_left, deadline
from inspector.errors import UserError


def test_calendar_days() -> None:
    assert deadline(date(2026, 11, 21), 30) == date(2026, 12, 21)


def test_working_days_skip_national_day_holiday() -> None:
    # 2026-10-01..07 are holidays and Saturday 2026-10-10 is a make-up workday (调休), so the
    # five working days after 2026-09-30 are Oct 8, 9, 10, 12, 13.
    assert deadline(date(2026, 9, 30), 5, working_days=True) == date(2026, 10, 13)


def test_working_days_count_make_up_workdays() -> None:
    import chinese_calendar

    # Whatever the year's 调休 are, every day counted must be a working day per the package.
    start = date(2026, 1, 20)
    end = deadline(start, 20, working_days=True)
    counted = [
        d
        for d in (date.fromordinal(o) for o in range(start.toordinal() + 1, end.toordinal() + 1))
        if chinese_calendar.is_workday(d)
    ]
    assert len(counted) == 20


def test_year_without_holiday_data_is_a_clear_error() -> None:
    with pytest.raises(UserError, match="节假日数据尚未包含"):
        deadline(date(2040, 1, 1), 5, working_days=True)


def test_negative_days_refused_and_days_left() -> None:
    with pytest.raises(UserError):
        deadline(date(2026, 1, 1), -1)
    assert days_left(date(2026, 12, 21), date(2026, 12, 16)) == 5
    assert days_left(date(2026, 12, 21), date(2026, 12, 24)) == -3
