"""The inspection editor through its real widgets on a real store."""

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from inspector import inspections, onsite_record, roster
from inspector.completion import Problem
from inspector.model import FindingDraft, Inspector
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.ui.editor_keys import choose_in_cell, click_item, type_into_cell
from ui.editor.completion_dialog import CompletionDialog
from ui.editor.evidence import EvidenceStrip
from ui.editor.fee_table import FeeTable
from ui.editor.finding_dialog import FindingDialog
from ui.editor.onsite_dialog import OnsiteRecordDialog
from ui.editor.screen import InspectionEditor
from ui.editor.session import InspectionSession

ACTOR = "京民执11000"


@pytest.fixture
def editor(qtbot, world: Store, inspection_id: str) -> InspectionEditor:
    widget = InspectionEditor(world, inspection_id, actor=ACTOR)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_models_pass_the_model_tester(qtmodeltester, editor: InspectionEditor) -> None:
    qtmodeltester.check(editor.model)
    qtmodeltester.check(editor.findings.model)


def test_answer_keys_progress_and_autosave(qtbot, editor: InspectionEditor, world: Store) -> None:
    assert editor.current_id == "ar-01"
    assert editor.progress_label.text() == "0 / 4 已检查"
    editor.go_next()
    assert editor.current_id == "ar-02"
    qtbot.keyClick(editor.tree, Qt.Key.Key_1)  # 是
    assert editor.session.answers["ar-02"] is True
    stored = world.db.execute("SELECT value FROM answers WHERE item_id = 'ar-02'").fetchone()
    assert stored == ("true",)
    assert editor.saved_label.text().startswith("已保存 ")
    assert editor.progress_label.text() == "1 / 5 已检查"  # ar-03 appeared (show_if)
    editor.go_next()
    assert editor.current_id == "ar-03"
    editor.pane.answer.editor.setText("3")  # type: ignore[union-attr]
    editor.go_next()  # leaving the item saves what was typed
    assert editor.session.answers["ar-03"] == 3


def test_show_if_hides_live(editor: InspectionEditor) -> None:
    editor.go_to("ar-02")
    editor.pane.choose(1)  # 否
    assert "ar-03" not in [item.id for item in editor.session.visible_items()]
    assert not editor.model.index_of("ar-03").isValid()


def test_not_compliant_opens_prefilled_finding(
    monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor
) -> None:
    seen: list[FindingDraft] = []

    def ask(parent: QWidget, draft: FindingDraft, start: object) -> FindingDraft:
        seen.append(draft)
        dialog = FindingDialog(draft, editor.session.inspection_date, parent)
        dialog.days.setValue(15)
        return dialog.result_draft()

    monkeypatch.setattr(FindingDialog, "ask", classmethod(lambda cls, *a: ask(*a)))
    editor.pane.choose(1)  # 2 不符合 on ar-01
    assert seen[0].description == "未按时报送年度工作报告"
    assert seen[0].legal_basis == "《社会团体登记管理条例》第二十八条"
    assert seen[0].deadline == "2026-12-20"
    rows = editor.session.findings()
    assert [(f.description, f.deadline) for f in rows] == [("未按时报送年度工作报告", "2026-12-05")]
    assert editor.tabs.tabText(1) == "问题清单（1）"
    editor.pane.choose(1)  # answering again does not add a second finding
    assert len(editor.session.findings()) == 1


def test_fee_table_totals(qtbot, editor: InspectionEditor) -> None:
    click_item(editor, "fee-01")
    table = editor.pane.answer
    assert isinstance(table, FeeTable)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, table.table, 0, 0, "huifei")
    type_into_cell(qtbot, table.table, 0, 1, "12,800")
    choose_in_cell(qtbot, table.table, 0, 2, "应清退")
    assert editor.session.answers["fee-01"] == [
        {"name": "huifei", "collected": "12800.00", "verdict": "refund"}
    ]
    click_item(editor, "fee-02")
    click_item(editor, "fee-01")  # shown again from the store: the label, not the stored value
    table = editor.pane.answer
    assert isinstance(table, FeeTable)
    assert table.table.item(0, 2).text() == "应清退"
    assert editor.pane.totals.text() == "收费合计：¥12,800.00"
    type_into_cell(qtbot, table.table, 0, 1, "yiwan")
    assert "不是有效的数字" in table.problem.text()
    assert editor.session.answers["fee-01"][0]["collected"] == "12800.00"


def test_note_and_evidence_survive_reopen(
    qtbot, monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor, world: Store, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0231.png"
    photo.write_bytes(b"not really a png")
    monkeypatch.setattr(EvidenceStrip, "ask_files", classmethod(lambda cls, parent: [str(photo)]))
    editor.go_to("ar-02")
    editor.pane.note.setPlainText("负责人称正在筹备")
    editor.pane.evidence.add_button.click()
    assert editor.pane.evidence.list.count() == 1
    assert editor.model.state(editor.session.item("ar-02")) == "未答 · 附件"
    editor.go_to("fee-02")
    reopened = InspectionEditor(world, editor.session.inspection_id, actor=ACTOR)
    qtbot.addWidget(reopened)
    assert reopened.current_id == "fee-02"
    assert reopened.session.notes["ar-02"] == "负责人称正在筹备"


def test_whole_inspection_to_signed_record(
    qtbot,
    monkeypatch: pytest.MonkeyPatch,
    editor: InspectionEditor,
    world: Store,
    tmp_path: Path,
) -> None:
    problems_seen: list[list[Problem]] = []

    def jump(parent: QWidget, problems: list[Problem]) -> str | None:
        problems_seen.append(problems)
        return problems[0].item_id

    monkeypatch.setattr(CompletionDialog, "ask", classmethod(lambda cls, *a: jump(*a)))
    monkeypatch.setattr(FindingDialog, "ask", classmethod(lambda cls, parent, draft, start: draft))
    signed: list[bool] = []
    monkeypatch.setattr(OnsiteRecordDialog, "ask_folder", classmethod(lambda cls, p: str(tmp_path)))

    def sign(parent: QWidget, session: InspectionSession) -> bool:
        dialog = OnsiteRecordDialog(session, parent)
        assert "北京市测试行业协会" in dialog.record.toPlainText()
        assert "张伟" in dialog.record.toPlainText() or "李娜" in dialog.record.toPlainText()
        dialog.confirm()
        assert dialog.problem.text() == "请填写被检查单位在场人员的姓名"
        dialog.name.setText("赵会长")
        dialog.confirm()
        assert dialog.problem.text() == "请在签名区签名后再确认"
        assert editor.session.status.value == "draft"
        dialog.pad.draw_line(QPointF(10, 10), QPointF(200, 80))
        dialog.confirm()
        signed.append(dialog.result() == 1)
        dialog.save_pdf()  # 打印/保存PDF, signature included
        assert dialog.problem.text().startswith("已保存：")
        return True

    monkeypatch.setattr(OnsiteRecordDialog, "ask", classmethod(lambda cls, *a: sign(*a)))
    editor.complete_button.click()
    assert [p.item_id for p in problems_seen[0]] == ["ar-01", "ar-02"]
    assert editor.current_id == "ar-01"
    qtbot.keyClick(editor.tree, Qt.Key.Key_2)  # 不符合 → finding from the template
    editor.go_to("ar-02")
    qtbot.keyClick(editor.tree, Qt.Key.Key_2)  # 否
    editor.complete_button.click()
    assert signed == [True]
    assert editor.session.status.value == "completed"
    assert world.db.execute("SELECT state FROM sync_outbox").fetchall() == [("pending",)]
    assert editor.status_label.text() == "已完成 · 只读"
    assert not editor.pane.answer.isEnabled()  # type: ignore[union-attr]
    confirmation = onsite_record.confirmation_of(world, editor.session.inspection_id)
    assert confirmation is not None and confirmation.representative == "赵会长"
    assert onsite_record.signature_bytes(world, confirmation).startswith(b"\x89PNG")
    (pdf,) = tmp_path.glob("现场检查记录_*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_amendment_needs_a_reason_and_is_logged(
    monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor, world: Store
) -> None:
    editor.pane.choose(0)
    editor.go_to("ar-02")
    editor.pane.choose(1)
    editor.session.complete(NOBODY_ON_SITE)
    editor.refresh()
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: None)
    editor.amend_button.click()
    assert not editor.session.editable
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: "录入错误")
    editor.amend_button.click()
    editor.go_to("ar-01")
    editor.pane.choose(2)  # 不适用
    action = world.db.execute(
        "SELECT action, new FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert action[0] == "amend_answer" and "录入错误" in action[1]


def test_enter_goes_on_but_not_inside_a_note(qtbot, editor: InspectionEditor) -> None:
    qtbot.keyClick(editor.tree, Qt.Key.Key_Return)
    assert editor.current_id == "ar-02"
    editor.pane.note.setFocus()
    qtbot.keyClicks(editor.pane.note, "ab")
    qtbot.keyClick(editor.pane.note, Qt.Key.Key_Return)
    assert editor.current_id == "ar-02"
    assert editor.pane.note.toPlainText() == "ab\n"
    editor.flush()
    assert editor.session.notes["ar-02"] == "ab\n"


def test_free_standing_finding_added_and_edited(
    monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor
) -> None:
    def ask(parent: QWidget, draft: FindingDraft, start: object) -> FindingDraft | None:
        dialog = FindingDialog(draft, editor.session.inspection_date, parent)
        dialog._accept()
        if dialog.result() != 1:
            assert dialog.problem.text() == "请填写问题描述"
            dialog.description.setPlainText("会议室张贴的收费标准与备案不一致")
            dialog.severity.setCurrentText("较重")
        return dialog.result_draft()

    monkeypatch.setattr(FindingDialog, "ask", classmethod(lambda cls, *a: ask(*a)))
    editor.findings_button.click()
    assert editor.tabs.currentWidget() is editor.findings
    editor.findings.add_button.click()
    (row,) = editor.session.findings()
    assert (row.description, row.severity, row.deadline) == (
        "会议室张贴的收费标准与备案不一致",
        "较重",
        "2026-12-20",
    )
    editor.findings.view.selectRow(0)
    monkeypatch.setattr(
        FindingDialog,
        "ask",
        classmethod(lambda cls, parent, draft, start: replace(draft, deadline="2026-12-31")),
    )
    editor.findings.edit_button.click()
    assert editor.session.findings()[0].deadline == "2026-12-31"


def test_files_dropped_on_the_strip_become_evidence(
    editor: InspectionEditor, world: Store, tmp_path: Path
) -> None:
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"jpeg")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(photo))])
    strip = editor.pane.evidence
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    strip.dropEvent(drop)
    assert [a.file_name for a in editor.session.evidence("ar-01")] == ["现场照片.jpg"]
    assert photo.read_bytes() == b"jpeg"


def test_returned_inspection_says_why_and_is_editable(
    qtbot, world: Store, inspection_id: str
) -> None:
    onsite_record.complete_on_site(world, inspection_id, NOBODY_ON_SITE, actor=ACTOR)
    roster.add(world, Inspector("科长", "京民执99999", role="supervisor"))
    inspections.return_to_inspector(world, inspection_id, reason="请补充现场照片", actor="科长")
    editor = InspectionEditor(world, inspection_id, actor=ACTOR)
    qtbot.addWidget(editor)
    assert editor.status_label.text() == "已退回：请补充现场照片"
    assert editor.session.editable and not editor.complete_button.isHidden()


def test_a_file_that_cannot_be_added_is_explained(
    monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    gone = tmp_path / "已删除.jpg"
    monkeypatch.setattr(EvidenceStrip, "ask_files", classmethod(lambda cls, parent: [str(gone)]))
    editor.pane.evidence.add_button.click()
    assert shown == [f"找不到文件：{gone}"]
    assert editor.pane.evidence.list.count() == 0


def test_removing_evidence_needs_a_reason(
    monkeypatch: pytest.MonkeyPatch, editor: InspectionEditor, world: Store, tmp_path: Path
) -> None:
    photo = tmp_path / "拍错.jpg"
    photo.write_bytes(b"jpeg")
    editor.session.add_evidence(str(photo), "ar-01")
    strip = editor.pane.evidence
    strip.list.item(0).setSelected(True)
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: None)
    strip.remove_button.click()
    assert strip.list.count() == 1
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: "拍到了无关人员")
    strip.list.item(0).setSelected(True)
    strip.remove_button.click()
    assert strip.list.count() == 0
    reason = world.db.execute(
        "SELECT new FROM audit_log WHERE entity = 'attachment' AND action = 'remove'"
    ).fetchone()[0]
    assert "拍到了无关人员" in reason
