"""Time in one place: stored in UTC (ISO 8601), shown in the office's time zone.

The office's zone is ``$INSPECTOR_TZ`` (an IANA name), Asia/Shanghai by default: a record
made at 05:00 UTC reads 13:00, as 北京时间, whatever the machine's own zone.
"""

import os
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TZ_ENV = "INSPECTOR_TZ"


def _office_zone() -> tzinfo:
    name = os.environ.get(TZ_ENV) or "Asia/Shanghai"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # no time-zone database (Windows without tzdata): China has had one offset since 1991
        return timezone(timedelta(hours=8), "CST")


OFFICE_TZ = _office_zone()


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with millisecond precision."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def today() -> date:
    """Today in the office's time zone: deadlines are calendar dates where the office works."""
    return datetime.now(OFFICE_TZ).date()


def to_local(utc_iso: str) -> datetime:
    """A stored UTC timestamp in the office's time zone."""
    return datetime.fromisoformat(utc_iso).astimezone(OFFICE_TZ)
