"""A titled list screen: a short table of rows, an optional filter, buttons, double-click."""

from collections.abc import Callable, Sequence
from typing import Generic

from PySide6.QtCore import QModelIndex, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.table_model import Column, Row, RowsModel, row_table


class ListScreen(QWidget, Generic[Row]):
    """Rows are read when the screen is shown (``refresh``), not when it is built."""

    def __init__(
        self, title: str, columns: Sequence[Column[Row]], load: Callable[[], Sequence[Row]]
    ) -> None:
        super().__init__()
        self.load = load
        self.model: RowsModel[Row] = RowsModel(columns)
        self.title = QLabel(title, objectName="screenTitle")
        self.empty = QLabel(objectName="muted")
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(40)  # size columns by the first rows, not all
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.toolbar = QHBoxLayout()
        self.toolbar.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addLayout(self.toolbar, 1)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def add_button(
        self, text: str, action: Callable[[], None], *, primary: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        if primary:
            button.setObjectName("primary")
        button.clicked.connect(action)
        self.toolbar.addWidget(button)
        return button

    def refresh(self) -> None:
        rows = self.load()
        self.model.set_rows(rows)
        self.empty.setText(self.empty_text() if not rows else f"共 {len(rows)} 条")

    def empty_text(self) -> str:
        return "暂无记录"

    def selected(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row_at(index) if index.isValid() else None

    def activate(self, row: Row) -> None:
        """Double-click or Enter on a row; screens override."""

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        self.activate(self.model.row_at(index))
