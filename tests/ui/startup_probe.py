"""One start of the app in a fresh process, then which heavy modules it loaded, on the last
line (``loaded: [...]``). Run by ``test_startup_imports``:

    python -m tests.ui.startup_probe screenshot DB PNG
    python -m tests.ui.startup_probe sign-in DB SETTINGS_FILE PERSON PASSWORD
"""

import sys
from pathlib import Path

# What the editor, the other screens, the supervisor's pages and the commands use: sqlite-utils
# (with its dateutil and pluggy), openpyxl, reportlab, python-docx, pypinyin's dictionary,
# pydantic and the checklist schema (``checklists``), requests.
HEAVY = (
    "sqlite_utils",
    "dateutil",
    "pluggy",
    "openpyxl",
    "reportlab",
    "docx",
    "pypinyin",
    "pydantic",
    "checklists",
    "requests",
)


def screenshot(db: str, png: str) -> None:
    """``inspector --db DB gui --screenshot PNG``, as the bench runs it."""
    from cli.main import main

    sys.argv = ["inspector", "--db", db, "gui", "--screenshot", png]
    try:
        main()
    except SystemExit as done:
        if done.code:
            raise


def sign_in(db: str, settings_file: str, person: str, password: str) -> None:
    """The sign-in screen, ``person`` chosen and ``password`` typed, then the main window on
    its first screen, as ``ui.app`` runs them (without waiting in the event loop)."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from inspector.store import preflight
    from ui.app import application, show_window
    from ui.events import process_events
    from ui.lock import IdleLock
    from ui.main_window import MainWindow
    from ui.sign_in import SignInDialog

    application()
    preflight(Path(db))
    dialog = SignInDialog(Path(db))
    dialog.show()
    dialog.choose(person)
    QTest.keyClicks(dialog.password, password)
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    if dialog.store is None:
        raise SystemExit(f"not signed in: {dialog.message.text()}")
    window = MainWindow(dialog.store, QSettings(settings_file, QSettings.Format.IniFormat))
    IdleLock(dialog.store, window)
    show_window(window, (1366, 768))
    process_events()
    print("screens:", " ".join(window.keys))


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {"screenshot": screenshot, "sign-in": sign_in}[mode](*arguments)
    print("loaded:", sorted(name for name in HEAVY if name in sys.modules))
