"""The fee table of the built-in 涉企收费检查表, typed into as a person does."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QMessageBox

from checklists.library import import_builtin_checklists
from inspector import inspections, roster
from inspector.model import NewInspection
from inspector.store import Store
from tests.ui.editor_keys import (
    choose_in_cell,
    click_item,
    open_cell,
    open_editor,
    type_into_cell,
    type_text,
)
from ui.editor.fee_table import FeeTable
from ui.editor.screen import InspectionEditor

ACTOR = "京民执11000"
REFUND_ROW = {
    "name": "评比费",
    "standard": "每家5000元",
    "collected": "5000.00",
    "basis": "无",
    "verdict": "improper",
    "refund_due": "5000.00",
}


@pytest.fixture
def fee_inspection(world: Store, org_ids: dict[str, str]) -> str:
    import_builtin_checklists(world)
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(
        org_ids["北京市测试行业协会"], "fee-audit", 3, people, "2026-11-20T01:30:00+00:00"
    )
    return inspections.start(world, new, actor=ACTOR)


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    yield shown


def fee_table(editor: InspectionEditor) -> FeeTable:
    table = editor.pane.answer
    assert isinstance(table, FeeTable)
    return table


def test_enter_in_a_fee_cell_saves_to_the_fee_table(
    qtbot, world: Store, fee_inspection: str, no_dialogs: list[str]
) -> None:
    inspections.set_answer(world, fee_inspection, "fees", [REFUND_ROW], actor=ACTOR)
    editor = open_editor(qtbot, world, fee_inspection, ACTOR)
    click_item(editor, "fees")
    table = fee_table(editor)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, table.table, 1, 0, "fee")
    assert editor.current_id == "fees"  # Enter finished the cell, it did not leave the item
    rows = editor.session.answers["fees"]
    assert rows[0] == REFUND_ROW  # the real fee row keeps its refund
    assert rows[1]["name"] == "fee"
    assert "fa-16" not in editor.session.answers
    assert no_dialogs == []
    assert editor.model.rowCount() == 3  # the tree still shows every section
    reopened = open_editor(qtbot, world, fee_inspection, ACTOR)
    assert reopened.session.answers["fees"] == rows
    assert reopened.session.unreadable == []


def test_a_cell_left_open_is_saved_to_its_own_item(
    qtbot, world: Store, fee_inspection: str, no_dialogs: list[str]
) -> None:
    editor = open_editor(qtbot, world, fee_inspection, ACTOR)
    click_item(editor, "fees")
    table = fee_table(editor)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    cell = open_cell(qtbot, table.table, 0, 0)
    type_text(cell, "会费")
    click_item(editor, "fa-16")  # away, with the cell still open
    assert editor.current_id == "fa-16"
    assert editor.session.answers["fees"][0]["name"] == "会费"
    assert "fa-16" not in editor.session.answers
    assert no_dialogs == []


def test_columns_have_their_own_editors_and_checks(
    qtbot, world: Store, fee_inspection: str, no_dialogs: list[str]
) -> None:
    editor = open_editor(qtbot, world, fee_inspection, ACTOR)
    click_item(editor, "fees")
    table = fee_table(editor)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    verdict = 4
    assert isinstance(open_cell(qtbot, table.table, 0, verdict), QComboBox)
    QTest.keyClick(table.table.indexWidget(table.table.currentIndex()), Qt.Key.Key_Escape)
    choose_in_cell(qtbot, table.table, 0, verdict, "违规")
    type_into_cell(qtbot, table.table, 0, 2, "12,800.5")
    assert editor.session.answers["fees"][0]["verdict"] == "improper"
    assert editor.session.answers["fees"][0]["collected"] == "12800.50"
    assert editor.pane.totals.text().startswith("本期收费合计（元）：¥12,800.50")
    type_into_cell(qtbot, table.table, 0, 5, "100.005")
    assert (
        table.problem.text()
        == "第1行“应退还金额（元）”：“100.005”超过两位小数：金额以元为单位，精确到分"
    )
    assert editor.session.answers["fees"][0]["refund_due"] is None  # not rounded, not saved
    type_into_cell(qtbot, table.table, 0, 5, "-3")
    assert "不能小于 0" in table.problem.text()
    assert no_dialogs == []


def test_an_empty_row_is_not_an_answer(
    qtbot, world: Store, fee_inspection: str, no_dialogs: list[str]
) -> None:
    editor = open_editor(qtbot, world, fee_inspection, ACTOR)
    click_item(editor, "fees")
    qtbot.mouseClick(fee_table(editor).add_button, Qt.MouseButton.LeftButton)
    assert not editor.session.is_answered("fees")
    assert editor.model.state(editor.session.item("fees")) == "未答"
    assert "必答项未作答：收费项目明细" in [p.message for p in editor.session.problems()]


def test_a_refund_typed_above_the_amount_collected_is_kept_and_shown_at_its_cell(
    qtbot, world: Store, fee_inspection: str, no_dialogs: list[str]
) -> None:
    editor = open_editor(qtbot, world, fee_inspection, ACTOR)
    click_item(editor, "fees")
    table = fee_table(editor)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, table.table, 0, 0, "培训费")
    type_into_cell(qtbot, table.table, 0, 2, "3200")
    type_into_cell(qtbot, table.table, 0, 5, "5000")
    message = "收费项目明细第1行“培训费”：应退还金额 5000.00 元大于本期收取金额 3200.00 元"
    assert editor.session.answers["fees"][0]["refund_due"] == "5000.00"  # saved as typed
    refund = table.table.item(0, 5)
    assert refund.toolTip() == message
    assert refund.background().color().name() == "#fff3e0"
    assert table.table.item(0, 2).toolTip() == ""
    assert table.warning.text() == f"⚠ 请核对：{message}"
    assert no_dialogs == []

    reopened = open_editor(qtbot, world, fee_inspection, ACTOR)  # still shown after reopening
    click_item(reopened, "fees")
    assert fee_table(reopened).table.item(0, 5).toolTip() == message

    type_into_cell(qtbot, fee_table(reopened).table, 0, 5, "3200")
    assert fee_table(reopened).warning.text() == ""
    assert fee_table(reopened).table.item(0, 5).toolTip() == ""
