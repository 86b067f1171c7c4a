"""Driving the inspection editor as a person does: clicks on the tree, typing into cells."""

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from inspector.store import Store
from ui.editor.screen import InspectionEditor


def open_editor(qtbot, store: Store, inspection_id: str, actor: str) -> InspectionEditor:
    """The editor in an active window, as the inspector has it (shortcuts need the window)."""
    editor = InspectionEditor(store, inspection_id, actor=actor)
    qtbot.addWidget(editor)
    editor.resize(1366, 768)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key; Chinese arrives as an input method commits it, as text."""
    for char in text:
        if char.isascii():
            QTest.keyClick(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )


def double_click(view: QAbstractItemView, index: QModelIndex) -> None:
    """Qt 6's QTest sends a double click without its first press: click, then double-click."""
    centre = view.visualRect(index).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def open_cell(qtbot, view: QTableView, row: int, column: int) -> QWidget:
    """Double-click a cell; its editor (a line, a list, a date)."""
    qtbot.waitUntil(view.isVisible)  # a widget added to a shown layout appears on the next loop
    double_click(view, view.model().index(row, column))
    qtbot.waitUntil(lambda: view.state() is QAbstractItemView.State.EditingState)
    editor = view.indexWidget(view.currentIndex())
    assert editor is not None
    return editor


def type_into_cell(qtbot, view: QTableView, row: int, column: int, text: str) -> None:
    """Double-click the cell, type, press Enter."""
    cell = open_cell(qtbot, view, row, column)
    assert isinstance(cell, QLineEdit)
    type_text(cell, text)
    QTest.keyClick(cell, Qt.Key.Key_Return)
    # the view commits the cell on the next turn of the event loop
    qtbot.waitUntil(lambda: view.state() is not QAbstractItemView.State.EditingState)


def choose_in_cell(qtbot, view: QTableView, row: int, column: int, label: str) -> None:
    """Double-click a choice cell, pick ``label`` from its list by keys, press Enter."""
    box = open_cell(qtbot, view, row, column)
    assert isinstance(box, QComboBox)
    while box.currentText() != label:
        QTest.keyClick(box, Qt.Key.Key_Down)
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() is not QAbstractItemView.State.EditingState)


def click_item(editor: InspectionEditor, item_id: str) -> None:
    """Scroll the tree at the side to an item, as a person would, and click it."""
    index = editor.model.index_of(item_id)
    editor.tree.scrollTo(index)
    rect = editor.tree.visualRect(index)
    QTest.mouseClick(editor.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def answer_dialog_with(button_text: str) -> list[str]:
    """When the next modal dialog opens, click its button ``button_text``; its title is kept."""
    seen: list[str] = []

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(10, click)
            return
        seen.append(dialog.windowTitle())
        for button in dialog.findChildren(QPushButton):
            if button.text() == button_text:
                QTest.mouseClick(button, Qt.MouseButton.LeftButton)
                return
        dialog.reject()

    QTimer.singleShot(0, click)
    return seen
