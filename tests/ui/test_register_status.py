"""The register screen says what the register knows: 已注销 in red, and a mistyped code."""

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from inspector import org_search, registry
from inspector.model import RegistrationStatus
from inspector.store import Store
from ui import style
from ui.main_window import MainWindow
from ui.org_model import COLUMNS


@pytest.fixture
def window(qtbot: QtBot, world: Store, settings: QSettings) -> MainWindow:
    gone = org_search.get(world, org_search.search(world, "养老")[0].id)
    registry.upsert(world, replace(gone, registration_status=RegistrationStatus.DEREGISTERED))
    main = MainWindow(world, settings)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    main.show_screen("organizations")
    return main


def test_a_deregistered_organization_is_shown_as_such(window: MainWindow) -> None:
    screen = window.organizations
    column = [key for _, key, _ in COLUMNS].index("registration_status")
    rows = {screen.model.hit(r).name: r for r in range(screen.model.rowCount())}
    gone = screen.model.index(rows["北京市测试养老服务中心"], column)
    active = screen.model.index(rows["北京市测试行业协会"], column)
    assert gone.data() == "已注销" and gone.data(Qt.ItemDataRole.ForegroundRole) == style.RED
    assert active.data() == "正常" and active.data(Qt.ItemDataRole.ForegroundRole) is None
    screen.table.selectRow(rows["北京市测试养老服务中心"])
    assert "登记状态：<b style='color:#c62828'>已注销</b>" in screen.detail.body.text()


def test_a_code_with_a_wrong_check_character_is_flagged_as_typed(
    qtbot: QtBot, window: MainWindow
) -> None:
    screen = window.organizations
    QTest.keyClicks(screen.search, "51110000MJ0000001B")  # the check character is 9
    qtbot.waitUntil(screen.code_warning.isVisible)  # after the typing pause, as the search
    assert "校验位错误" in screen.code_warning.text() and "应为“9”" in screen.code_warning.text()
    QTest.keyClick(screen.search, Qt.Key.Key_Backspace)
    QTest.keyClicks(screen.search, "9")
    qtbot.waitUntil(lambda: not screen.code_warning.isVisible())  # fixed: the warning goes
