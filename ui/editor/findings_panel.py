"""The findings of the inspection, one click away: list, add free-standing, edit."""

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.worklists import FindingRow
from ui import style
from ui.table_model import Column, RowsModel
from ui.text import deadline_text

COLUMNS: list[Column[FindingRow]] = [
    Column("问题描述", lambda f: f.description),
    Column("严重程度", lambda f: f.severity),
    Column(
        "整改期限",
        lambda f: deadline_text(f.deadline),
        lambda f: style.RED if not f.deadline or f.overdue() else None,
    ),
    Column("状态", lambda f: f.status.label),
]


class FindingsPanel(QWidget):
    add_requested = Signal()
    edit_requested = Signal(str)  # finding id

    def __init__(self) -> None:
        super().__init__()
        self.model: RowsModel[FindingRow] = RowsModel(COLUMNS)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setWordWrap(True)
        self.add_button = QPushButton("添加问题")
        self.edit_button = QPushButton("编辑所选问题")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit_selected)
        self.view.doubleClicked.connect(self._edit_index)

    def show_findings(self, rows: list[FindingRow], *, editable: bool) -> None:
        self.model.set_rows(rows)
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable)

    @Slot()
    def _edit_selected(self) -> None:
        selected = self.view.selectionModel().selectedRows()
        if selected:
            self._edit_index(selected[0])

    @Slot(QModelIndex)
    def _edit_index(self, index: QModelIndex) -> None:
        if self.edit_button.isEnabled():
            self.edit_requested.emit(self.model.row_at(index).id)
