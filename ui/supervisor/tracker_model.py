"""The tracker's rows for a view: fetched a page at a time as the table scrolls."""

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector import tracker
from inspector.clock import today
from inspector.model import FindingStatus
from inspector.store import Store
from inspector.tracker import SortKey, TrackerFilter, TrackerRow
from ui import style
from ui.text import deadline_text, local_time

PAGE = 200
SOON_DAYS = 7
AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("检查对象", "问题", "严重程度", "整改期限", "状态", "所在区县", "检查表", "检查日期")


def status_text(row: TrackerRow, on: date) -> str:
    """The status in words, 逾期 first when it is (colour is never the only signal)."""
    return ("逾期 · " if row.overdue(on) else "") + row.status.label


def deadline_colour(row: TrackerRow, on: date) -> Any:
    if row.status is FindingStatus.CLOSED:
        return style.GREEN
    if row.overdue(on):
        return style.RED
    left = row.days_left(on)
    if left is not None and left <= SOON_DAYS and row.status is not FindingStatus.ESCALATED:
        return style.AMBER
    return None


class TrackerModel(QAbstractTableModel):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.wanted = TrackerFilter()
        self.sort_key = SortKey.DEADLINE
        self.on = today()
        self.rows: list[TrackerRow] = []
        self.total = 0

    def load(self, wanted: TrackerFilter, sort_key: SortKey = SortKey.DEADLINE) -> None:
        """Show the findings matching ``wanted``: the count and the first page."""
        self.beginResetModel()
        self.wanted, self.sort_key, self.on = wanted, sort_key, today()
        self.total = tracker.count(self.store, wanted, on=self.on)
        self.rows = self._page(0)
        self.endResetModel()

    def reload(self) -> None:
        self.load(self.wanted, self.sort_key)

    def show_only(self, ids: tuple[str, ...]) -> None:
        """The rows behind a dashboard bar, whatever their status."""
        self.load(replace(TrackerFilter(), ids=ids, statuses=()))

    def position_of(self, finding_id: str) -> int | None:
        """The row of a finding among those fetched so far."""
        return next((n for n, row in enumerate(self.rows) if row.id == finding_id), None)

    def row_at(self, index: AnyIndex) -> TrackerRow:
        return self.rows[index.row()]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: AnyIndex) -> None:
        more = self._page(len(self.rows))
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows += more
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, index.column())  # the tooltip: all of an elided cell
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (3, 4):
            return deadline_colour(row, self.on)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def _text(self, row: TrackerRow, column: int) -> str:
        if column == 3:
            if row.status in (FindingStatus.CLOSED, FindingStatus.ESCALATED):
                return row.deadline or ""
            return deadline_text(row.deadline, self.on)
        texts = (
            row.organization,
            row.description,
            row.severity,
            "",
            status_text(row, self.on),
            row.district,
            row.checklist,
            local_time(row.inspected_on)[:10],
        )
        return texts[column]

    def _page(self, offset: int) -> list[TrackerRow]:
        return tracker.query(
            self.store, self.wanted, sort=self.sort_key, on=self.on, limit=PAGE, offset=offset
        )
