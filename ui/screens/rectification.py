"""整改跟踪: findings awaiting rectification by deadline; overdue in red with the word 逾期."""

from datetime import timedelta

from PySide6.QtCore import Signal

from inspector import worklists
from inspector.clock import today
from inspector.store import Store
from inspector.worklists import FindingRow
from ui import style
from ui.screens.list_screen import ListScreen
from ui.table_model import Column
from ui.text import deadline_text

SOON = timedelta(days=7)


def _colour(row: FindingRow) -> object:
    left = row.days_left()
    if left is None or row.overdue():
        return style.RED
    return style.AMBER if left <= SOON.days else None


COLUMNS: list[Column[FindingRow]] = [
    Column("问题", lambda f: f.description),
    Column("检查对象", lambda f: f.organization),
    Column("程度", lambda f: f.severity),
    Column("整改期限", lambda f: deadline_text(f.deadline), _colour),  # type: ignore[arg-type]
    Column("状态", lambda f: ("逾期 · " if f.overdue() else "") + f.status.label),
]


class RectificationScreen(ListScreen[FindingRow]):
    open_inspection = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__("整改跟踪", COLUMNS, lambda: worklists.findings_by_deadline(store))

    def empty_text(self) -> str:
        return f"没有待整改的问题（截至 {today().isoformat()}）。"

    def activate(self, row: FindingRow) -> None:
        self.open_inspection.emit(row.inspection_id)
