"""The main window: navigation at the side, one screen at a time, the status bar below.

Window geometry, splitter positions and the last screen are kept in QSettings; the open
inspection is kept in the store, so a crash reopens it on the item last touched.

The editor, the start dialog and the register import load pydantic, the checklist schema,
pypinyin and openpyxl (about 2 s together); they are imported when first used so that the
window appears fast (bench: start to a usable window < 1.5 s).
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from inspector import current_user, org_search, preferences, roles
from inspector.jobs import Job
from inspector.store import Store
from ui.current_user import CurrentUserButton
from ui.messages import show_error
from ui.screens.checklists import ChecklistsScreen
from ui.screens.home import HomeScreen
from ui.screens.inspections import InspectionsScreen
from ui.screens.organizations import OrganizationsScreen
from ui.screens.rectification import RectificationScreen
from ui.screens.sync import SyncScreen
from ui.screens.tasks import TasksScreen
from ui.status_bar import AppStatusBar
from ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from ui.editor.screen import InspectionEditor

OPEN_INSPECTION_KEY = "ui.open_inspection"
ACTOR_KEY = current_user.KEY
EDITOR = "editor"
SCREENS = (
    ("home", "工作台"),
    ("tasks", "任务"),
    ("organizations", "检查对象"),
    ("inspections", "检查记录"),
    ("rectification", "整改跟踪"),
    ("checklists", "检查表"),
    ("sync", "同步"),
)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: QSettings) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.actor = current_user.actor(store)
        self.setWindowTitle("社会组织现场检查")
        self.setMinimumSize(1024, 640)
        self.nav = QListWidget(objectName="nav")
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.runner = TaskRunner(store.path)  # the app's one; screens get it passed in
        self.home = HomeScreen(store)
        self.tasks = TasksScreen(store)
        self.organizations = OrganizationsScreen(store)
        self.inspections = InspectionsScreen(store)
        self.rectification = RectificationScreen(store)
        self.checklists = ChecklistsScreen(store)
        self.sync = SyncScreen(store, self.runner)
        self.screens: dict[str, QWidget] = {
            "home": self.home,
            "tasks": self.tasks,
            "organizations": self.organizations,
            "inspections": self.inspections,
            "rectification": self.rectification,
            "checklists": self.checklists,
            "sync": self.sync,
        }
        self.keys = [key for key, _ in SCREENS]
        for key, label in SCREENS:
            self.nav.addItem(label)
            self.stack.addWidget(self.screens[key])
        self._add_supervisor_pages()
        self.editor: InspectionEditor | None = None
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = AppStatusBar(store, self.runner)
        self.setStatusBar(self.status)
        self.user_button = CurrentUserButton(store)
        self.status.addPermanentWidget(self.user_button)
        self._connect()
        self._restore()

    def _add_supervisor_pages(self) -> None:
        """Review, tracking, campaigns and statistics, for a supervisor on the roster only."""
        if not roles.is_supervisor(self.store, self.actor):
            return
        from ui.supervisor.pages import supervisor_pages  # ~1 s of imports: only when needed

        for key, label, page in supervisor_pages(self.store, self.actor, self.runner):
            row = self.keys.index("checklists")
            self.screens[key] = page
            self.keys.insert(row, key)
            self.nav.insertItem(row, label)
            self.stack.addWidget(page)
            opened = getattr(page, "open_inspection", None)
            if opened is not None:
                opened.connect(self.open_inspection)

    @Slot(str)
    def set_actor(self, actor: str) -> None:
        """Work goes on as another person: their pages, their name on new audit entries."""
        shown = self.current_key
        self.actor = actor
        if self.editor is not None:
            self.editor.session.actor = actor
        own = {key for key, _ in SCREENS} | {EDITOR}
        self.nav.blockSignals(True)
        for key in [k for k in self.keys if k not in own]:
            page = self.screens.pop(key)
            self.nav.takeItem(self.keys.index(key))
            self.keys.remove(key)
            self.stack.removeWidget(page)
            page.deleteLater()
        self._add_supervisor_pages()
        self.nav.blockSignals(False)
        self.user_button.refresh()
        self.show_screen(shown if shown in self.keys else "home")

    @Slot(str)
    def show_organization(self, organization_id: str) -> None:
        """The register with one organization found and its detail (history, findings)."""
        org = org_search.get(self.store, organization_id)
        if org is None:
            return
        self.organizations.search.setText(org.name)
        self.organizations.detail.show_org(organization_id)
        self.show_screen("organizations")

    def _connect(self) -> None:
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.itemClicked.connect(self._nav_clicked)
        for screen in (self.tasks, self.organizations, self.inspections, self.rectification):
            screen.open_inspection.connect(self.open_inspection)
        self.organizations.start_requested.connect(self.start_inspection)
        self.organizations.import_requested.connect(self.import_register)
        self.tasks.start_requested.connect(self.start_inspection)
        self.home.open_inspection.connect(self.open_inspection)
        self.home.start_requested.connect(self.start_inspection)
        self.home.open_organization.connect(self.show_organization)
        self.home.screen_requested.connect(self.show_screen)
        self.user_button.changed.connect(self.set_actor)
        self.sync.synced.connect(self.status.refresh)

    # --- screens -------------------------------------------------------------------------

    def show_screen(self, key: str) -> None:
        """Switch to a screen; showing the current one again re-reads it."""
        row = self.keys.index(key)
        if self.nav.currentRow() == row:
            self._nav_changed(row)
        else:
            self.nav.setCurrentRow(row)

    @property
    def current_key(self) -> str:
        return self.keys[self.nav.currentRow()] if self.nav.currentRow() >= 0 else "home"

    @Slot()
    def _nav_clicked(self) -> None:
        self._nav_changed(self.nav.currentRow())

    @Slot(int)
    def _nav_changed(self, row: int) -> None:
        if self.editor is not None:
            self.editor.flush()
        key = self.keys[row]
        widget = self.editor if key == EDITOR and self.editor else self.screens[key]
        refresh = getattr(widget, "refresh", None)
        if refresh is not None:
            refresh()
        self.stack.setCurrentWidget(widget)
        self.status.refresh()
        # Written at once (not only on close) so that a crash reopens the same screen.
        self.settings.setValue("window/screen", key)
        self.settings.sync()

    @Slot(str)
    def open_inspection(self, inspection_id: str) -> None:
        """Show the editor on an inspection (replacing any editor already open)."""
        from ui.editor.screen import InspectionEditor

        try:
            editor = InspectionEditor(self.store, inspection_id, actor=self.actor)
        except Exception as exc:
            show_error(self, exc)
            return
        self._close_editor()
        self.editor = editor
        editor.completed.connect(self._inspection_completed)
        self.stack.addWidget(editor)
        state = self.settings.value("splitter/editor")
        if isinstance(state, QByteArray):
            editor.splitter.restoreState(state)
        self.nav.insertItem(0, "当前检查")
        self.keys.insert(0, EDITOR)
        preferences.put(self.store, OPEN_INSPECTION_KEY, inspection_id)
        self.nav.setCurrentRow(0)

    def _close_editor(self) -> None:
        if self.editor is None:
            return
        self.editor.flush()
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.editor = None
        self.nav.blockSignals(True)
        self.nav.takeItem(self.keys.index(EDITOR))
        self.keys.remove(EDITOR)
        self.nav.blockSignals(False)

    @Slot(str, str, str)
    @Slot(str)
    def start_inspection(
        self, organization_id: str, task_id: str = "", checklist_id: str = ""
    ) -> None:
        from ui.start_dialog import StartInspectionDialog

        org = org_search.get(self.store, organization_id)
        if org is None:
            return
        inspection_id = StartInspectionDialog.ask(
            self,
            self.store,
            org,
            actor=self.actor,
            task_id=task_id or None,
            checklist_id=checklist_id or None,
        )
        if inspection_id is not None:
            self.open_inspection(inspection_id)

    @Slot(str)
    def import_register(self, path: str) -> None:
        """Import a register file in the background, with progress and 取消."""

        def work(store: Store, job: Job) -> str:
            from inspector import register_import

            return register_import.import_file(store, Path(path), job=job).summary

        if not self.runner.run("正在导入名录", work, self._register_imported):
            self.organizations.last_import.setText(self.runner.busy_message())

    def _register_imported(self, summary: str) -> None:
        self.organizations.refresh()
        self.organizations.last_import.setText(f"名录导入完成：{summary}")

    @Slot(str)
    def _inspection_completed(self, _inspection_id: str) -> None:
        self.status.refresh()

    # --- remembered layout ---------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            state = self.settings.value(f"splitter/{name}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        last = str(self.settings.value("window/screen", "home"))
        open_id = preferences.get(self.store, OPEN_INSPECTION_KEY)
        if last == EDITOR and open_id:
            self.open_inspection(open_id)
        self.show_screen(last if last in self.keys else "home")

    def _splitters(self) -> dict[str, QSplitter]:
        found = {"organizations": self.organizations.splitter}
        if self.editor is not None:
            found["editor"] = self.editor.splitter
        return found

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/screen", self.current_key)
        for name, splitter in self._splitters().items():
            self.settings.setValue(f"splitter/{name}", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor is not None:
            self.editor.flush()
        self.runner.cancel()  # a job stops at its next step and keeps what it committed
        self.runner.wait_idle()
        self.save_layout()
        super().closeEvent(event)
