"""Supervisors see the photos, not only their names; the 复查 shows what was reported back."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from checklists.library import import_builtin_checklists
from inspector import attachments, inspections, onsite_record, preferences, rectification
from inspector.clock import utc_now
from inspector.model import NewInspection, Severity
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.supervisor_data import SUPERVISOR, add_register, add_roster, inspect
from tests.ui.test_editor_evidence import photo
from ui.supervisor.rectification_dialogs import RecheckDialog
from ui.supervisor.review_screen import NOTICE_DIR_KEY, THUMB_URL, ReviewScreen
from ui.supervisor.tracker_screen import TrackerScreen


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> Store:
    add_register(store, 3)
    add_roster(store)
    import_builtin_checklists(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "notices"))
    return store


def test_the_review_shows_the_photos(qtbot, desk: Store, tmp_path: Path, runner_for) -> None:
    new = NewInspection("org-00000", "spot-check-general", 2, ["p-00", "p-01"], utc_now())
    inspection_id = inspections.start(desk, new, actor="检查员00")
    taken = attachments.add_file(
        desk, inspection_id, photo(tmp_path / "现场.jpg"), item_id="ar-01", actor="检查员00"
    )
    onsite_record.complete_on_site(desk, inspection_id, NOBODY_ON_SITE, actor="检查员00")
    screen = ReviewScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    assert f"{THUMB_URL}{taken.sha256}" in screen.detail.toHtml()
    shown = screen.detail.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl(f"{THUMB_URL}{taken.sha256}")
    )
    assert shown is not None and shown.width() == 240


def test_the_recheck_shows_what_the_organization_reported(
    qtbot, desk: Store, tmp_path: Path, runner_for
) -> None:
    inspect(desk, "org-00000", [(Severity.MAJOR, "2099-01-10")])
    finding_id = desk.db.execute("SELECT id FROM findings").fetchone()[0]
    receipt = photo(tmp_path / "退款凭证.jpg")
    rectification.report_back(
        desk, finding_id, reported_on="2026-12-01", text="已退还全部会费", evidence=[receipt],
        actor=SUPERVISOR,
    )  # fmt: skip
    screen = TrackerScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    screen.table.selectRow(0)
    seen: list[tuple[str, int]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RecheckDialog):
            QTimer.singleShot(10, look)
            return
        assert dialog.evidence is not None
        seen.append((dialog.reported.text(), dialog.evidence.list.count()))
        dialog.reject()

    QTimer.singleShot(0, look)
    qtbot.mouseClick(screen.buttons["recheck"], Qt.MouseButton.LeftButton)
    assert seen == [("2026-12-01 报告：已退还全部会费", 1)]
