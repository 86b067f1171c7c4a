"""At 完成检查 the on-site record is signed, or why not is recorded; 稍后确认 comes back."""

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from inspector import inspections, onsite_record, roster
from inspector.model import NewInspection
from inspector.store import Store
from tests.ui.editor_keys import open_editor, type_text
from ui.editor.onsite_dialog import OnsiteRecordDialog
from ui.editor.screen import InspectionEditor

ACTOR = "京民执11000"


def started_with_representative(world: Store, org_ids: dict[str, str]) -> str:
    people = [p.id for p in roster.all_active(world)[:2]]
    new = NewInspection(
        org_ids["北京市测试行业协会"],
        "ui-test",
        1,
        people,
        "2026-11-20T01:30:00+00:00",
        place="协会办公室",
        representative="赵会长",
    )
    inspection_id = inspections.start(world, new, actor=ACTOR)
    inspections.set_answer(world, inspection_id, "ar-01", "compliant", actor=ACTOR)
    inspections.set_answer(world, inspection_id, "ar-02", False, actor=ACTOR)
    return inspection_id


def when_the_record_opens(act: Callable[[OnsiteRecordDialog], None]) -> list[str]:
    """Run ``act`` on the on-site record dialog once it is on screen; its texts are kept."""
    seen: list[str] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, OnsiteRecordDialog):
            QTimer.singleShot(10, step)
            return
        seen.append(dialog.record.toPlainText())
        act(dialog)

    QTimer.singleShot(0, step)
    return seen


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_confirm_later_leads_back_to_signing(qtbot, world: Store, org_ids: dict[str, str]) -> None:
    inspection_id = started_with_representative(world, org_ids)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    seen = when_the_record_opens(lambda dialog: click(dialog.later_button))
    click(editor.complete_button)
    assert "被检查单位在场人员：赵会长" in seen[0]
    assert editor.session.status.value == "draft" and editor.session.editable
    assert "再点“完成检查”即可签名" in editor.saved_label.text()
    assert onsite_record.confirmation_of(world, inspection_id) is None

    def sign(dialog: OnsiteRecordDialog) -> None:
        assert dialog.name.text() == "赵会长"  # typed when the inspection began
        dialog.pad.draw_line(QPointF(10, 10), QPointF(200, 80))
        click(dialog.confirm_button)

    when_the_record_opens(sign)
    click(editor.complete_button)
    assert editor.session.status.value == "completed"
    confirmation = onsite_record.confirmation_of(world, inspection_id)
    assert confirmation is not None and confirmation.representative == "赵会长"


def test_a_refusal_needs_a_witness_and_completes(
    qtbot, world: Store, org_ids: dict[str, str]
) -> None:
    inspection_id = started_with_representative(world, org_ids)
    editor = open_editor(qtbot, world, inspection_id, ACTOR)
    problems: list[str] = []

    def refuse(dialog: OnsiteRecordDialog) -> None:
        click(dialog.outcomes.button(1))  # 当事人拒绝签字
        dialog.refusal.setFocus()
        type_text(dialog.refusal, "看过记录后表示不签字")
        click(dialog.confirm_button)
        problems.append(dialog.problem.text())
        type_text(dialog.witness, "社区干部李四")
        click(dialog.confirm_button)

    when_the_record_opens(refuse)
    click(editor.complete_button)
    assert problems == ["当事人拒绝签字的，请填写见证人姓名"]
    assert editor.session.status.value == "completed"
    confirmation = onsite_record.confirmation_of(world, inspection_id)
    assert confirmation is not None
    assert confirmation.statement == "赵会长拒绝签字（看过记录后表示不签字）。见证人：社区干部李四"


def test_nobody_on_site_is_recorded_with_the_reason(
    qtbot, world: Store, org_ids: dict[str, str]
) -> None:
    inspection_id = started_with_representative(world, org_ids)
    editor: InspectionEditor = open_editor(qtbot, world, inspection_id, ACTOR)

    def absent(dialog: OnsiteRecordDialog) -> None:
        click(dialog.outcomes.button(2))  # 当事人不在场
        assert not dialog.person.isVisible()
        type_text(dialog.absence, "负责人外出开会")
        click(dialog.confirm_button)

    when_the_record_opens(absent)
    click(editor.complete_button)
    confirmation = onsite_record.confirmation_of(world, inspection_id)
    assert confirmation is not None and confirmation.outcome.value == "absent"
    assert confirmation.reason == "负责人外出开会"
