"""The supervisor's pages for the main window's navigation (none for anyone who is not a
supervisor on the roster: inspectors do not see them at all), and the deadline line for the
start screen.

The main window lists the pages at once but builds each when it is first shown: their
modules load the reports, reportlab and pydantic (about 0.5 s), which the first screen does
not need.
"""

from PySide6.QtWidgets import QLabel, QWidget

from inspector import roles, tracker
from inspector.store import Store
from ui.task_runner import TaskRunner

PAGES = (
    ("review", "审核"),
    ("notices", "整改通知书"),
    ("campaigns", "抽查计划"),
    ("dashboard", "统计"),
)


def supervisor_pages(store: Store, actor: str) -> tuple[tuple[str, str], ...]:
    """(key, navigation label) of each supervisor screen, or () for a non-supervisor."""
    return PAGES if roles.is_supervisor(store, actor) else ()


def build_page(key: str, store: Store, actor: str, runner: TaskRunner) -> QWidget:
    """One supervisor screen, its module imported now.

    Pages that have ``open_inspection`` emit it with an inspection id when a row is opened;
    long work (notices, exports) goes through ``runner``, the main window's.
    """
    if key == "review":
        from ui.supervisor.review_screen import ReviewScreen

        return ReviewScreen(store, actor, runner)
    if key == "notices":
        from ui.supervisor.notices_panel import NoticesPanel

        return NoticesPanel(store, actor, runner)
    if key == "campaigns":
        from ui.supervisor.campaign_screen import CampaignScreen

        return CampaignScreen(store, actor, runner)
    if key == "dashboard":
        from ui.supervisor.dashboard_screen import DashboardScreen

        return DashboardScreen(store, runner)
    raise KeyError(key)


def deadline_text(store: Store) -> str:
    """For the start screen: "7 天内到期 3 个问题，已逾期 2 个问题"."""
    summary = tracker.deadline_summary(store)
    if not summary.due_soon and not summary.overdue:
        return "近 7 天内没有到期的整改问题，也没有逾期的问题。"
    return f"整改期限：7 天内到期 {summary.due_soon} 个问题，已逾期 {summary.overdue} 个问题。"


class DeadlineLine(QLabel):
    """One line for the start screen; ``refresh`` re-reads the numbers."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        self.setText(deadline_text(self.store))
