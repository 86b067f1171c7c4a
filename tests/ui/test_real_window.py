"""One inspection walked in a real window on a real X server (Xvfb, not offscreen): from the
task on 工作台 to completion with an on-site signature, then approval by the supervisor, with a
screenshot of the X screen at each step.

The test starts Xvfb and runs this module as a program (``main``) with ``DISPLAY`` set and
the xcb platform: keys and the signature go in through the X server with xdotool, clicks on
buttons through QTest at the real window. Skipped only where Xvfb or xdotool is missing
(scripts/setup.sh installs both). ``python -m tests.ui.test_real_window DB OUT`` alone needs
a display and a store made by ``prepare``.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.checklist_model import Checklist
from inspector.clock import today, utc_now
from inspector.model import Inspector, Organization, OrgKind
from inspector.store import open_store
from tests.ui.conftest import CHECKLIST

SIZE = (1366, 768)
ORG = "北京市真实窗口行业协会"
INSPECTOR = ("张伟", "京民执21001")
PARTNER = ("李娜", "京民执21002")
SUPERVISOR = ("王芳", "京民执21003")
STEPS = ("01-home", "02-start-dialog", "03-editor", "04-answered", "05-onsite", "06-completed",
         "07-review", "08-approved")  # fmt: skip


def prepare(path: Path) -> str:
    """A store with one organization, three people, the test checklist and one task for the
    inspector and a partner; returns the task id."""
    from checklists.library import import_checklists
    from inspector import registry, roster

    store = open_store(path)
    try:
        registry.upsert(
            store, Organization("51110000MJ0000011A", ORG, OrgKind.SOCIAL_GROUP, district="东城区")
        )
        people = [
            roster.add(store, Inspector(name, number)) for name, number in (INSPECTOR, PARTNER)
        ]
        roster.add(store, Inspector(*SUPERVISOR, role="supervisor"))
        import_checklists(store, [("测试", Checklist.model_validate(CHECKLIST))], actor="test")
        org_id = store.db.execute("SELECT id FROM organizations").fetchone()[0]
        task_id = str(uuid.uuid4())
        with store.transaction():
            store.db.table("tasks").insert(
                {
                    "id": task_id,
                    "organization_id": org_id,
                    "checklist_id": CHECKLIST["id"],
                    "due_date": today().isoformat(),
                    "inspector_ids": json.dumps([p.id for p in people]),
                    "status": "open",
                    "created_at": utc_now(),
                }
            )
        return task_id
    finally:
        store.close()


@pytest.fixture
def display() -> str:
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.skip("Xvfb and xdotool are needed (scripts/setup.sh installs them)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
         "-nolisten", "tcp"],
        pass_fds=(write,), stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"  # type: ignore[misc]
    server.terminate()
    server.wait(10)


def test_one_inspection_from_task_to_approval_in_a_real_window(
    display: str, tmp_path: Path
) -> None:
    db = tmp_path / "inspector.db"
    prepare(db)
    shots = tmp_path / "walk"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("QT_SCALE_FACTOR", None)
    run = subprocess.run(
        [sys.executable, "-m", "tests.ui.test_real_window", str(db), str(shots)],
        env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "walk: approved" in run.stdout
    for step in STEPS:
        picture = shots / f"{step}.png"
        assert picture.stat().st_size > 10_000, step  # a real picture of the X screen
    store = open_store(db)
    try:
        status = store.db.execute("SELECT status FROM inspections").fetchone()[0]
        assert status == "approved"
        answers = dict(store.db.execute("SELECT item_id, value FROM answers").fetchall())
        assert answers["ar-01"] == '"compliant"'  # typed with the real key 1 through X
    finally:
        store.close()


# --- the walk, run as a program on the X display -------------------------------------------


def main(db: Path, shots: Path) -> None:
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPushButton, QWidget

    from inspector import accounts, roster
    from ui.app import application
    from ui.editor.onsite_dialog import OnsiteRecordDialog
    from ui.main_window import MainWindow
    from ui.start_dialog import StartInspectionDialog

    app = application()
    shots.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        QTest.qWait(300)
        app.primaryScreen().grabWindow(0).save(str(shots / f"{name}.png"))

    def click(widget: QWidget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def xdotool(*args: str) -> None:
        subprocess.run(["xdotool", *args], check=True, timeout=20)

    def when_modal(kind: type, act: Callable[[QWidget], None]) -> None:
        """Act on the modal dialog of ``kind`` once it is up (inside its own event loop)."""

        def poll() -> None:
            dialog = app.activeModalWidget()
            if isinstance(dialog, kind) and dialog.isVisible():
                act(dialog)
            else:
                QTimer.singleShot(100, poll)

        QTimer.singleShot(100, poll)

    def window_as(certificate: str) -> MainWindow:
        store = open_store(db)
        person = next(p for p in roster.all_active(store) if p.certificate_no == certificate)
        accounts.act_as(store, person.id)
        settings = QSettings(str(db.parent / f"{certificate}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        window.resize(*SIZE)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        return window

    # The inspector: the task on 工作台, 开始, the team, the on-site person.
    window = window_as(INSPECTOR[1])
    window.show_screen("home")
    shoot("01-home")
    tasks = window.home.task_list.table

    def start(dialog: QWidget) -> None:
        assert isinstance(dialog, StartInspectionDialog)
        for row in range(dialog.people.count()):  # the task's two, ticked with the space key
            entry = dialog.people.item(row)
            if entry.text().startswith((INSPECTOR[0], PARTNER[0])) and (
                entry.checkState() != Qt.CheckState.Checked
            ):
                dialog.people.setCurrentRow(row)
                QTest.keyClick(dialog.people, Qt.Key.Key_Space)
        dialog.representative.setFocus()
        dialog.representative.insert("赵会长")  # Chinese arrives as committed IME text
        shoot("02-start-dialog")
        click(next(b for b in dialog.findChildren(QPushButton) if b.text() == "开始检查"))

    when_modal(StartInspectionDialog, start)
    cell = tasks.visualRect(tasks.model().index(0, 3)).center()
    QTest.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    editor = window.editor
    assert editor is not None, "the editor did not open"
    shoot("03-editor")

    # Answers: the real key 1 through the X server for 符合, then Enter, 2 for 否.
    found = subprocess.run(
        ["xdotool", "search", "--name", "社会组织现场检查"],
        capture_output=True, text=True, check=True, timeout=20,
    ).stdout.split()  # fmt: skip
    target = str(int(window.winId()))
    assert target in found, (target, found)
    xdotool("windowfocus", "--sync", target)
    editor.tree.setFocus()
    xdotool("key", "--window", target, "1")
    QTest.qWait(300)
    assert editor.session.answers.get("ar-01") == "compliant", editor.session.answers
    QTest.keyClick(editor.tree, Qt.Key.Key_Return)
    QTest.keyClick(editor.tree, Qt.Key.Key_2)
    shoot("04-answered")

    # 完成检查: the on-site record, signed with the X pointer on the pad.
    def sign(dialog: QWidget) -> None:
        assert isinstance(dialog, OnsiteRecordDialog)
        if not dialog.name.text():
            dialog.name.insert("赵会长")
        pad = dialog.pad.mapToGlobal(dialog.pad.rect().center())
        x, y = pad.x(), pad.y()
        xdotool("mousemove", str(x - 80), str(y - 10), "mousedown", "1")
        for step in range(1, 9):
            xdotool("mousemove", str(x - 80 + step * 20), str(y - 10 + (step % 3) * 8))
        xdotool("mouseup", "1")
        QTest.qWait(300)
        shoot("05-onsite")
        click(dialog.confirm_button)

    when_modal(OnsiteRecordDialog, sign)
    click(editor.complete_button)
    QTest.qWait(300)
    assert editor.session.status.value == "completed", editor.session.status
    shoot("06-completed")
    window.close()
    window.store.close()

    # The supervisor signs in and approves it.
    window = window_as(SUPERVISOR[1])
    window.show_screen("review")
    review = window.screens["review"]
    table = review.table  # type: ignore[attr-defined]
    QTest.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(0, 0)).center(),
    )
    shoot("07-review")
    click(review.approve_button)  # type: ignore[attr-defined]
    QTest.qWait(1000)
    window.show_screen("inspections")
    shoot("08-approved")
    window.close()
    window.store.close()
    print("walk: approved", flush=True)
    QApplication.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
