"""The main window: navigation at the side, one screen at a time, the status bar below.

Window geometry, splitter positions and the last screen are kept in QSettings; the open
inspection is kept in the store, so a crash reopens it on the item last touched.

The editor, the start dialog, the register import and the supervisor's pages load pydantic,
the checklist schema, pypinyin, openpyxl and the reports (about 2 s together); they are
imported when first used so that the window appears fast (bench: the whole process to a
screenshot within 3× a bare PySide6 window).
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from inspector import current_user, org_search, preferences
from inspector.jobs import Job
from inspector.store import Store
from ui.current_user import CurrentUserButton
from ui.main_screens import SCREENS, Screen, build_screen
from ui.messages import show_error
from ui.status_bar import AppStatusBar
from ui.supervisor.pages import build_page, supervisor_pages
from ui.task_runner import TaskRunner, Work

if TYPE_CHECKING:
    from inspector.register_import import ImportReport, ParsedRegister
    from ui.editor.screen import InspectionEditor
    from ui.screens.checklists import ChecklistsScreen
    from ui.screens.home import HomeScreen
    from ui.screens.inspections import InspectionsScreen
    from ui.screens.organizations import OrganizationsScreen
    from ui.screens.sync import SyncScreen
    from ui.screens.tasks import TasksScreen
    from ui.supervisor.tracker_screen import TrackerScreen

OPEN_INSPECTION_KEY = "ui.open_inspection"
EDITOR = "editor"
# A screen's signal of this name is connected, when the screen is built, to this slot.
WIRING = (
    ("open_inspection", "open_inspection"),
    ("start_requested", "start_inspection"),
    ("import_requested", "import_register"),
    ("open_organization", "show_organization"),
    ("screen_requested", "show_screen"),
    ("findings_requested", "show_findings"),
    ("synced", "_synced"),
)


class MainWindow(QMainWindow):
    home: "Screen[HomeScreen]" = Screen()
    tasks: "Screen[TasksScreen]" = Screen()
    organizations: "Screen[OrganizationsScreen]" = Screen()
    inspections: "Screen[InspectionsScreen]" = Screen()
    rectification: "Screen[TrackerScreen]" = Screen()
    checklists: "Screen[ChecklistsScreen]" = Screen()
    sync: "Screen[SyncScreen]" = Screen()

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
        self.screens: dict[str, QWidget] = {}  # those built so far (``page``)
        self.keys = [key for key, _ in SCREENS]
        for _, label in SCREENS:
            self.nav.addItem(label)
        self._add_supervisor_pages()
        self.editor: InspectionEditor | None = None
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = AppStatusBar(store, self.runner, settings)
        self.setStatusBar(self.status)
        self.user_button = CurrentUserButton(store)
        self.status.addPermanentWidget(self.user_button)
        self._connect()
        self._restore()

    def _add_supervisor_pages(self) -> None:
        """Review, tracking, campaigns and statistics, for a supervisor on the roster only:
        listed now, each page built when first shown (``page``)."""
        for key, label in supervisor_pages(self.store, self.actor):
            row = self.keys.index("checklists")
            self.keys.insert(row, key)
            self.nav.insertItem(row, label)

    def page(self, key: str) -> QWidget:
        """The screen or page ``key``, built (and its signals connected) on first use."""
        page = self.screens.get(key)
        if page is None:
            own = key in dict(SCREENS)
            page = (
                build_screen(key, self.store, self.actor, self.runner)
                if own
                else build_page(key, self.store, self.actor, self.runner)
            )
            self.screens[key] = page
            self.stack.addWidget(page)
            for signal, slot in WIRING:
                if hasattr(page, signal):
                    getattr(page, signal).connect(getattr(self, slot))
            splitter = self._splitters().get(key)
            state = self.settings.value(f"splitter/{key}")
            if splitter is not None and isinstance(state, QByteArray):
                splitter.restoreState(state)
        return page

    @Slot(str)
    def show_findings(self, which: str) -> None:
        """整改跟踪 with the findings a 工作台 tile counted."""
        self.show_screen("rectification")
        self.rectification.show_deadlines(which)

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

    @Slot()
    def _synced(self) -> None:
        self.status.refresh()

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
        widget = self.editor if key == EDITOR and self.editor else self.page(key)
        refresh = getattr(widget, "refresh", None)
        if refresh is not None:
            refresh()
        self.stack.setCurrentWidget(widget)
        self.status.refresh()
        # Written at once (not only on close) so that a crash reopens the same screen; not
        # when it is the remembered one (at start-up): writing the file costs up to 20 ms here.
        if self.settings.value("window/screen", "home") != key:
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
        editor.discarded.connect(self._inspection_discarded)
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
        """A register file chosen on either screen: read it in the background, then show the
        one preview; its 导入 imports it in the background (progress and 取消 both times)."""

        def read(_store: Store, job: Job) -> "ParsedRegister":
            from inspector.register_import import read_register

            return read_register(Path(path), job=job)

        self._run_register_job("正在读取名录", read, lambda parsed: self._preview(path, parsed))

    def _preview(self, path: str, parsed: "ParsedRegister") -> None:
        from ui.first_run_dialogs import RegisterPreviewDialog

        dialog = RegisterPreviewDialog(Path(path), parsed, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._import_previewed(path))
        dialog.open()

    def _import_previewed(self, path: str) -> None:
        def work(store: Store, job: Job) -> "ImportReport":
            from inspector import register_import

            return register_import.import_file(store, Path(path), job=job)

        self._run_register_job("正在导入名录", work, self._register_imported)

    def _run_register_job(self, title: str, work: Work, on_done: Callable[[Any], None]) -> None:
        if not self.runner.run(title, work, on_done):
            self.organizations.last_import.setText(self.runner.busy_message())

    def _register_imported(self, report: "ImportReport") -> None:
        self.organizations.refresh()
        self.organizations.last_import.setText(f"名录导入完成：{report.summary}")
        self.show_screen(self.current_key)  # re-read what is shown (the first-run page)
        if report.problems:  # every refused row with its place and reason, not only a count
            from ui.first_run_dialogs import LinesDialog

            refused = LinesDialog(
                "名录中被拒绝的行", f"名录导入完成：{report.summary}。被拒绝的行及原因：",
                [str(problem) for problem in report.problems], self,
            )  # fmt: skip
            refused.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            refused.show()  # not modal: the import is done, the list is for reading

    @Slot(str)
    def _inspection_completed(self, _inspection_id: str) -> None:
        self.status.refresh()

    @Slot(str)
    def _inspection_discarded(self, _inspection_id: str) -> None:
        self._close_editor()
        preferences.put(self.store, OPEN_INSPECTION_KEY, "")
        self.nav.setCurrentRow(self.keys.index("home"))

    # --- remembered layout ---------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        last = str(self.settings.value("window/screen", "home"))
        open_id = preferences.get(self.store, OPEN_INSPECTION_KEY)
        if last == EDITOR and open_id:
            self.open_inspection(open_id)
        self.show_screen(last if last in self.keys else "home")

    def _splitters(self) -> dict[str, QSplitter]:
        """The remembered splitters, of the screens built so far (a splitter is restored
        when its screen is built)."""
        found = {}
        if "organizations" in self.screens:
            found["organizations"] = self.organizations.splitter
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
