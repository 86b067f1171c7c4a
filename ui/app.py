"""Start the Qt application on a store, or render its main window to a PNG and exit.

The sign-in screen and the idle lock (with the store's encryption and key-file code they
bring) are imported by the interactive path only: a screenshot opens the store with
``INSPECTOR_PASSWORD`` and shows neither.
"""

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtWidgets import QApplication

from inspector import accounts, current_user, keys, roster
from inspector.errors import UserError
from inspector.store import Store, open_store, preflight
from ui.events import process_events
from ui.fonts import FONT_SIZE_KEY, point_size, ui_font
from ui.gc_guard import GuiThreadGarbageCollector
from ui.instance_lock import claim
from ui.main_window import MainWindow
from ui.messages import show_error
from ui.style import STYLE_SHEET
from ui.translations import install_chinese

APP_NAME = "社会组织现场检查"


def application() -> QApplication:
    """The one QApplication, with the Chinese font and the style sheet."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("social-org-inspector")
    app.setFont(ui_font(point_size(QSettings().value(FONT_SIZE_KEY))))
    app.setStyleSheet(STYLE_SHEET)
    install_chinese(app)
    if app.findChild(GuiThreadGarbageCollector) is None:
        GuiThreadGarbageCollector(app)
    return app


def run(
    db_path: Path, *, screenshot: Path | None = None, size: tuple[int, int] = (1366, 768)
) -> int:
    """Run the GUI; returns the process exit status."""
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    app = application()
    if screenshot is not None:
        return _screenshot(db_path, size, screenshot)
    sys.excepthook = _show_unexpected
    try:
        lock = claim(db_path)
    except UserError as exc:
        show_error(None, exc, title="无法打开数据库")
        return 1
    try:
        preflight(db_path)  # a missing folder or a locked file is said before the sign-in
    except UserError as exc:
        show_error(None, exc, title="无法打开数据库")
        if lock is not None:
            lock.unlock()
        return 1
    try:
        return _work(app, db_path, size)
    finally:
        if lock is not None:
            lock.unlock()


def _work(app: QApplication, db_path: Path, size: tuple[int, int]) -> int:
    """Sign in, work, and after 退出登录 sign in again; returns the exit status."""
    from ui.lock import IdleLock
    from ui.sign_in import SignInDialog

    while True:
        store = SignInDialog.ask(db_path)
        if store is None:
            return 0
        window = MainWindow(store, QSettings())
        idle = IdleLock(store, window)
        leaving = _SignOut(window)
        window.user_button.sign_out_requested.connect(leaving.request)
        idle.sign_out_requested.connect(leaving.request)
        show_window(window, size)
        status = app.exec()
        idle.stop()
        accounts.sign_out(store)
        if not leaving.requested:
            return status


WINDOW_FRAME = 48  # title bar and borders a window manager adds around the window


def show_window(window: MainWindow, size: tuple[int, int]) -> None:
    """Where the user left it; at the first start ``size`` if the screen holds it with its
    frame, else maximized (a 768 px window on a 1366×768 screen with a task bar had its status
    bar off-screen)."""
    if window.settings.contains("window/geometry"):
        window.show()
        return
    room = window.screen().availableGeometry()
    if size[0] <= room.width() and size[1] + WINDOW_FRAME <= room.height():
        window.resize(*size)
        window.show()
    else:
        window.showMaximized()


class _SignOut(QObject):
    """退出登录: close the window and come back to the sign-in screen."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.requested = False

    @Slot()
    def request(self) -> None:
        self.requested = True
        self.window.close()


def _screenshot(db_path: Path, size: tuple[int, int], target: Path) -> int:
    """The main window of the store (unlocked by ``INSPECTOR_PASSWORD``), signed in as its
    first supervisor, rendered to ``target``."""
    try:
        store = open_store(db_path)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    _sign_in_first_supervisor(store)
    # A screenshot must not depend on (or change) this user's remembered layout.
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        return _save_screenshot(window, size, target)


def _sign_in_first_supervisor(store: Store) -> None:
    first = next((p for p in roster.all_active(store) if p.role == "supervisor"), None)
    if first is not None:
        accounts.act_as(store, first.id)
    else:
        current_user.begin(store, accounts.session_for(store, keys.ADMIN, keys.ADMIN_LABEL))


def _save_screenshot(window: MainWindow, size: tuple[int, int], target: Path) -> int:
    window.resize(*size)
    window.show()
    process_events()
    target.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(target), "PNG")
    # Hidden, not closed: closing saves the layout, and the screenshot's settings file is a
    # temporary one deleted next (writing it waits for the disk twice, up to 20 ms here).
    window.hide()
    return 0 if ok else 1


def _show_unexpected(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """An error nobody caught (in a slot) becomes a calm message with the detail, not a crash."""
    show_error(QApplication.activeWindow(), error.with_traceback(trace))
