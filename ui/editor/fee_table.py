"""A ``table`` answer (e.g. the fee list): rows of typed cells, saved on every edit."""

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inspector.checklist_model import AnswerType, Column, Item
from ui.editor.answer_widgets import AnswerWidget, parse_typed


class FeeTable(AnswerWidget):
    def __init__(self, item: Item) -> None:
        super().__init__()
        self.columns = item.columns
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([column.label for column in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.add_button = QPushButton("添加一行")
        self.remove_button = QPushButton("删除所选行")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.problem)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(self._edited)

    def set_value(self, value: Any) -> None:
        rows = value if isinstance(value, list) else []
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, column in enumerate(self.columns):
                text = cell_text(column, row.get(column.id))
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)

    def rows(self) -> list[dict[str, Any]]:
        """The table in the stored shape; raises ``ValueError`` on a bad number."""
        result = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, column in enumerate(self.columns):
                cell = self.table.item(r, c)
                text = cell.text() if cell else ""
                row[column.id] = cell_value(column, text)
            result.append(row)
        return result

    @Slot()
    def add_row(self) -> None:
        self.table.insertRow(self.table.rowCount())
        self._edited()

    @Slot()
    def remove_selected(self) -> None:
        for r in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)
        self._edited()

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Type into a cell (as a user would); used by keyboard entry and tests."""
        self.table.setItem(row, column, QTableWidgetItem(text))

    @Slot()
    def _edited(self) -> None:
        try:
            rows = self.rows()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self.answered.emit(rows)


def cell_text(column: Column, value: Any) -> str:
    """A stored cell as the inspector reads it: choice labels, 是/否, numbers as typed."""
    if value is None:
        return ""
    if column.answer_type is AnswerType.YES_NO:
        return "是" if value else "否"
    labels = {choice.value: choice.label for choice in column.choices}
    if isinstance(value, list):
        return "、".join(labels.get(part, str(part)) for part in value)
    return labels.get(value, str(value))


def cell_value(column: Column, text: str) -> Any:
    """What to store for typed cell text; a choice label is stored as its value."""
    text = text.strip()
    kind = column.answer_type
    if kind in (AnswerType.MONEY, AnswerType.NUMBER):
        return parse_typed(kind, text)
    if not text:
        return None
    if kind is AnswerType.YES_NO:
        return {"是": True, "否": False}.get(text, text)
    values = {choice.label: choice.value for choice in column.choices}
    if kind is AnswerType.MULTI_CHOICE:
        return [values.get(part, part) for part in text.replace("，", "、").split("、") if part]
    return values.get(text, text)
