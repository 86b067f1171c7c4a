"""Layout as a person sees it at 1024×768, 1366×768 and 1920×1080: every button inside the
window, not squeezed below its text, none overlapping another, at least 32 px high; names
elided in a cell have their whole text as a tooltip; the font size can be made large; the
first start fits a small screen; no button that silently does nothing."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from inspector import accounts, roster
from inspector.store import Store, open_store
from ui import app
from ui.fonts import BASE_POINT_SIZE, LARGE_POINT_SIZE
from ui.main_window import MainWindow

SIZES = ((1024, 768), (1366, 768), (1920, 1080))
MIN_TARGET = 32


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "inspector", "--db", str(path), "demo", "--orgs", "600",
         "--seed", "5"],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


@pytest.fixture
def window(qtbot, demo_path: Path, tmp_path: Path) -> MainWindow:
    app.application()  # the app's font, style sheet and translations, as the user gets them
    store = open_store(demo_path)
    boss = next(p for p in roster.all_active(store) if p.role == "supervisor")
    accounts.act_as(store, boss.id)
    main = MainWindow(store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    yield main  # type: ignore[misc]
    main.close()
    store.close()


def _buttons(screen: QWidget) -> list[QAbstractButton]:
    return [b for b in screen.findChildren(QAbstractButton) if b.isVisible()]


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_its_buttons(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.show()
    problems = []
    for key in list(window.keys):
        window.show_screen(key)
        screen = window.stack.currentWidget()
        qtbot.wait(1)
        placed = []
        for button in _buttons(screen):
            rect = _in_window(button, window)
            name = f"{key}: {button.text() or button.objectName() or type(button).__name__}"
            if not window.rect().contains(rect):
                problems.append(f"{name} outside the window {rect}")
            if button.text() and button.width() < button.minimumSizeHint().width():
                problems.append(f"{name} squeezed: {button.width()} < its text")
            if button.height() < MIN_TARGET and button.text():
                problems.append(f"{name} only {button.height()} px high")
            for other_name, other in placed:
                if rect.intersects(other):
                    problems.append(f"{name} overlaps {other_name}")
            placed.append((name, rect))
        status = _in_window(window.statusBar(), window)
        assert window.rect().contains(status), key
    assert problems == [], "\n".join(problems)


def test_status_column_of_the_tracker_is_on_screen_at_1024(qtbot, window: MainWindow) -> None:
    window.resize(1024, 768)
    window.show()
    window.show_screen("rectification")
    table = window.rectification.table
    status = table.horizontalHeader().sectionViewportPosition(4)
    assert status >= 0 and status + table.columnWidth(4) <= table.viewport().width()


def test_elided_names_have_their_whole_text_as_tooltip(qtbot, window: MainWindow) -> None:
    window.resize(1024, 768)
    window.show()
    window.show_screen("home")
    for model in (window.home.tasks, window.home.overdue):
        index = model.index(0, 0)
        assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)
    tasks = window.home.task_list.table
    assert tasks.isColumnHidden(1)  # narrow: the checklist gives its room to the name
    assert tasks.columnWidth(0) >= 120
    window.resize(1920, 1080)
    qtbot.wait(1)
    assert not tasks.isColumnHidden(1)


def test_large_font_for_the_whole_window_and_remembered(qtbot, window: MainWindow) -> None:
    window.show()
    button = window.status.font_button
    assert button.text() == "字号：标准"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert QApplication.font().pointSizeF() == LARGE_POINT_SIZE
    assert window.home.font().pointSizeF() == LARGE_POINT_SIZE
    assert window.settings.value("ui/font_size") == "large"
    assert button.text() == "字号：大"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert QApplication.font().pointSizeF() == BASE_POINT_SIZE


def test_first_start_on_a_small_screen_is_maximized_with_the_status_bar_on_it(
    qtbot, store: Store, tmp_path: Path
) -> None:
    main = MainWindow(store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    room = main.screen().availableGeometry()
    app.show_window(main, (room.width(), room.height()))  # as tall as the screen: no room
    assert main.isMaximized()
    app.show_window(main, (room.width() - 200, room.height() - 200))


def test_tracker_steps_need_a_finding_and_inspectors_do_not_see_them(
    qtbot, window: MainWindow
) -> None:
    window.resize(1366, 768)
    window.show()
    window.show_screen("rectification")
    tracker = window.rectification
    assert not tracker.buttons["recheck"].isEnabled()
    assert "先在列表中选中一个问题" in tracker.hint.text()
    table = tracker.table
    rect = table.visualRect(table.model().index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tracker.buttons["recheck"].isEnabled() and tracker.hint.text() == ""
    inspector = next(p for p in roster.all_active(window.store) if p.role != "supervisor")
    tracker.set_actor(inspector.id)
    assert not tracker.buttons["recheck"].isVisible()


def test_start_on_the_task_list_needs_a_task(qtbot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    window.show_screen("tasks")
    screen = window.tasks
    assert not screen.go_button.isEnabled()  # was a button that silently did nothing
    table = screen.table
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(0, 0)).center(),
    )
    assert screen.go_button.isEnabled()


def test_the_start_dialogs_message_goes_once_the_team_is_fixed(
    qtbot, world: Store, org_ids: dict[str, str]
) -> None:
    from inspector import org_search
    from ui.start_dialog import StartInspectionDialog

    org = org_search.get(world, org_ids["北京市测试行业协会"])
    assert org is not None
    dialog = StartInspectionDialog(world, org, actor="京民执11000")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = next(b for b in dialog.findChildren(QAbstractButton) if b.text() == "开始检查")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.problem.text()  # too few inspectors
    dialog.people.setCurrentRow(0)
    qtbot.keyClick(dialog.people, Qt.Key.Key_Space)
    assert dialog.problem.text() == ""
