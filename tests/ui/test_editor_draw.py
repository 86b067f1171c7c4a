"""The draw is enforced: a drawn task starts with its team, a change needs a reason, and only
the team (or a supervisor who takes over, audited) completes the inspection."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from inspector import inspections, onsite_record, org_search, roster
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.model import Inspector, NewInspection
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.ui.editor_keys import open_editor, type_text
from ui.start_dialog import StartInspectionDialog

ACTOR = "京民执11000"


@pytest.fixture
def drawn_task(world: Store, org_ids: dict[str, str]) -> list[str]:
    """A task whose team (张伟, 李娜) was drawn; their roster ids."""
    team = [p.id for p in roster.all_active(world)[:2]]
    world.db["tasks"].insert(
        {
            "id": "task-1",
            "organization_id": org_ids["北京市测试行业协会"],
            "checklist_id": "ui-test",
            "inspector_ids": json.dumps(team),
            "created_at": utc_now(),
        }
    )
    return team


def tick(dialog: StartInspectionDialog, row: int) -> None:
    """Click an inspector's row and press Space: the box toggles, as for a person."""
    view = dialog.people
    rect = view.visualItemRect(view.item(row))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.keyClick(view.viewport(), Qt.Key.Key_Space)


def logged(world: Store, action: str) -> list[dict]:
    rows = world.db.execute(
        "SELECT new FROM audit_log WHERE action = ? ORDER BY seq", (action,)
    ).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_drawn_task_starts_with_its_team_and_a_change_needs_a_reason(
    qtbot, world: Store, org_ids: dict[str, str], drawn_task: list[str]
) -> None:
    org = org_search.get(world, org_ids["北京市测试行业协会"])
    assert org is not None
    dialog = StartInspectionDialog(world, org, actor=ACTOR, task_id="task-1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert set(dialog.chosen_inspectors()) == set(drawn_task)  # the drawn team, ticked
    assert not dialog.team_reason.isVisible()
    wang = roster.all_active(world)[2]
    tick(dialog, 1)  # 李娜 steps aside
    tick(dialog, 2)  # 王芳 goes instead
    assert set(dialog.chosen_inspectors()) == {drawn_task[0], wang.id}
    assert dialog.team_reason.isVisible()
    dialog.start()
    assert "更换检查人员须说明理由" in dialog.problem.text()
    assert dialog.inspection_id is None
    dialog.team_reason.setFocus()
    type_text(dialog.team_reason, "李娜与该会负责人系亲属，申请回避")
    dialog.start()
    assert dialog.inspection_id is not None
    start = logged(world, "start")[-1]
    assert start["team_change_reason"] == "李娜与该会负责人系亲属，申请回避"
    assert set(start["drawn_team"]) == set(drawn_task)
    assert wang.id in start["inspector_ids"]


def test_the_core_refuses_another_team_without_a_reason(
    world: Store, org_ids: dict[str, str], drawn_task: list[str]
) -> None:
    others = [p.id for p in roster.all_active(world)[1:3]]
    new = NewInspection(
        org_ids["北京市测试行业协会"], "ui-test", 1, others, utc_now(), task_id="task-1"
    )
    with pytest.raises(UserError, match="更换检查人员须说明理由"):
        inspections.start(world, new, actor=ACTOR)


def test_only_the_team_or_a_supervisor_who_takes_over_completes(
    qtbot, monkeypatch: pytest.MonkeyPatch, world: Store, inspection_id: str
) -> None:
    roster.add(world, Inspector("陈科长", "京民执19999", role="supervisor"))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    editor = open_editor(qtbot, world, inspection_id, "陈科长")
    assert editor.take_over_button.isVisible()
    qtbot.mouseClick(editor.complete_button, Qt.MouseButton.LeftButton)
    assert "您不是这份检查的检查组成员" in shown[0]
    with pytest.raises(UserError, match="不是这份检查的检查组成员"):
        onsite_record.complete_on_site(world, inspection_id, NOBODY_ON_SITE, actor="陈科长")
    monkeypatch.setattr("ui.editor.screen.ask_reason", lambda *a: "检查组成员因病住院，由科长接手")
    qtbot.mouseClick(editor.take_over_button, Qt.MouseButton.LeftButton)
    assert not editor.take_over_button.isVisible()
    assert logged(world, "take_over")[0]["reason"] == "检查组成员因病住院，由科长接手"
    assert editor.session.on_team
