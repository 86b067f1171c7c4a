"""Render every main screen (and the main dialogs) to PNG, as a reader of the README sees it.

``python -m ui.screenshots --db demo.db --out docs/screenshots`` (offscreen; no display), at
1024×768, 1366×768 and 1920×1080; at 150 % scaling (a 1920×1080 screen shows 1280×720):
``QT_SCALE_FACTOR=1.5 python -m ui.screenshots --db demo.db --size 1280x720 --out
docs/screenshots/scale-150``.
"""

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import QWidget

from inspector import accounts, checklist_store, inspections, roster, worklists
from inspector.checklist_model import AnswerType
from inspector.finding_templates import draft_for_item
from inspector.model import FindingDraft, InspectionStatus
from inspector.store import Store, open_store
from ui.app import application
from ui.editor.finding_dialog import FindingDialog
from ui.editor.onsite_dialog import OnsiteRecordDialog
from ui.editor.screen import InspectionEditor
from ui.events import process_events
from ui.main_window import MainWindow
from ui.sign_in import SignInDialog
from ui.start_dialog import StartInspectionDialog

SIZES = ((1024, 768), (1366, 768), (1920, 1080))
SCREENS = (
    "home",
    "tasks",
    "organizations",
    "editor",
    "inspections",
    "rectification",
    "review",
    "notices",
    "campaigns",
    "dashboard",
    "checklists",
    "sync",
)


def render_all(
    store: Store, out_dir: Path, sizes: tuple[tuple[int, int], ...] = SIZES
) -> list[Path]:
    """Each screen at each size, then the dialogs once; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        _prepare(window)
        for width, height in sizes:
            window.resize(width, height)
            window.show()
            for key in SCREENS:
                if key in window.keys:
                    window.show_screen(key)
                    written.append(_grab(window, out_dir / f"{key}-{width}x{height}.png"))
        written += _dialogs(window, out_dir)
        written += _table_item(window, out_dir)
        window.close()
        written += _first_run(Path(folder), out_dir, sizes)
    return written


def _first_run(folder: Path, out_dir: Path, sizes: tuple[tuple[int, int], ...]) -> list[Path]:
    """开始使用, as a new store shows it."""
    store = open_store(folder / "new.db")
    settings = QSettings(str(folder / "new.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings)
    written = []
    for width, height in sizes:
        window.resize(width, height)
        window.show()
        window.show_screen("home")
        written.append(_grab(window, out_dir / f"first-run-{width}x{height}.png"))
    window.close()
    store.close()
    return written


def _prepare(window: MainWindow) -> None:
    """Select something worth showing: an organization with history, a draft inspection."""
    store = window.store
    drafts = worklists.inspections(store, InspectionStatus.DRAFT)
    if not drafts:
        return
    draft = max(drafts, key=lambda row: len(worklists.findings_of_inspection(store, row.id)))
    window.open_inspection(draft.id)
    editor = window.editor
    assert editor is not None
    shown = editor.session.visible_items()
    not_compliant = [i.id for i in shown if editor.session.answers.get(i.id) == "not_compliant"]
    editor.go_to((not_compliant or [shown[0].id])[0])
    screen = window.organizations
    screen.search.setText(draft.organization)
    loop = QEventLoop()
    screen.model.answered.connect(loop.quit)
    screen.apply_filters()
    loop.exec()
    screen.table.selectRow(0)


def _has_table(store: Store, inspection_id: str) -> bool:
    inspection = inspections.get(store, inspection_id)
    stored = (
        checklist_store.get(store, inspection.checklist_id, inspection.checklist_version)
        if inspection
        else None
    )
    return stored is not None and '"answer_type":"table"' in stored.definition


def _table_item(window: MainWindow, out_dir: Path) -> list[Path]:
    """The editor on a table answer (the fee list) with its computed totals, at 1366×768."""
    row = next(
        (r for r in worklists.inspections(window.store) if _has_table(window.store, r.id)), None
    )
    if row is None:
        return []
    window.resize(*SIZES[1])  # the file says 1366×768 (it was drawn at 1024×768)
    process_events()
    window.open_inspection(row.id)
    editor = window.editor
    assert editor is not None
    tables = [i.id for i in editor.session.visible_items() if i.answer_type is AnswerType.TABLE]
    editor.go_to(tables[0])
    process_events()
    return [_grab(window, out_dir / "editor-table-1366x768.png")]


def _dialogs(window: MainWindow, out_dir: Path) -> list[Path]:
    editor = window.editor
    if editor is None:
        return []
    org = window.organizations.detail.org
    makers: dict[str, Callable[[], QWidget]] = {
        "finding-dialog": lambda: FindingDialog(
            _first_draft(editor), editor.session.inspection_date, window
        ),
        "onsite-record": lambda: OnsiteRecordDialog(editor.session, window),
        "sign-in-dialog": lambda: SignInDialog(window.store.path, window),
    }
    if org is not None:
        makers["start-dialog"] = lambda: StartInspectionDialog(
            window.store, org, actor=window.actor, parent=window
        )
    written = []
    for name, make in makers.items():
        dialog = make()
        dialog.show()
        written.append(_grab(dialog, out_dir / f"{name}.png"))
        dialog.close()
    return written


def _first_draft(editor: InspectionEditor) -> FindingDraft:
    session = editor.session
    with_template = next(
        (i for i in session.checklist.items() if i.finding is not None),
        session.checklist.items()[0],
    )
    return draft_for_item(with_template, session.inspection_date, org_kind=session.header.org_kind)


def _grab(widget: QWidget, target: Path) -> Path:
    process_events()
    widget.grab().save(str(target), "PNG")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--size", action="append", default=[], help="WxH, repeatable (default: the three sizes)"
    )
    args = parser.parse_args()
    sizes = tuple(tuple(int(n) for n in s.lower().split("x")) for s in args.size) or SIZES
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("INSPECTOR_PASSWORD", "demo-password")  # the demo's public one
    application()
    store = open_store(args.db)
    boss = next((p for p in roster.all_active(store) if p.role == "supervisor"), None)
    if boss is not None:  # every screen, the supervisor's pages too
        accounts.act_as(store, boss.id)
    for path in render_all(store, args.out, sizes):  # type: ignore[arg-type]
        print(path)


if __name__ == "__main__":
    main()
