"""Time in one place: stored in UTC (ISO 8601), shown in local time."""

from datetime import UTC, date, datetime


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with millisecond precision."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def today() -> date:
    """Today in local time: deadlines are calendar dates where the inspector works."""
    return date.today()


def to_local(utc_iso: str) -> datetime:
    """A stored UTC timestamp converted to the machine's local time zone."""
    return datetime.fromisoformat(utc_iso).astimezone()
