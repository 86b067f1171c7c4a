"""当前用户: chosen from the roster, stored in ``user.actor``; pages and audit entries follow."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from inspector import current_user, preferences, roster
from inspector.model import Inspector
from inspector.store import Store
from ui.current_user import CurrentUserDialog, ask_once
from ui.main_window import MainWindow

BOSS = Inspector("周科长", "京民执19999", "市民政局", role="supervisor")


@pytest.fixture
def office(world: Store) -> Store:
    """The test roster (张伟, 李娜, 王芳: inspectors) and one supervisor."""
    roster.add(world, BOSS)
    return world


def _answer_with(monkeypatch: pytest.MonkeyPatch, certificate_no: str | None) -> list[str]:
    """Replace the dialog: choose ``certificate_no`` (None: cancel); returns the calls made."""
    calls: list[str] = []

    def ask(parent: QWidget | None, store: Store) -> str | None:
        calls.append("asked")
        if certificate_no is None:
            return None
        dialog = CurrentUserDialog(store, parent)
        dialog.choose(certificate_no)
        dialog.accept()
        return dialog.actor

    monkeypatch.setattr(CurrentUserDialog, "ask", classmethod(lambda cls, *a: ask(*a)))
    return calls


def test_nobody_until_chosen_then_the_name(office: Store) -> None:
    assert current_user.needs_choice(office)
    assert current_user.actor(office) == "本机用户"
    assert current_user.person(office) is None
    boss = next(p for p in roster.all_active(office) if p.role == "supervisor")
    assert current_user.choose(office, boss) == "周科长"
    assert preferences.get(office, current_user.KEY) == "周科长"
    assert current_user.person(office) == boss
    assert not current_user.needs_choice(office)


def test_a_shared_name_is_stored_as_the_certificate_number(office: Store) -> None:
    roster.add(office, Inspector("周科长", "京民执18888", role="inspector"))
    boss = next(p for p in roster.all_active(office) if p.certificate_no == "京民执19999")
    assert current_user.choose(office, boss) == "京民执19999"
    assert current_user.person(office) == boss


def test_no_roster_no_question(store: Store) -> None:
    assert not current_user.needs_choice(store)


def test_dialog_lists_the_roster_with_roles(qtbot, qtmodeltester, office: Store) -> None:
    dialog = CurrentUserDialog(office)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    rows = [
        [dialog.model.index(r, c).data() for c in range(3)] for r in range(dialog.model.rowCount())
    ]
    assert ["周科长", "京民执19999", "审核人员"] in rows
    assert ["张伟", "京民执11000", "检查人员"] in rows
    assert not dialog.ok.isEnabled()  # nobody chosen yet
    dialog.choose("京民执11001")
    assert dialog.ok.isEnabled()
    dialog.accept()
    assert current_user.actor(office) == "李娜"


def test_asked_once_on_first_start(monkeypatch: pytest.MonkeyPatch, office: Store) -> None:
    calls = _answer_with(monkeypatch, None)
    ask_once(office)
    ask_once(office)
    assert calls == ["asked"]
    assert current_user.actor(office) == "本机用户"


def test_first_start_choice_is_kept(monkeypatch: pytest.MonkeyPatch, office: Store) -> None:
    _answer_with(monkeypatch, "京民执19999")
    ask_once(office)
    assert current_user.actor(office) == "周科长"


@pytest.fixture
def window(qtbot, office: Store, settings: QSettings) -> MainWindow:
    main = MainWindow(office, settings)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    return main


def _labels(window: MainWindow) -> list[str]:
    return [window.nav.item(r).text() for r in range(window.nav.count())]


def test_switching_user_shows_and_hides_the_supervisor_pages(
    monkeypatch: pytest.MonkeyPatch, window: MainWindow
) -> None:
    assert "审核" not in _labels(window)
    assert window.user_button.text().startswith("当前用户：本机用户（未在执法人员名录中）")
    _answer_with(monkeypatch, "京民执19999")
    window.user_button.click()
    assert window.actor == "周科长"
    assert window.user_button.text().startswith("当前用户：周科长（京民执19999，审核人员）")
    assert "审核" in _labels(window)
    assert _labels(window)[-2:] == ["检查表", "同步"]
    window.show_screen("review")
    assert window.stack.currentWidget() is window.screens["review"]
    _answer_with(monkeypatch, "京民执11000")
    window.user_button.click()
    assert "审核" not in _labels(window) and "review" not in window.screens
    assert window.stack.currentWidget() is window.home  # the page shown is gone
    assert len(_labels(window)) == len(window.keys)
    assert window.stack.count() == len(window.screens)  # built pages only: none left behind


def test_new_audit_entries_carry_the_chosen_name(
    monkeypatch: pytest.MonkeyPatch, window: MainWindow, office: Store, inspection_id: str
) -> None:
    window.open_inspection(inspection_id)
    editor = window.editor
    assert editor is not None
    _answer_with(monkeypatch, "京民执11002")
    window.user_button.click()
    editor.session.set_answer("ar-02", True)
    last = office.db.execute("SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last[0] == "王芳"
