"""A ``table`` answer (e.g. the fee list): rows of typed cells, saved on every edit.

Each column has its own editor: a list for choice and 是/否 columns, a date editor for dates,
a line for text, numbers and money. Enter finishes the cell (it does not leave the item), and
every row is saved against the table's own item.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector import fee_checks
from inspector.answer_values import TEXT_LIMIT
from inspector.checklist_model import AnswerType, Column, Item
from ui.editor.answer_widgets import (
    ENTER_KEYS,
    AnswerWidget,
    KeysStayHere,
    is_digit,
    parse_typed,
    zh_date_edit,
)

_TO_CHECK = "#fff3e0"  # a pale amber behind a cell to check; the words say why
_LISTED = (AnswerType.SINGLE_CHOICE, AnswerType.YES_NO)
_HINTS = {
    AnswerType.MONEY: "金额（元），如 12800.00",
    AnswerType.NUMBER: "数量",
    AnswerType.MULTI_CHOICE: "用“、”分隔多个选项",
}


class FeeTable(AnswerWidget):
    def __init__(self, item: Item) -> None:
        super().__init__()
        self.item_id = item.id
        self.columns = item.columns
        self.table = QTableWidget(0, len(self.columns))
        for c, column in enumerate(self.columns):  # a narrow column's label is whole on hover
            header = QTableWidgetItem(column.label)
            header.setToolTip(column.label)
            self.table.setHorizontalHeaderItem(c, header)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.table.setItemDelegate(CellDelegate(self.columns, self.table))
        # A digit typed on a cell starts editing it with that digit (not 1-9: answer by number).
        self.table.installEventFilter(KeysStayHere(self.table, enter=False))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.warning = QLabel()  # fee data that does not add up (saved all the same)
        self.warning.setWordWrap(True)
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
        layout.addWidget(self.warning)
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
        """The table in the stored shape; ``ValueError`` naming row and column on a bad cell."""
        result = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, column in enumerate(self.columns):
                cell = self.table.item(r, c)
                try:
                    row[column.id] = cell_value(column, cell.text() if cell else "")
                except ValueError as exc:
                    raise ValueError(f"第{r + 1}行“{column.label}”：{exc}") from None
            result.append(row)
        return result

    def flush(self) -> None:
        """Finish a cell still being typed in (leaving the item, closing the window)."""
        editor = self.table.indexWidget(self.table.currentIndex())
        if self.table.state() is QAbstractItemView.State.EditingState and editor is not None:
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def show_problems(self, problems: Sequence[fee_checks.Problem]) -> None:
        """The core's fee checks at their cells (shaded, the reason as the tooltip) and in
        words below: saved as typed, to correct; a notice refuses them until then."""
        ids = [column.id for column in self.columns]
        at = {
            (p.row - 1, ids.index(p.column)): p.message
            for p in problems
            if p.row is not None and p.column in ids
        }
        self.table.blockSignals(True)
        for r, c in at:
            if r < self.table.rowCount() and self.table.item(r, c) is None:
                self.table.setItem(r, c, QTableWidgetItem(""))
        for r in range(self.table.rowCount()):
            for c in range(len(self.columns)):
                cell = self.table.item(r, c)
                if cell is not None:
                    message = at.get((r, c), "")
                    cell.setToolTip(message)
                    cell.setBackground(QColor(_TO_CHECK) if message else QBrush())
        self.table.blockSignals(False)
        self.warning.setText("\n".join(f"⚠ 请核对：{p.message}" for p in problems))

    @Slot()
    def add_row(self) -> None:
        self.table.insertRow(self.table.rowCount())
        self._edited()

    @Slot()
    def remove_selected(self) -> None:
        for r in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)
        self._edited()

    @Slot()
    def _edited(self) -> None:
        try:
            rows = self.rows()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        self.emit_answer(rows)


class CellDelegate(QStyledItemDelegate):
    """The editor of each column; Enter and Return finish the cell instead of leaving the item,
    and digits are typed into it (not taken as an answer number)."""

    def __init__(self, columns: list[Column], parent: QObject) -> None:
        super().__init__(parent)
        self.columns = columns

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        column = self.columns[index.column()]
        if column.answer_type in _LISTED:
            box = QComboBox(parent)
            box.addItems(["", *choice_labels(column)])
            return box
        if column.answer_type is AnswerType.DATE:
            return zh_date_edit(parent)
        line = QLineEdit(parent)
        line.setMaxLength(TEXT_LIMIT)
        line.setPlaceholderText(_HINTS.get(column.answer_type, ""))
        return line

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        text = index.data() or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        elif isinstance(editor, QDateEdit):
            typed = QDate.fromString(text, "yyyy-MM-dd")
            editor.setDate(typed if typed.isValid() else QDate.currentDate())
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            text = editor.currentText()
        elif isinstance(editor, QDateEdit):
            text = editor.date().toString("yyyy-MM-dd")
        else:
            text = editor.text() if isinstance(editor, QLineEdit) else ""
        model.setData(index, text)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        keyed = isinstance(event, QKeyEvent) and (event.key() in ENTER_KEYS or is_digit(event))
        if keyed and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the key reaches the cell editor, not the editor's shortcuts
            return True
        return super().eventFilter(editor, event)


def choice_labels(column: Column) -> list[str]:
    if column.answer_type is AnswerType.YES_NO:
        return ["是", "否"]
    return [choice.label for choice in column.choices]


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
    if kind in (AnswerType.MONEY, AnswerType.NUMBER, AnswerType.TEXT):
        return parse_typed(kind, text)
    if not text:
        return None
    if kind is AnswerType.DATE:
        if not QDate.fromString(text, "yyyy-MM-dd").isValid():
            raise ValueError(f"“{text}”不是有效的日期，请按 2026-11-21 的格式填写")
        return text
    if kind is AnswerType.YES_NO:
        return _chosen({"是": True, "否": False}, text)
    values = {choice.label: choice.value for choice in column.choices}
    if kind is AnswerType.MULTI_CHOICE:
        parts = [part for part in text.replace("，", "、").split("、") if part.strip()]
        return [_chosen(values, part.strip()) for part in parts]
    return _chosen(values, text)


def _chosen(values: dict[str, Any], label: str) -> Any:
    if label not in values:
        raise ValueError(f"“{label}”不是本列的选项（{'、'.join(values)}）")
    return values[label]
