"""The supervisor's screens on a real store, through pytest-qt."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from checklists.library import import_builtin_checklists
from inspector import preferences
from inspector.clock import utc_now
from inspector.model import Severity
from inspector.store import Store
from tests.supervisor_data import SUPERVISOR, add_register, add_roster, inspect
from ui.supervisor import rectification_dialogs
from ui.supervisor.campaign_screen import CampaignScreen
from ui.supervisor.conflict_dialog import ConflictDialog
from ui.supervisor.dashboard_screen import DashboardScreen
from ui.supervisor.pages import build_page, supervisor_pages
from ui.supervisor.review_screen import NOTICE_DIR_KEY, ReviewScreen
from ui.supervisor.tracker_screen import TrackerScreen


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> Store:
    add_register(store, 30)
    add_roster(store)
    import_builtin_checklists(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "notices"))
    return store


def _status(store: Store, inspection_id: str) -> str:
    return store.db.execute(
        "SELECT status FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()[0]


def test_pages_only_for_supervisors(qtbot, desk: Store, runner_for) -> None:
    assert supervisor_pages(desk, "检查员00") == ()
    assert supervisor_pages(desk, "本机用户") == ()
    pages = supervisor_pages(desk, SUPERVISOR)
    assert [label for _, label in pages] == [
        "审核",
        "整改通知书",
        "抽查计划",
        "统计",
    ]
    runner = runner_for(desk)
    for key, _ in pages:  # each page builds on its own (the window builds it when shown)
        qtbot.addWidget(build_page(key, desk, SUPERVISOR, runner))


def test_review_approve_issues_the_notice(qtbot, desk: Store, tmp_path: Path, runner_for) -> None:
    inspection_id, _ = inspect(desk, "org-00000", [(Severity.MAJOR, "2026-12-21")], approve=False)
    screen = ReviewScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    assert screen.model.rowCount() == 1
    html = screen.detail.toHtml()
    assert "测试社会组织00000" in html and "问题0：未按期报送年度工作报告" in html
    with qtbot.waitSignal(screen.runner.finished, timeout=15_000):
        screen.approve()
    assert _status(desk, inspection_id) == "approved"
    assert "整改通知书" in screen.result.text() and "已生成" in screen.result.text()
    assert list((tmp_path / "notices").glob("*.pdf"))
    assert screen.model.rowCount() == 0
    assert not screen.approve_button.isEnabled()


def test_review_return_needs_a_reason(qtbot, desk: Store, monkeypatch, runner_for) -> None:
    inspection_id, _ = inspect(desk, "org-00001", [], approve=False)
    screen = ReviewScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    monkeypatch.setattr(ReviewScreen, "ask_reason", staticmethod(lambda *a: None))
    screen.send_back()
    assert _status(desk, inspection_id) == "completed"
    monkeypatch.setattr(ReviewScreen, "ask_reason", staticmethod(lambda *a: "缺少现场照片"))
    screen.send_back()
    assert _status(desk, inspection_id) == "returned"
    assert "已退回" in screen.result.text()


def test_tracker_filters_recheck_and_export(
    qtbot, qtmodeltester, desk: Store, tmp_path: Path, monkeypatch, runner_for
) -> None:
    inspect(desk, "org-00000", [(Severity.SEVERE, "2020-01-10"), (Severity.MINOR, "2099-01-01")])
    screen = TrackerScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    qtmodeltester.check(screen.model)
    assert screen.count.text() == "共 2 条"
    first = screen.model.row_at(screen.model.index(0, 0))
    assert screen.model.data(screen.model.index(0, 4)).startswith("逾期 · ")
    screen.deadline.setCurrentIndex(1)  # 已逾期
    assert screen.model.total == 1
    screen.deadline.setCurrentIndex(0)
    screen.table.selectRow(0)
    recheck = rectification_dialogs.Recheck(
        passed=False, reason="仍未整改", new_deadline="2099-02-01"
    )
    monkeypatch.setattr(
        rectification_dialogs.RecheckDialog, "ask", classmethod(lambda *a, **k: recheck)
    )
    screen.recheck()
    row = next(r for r in screen.model.rows if r.id == first.id)
    assert row.status.label == "复查未通过"
    monkeypatch.setattr(
        TrackerScreen, "ask_save_path", staticmethod(lambda *a: tmp_path / "t.xlsx")
    )
    with qtbot.waitSignal(screen.runner.finished, timeout=15_000):
        screen.export()
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None and sheet.max_row == 3


def test_inspector_cannot_recheck_from_the_screen(
    qtbot, desk: Store, monkeypatch, runner_for
) -> None:
    inspect(desk, "org-00000", [(Severity.SEVERE, "2099-01-10")])
    screen = TrackerScreen(desk, "检查员01", runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    screen.table.selectRow(0)
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.supervisor.tracker_screen.show_error", lambda _w, exc: shown.append(str(exc))
    )
    monkeypatch.setattr(
        rectification_dialogs.RecheckDialog,
        "ask",
        classmethod(lambda *a, **k: rectification_dialogs.Recheck(True, "好", None)),
    )
    screen.recheck()
    assert shown and "仅限审核人员" in shown[0]
    assert screen.model.rows[0].status.label == "待整改"


def test_campaign_draw_save_verify_publish(
    qtbot, desk: Store, tmp_path: Path, monkeypatch, runner_for
) -> None:
    screen = CampaignScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    assert not screen.save_button.isEnabled()
    screen.rule.setCurrentIndex(screen.rule.findData("size"))
    screen.sample_count.setValue(4)
    screen.seed.setText("20261122")
    screen.draw()
    assert screen.model.rowCount() == 4
    assert "从 30 个符合条件的检查对象中随机抽取 4 个" in screen.summary.text()
    screen.save()
    assert desk.db["tasks"].count == 4
    assert "已生成 4 个检查任务" in screen.summary.text()
    screen.verify()
    assert screen.summary.text().startswith("核验通过")
    monkeypatch.setattr(
        CampaignScreen, "ask_publish_path", staticmethod(lambda *a: tmp_path / "公示.xlsx")
    )
    with qtbot.waitSignal(screen.runner.finished, timeout=15_000):
        screen.publish()
    sheet = load_workbook(tmp_path / "公示.xlsx").active
    assert sheet is not None and sheet.max_row == 5


def test_dashboard_bars_click_through(qtbot, qtmodeltester, desk: Store, runner_for) -> None:
    found = [(Severity.SEVERE, "2020-01-10"), (Severity.MINOR, "2099-01-01")]
    inspect(desk, "org-00000", found, started_at=utc_now())
    screen = DashboardScreen(desk, runner_for(desk))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.refresh()
    assert "0.0%" in screen.rate_tile.text()
    assert "已整改 0 个 · 整改中 2 个" in screen.rate_tile.text()
    severity = screen.charts[1]
    assert severity.chart is not None and severity.chart.title == "按严重程度统计问题"
    qtbot.waitExposed(severity)
    centre = severity.bar_rects()[0].center()
    with qtbot.waitSignal(severity.bar_clicked) as clicked:
        qtbot.mouseClick(severity, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert clicked.args == [0]
    assert screen.detail_title.text() == "按严重程度统计问题 · 严重：1 条"
    assert screen.findings.rowCount() == 1
    qtmodeltester.check(screen.findings)
    assert screen.board is not None
    months = screen.board.inspections_per_month
    busy = next(n for n, bar in enumerate(months.bars) if bar.value)
    screen.show_bar(4, busy)
    assert screen.details.currentWidget() is screen.inspection_table
    assert screen.inspections.rows[0].organization == "测试社会组织00000"
    assert severity.bar_at(-5, -5) is None
    assert not severity.grab().isNull()


def test_conflict_dialog_and_recording(qtbot, desk: Store, monkeypatch, runner_for) -> None:
    dialog = ConflictDialog(None, desk)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.organization.setText("测试社会组织00003")
    assert dialog.found.text().startswith("测试社会组织00003")
    assert not ok.isEnabled()  # no reason yet
    dialog.reason.setPlainText("配偶在该组织任职")
    assert ok.isEnabled()
    entry = dialog.value()
    assert entry.organization_id == "org-00003"
    screen = CampaignScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(lambda *a: entry))
    screen.record_conflict()
    assert "已登记回避" in screen.summary.text()
    stored = desk.db.execute("SELECT roster_id, reason FROM conflicts").fetchall()
    assert stored == [(entry.roster_id, "配偶在该组织任职")]


def test_approval_stands_when_the_notice_cannot_be_written(
    qtbot, desk: Store, tmp_path: Path, runner_for
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    preferences.put(desk, NOTICE_DIR_KEY, str(blocker / "notices"))
    inspection_id, _ = inspect(desk, "org-00002", [(Severity.MINOR, "2099-01-01")], approve=False)
    screen = ReviewScreen(desk, SUPERVISOR, runner_for(desk))
    qtbot.addWidget(screen)
    screen.refresh()
    with qtbot.waitSignal(screen.runner.finished, timeout=15_000):
        screen.approve()
    assert _status(desk, inspection_id) == "approved"
    assert "已审核通过" in screen.result.text()
    assert "整改通知书未能生成：无法创建输出文件夹" in screen.result.text()
