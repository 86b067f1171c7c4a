"""First run without the command line: a new store gets the built-in checklists at once and
a page that leads to the server, or to a standalone set-up (register with a preview that
lists every refused row, roster, notice settings); checklists import from the 检查表 screen."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from inspector import notices, roster
from inspector.store import Store
from tests.org_files import AUTOMATION, BAD_CHECK, COMPOSITES, WELFARE_FUND
from tests.ui.test_register_import_preview import (
    accept_preview,
    choose_register,
    read_then_preview,
)
from ui.first_run import FirstRunPage
from ui.first_run_dialogs import LinesDialog, NoticeSettingsDialog, RosterDialog
from ui.main_window import MainWindow
from ui.screens.checklists import ChecklistsScreen

BUILTIN = Path(__file__).parents[2] / "checklists" / "builtin" / "spot-check-general.yaml"


@pytest.fixture
def window(qtbot, store: Store, tmp_path: Path) -> MainWindow:
    main = MainWindow(store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    return main


def _page(window: MainWindow) -> FirstRunPage:
    page = window.home.first_run
    assert page is not None and window.home.pages.currentWidget() is page
    return page


def _type_chinese(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese arrives through the input method as committed text (QTest types ASCII only)."""
    edit.setFocus()
    edit.insert(text)


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_new_store_opens_on_the_first_run_page_with_the_builtin_checklists(
    qtbot, window: MainWindow
) -> None:
    page = _page(window)
    text = page.state.text()
    assert "检查表：3 套（内置检查表已自动载入）" in text
    assert "○ 社会组织名录：0 个" in text and "○ 执法人员：0 名" in text
    window.show_screen("checklists")
    assert window.checklists.model.rowCount() == 3
    window.show_screen("home")
    _click(qtbot, page.buttons["server"])
    assert window.stack.currentWidget() is window.sync


def test_standalone_register_preview_lists_every_refused_row(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    register = tmp_path / "名录.csv"
    register.write_text(
        "统一社会信用代码,社会组织名称\n"
        f"{AUTOMATION[0]},{AUTOMATION[1]}\n"
        f"{BAD_CHECK},错误代码协会\n"
        f"{COMPOSITES[0]},{COMPOSITES[1]}\n"
        f"{WELFARE_FUND[0]},\n",
        encoding="utf-8",
    )
    choose_register(monkeypatch, register)
    page = _page(window)
    dialog = read_then_preview(qtbot, window, lambda: _click(qtbot, page.buttons["register"]))
    assert dialog.preview.rowCount() == 2
    assert dialog.preview.item(0, 0).text() == AUTOMATION[1]
    refused = [dialog.refused.item(n).text() for n in range(dialog.refused.count())]
    assert len(refused) == 2
    assert any("第 3 行" in line and "校验" in line for line in refused), refused
    assert any("第 5 行" in line for line in refused), refused
    assert dialog.import_button.text() == "导入 2 条"
    accept_preview(qtbot, window, dialog)
    assert "✔ 社会组织名录：2 个" in _page(window).state.text()


def test_standalone_roster_and_notice_settings_by_typing(
    qtbot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def type_people(dialog: RosterDialog) -> int:
        _type_chinese(dialog.name, "张伟")
        _click(qtbot, dialog.add_button)
        assert dialog.message.text() == "请填写执法证号。"
        _type_chinese(dialog.certificate, "京民执")
        qtbot.keyClicks(dialog.certificate, "11001")
        assert dialog.message.text() == ""  # the problem fixed, the message gone
        _click(qtbot, dialog.add_button)
        _type_chinese(dialog.name, "李娜")
        _type_chinese(dialog.certificate, "京民执")
        qtbot.keyClicks(dialog.certificate, "11002")
        dialog.role.setCurrentIndex(1)
        qtbot.keyClick(dialog.certificate, Qt.Key.Key_Return)
        assert dialog.people.count() == 2
        return 0

    def fill_settings(dialog: NoticeSettingsDialog) -> int:
        assert "联系人" in dialog.missing.text()
        for name, text in (
            ("contact", "王芳"),
            ("address", "东城区某路1号"),
            ("review_body", "北京市东城区人民政府"),
        ):
            _type_chinese(dialog.fields[name], text)  # fmt: skip
        qtbot.keyClicks(dialog.fields["phone"], "010-12345678")
        assert dialog.missing.text() == ""
        dialog.accept()
        return 1

    monkeypatch.setattr(RosterDialog, "exec", type_people)
    monkeypatch.setattr(NoticeSettingsDialog, "exec", fill_settings)
    page = _page(window)
    _click(qtbot, page.buttons["roster"])
    _click(qtbot, page.buttons["notice"])
    people = {p.name: p.role for p in roster.all_active(store)}
    assert people == {"张伟": "inspector", "李娜": "supervisor"}
    assert notices.load_settings(store).missing() == []
    assert "✔ 执法人员：2 名" in page.state.text() and "✔ 通知书设置：已填写" in page.state.text()
    _click(qtbot, page.buttons["done"])
    assert window.home.pages.currentWidget() is window.home.work


def test_checklists_import_from_the_screen_with_the_clis_messages(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text("id: x\nversion: 1\ntitle: 坏的\nsections: 3\n", encoding="utf-8")
    screen = ChecklistsScreen(store)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert "导入检查表" in screen.empty.text()
    shown: list[LinesDialog] = []
    monkeypatch.setattr(LinesDialog, "exec", lambda d: shown.append(d) or 0)
    monkeypatch.setattr(ChecklistsScreen, "ask_files", classmethod(lambda c, p: [str(bad)]))
    _click(qtbot, screen.import_button)
    assert shown[0].windowTitle() == "检查表未导入"
    lines = [shown[0].lines.item(n).text() for n in range(shown[0].lines.count())]
    assert lines and all("坏.yaml" in line for line in lines)
    assert screen.model.rowCount() == 0
    monkeypatch.setattr(ChecklistsScreen, "ask_files", classmethod(lambda c, p: [str(BUILTIN)]))
    _click(qtbot, screen.import_button)
    assert shown[1].windowTitle() == "检查表已导入"
    assert shown[1].lines.item(0).text().startswith("已导入：spot-check-general 第 ")
    assert screen.model.rowCount() == 1
    assert shown[1].result() == QDialog.DialogCode.Rejected


def test_a_register_import_lists_every_refused_row_after_it(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    register = tmp_path / "名录.csv"
    register.write_text(
        f"统一社会信用代码,社会组织名称\n{AUTOMATION[0]},{AUTOMATION[1]}\n{BAD_CHECK},错误代码协会\n",
        encoding="utf-8",
    )
    choose_register(monkeypatch, register)
    window.show_screen("organizations")
    button = window.organizations.import_button
    accept_preview(qtbot, window, read_then_preview(qtbot, window, lambda: _click(qtbot, button)))
    refused = window.findChild(LinesDialog)
    assert refused is not None and refused.isVisible()
    lines = [refused.lines.item(n).text() for n in range(refused.lines.count())]
    assert len(lines) == 1 and "第 3 行" in lines[0]
    assert "拒绝 1 条" in window.organizations.last_import.text()
    refused.close()
