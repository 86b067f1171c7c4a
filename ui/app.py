"""Start the Qt application on a store, or render its main window to a PNG and exit."""

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from inspector.errors import UserError
from inspector.store import open_store
from ui.current_user import ask_once
from ui.events import process_events
from ui.fonts import ui_font
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
    app.setFont(ui_font())
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
    try:
        lock = claim(db_path) if screenshot is None else None
        store = open_store(db_path)
    except UserError as exc:
        if screenshot is not None:
            print(f"错误：{exc.message}", file=sys.stderr)
        else:
            show_error(None, exc, title="无法打开数据库")
        return 1
    if screenshot is not None:
        # A screenshot must not depend on (or change) this user's remembered layout.
        with tempfile.TemporaryDirectory() as folder:
            settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
            window = MainWindow(store, settings)
            return _save_screenshot(window, size, screenshot)
    sys.excepthook = _show_unexpected
    ask_once(store)
    window = MainWindow(store, QSettings())
    if not window.settings.contains("window/geometry"):
        window.resize(*size)
    window.show()
    try:
        return app.exec()
    finally:
        if lock is not None:
            lock.unlock()


def _save_screenshot(window: MainWindow, size: tuple[int, int], target: Path) -> int:
    window.resize(*size)
    window.show()
    process_events()
    target.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(target), "PNG")
    window.close()
    return 0 if ok else 1


def _show_unexpected(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """An error nobody caught (in a slot) becomes a calm message with the detail, not a crash."""
    show_error(QApplication.activeWindow(), error.with_traceback(trace))
