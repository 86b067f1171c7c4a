"""The supervisor's pages for the main window's navigation (none for anyone who is not a
supervisor on the roster: inspectors do not see them at all).

The main window lists the pages at once but builds each when it is first shown: their
modules load the reports, reportlab and pydantic (about 0.5 s), which the first screen does
not need.
"""

from PySide6.QtWidgets import QWidget

from inspector import roles
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
