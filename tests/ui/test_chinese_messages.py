"""Chinese everywhere: Qt's own dialogs and buttons, calm errors naming the log file, and
a store that cannot be opened told in its own words before any window appears."""

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
)

from inspector.logs import log_file
from inspector.store import open_store
from tests.raw_store import raw_connection
from ui import app
from ui.instance_lock import claim
from ui.messages import show_error


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """Message boxes as they would have been shown (text, buttons, detail)."""
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    return boxes


def test_standard_buttons_and_dialogs_are_chinese(qtbot) -> None:
    app.application()
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    dialog = QFileDialog(None, "选择名录文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()}
    assert labels == {"打开(&O)", "取消"}
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    assert calendar.locale().language() == QLocale.Language.Chinese
    assert "十月" in calendar.locale().monthName(10)
    assert QLocale().toString(QDate(2026, 11, 21), "MMMM") == "十一月"


def test_an_unexpected_error_shows_no_traceback_and_names_the_log(
    qtbot, shown: list[QMessageBox]
) -> None:
    try:
        raise KeyError("fee")
    except KeyError as exc:
        app._show_unexpected(KeyError, exc, exc.__traceback__)
    box = shown[0]
    assert box.detailedText() == ""
    assert "Traceback" not in box.text() and "KeyError" not in box.text()
    assert str(log_file()) in box.text()
    assert "数据未受影响" not in box.text()  # it cannot know that
    assert all(b.text() != "Show Details..." for b in box.buttons())
    show_error(None, ZeroDivisionError("x"))
    assert shown[1].detailedText() == ""


def test_a_second_window_on_the_same_store_is_refused_at_once(
    qtbot, shown: list[QMessageBox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QApplication, "exec", lambda _app: 0)  # fail, never hang
    db = tmp_path / "inspector.db"
    open_store(db).close()
    held = claim(db)  # the first window
    assert held is not None
    assert app.run(db) == 1
    assert shown[0].windowTitle() == "无法打开数据库"
    assert "已在本程序的另一个窗口中打开" in shown[0].text()
    held.unlock()
    assert claim(db) is not None  # free again once the first window has closed


def test_a_missing_folder_is_named_and_not_created(
    qtbot, shown: list[QMessageBox], tmp_path: Path
) -> None:
    db = tmp_path / "U盘" / "inspector.db"
    assert app.run(db) == 1
    assert "U盘" in shown[0].text() and "不存在" in shown[0].text()
    assert not db.parent.exists()


def test_a_store_locked_by_another_program_says_so_not_damaged(
    qtbot, shown: list[QMessageBox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QApplication, "exec", lambda _app: 0)  # fail, never hang
    db = tmp_path / "inspector.db"
    open_store(db).close()
    other = raw_connection(db)  # another program that has the key
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO settings (key, value) VALUES ('held', 'by another program')")
    try:
        assert app.run(db) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "正被另一个程序使用" in shown[0].text()
    assert "损坏" not in shown[0].text()
