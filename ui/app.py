"""Start the Qt application on a store, or render its main window to a PNG and exit."""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from inspector.counts import store_counts
from inspector.errors import UserError
from inspector.store import open_store
from ui.fonts import ui_font
from ui.main_window import MainWindow


def run(
    db_path: Path, *, screenshot: Path | None = None, size: tuple[int, int] = (1366, 768)
) -> int:
    """Run the GUI; returns the process exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("社会组织现场检查")
    app.setFont(ui_font())
    try:
        store = open_store(db_path)
    except UserError as exc:
        if screenshot is not None:
            print(f"错误：{exc.message}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "无法打开数据库", exc.message)
        return 1
    window = MainWindow(store_counts(store), str(db_path))
    window.resize(*size)
    if screenshot is not None:
        return _save_screenshot(window, screenshot)
    window.show()
    return app.exec()


def _save_screenshot(window: MainWindow, target: Path) -> int:
    window.show()
    QApplication.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(target), "PNG")
    window.close()
    return 0 if ok else 1
