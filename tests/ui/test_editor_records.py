"""The record never says the opposite of what happened, and a broken draft never locks anyone out."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from inspector import inspections
from inspector.errors import UserError
from inspector.store import Store
from tests.ui.editor_keys import answer_dialog_with, click_item, open_editor

ACTOR = "京民执11000"


def test_not_compliant_then_cancel_keeps_the_earlier_answer(
    qtbot, world: Store, inspection_id: str
) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    assert editor.current_id == "ar-01"
    qtbot.keyClick(editor.tree, Qt.Key.Key_1)  # 符合
    seen = answer_dialog_with("取消")
    qtbot.keyClick(editor.tree, Qt.Key.Key_2)  # 不符合 → the finding dialog → 取消
    assert seen == ["发现问题"]
    assert editor.session.answers["ar-01"] == "compliant"
    stored = world.db.execute("SELECT value FROM answers WHERE item_id = 'ar-01'").fetchone()
    assert stored == ('"compliant"',)
    assert editor.session.findings() == []
    checked = editor.pane.answer.group.checkedId()  # type: ignore[union-attr]
    assert checked == 0  # the 符合 button, not 不符合
    assert editor.model.state(editor.session.item("ar-01")) == "符合"


def test_not_compliant_is_saved_with_its_finding(qtbot, world: Store, inspection_id: str) -> None:
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    seen = answer_dialog_with("保存问题")
    qtbot.keyClick(editor.tree, Qt.Key.Key_2)
    assert seen == ["发现问题"]
    assert editor.session.answers["ar-01"] == "not_compliant"
    assert [f.description for f in editor.session.findings()] == ["未按时报送年度工作报告"]


def test_a_not_compliant_answer_without_finding_cannot_be_completed(
    world: Store, inspection_id: str
) -> None:
    world.db.execute(
        "INSERT INTO answers (inspection_id, item_id, value, note, updated_at)"
        " VALUES (?, 'ar-01', '\"not_compliant\"', '', '2026-11-20')",
        (inspection_id,),
    )
    with pytest.raises(UserError, match="判为不符合，但未记录发现的问题"):
        inspections.complete(world, inspection_id, actor=ACTOR)


def store_rows_as_answer_of(world: Store, inspection_id: str, item_id: str) -> None:
    """What the old editor did: a fee table saved as the answer to another item."""
    rows = [{"name": "fee", "collected": None}]
    world.db.execute(
        "INSERT INTO answers (inspection_id, item_id, value, note, updated_at)"
        " VALUES (?, ?, ?, '', '2026-11-20')",
        (inspection_id, item_id, json.dumps(rows)),
    )


def test_a_draft_that_cannot_be_read_opens_safely_and_is_repaired(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str
) -> None:
    store_rows_as_answer_of(world, inspection_id, "ar-01")
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    assert editor.safe_view.isVisible()
    assert "第 1 项「是否按时报送年度工作报告」" in editor.safe_view.text.text()
    assert editor.model.rowCount() == 2  # the tree shows every section
    assert editor.status_label.text() == "草稿 · 只读（待修复）"
    assert not editor.complete_button.isVisible()
    assert not editor.pane.answer.isEnabled()  # type: ignore[union-attr]
    qtbot.mouseClick(editor.safe_view.repair_button, Qt.MouseButton.LeftButton)
    assert not editor.safe_view.isVisible()
    assert editor.session.editable
    qtbot.keyClick(editor.tree, Qt.Key.Key_1)
    assert editor.session.answers["ar-01"] == "compliant"
    repaired = world.db.execute(
        "SELECT old, new FROM audit_log WHERE action = 'repair_answer'"
    ).fetchone()
    assert json.loads(repaired[0])["value"] == [{"name": "fee", "collected": None}]
    assert "应为符合、不符合或不适用" in json.loads(repaired[1])["reason"]


def test_a_draft_that_cannot_be_read_can_be_discarded(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str
) -> None:
    store_rows_as_answer_of(world, inspection_id, "ar-02")
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: "录入时程序出错，重新检查")
    with qtbot.waitSignal(editor.discarded):
        qtbot.mouseClick(editor.safe_view.discard_button, Qt.MouseButton.LeftButton)
    assert world.db.execute("SELECT COUNT(*) FROM inspections").fetchone() == (0,)
    old, new = world.db.execute(
        "SELECT old, new FROM audit_log WHERE action = 'discard'"
    ).fetchone()
    assert "录入时程序出错" in new
    assert [a["item_id"] for a in json.loads(old)["answers"]] == ["ar-02"]


def test_a_refused_value_is_explained_and_the_item_keeps_its_answer(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    click_item(editor, "ar-02")
    editor.pane.answer.answered.emit("ar-02", ["not", "a", "yes/no"])  # type: ignore[union-attr]
    assert shown == [
        '检查项「是否设有分支机构」的答案不能保存：应为是或否，而不是["not", "a", "yes/no"]'
    ]
    assert "ar-02" not in editor.session.answers
