"""The main window's own screens, each imported and built when it is first shown.

Only the first screen is needed to show the window; the others' modules and their first
queries (the register's count, the sync engine, the checklist schema) wait until the user
goes there. ``Screen`` is the main window's typed attribute for one of them.
"""

from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from PySide6.QtWidgets import QWidget

from inspector.store import Store
from ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SCREENS = (
    ("home", "工作台"),
    ("tasks", "任务"),
    ("organizations", "检查对象"),
    ("inspections", "检查记录"),
    ("rectification", "整改跟踪"),
    ("checklists", "检查表"),
    ("sync", "同步"),
)

T = TypeVar("T", bound=QWidget)


class Screen(Generic[T]):
    """``window.organizations``: the screen named like the attribute, built on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, window: "MainWindow", owner: Any = None) -> T:
        return cast(T, window.page(self.key))


def build_screen(key: str, store: Store, actor: str, runner: TaskRunner) -> QWidget:
    """One of ``SCREENS``, its module imported now."""
    if key == "home":
        from ui.screens.home import HomeScreen

        return HomeScreen(store)
    if key == "tasks":
        from ui.screens.tasks import TasksScreen

        return TasksScreen(store)
    if key == "organizations":
        from ui.screens.organizations import OrganizationsScreen

        return OrganizationsScreen(store)
    if key == "inspections":
        from ui.screens.inspections import InspectionsScreen

        return InspectionsScreen(store)
    if key == "rectification":
        from ui.supervisor.tracker_screen import TrackerScreen

        return TrackerScreen(store, actor, runner)  # the one 整改跟踪, for everyone
    if key == "checklists":
        from ui.screens.checklists import ChecklistsScreen

        return ChecklistsScreen(store)
    if key == "sync":
        from ui.screens.sync import SyncScreen

        return SyncScreen(store, runner)
    raise KeyError(key)
