"""The whole loop through the supervisor's screens: draw a campaign, (inspect through the
core), approve with the notice, take the report-back, re-check and close; and the main window
shows these screens to a supervisor only."""

from pathlib import Path

from PySide6.QtCore import QSettings

from checklists.library import import_builtin_checklists
from inspector import accounts, campaign_records, findings, inspections, onsite_record, preferences
from inspector.model import FindingDraft, NewInspection, Severity
from inspector.store import Store
from tests.onsite import NOBODY_ON_SITE
from tests.supervisor_data import SUPERVISOR, add_register, add_roster
from ui.main_window import MainWindow
from ui.supervisor import rectification_dialogs
from ui.supervisor.campaign_screen import CampaignScreen
from ui.supervisor.review_screen import NOTICE_DIR_KEY, ReviewScreen
from ui.supervisor.tracker_screen import TrackerScreen


def test_campaign_to_closed_finding_through_the_screens(
    qtbot, store: Store, tmp_path: Path, monkeypatch, runner_for
) -> None:
    runner = runner_for(store)
    add_register(store, 20)
    add_roster(store)
    import_builtin_checklists(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "notices"))

    campaign = CampaignScreen(store, SUPERVISOR, runner)
    qtbot.addWidget(campaign)
    campaign.refresh()
    campaign.rule.setCurrentIndex(campaign.rule.findData("size"))
    campaign.sample_count.setValue(1)
    campaign.seed.setText("loop")
    campaign.draw()
    campaign.save()
    (target,) = campaign_records.targets(store, campaign.saved.currentData())

    # The drawn pair inspects (the editor is the UI engineer's; the core stands in for it).
    inspection_id = inspections.start(
        store,
        NewInspection(
            target.organization_id, "spot-check-general", 2, list(target.inspector_ids),
            "2026-11-21T01:30:00+00:00", task_id=target.task_id,
        ),
        actor="检查员00",
    )  # fmt: skip
    findings.add(
        store,
        inspection_id,
        FindingDraft("未按规定报送年度工作报告", "《社会团体登记管理条例》第二十八条",
                     Severity.MINOR, "限期报送", 30, "2099-12-31", item_id="ar-01"),
        actor="检查员00",
    )  # fmt: skip
    onsite_record.complete_on_site(store, inspection_id, NOBODY_ON_SITE, actor="检查员00")

    review = ReviewScreen(store, SUPERVISOR, runner)
    qtbot.addWidget(review)
    review.refresh()
    with qtbot.waitSignal(runner.finished, timeout=15_000):
        review.approve()
    assert "整改通知书" in review.result.text()

    tracker = TrackerScreen(store, SUPERVISOR, runner)
    qtbot.addWidget(tracker)
    tracker.refresh()
    tracker.table.selectRow(0)
    reported = rectification_dialogs.ReportBack("2026-12-01", "已补报", ())
    monkeypatch.setattr(
        rectification_dialogs.ReportBackDialog, "ask", classmethod(lambda *a: reported)
    )
    tracker.report_back()
    assert tracker.model.rows[0].status.label == "已报告整改"
    passed = rectification_dialogs.Recheck(True, "已核实", None)
    monkeypatch.setattr(
        rectification_dialogs.RecheckDialog, "ask", classmethod(lambda *a, **k: passed)
    )
    tracker.recheck()
    assert tracker.model.total == 0
    assert tracker.count.text() == "没有符合条件的问题。"


def test_main_window_shows_the_desk_to_a_supervisor_only(
    qtbot, store: Store, tmp_path: Path
) -> None:
    add_register(store, 3)
    add_roster(store)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    accounts.act_as(store, "检查员00")
    inspector_window = MainWindow(store, settings)
    qtbot.addWidget(inspector_window)
    assert "review" not in inspector_window.keys
    accounts.act_as(store, SUPERVISOR)
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    for key in ("review", "rectification", "campaigns", "dashboard"):
        window.show_screen(key)
        assert window.stack.currentWidget() is window.screens[key]
