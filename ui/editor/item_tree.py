"""Sections and their visible items, each with its state (未答 / 符合 / 不符合 / 不适用 / 附件)."""

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from inspector.checklist_model import Item, Section
from ui import style
from ui.editor.answer_widgets import answer_label
from ui.editor.session import InspectionSession

AnyIndex = QModelIndex | QPersistentModelIndex
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole
_VALUE_COLOURS = {  # by stored value: an item's own words (存在 / 不存在) colour the same
    "compliant": style.GREEN,
    "not_compliant": style.RED,
    "not_applicable": style.GREY,
}
_UNANSWERED = QColor("#8a8a8a")


class ItemTreeModel(QAbstractItemModel):
    """Top level: sections; children: items. ``internalId`` is 0 for a section, else its row + 1."""

    def __init__(self, session: InspectionSession) -> None:
        super().__init__()
        self.session = session
        self.sections: list[tuple[Section, list[Item]]] = []
        self.states: dict[str, str] = {}
        self.colours: dict[str, QColor | None] = {}
        self.reload()

    def reload(self) -> None:
        """Re-read visibility and states (computed once here, not on every paint)."""
        self.beginResetModel()
        self.sections = self.session.visible_sections()
        with_evidence = {a.item_id for a in self.session.evidence() if a.item_id}
        self.states = {}
        self.colours = {}
        for _, items in self.sections:
            for item in items:
                value = self.session.answers.get(item.id)
                label = answer_label(item, value)
                answered = self.session.is_answered(item.id)
                self.colours[item.id] = (
                    (_VALUE_COLOURS.get(value) if isinstance(value, str) else None)
                    if answered
                    else _UNANSWERED
                )
                self.states[item.id] = f"{label} · 附件" if item.id in with_evidence else label
        self.endResetModel()

    def index_of(self, item_id: str) -> QModelIndex:
        for s, (_, items) in enumerate(self.sections):
            for r, item in enumerate(items):
                if item.id == item_id:
                    return self.index(r, 0, self.index(s, 0))
        return QModelIndex()

    def state(self, item: Item) -> str:
        return self.states[item.id]

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.sections)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.sections[parent.row()][1])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            section, items = self.sections[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                if index.column() == 0:
                    return section.title
                done = sum(self.session.is_answered(item.id) for item in items)
                return f"{done}/{len(items)}"
            return None
        s = index.internalId() - 1
        item = self.sections[s][1][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{s + 1}.{index.row() + 1} {item.question}"
                if index.column() == 0
                else self.state(item)
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.question
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            return self.colours.get(item.id)
        if role == ITEM_ID_ROLE:
            return item.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("检查项", "状态")[section]
        return None
