"""Answer types that fit: a Chinese date that opens on today and keeps what was typed, money to
the fen, counts not below zero, a note with a size limit said in words."""

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView

from checklists.library import import_builtin_checklists
from inspector import inspections, roster
from inspector.answer_values import TEXT_LIMIT
from inspector.model import NewInspection
from inspector.store import Store
from tests.ui.editor_keys import click_item, open_editor, type_text
from ui.editor.screen import InspectionEditor

ACTOR = "京民执11000"


@pytest.fixture
def fee_editor(qtbot, world: Store, org_ids: dict[str, str]) -> InspectionEditor:
    import_builtin_checklists(world)
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(org_ids["北京市测试行业协会"], "fee-audit", 3, people, "2026-11-20")
    return open_editor(qtbot, world, inspections.start(world, new, actor=ACTOR), ACTOR)


def test_the_calendar_is_chinese_and_opens_on_today(qtbot, fee_editor: InspectionEditor) -> None:
    click_item(fee_editor, "fa-period-start")
    answer = fee_editor.pane.answer
    assert answer is not None
    qtbot.waitUntil(answer.isVisible)  # a widget added to a shown layout appears on the next loop
    qtbot.mouseClick(answer.pick_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    calendar = answer.calendar  # type: ignore[union-attr]
    assert calendar.isVisible()
    assert calendar.selectedDate() == QDate.currentDate()
    assert calendar.locale().name() == "zh_CN"
    days = calendar.findChild(QTableView)  # the grid of days inside the calendar
    QTest.keyClick(days, Qt.Key.Key_Return)  # take the day shown
    assert fee_editor.session.answers["fa-period-start"] == QDate.currentDate().toString(
        "yyyy-MM-dd"
    )


def test_a_typed_date_is_kept_and_a_wrong_one_is_said(qtbot, fee_editor: InspectionEditor) -> None:
    click_item(fee_editor, "fa-period-end")
    field = fee_editor.pane.answer.editor  # type: ignore[union-attr]
    field.setFocus()
    type_text(field, "2026年3月1日")
    click_item(fee_editor, "fees")  # leaving the item saves it
    assert fee_editor.session.answers["fa-period-end"] == "2026-03-01"
    click_item(fee_editor, "fa-period-end")
    field = fee_editor.pane.answer.editor  # type: ignore[union-attr]
    assert field.text() == "2026-03-01"
    field.selectAll()
    type_text(field, "2026-13-40")
    fee_editor.pane.flush()
    assert "不是有效的日期" in fee_editor.pane.answer.problem.text()  # type: ignore[union-attr]
    assert field.text() == "2026-13-40"  # still there to correct, not silently dropped
    assert fee_editor.session.answers["fa-period-end"] == "2026-03-01"


def test_money_to_the_fen_and_counts_not_below_zero(
    qtbot, world: Store, inspection_id: str
) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    click_item(editor, "ar-02")
    qtbot.keyClick(editor.tree, Qt.Key.Key_1)  # 是: the count of branches appears
    click_item(editor, "ar-03")
    field = editor.pane.answer.editor  # type: ignore[union-attr]
    field.setFocus()
    type_text(field, "-3")
    editor.pane.flush()
    assert editor.pane.answer.problem.text() == "“-3”是负数，数量不能小于 0"  # type: ignore[union-attr]
    assert "ar-03" not in editor.session.answers


def test_a_long_note_is_refused_in_words_and_kept_in_the_field(
    qtbot, world: Store, inspection_id: str
) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    editor.pane.note.setFocus()
    type_text(editor.pane.note, "负责人称")
    editor.pane.flush()
    assert editor.session.notes["ar-01"] == "负责人称"
    editor.pane.note.insertPlainText("很" * TEXT_LIMIT)  # a long paste
    editor.pane.flush()
    assert f"最多{TEXT_LIMIT}个字" in editor.pane.note_problem.text()
    assert editor.session.notes["ar-01"] == "负责人称"  # the last good note stays saved
    assert len(editor.pane.note.toPlainText()) == TEXT_LIMIT + 4  # nothing typed is thrown away
