"""开始检查 in the office's time zone, and a deregistered organization needs a stated reason."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from inspector import inspections, org_search, registry, roster
from inspector.clock import OFFICE_TZ
from inspector.model import Organization, RegistrationStatus
from inspector.store import Store
from ui.start_dialog import StartInspectionDialog


def dialog_for(qtbot: QtBot, store: Store, org: Organization) -> StartInspectionDialog:
    dialog = StartInspectionDialog(store, org, actor=roster.all_active(store)[0].name)
    qtbot.addWidget(dialog)
    dialog.show()
    for person in roster.all_active(store)[:2]:
        dialog.check(person.id)
    return dialog


def test_the_time_shown_and_stored_is_the_offices(qtbot: QtBot, world: Store) -> None:
    org = org_search.get(world, org_search.search(world, "行业协会")[0].id)
    assert isinstance(org, Organization)
    dialog = dialog_for(qtbot, world, org)
    shown = datetime.strptime(dialog.when.text(), "%Y-%m-%d %H:%M")
    office_now = datetime.now(OFFICE_TZ).replace(tzinfo=None)
    assert abs(shown - office_now) < timedelta(minutes=2)  # 北京时间, not the machine's UTC
    dialog.start()
    assert dialog.inspection_id is not None
    stored = inspections.get(world, dialog.inspection_id).started_at
    as_office = datetime.fromisoformat(stored).astimezone(OFFICE_TZ).replace(tzinfo=None)
    assert as_office == shown
    assert datetime.fromisoformat(stored).tzinfo == UTC


def test_a_deregistered_organization_asks_for_the_reason(qtbot: QtBot, world: Store) -> None:
    found = org_search.get(world, org_search.search(world, "行业协会")[0].id)
    assert isinstance(found, Organization)
    gone = replace(found, registration_status=RegistrationStatus.DEREGISTERED)
    registry.upsert(world, gone)
    dialog = dialog_for(qtbot, world, gone)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "检查理由（该组织已注销）" in labels
    dialog.start()
    assert dialog.inspection_id is None and "已注销" in dialog.problem.text()
    QTest.keyClicks(dialog.gone_reason, "zhuxiao qian hecha")  # typed: a reason is given
    dialog.start()
    assert dialog.inspection_id is not None
