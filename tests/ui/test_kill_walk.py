"""kill -9 at any point of the walk, then reopen: the last answer is there, or the one before
it, with nothing else changed; and the app opens again on that store without a word (the
instance lock of a killed process does not refuse the next start).

The test runs the real app (``ui.app.run``: the instance lock, the sign-in, the main window)
as its own process on an X server (Xvfb), once per stage, with this module as the program
(``main``): it signs in and walks with real X keys (xdotool) and QTest clicks at the real
window. At each kill point it prints ``KILL <point>``; the test sends SIGKILL at once, then
reads the store through the core. Before each step the program prints the state it is about
to reach (``EXPECT``), read through the core when the step was saved, else as intended.

Kill points: right after keystrokes typed into a note (its save waits for a pause), during a
save (inside the transaction, at its COMMIT), with the finding dialog open and typed into,
and after completion.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspector import accounts, attachments, audit, inspections, registry, roster, worklists
from inspector.checklist_model import Checklist
from inspector.clock import utc_now
from inspector.model import Inspector, NewInspection, Organization, OrgKind
from inspector.store import Store, open_store
from tests.ui import test_real_window
from tests.ui.conftest import CHECKLIST

pytestmark = pytest.mark.needs("Xvfb", "xdotool")
display = test_real_window.display  # the same X server as the walk's
SIZE = (1366, 768)
PASSWORD = "kill-walk-password"
INSPECTOR = ("张伟", "京民执31001")
PARTNER = ("李娜", "京民执31002")
NOTE = "seen the minutes of 2025"
REASON = "fuze ren waichu"  # 当事人不在场: typed by keys (no input method on the X server)
STAGES = (  # (stage, its kill point); each stage starts the app on what the last one left
    ("answers", "after-keystrokes"),
    ("save", "during-save"),
    ("dialog", "dialog-open"),
    ("finish", "after-completion"),
)
STEP_SECONDS = 40


def prepare(path: Path) -> str:
    """One organization, the inspector and a partner with accounts, the test checklist and a
    draft inspection of theirs; returns its id."""
    from checklists.library import import_checklists

    store = open_store(path)
    try:
        org = Organization("51110000MJ0000031K", "北京市断电测试协会", OrgKind.SOCIAL_GROUP)
        registry.upsert(store, org)
        people = [roster.add(store, Inspector(*person)) for person in (INSPECTOR, PARTNER)]
        import_checklists(store, [("测试", Checklist.model_validate(CHECKLIST))], actor="test")
        accounts.add_demo_accounts(store, PASSWORD)
        org_id = store.db.execute("SELECT id FROM organizations").fetchone()[0]
        new = NewInspection(
            org_id, CHECKLIST["id"], 1, [p.id for p in people], utc_now(), place="协会办公室"
        )
        return inspections.start(store, new, actor=INSPECTOR[1])
    finally:
        store.close()


def state_of(store: Store, inspection_id: str) -> dict[str, Any]:
    """All that the walk can change, read through the core."""
    inspection = inspections.get(store, inspection_id)
    assert inspection is not None
    stored = inspections.answers(store, inspection_id)
    return {
        "status": inspection.status.value,
        "answers": {item: answer.value for item, answer in sorted(stored.items())},
        "notes": {item: answer.note for item, answer in sorted(stored.items()) if answer.note},
        "findings": [
            row.description for row in worklists.findings_of_inspection(store, inspection_id)
        ],
        "evidence": len(attachments.for_inspection(store, inspection_id)),
    }


def test_kill_9_at_any_point_of_the_walk_loses_at_most_the_last_answer(
    display: str, tmp_path: Path
) -> None:
    db = tmp_path / "inspector.db"
    inspection_id = prepare(db)
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    env.pop("QT_SCALE_FACTOR", None)
    store = open_store(db)
    now = state_of(store, inspection_id)
    store.close()
    for stage, point in STAGES:
        expected = _run_until_killed(env, db, inspection_id, stage, point)
        assert expected[0] == now  # the app, started again, found what the core reads
        assert (db.parent / (db.name + ".instance.lock")).exists()  # left by the killed one
        store = open_store(db)
        try:
            now = state_of(store, inspection_id)
            assert audit.verify(store) is None
            assert _audited_answers(store, inspection_id) == now["answers"]
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()
        assert now == expected[-1] or now == expected[-2], (point, now, expected[-2:])
        if point == "after-completion":  # completed and saved before the kill: all of it kept
            assert now == expected[-1] and now["status"] == "completed"
            assert now["findings"] and now["answers"]["ar-01"] == "not_compliant"
    opened = _run(env, db, inspection_id, "open")
    assert opened.returncode == 0 and "OPENED" in opened.stdout, opened.stdout + opened.stderr


def _audited_answers(store: Store, inspection_id: str) -> dict[str, Any]:
    """Each answer as its last audit entry has it: a save is its row and its entry, or none."""
    rows = store.db.execute(
        "SELECT entity_id, new FROM audit_log WHERE entity = 'answer' AND entity_id LIKE ?"
        " ORDER BY seq",
        (f"{inspection_id}/%",),
    ).fetchall()
    last = {entity.split("/", 1)[1]: json.loads(new)["value"] for entity, new in rows}
    return dict(sorted(last.items()))


def _command(db: Path, inspection_id: str, stage: str) -> list[str]:
    return [sys.executable, "-m", "tests.ui.test_kill_walk", str(db), inspection_id, stage]


def _run_until_killed(
    env: dict[str, str], db: Path, inspection_id: str, stage: str, point: str
) -> list[dict[str, Any]]:
    """Run ``stage`` until it says ``KILL point``, kill -9 it; the states it expected."""
    app = subprocess.Popen(
        _command(db, inspection_id, stage), env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert app.stdout is not None and app.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in app.stdout])
    reader.start()
    expected, seen = [], []
    deadline = time.monotonic() + STEP_SECONDS
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                os.kill(app.pid, signal.SIGKILL)
                app.wait(10)
                said = "".join(seen) + app.stderr.read()[-3000:]
                raise AssertionError(f"{stage}: no KILL {point}\n{said}") from None
            seen.append(line)
            word, _, rest = line.strip().partition(" ")
            if word == "EXPECT":
                expected.append(json.loads(rest))
            elif word == "KILL":
                assert rest == point, seen
                os.kill(app.pid, signal.SIGKILL)
                break
            elif word in ("ERROR-BOX", "STUCK"):
                raise AssertionError(f"{stage}: {line}{''.join(seen)}")
    finally:
        if app.poll() is None:
            os.kill(app.pid, signal.SIGKILL)
        app.wait(10)  # reaped: a dead process, as after a crash
        reader.join(10)
        app.stdout.close()
        app.stderr.close()
    assert app.returncode == -signal.SIGKILL
    assert len(expected) >= 2, seen
    return expected


def _run(
    env: dict[str, str], db: Path, inspection_id: str, stage: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(db, inspection_id, stage), env=env, capture_output=True, text=True,
        timeout=STEP_SECONDS, check=False,
    )  # fmt: skip


# --- the app with a walker, run as a program on the X display ------------------------------


def main(db: Path, inspection_id: str, stage: str) -> None:
    from PySide6.QtCore import QTimer

    from ui.app import application, run

    application()
    walker = _Walker(db, inspection_id, stage)
    QTimer.singleShot(100, walker.poll)
    code = run(db)
    print(f"EXIT {code}", flush=True)
    sys.exit(code)


def say(*words: str) -> None:
    print(*words, flush=True)


class _Walker:
    """Signs in when the sign-in dialog is up, walks ``stage`` once the main window is, and
    reports any message box (there must be none)."""

    def __init__(self, db: Path, inspection_id: str, stage: str) -> None:
        self.db = db
        self.inspection_id = inspection_id
        self.stage = stage
        self.signed_in = False
        self.window: Any = None
        self.last: dict[str, Any] = {}

    def poll(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox

        from ui.main_window import MainWindow
        from ui.sign_in import SignInDialog

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                say("ERROR-BOX", widget.text().replace("\n", " "))
                os._exit(3)
        modal = QApplication.activeModalWidget()
        if not self.signed_in and isinstance(modal, SignInDialog) and modal.isVisible():
            self.signed_in = True
            self.sign_in(modal)
        elif self.signed_in and self.window is None:
            shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            if shown and shown[0].isVisible():
                self.window = shown[0]
                QTimer.singleShot(0, self.walk)
        QTimer.singleShot(100, self.poll)

    def sign_in(self, dialog: Any) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        dialog.choose(INSPECTOR[0])
        QTest.keyClicks(dialog.password, PASSWORD)
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    # --- steps ----------------------------------------------------------------------------

    def walk(self) -> None:
        from PySide6.QtTest import QTest

        QTest.qWaitForWindowExposed(self.window)
        self.expect()  # what this start found
        if self.stage == "open":
            say("OPENED")
            self.window.close()
            return
        editor = self.open_draft()
        getattr(self, f"stage_{self.stage}")(editor)

    def stage_answers(self, editor: Any) -> None:
        editor.tree.setFocus()
        self.key("1")  # 符合
        self.saved(lambda s: s["answers"].get("ar-01") == "compliant")
        self.key("Return", "1")  # 下一项, 是: the number of branches appears
        self.saved(lambda s: s["answers"].get("ar-02") is True)
        self.key("Return")
        self.until(lambda: editor.current_id == "ar-03")
        self.type_keys(editor.pane.answer.editor, "7")
        self.saved(lambda s: s["answers"].get("ar-03") == 7)  # after the typing pause
        self.intend(lambda s: s["notes"].update({"ar-03": NOTE}))
        self.type_keys(editor.pane.note, NOTE)
        self.kill_point("after-keystrokes")

    def stage_save(self, editor: Any) -> None:
        if self.last["notes"].get("ar-03") != NOTE:  # typed again, as the inspector would
            self.type_keys(editor.pane.note, NOTE)
            self.saved(lambda s: s["notes"].get("ar-03") == NOTE)
        editor.go_to("ar-01")
        editor.tree.setFocus()
        self.kill_at_commit("during-save")
        self.intend(lambda s: s["answers"].update({"ar-01": "not_applicable"}))
        self.key("3")  # 不适用: the save stops at its COMMIT and the process is killed there
        self.wait_for_kill()

    def stage_dialog(self, editor: Any) -> None:
        from ui.editor.finding_dialog import FindingDialog

        editor.go_to("ar-01")
        editor.tree.setFocus()

        def typed(dialog: Any) -> None:
            self.type_keys(dialog.description, " and more")
            self.until(lambda: " and more" in dialog.description.toPlainText())
            self.intend(lambda s: None)  # an open dialog has saved nothing
            self.kill_point("dialog-open")

        self.when_modal(FindingDialog, typed)
        self.key("2")  # 不符合: the finding dialog opens
        self.wait_for_kill()

    def stage_finish(self, editor: Any) -> None:
        from PySide6.QtWidgets import QDialogButtonBox

        from ui.editor.finding_dialog import FindingDialog
        from ui.editor.onsite_dialog import OnsiteRecordDialog

        editor.go_to("ar-01")
        editor.tree.setFocus()

        def save_finding(dialog: Any) -> None:
            box = dialog.findChild(QDialogButtonBox)
            self.click(box.button(QDialogButtonBox.StandardButton.Ok))

        self.when_modal(FindingDialog, save_finding)
        self.key("2")
        self.saved(lambda s: s["answers"].get("ar-01") == "not_compliant" and len(s["findings"]))

        def absent(dialog: Any) -> None:
            self.click(dialog.outcomes.button(2))  # 当事人不在场
            self.type_keys(dialog.absence, REASON)
            self.until(lambda: dialog.absence.toPlainText() == REASON)
            self.click(dialog.confirm_button)
            self.until(lambda: not dialog.isVisible())

        self.when_modal(OnsiteRecordDialog, absent)
        self.click(editor.complete_button)
        self.saved(lambda s: s["status"] == "completed")
        self.kill_point("after-completion")

    # --- helpers --------------------------------------------------------------------------

    def open_draft(self) -> Any:
        """继续 on 工作台 (进行中的检查), as the inspector resumes a draft."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if self.window.editor is None:
            self.window.show_screen("home")
            table = self.window.home.progress_list.table
            self.until(lambda: table.model().rowCount() > 0 and table.isVisible())
            cell = table.visualRect(table.model().index(0, 3)).center()
            QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        self.until(lambda: self.window.editor is not None)
        editor = self.window.editor
        assert editor.session.inspection_id == self.inspection_id
        target = str(int(self.window.winId()))
        subprocess.run(["xdotool", "windowfocus", "--sync", target], check=True, timeout=20)
        self.until(lambda: self.window.isActiveWindow())
        return editor

    def state(self) -> dict[str, Any]:
        return state_of(self.window.store, self.inspection_id)

    def expect(self) -> None:
        self.last = self.state()
        say("EXPECT", json.dumps(self.last, ensure_ascii=False))

    def intend(self, change: Callable[[dict[str, Any]], None]) -> None:
        """The state the next keys are meant to reach (not waited for: a kill may come first)."""
        intended = json.loads(json.dumps(self.last))
        change(intended)
        say("EXPECT", json.dumps(intended, ensure_ascii=False))

    def saved(self, reached: Callable[[dict[str, Any]], bool]) -> None:
        self.until(lambda: reached(self.state()))
        self.expect()

    def until(self, done: Callable[[], object]) -> None:
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + 15
        while not done():
            if time.monotonic() > deadline:
                modal = QApplication.activeModalWidget()
                shown = modal.windowTitle() if modal is not None else "no dialog"
                problem = getattr(modal, "problem", None)
                shown += f" {problem.text()}" if problem is not None else ""
                say("STUCK", self.stage, f"line {done.__code__.co_firstlineno}", shown)
                os._exit(4)
            QTest.qWait(50)

    def key(self, *keys: str) -> None:
        """Real keys through the X server, to the focused window."""
        for key in keys:
            subprocess.run(["xdotool", "key", key], check=True, timeout=20)
            self.settle()

    def type_keys(self, field: Any, text: str) -> None:
        """Real keys into ``field``: its window gets the X server's focus, then the field."""
        from PySide6.QtGui import QTextCursor

        target = str(int(field.window().winId()))
        subprocess.run(["xdotool", "windowfocus", "--sync", target], check=True, timeout=20)
        self.until(lambda: field.window().isActiveWindow())
        field.setFocus()
        self.until(field.hasFocus)
        if hasattr(field, "moveCursor"):  # a text box: typing goes on at its end
            field.moveCursor(QTextCursor.MoveOperation.End)
        subprocess.run(["xdotool", "type", "--delay", "15", text], check=True, timeout=20)

    def settle(self) -> None:
        from PySide6.QtTest import QTest

        QTest.qWait(150)

    def click(self, widget: Any) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def when_modal(self, kind: type, act: Callable[[Any], None]) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, kind) and dialog.isVisible():
                act(dialog)
            else:
                QTimer.singleShot(100, poll)

        QTimer.singleShot(100, poll)

    def kill_point(self, point: str) -> None:
        say("KILL", point)
        self.wait_for_kill()

    def wait_for_kill(self) -> None:
        """The app goes on (timers, saves) until the kill comes."""
        from PySide6.QtTest import QTest

        while True:
            QTest.qWait(100)

    def kill_at_commit(self, point: str) -> None:
        """Stop the next answer save at the COMMIT that follows its answer row and its audit
        entry (all written, nothing committed) and say so."""
        conn = self.window.store.db.conn
        written: set[str] = set()

        def traced(statement: str) -> None:
            for table in ("answers", "audit_log"):
                if statement.startswith(f"INSERT INTO {table}"):
                    written.add(table)
            if statement == "COMMIT" and written == {"answers", "audit_log"}:
                say("KILL", point)
                time.sleep(STEP_SECONDS)

        conn.set_trace_callback(traced)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
