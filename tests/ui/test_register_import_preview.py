"""导入名录… on the 检查对象 screen shows the same preview as the first-run page: the first
rows, every refused row with its file, sheet, row, column and reason; 取消 imports nothing;
reading and importing both run on the window's one task runner."""

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from inspector import org_search
from inspector.store import Store
from tests.org_files import AUTOMATION, BAD_CHECK, make_code
from ui.first_run_dialogs import PREVIEW_ROWS, RegisterPreviewDialog
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def choose_register(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """What the person picks in the file chooser (on either screen)."""
    monkeypatch.setattr(RegisterPreviewDialog, "ask_file", classmethod(lambda cls, p: str(path)))


def read_then_preview(qtbot: QtBot, window: MainWindow, click: object) -> RegisterPreviewDialog:
    """Click the import button: the file is read on the window's runner, then the preview."""
    with qtbot.waitSignal(window.runner.finished, timeout=20_000):
        click()  # type: ignore[operator]
        assert window.runner.busy and window.runner.title == "正在读取名录"
    dialog = window.findChild(RegisterPreviewDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def accept_preview(qtbot: QtBot, window: MainWindow, dialog: RegisterPreviewDialog) -> None:
    """导入 in the preview, and wait for the import on the runner to end."""
    with qtbot.waitSignal(window.runner.finished, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
        assert window.runner.busy and window.runner.title == "正在导入名录"


def register_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "登记名录"
    sheet.append(["统一社会信用代码", "社会组织名称", "所在区县"])
    sheet.append([AUTOMATION[0], AUTOMATION[1], "东城区"])
    for n in range(12):
        sheet.append([make_code(n), f"广州市第{n}行业协会", "越秀区"])
    sheet.append([BAD_CHECK, "错误代码协会", "东城区"])  # row 15
    sheet.append([make_code(99), None, "越秀区"])  # row 16: no name
    book.save(path)
    return path


@pytest.fixture
def window(qtbot: QtBot, world: Store, tmp_path: Path) -> MainWindow:
    main = MainWindow(world, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.show_screen("organizations")
    return main


def test_the_organizations_screens_import_shows_the_preview_and_cancel_imports_nothing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, world: Store,
    tmp_path: Path,
) -> None:  # fmt: skip
    register = register_xlsx(tmp_path / "2026年名录.xlsx")
    choose_register(monkeypatch, register)
    screen = window.organizations
    held = org_search.count(world)
    dialog = read_then_preview(qtbot, window, lambda: qtbot.mouseClick(screen.import_button, LEFT))
    assert dialog.windowTitle() == "导入名录：2026年名录.xlsx"
    assert dialog.preview.rowCount() == PREVIEW_ROWS
    first = [dialog.preview.item(0, column).text() for column in range(4)]
    assert first == [AUTOMATION[1], AUTOMATION[0], "社会团体", "东城区"]
    refused = [dialog.refused.item(n).text() for n in range(dialog.refused.count())]
    assert len(refused) == 2 and dialog.refused.isVisible()
    for line, row, column in (
        (refused[0], 15, "统一社会信用代码"),
        (refused[1], 16, "社会组织名称"),
    ):
        assert line.startswith("2026年名录.xlsx"), line
        assert "工作表“登记名录”" in line and f"第 {row} 行" in line and column in line, line
    assert "校验" in refused[0]
    assert dialog.import_button.text() == "导入 13 条"

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # 取消
    qtbot.waitUntil(lambda: window.findChild(RegisterPreviewDialog) is None)
    assert not window.runner.busy and org_search.count(world) == held
    assert screen.last_import.text() == ""

    dialog = read_then_preview(qtbot, window, lambda: qtbot.mouseClick(screen.import_button, LEFT))
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert not window.runner.busy and org_search.count(world) == held

    dialog = read_then_preview(qtbot, window, lambda: qtbot.mouseClick(screen.import_button, LEFT))
    with qtbot.waitSignal(window.runner.finished, timeout=20_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter is 导入
    assert org_search.count(world) == held + 13
    assert screen.last_import.text().startswith("名录导入完成：导入 13 条")


def test_the_first_run_page_opens_the_same_preview(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, store: Store, tmp_path: Path
) -> None:
    register = register_xlsx(tmp_path / "名录.xlsx")
    choose_register(monkeypatch, register)
    window = MainWindow(store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    page = window.home.first_run
    assert page is not None
    dialog = read_then_preview(
        qtbot, window, lambda: qtbot.mouseClick(page.buttons["register"], LEFT)
    )
    assert dialog.preview.rowCount() == PREVIEW_ROWS and dialog.refused.count() == 2
    accept_preview(qtbot, window, dialog)
    assert org_search.count(store) == 13
