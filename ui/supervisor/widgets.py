"""Small helpers the supervisor screens share."""

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox


def combo(items: list[tuple[str, object]]) -> QComboBox:
    """A drop-down of (label, data) items."""
    box = QComboBox()
    for label, data in items:
        box.addItem(label, data)
    return box


def one(value: str | None) -> tuple[str, ...]:
    """A drop-down's choice as a filter: nothing chosen means any."""
    return (value,) if value else ()


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
