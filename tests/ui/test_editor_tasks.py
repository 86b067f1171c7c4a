"""A task is done once its inspection is approved: it leaves the to-do list."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from checklists.library import import_builtin_checklists
from inspector import inspections, onsite_record, preferences, roster
from inspector.clock import utc_now
from inspector.model import NewInspection
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.supervisor_data import SUPERVISOR, add_register, add_roster
from ui.screens.tasks import TasksScreen
from ui.supervisor.review_screen import NOTICE_DIR_KEY, ReviewScreen


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> Store:
    add_register(store, 3)
    add_roster(store)
    import_builtin_checklists(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "notices"))
    return store


def test_a_task_closes_when_its_inspection_is_approved(qtbot, desk: Store, runner_for) -> None:
    team = [p.id for p in roster.all_active(desk)[:2]]
    desk.db["tasks"].insert(
        {
            "id": "task-1",
            "organization_id": "org-00000",
            "checklist_id": "spot-check-general",
            "inspector_ids": json.dumps(team),
            "created_at": utc_now(),
        }
    )
    new = NewInspection("org-00000", "spot-check-general", 2, team, utc_now(), task_id="task-1")
    inspection_id = inspections.start(desk, new, actor="检查员00")
    onsite_record.complete_on_site(desk, inspection_id, NOBODY_ON_SITE, actor="检查员00")
    tasks = TasksScreen(desk)
    qtbot.addWidget(tasks)
    tasks.refresh()
    assert tasks.model.rowCount() == 1
    assert tasks.model.data(tasks.model.index(0, 3)) == "已开始"
    review = ReviewScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(review)
    review.show()
    review.refresh()
    with qtbot.waitSignal(review.runner.finished, timeout=15_000):
        qtbot.mouseClick(review.approve_button, Qt.MouseButton.LeftButton)
    tasks.refresh()
    assert tasks.model.rowCount() == 0
    closed = desk.db.execute(
        "SELECT new FROM audit_log WHERE entity = 'task' AND action = 'close'"
    ).fetchone()
    assert inspection_id in closed[0]
