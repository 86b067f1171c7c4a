"""Number keys in the editor: 1 to 9 pick the n-th answer button of the current item, as a
click does (same save, same audit), and never take a digit typed into a field, a cell or a
note — on every answer type of the built-in checklists."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)

from checklists.library import import_builtin_checklists
from inspector import inspections, registry, roster
from inspector.checklist_model import AnswerType
from inspector.model import NewInspection, Organization, OrgKind
from inspector.store import Store
from tests.ui.editor_keys import click_item, open_cell, open_editor
from ui.editor.fee_table import FeeTable
from ui.editor.screen import InspectionEditor

ACTOR = "京民执11000"
DIGITS = [getattr(Qt.Key, f"Key_{n}") for n in range(10)]
BUILT_INS = (  # (checklist, version, the kind of organization it is tried on)
    ("spot-check-general", 2, OrgKind.FOUNDATION),  # the foundation-only items too
    ("spot-check-general", 2, OrgKind.SOCIAL_GROUP),
    ("fee-audit", 3, OrgKind.SOCIAL_GROUP),
    ("nonprofit-review", 2, OrgKind.SOCIAL_SERVICE),
)


BUTTONS = (AnswerType.COMPLIANCE, AnswerType.YES_NO, AnswerType.SINGLE_CHOICE)


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    yield shown


def start(world: Store, checklist: str, version: int, kind: OrgKind) -> str:
    org = Organization("53110000MJ0000009C", f"北京市按键测试{kind.value}", kind, district="东城区")
    registry.upsert(world, org)
    org_id = world.db.execute("SELECT id FROM organizations WHERE name = ?", (org.name,))
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(org_id.fetchone()[0], checklist, version, people, "2026-11-20")
    return inspections.start(world, new, actor=ACTOR)


def answer_audit(world: Store, inspection_id: str, item_id: str) -> list[tuple[str, str, str]]:
    rows = world.db.execute(
        "SELECT actor, action, new FROM audit_log WHERE entity = 'answer' AND entity_id = ?"
        " ORDER BY seq",
        (f"{inspection_id}/{item_id}",),
    )
    return [tuple(row) for row in rows.fetchall()]


def buttons(editor: InspectionEditor) -> list[QAbstractButton]:
    return editor.pane.answer.group.buttons()  # type: ignore[union-attr]


def test_number_keys_pick_a_single_choice_as_a_click_does(
    qtbot, world: Store, no_dialogs: list[str]
) -> None:
    import_builtin_checklists(world)
    inspection_id = start(world, "spot-check-general", 2, OrgKind.SOCIAL_GROUP)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    click_item(editor, "ar-05")  # 上一年度年检（年报）结论: 合格 / 基本合格 / 不合格 / 未参加
    assert [b.text() for b in buttons(editor)] == [
        "1  合格",
        "2  基本合格",
        "3  不合格",
        "4  未参加",
    ]
    qtbot.keyClick(editor.tree, Qt.Key.Key_2)
    assert editor.session.answers["ar-05"] == "basically_passed"
    assert buttons(editor)[1].isChecked()
    qtbot.keyClick(editor.tree, Qt.Key.Key_4, Qt.KeyboardModifier.KeypadModifier)
    assert editor.session.answers["ar-05"] == "not_attended"
    by_keys = answer_audit(world, inspection_id, "ar-05")
    for key in (Qt.Key.Key_5, Qt.Key.Key_9, Qt.Key.Key_0):  # no fifth answer: nothing happens
        qtbot.keyClick(editor.tree, key)
    assert editor.session.answers["ar-05"] == "not_attended" and buttons(editor)[3].isChecked()
    assert answer_audit(world, inspection_id, "ar-05") == by_keys and no_dialogs == []
    for n in (1, 3):  # a click on the choice's words
        choice = buttons(editor)[n]
        at = QPoint(choice.fontMetrics().horizontalAdvance(choice.text()), choice.height() // 2)
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=at)
    by_clicks = answer_audit(world, inspection_id, "ar-05")[2:]
    assert [(a, action) for a, action, _ in by_clicks] == [(a, x) for a, x, _ in by_keys]
    assert [new for *_, new in by_clicks] == [new for *_, new in by_keys]
    reopened = open_editor(qtbot, world, inspection_id, ACTOR)
    assert reopened.session.answers["ar-05"] == "not_attended"


def test_keys_past_the_compliance_buttons_do_nothing(
    qtbot, world: Store, no_dialogs: list[str]
) -> None:
    import_builtin_checklists(world)
    inspection_id = start(world, "fee-audit", 3, OrgKind.SOCIAL_GROUP)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    qtbot.keyClick(editor.tree, Qt.Key.Key_3)
    assert editor.session.answers["fa-01"] == "not_applicable"
    for key in (Qt.Key.Key_4, Qt.Key.Key_8):
        qtbot.keyClick(editor.tree, key)
    assert editor.session.answers["fa-01"] == "not_applicable" and no_dialogs == []


def _fields(editor: InspectionEditor) -> list[QLineEdit | QPlainTextEdit]:
    answer = editor.pane.answer
    assert answer is not None
    fields = [*answer.findChildren(QLineEdit), *answer.findChildren(QPlainTextEdit)]
    return [field for field in fields if field.isVisible()]


def _type_digits(qtbot, widget: QLineEdit | QPlainTextEdit) -> str:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    # Not 2: taken as 不符合, it would open the finding dialog and the test would wait on it.
    for key in (Qt.Key.Key_1, Qt.Key.Key_3):
        QTest.keyClick(widget, key)
    QTest.keyClick(widget, Qt.Key.Key_3, Qt.KeyboardModifier.KeypadModifier)
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


@pytest.mark.parametrize(("checklist", "version", "kind"), BUILT_INS, ids=lambda v: str(v))
def test_digits_typed_in_any_field_of_a_built_in_stay_in_the_field(
    qtbot, world: Store, no_dialogs: list[str], checklist: str, version: int, kind: OrgKind
) -> None:
    """Every item of the checklist: digits in its field (or its note) are text, not answers."""
    import_builtin_checklists(world)
    inspection_id = start(world, checklist, version, kind)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    seen = set()
    for item in editor.session.visible_items():
        click_item(editor, item.id)
        assert editor.current_id == item.id
        qtbot.waitUntil(editor.pane.answer.isVisible)  # type: ignore[union-attr]
        seen.add(item.answer_type)
        before = dict(editor.session.answers)
        if item.answer_type is AnswerType.TABLE:
            continue  # its cells: test_digits_start_editing_a_fee_cell
        fields = _fields(editor)
        assert fields or item.answer_type in BUTTONS, item.id
        typed = [_type_digits(qtbot, field) for field in fields]
        assert typed == ["133"] * len(fields), item.id
        assert {k: v for k, v in editor.session.answers.items() if k != item.id} == before, item.id
        assert _type_digits(qtbot, editor.pane.note) == "133", item.id
        editor.pane.flush()
        assert editor.session.notes[item.id] == "133"
        if item.answer_type in (AnswerType.NUMBER, AnswerType.MONEY, AnswerType.TEXT):
            expected = {AnswerType.NUMBER: 133, AnswerType.MONEY: "133.00"}
            assert editor.session.answers[item.id] == expected.get(item.answer_type, "133")
        else:  # buttons and dates: a digit in the note answered nothing
            assert editor.session.answers.get(item.id) == before.get(item.id), item.id
    assert no_dialogs == []
    assert AnswerType.COMPLIANCE in seen


def test_digits_start_editing_a_fee_cell_and_enter_stays_in_the_table(
    qtbot, world: Store, no_dialogs: list[str]
) -> None:
    import_builtin_checklists(world)
    inspection_id = start(world, "fee-audit", 3, OrgKind.SOCIAL_GROUP)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    click_item(editor, "fees")
    table = editor.pane.answer
    assert isinstance(table, FeeTable)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    view = table.table
    qtbot.waitUntil(view.isVisible)
    cell = view.visualRect(view.model().index(0, 2)).center()  # 本期收取金额（元）
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.keyClick(view, Qt.Key.Key_1)  # typing on a chosen cell opens it with the digit
    qtbot.waitUntil(lambda: isinstance(view.indexWidget(view.currentIndex()), QLineEdit))
    line = view.indexWidget(view.currentIndex())
    assert isinstance(line, QLineEdit)
    for key in (Qt.Key.Key_2, Qt.Key.Key_0, Qt.Key.Key_0):
        QTest.keyClick(line, key)
    QTest.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(view.currentIndex()) is None)
    assert editor.current_id == "fees"  # Enter finished the cell, it did not leave the item
    assert editor.session.answers["fees"][0]["collected"] == "1200.00"
    date_cells = [c for c, col in enumerate(table.columns) if col.answer_type is AnswerType.DATE]
    choice = next(c for c, col in enumerate(table.columns) if col.choices)
    box = open_cell(qtbot, view, 0, choice)
    QTest.keyClick(box, Qt.Key.Key_2)  # a list has no number: the item is still the table
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(view.currentIndex()) is None)
    assert editor.current_id == "fees" and date_cells == []
    assert editor.session.answers["fees"][0]["collected"] == "1200.00"
    assert "fa-16" not in editor.session.answers and no_dialogs == []


def test_digits_in_the_date_calendar_type_a_date(qtbot, world: Store) -> None:
    import_builtin_checklists(world)
    inspection_id = start(world, "fee-audit", 3, OrgKind.SOCIAL_GROUP)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    date_item = next(i for i in editor.session.visible_items() if i.answer_type is AnswerType.DATE)
    click_item(editor, date_item.id)
    answer = editor.pane.answer
    qtbot.mouseClick(answer.pick_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    calendar = answer.calendar  # type: ignore[union-attr]
    qtbot.waitUntil(calendar.isVisible)
    focused = QApplication.focusWidget()
    assert focused is not None and calendar.isAncestorOf(focused)
    QTest.keyClick(focused, Qt.Key.Key_2)  # the calendar's own typing: a date in the making
    typed = [label.text() for label in calendar.findChildren(QLabel) if label.isVisible()]
    assert any("<b>2</b>" in text for text in typed), typed
    assert editor.current_id == date_item.id and date_item.id not in editor.session.answers
