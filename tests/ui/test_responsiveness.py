"""The window stays responsive during long work: approve with a notice, a register import and
an upload to the real sync server never block the GUI thread for more than 100 ms.

A 10 ms timer on the GUI thread measures the gaps between its ticks. On a loaded 2-core
machine the whole process can wait for a CPU, which says nothing about the code; so a gap
counts as a block when the GUI thread itself was busy in it (its own CPU time over half the
limit: rendering a PDF, parsing a file) or when it is too long to be the scheduler (1 s: a
wait for a lock held by the worker).
"""

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from pytestqt.qtbot import QtBot

from checklists.library import import_builtin_checklists
from inspector import credit_code, preferences
from inspector.model import Severity
from inspector.store import Store
from sync import outbox
from tests.supervisor_data import SUPERVISOR, add_register, add_roster, inspect
from tests.sync.sync_support import PASSWORD, photo
from tests.ui.test_register_import_preview import choose_register
from tests.ui.test_sync_screen import complete, screen, server  # noqa: F401 (fixtures)
from ui.first_run_dialogs import RegisterPreviewDialog
from ui.main_window import MainWindow
from ui.screens.sync import SyncScreen
from ui.supervisor.review_screen import NOTICE_DIR_KEY, ReviewScreen
from ui.sync_login import LoginDialog
from ui.task_runner import TaskRunner

LIMIT = 0.100  # seconds
STARVED = 1.0  # a gap this long is a block even if the GUI thread used no CPU in it
TIMEOUT = 60_000


class GuiProbe(QObject):
    """Ticks every 10 ms on the GUI thread; keeps (gap, GUI-thread CPU time) of long gaps."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.long_gaps: list[tuple[float, float]] = []
        self._last = (0.0, 0.0)

    def __enter__(self) -> "GuiProbe":
        self._last = (time.perf_counter(), time.thread_time())
        self.timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.tick()  # the gap up to the end counts too
        self.timer.stop()

    @Slot()
    def tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        gap, busy = wall - self._last[0], cpu - self._last[1]
        if gap > LIMIT:
            self.long_gaps.append((gap, busy))
        self._last = (wall, cpu)

    @property
    def blocks(self) -> list[tuple[float, float]]:
        return [(gap, busy) for gap, busy in self.long_gaps if busy > LIMIT / 2 or gap > STARVED]


def watched(qtbot: QtBot, runner: TaskRunner, start: Callable[[], None]) -> GuiProbe:
    """Start the job, let the event loop run until it has finished, and measure meanwhile.

    The last gap is measured on leaving, so work done without returning to the event loop
    is one long gap, never an unmeasured one."""
    with GuiProbe() as probe, qtbot.waitSignal(runner.finished, timeout=TIMEOUT):
        start()
    return probe


def test_approve_with_a_notice_keeps_the_window_responsive(
    qtbot: QtBot, store: Store, tmp_path: Path, runner_for: Callable[[Store], TaskRunner]
) -> None:
    add_register(store, 5)
    add_roster(store)
    import_builtin_checklists(store)
    preferences.put(store, NOTICE_DIR_KEY, str(tmp_path / "notices"))
    found = [(Severity.MAJOR, "2026-12-21"), (Severity.MINOR, "2026-12-31")]
    inspect(store, "org-00000", found, approve=False)
    review = ReviewScreen(store, SUPERVISOR, runner_for(store))
    qtbot.addWidget(review)
    review.show()
    review.refresh()
    probe = watched(qtbot, review.runner, review.approve_button.click)
    assert list((tmp_path / "notices").glob("*.pdf"))
    assert probe.blocks == []
    assert "已生成" in review.result.text()


def test_register_import_keeps_the_window_responsive(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    world: Store,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    lines = ["统一社会信用代码,名称,所在区县"]
    for n in range(6000):  # three batches
        first17 = f"51330000MJ{n:07d}"
        code = first17 + credit_code.check_character(first17)
        lines.append(f"{code},杭州市第{n}行业协会,西湖区")
    register = tmp_path / "名录.csv"
    register.write_text("\n".join(lines), encoding="utf-8")
    choose_register(monkeypatch, register)
    window = MainWindow(world, settings)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("organizations")
    reading = watched(qtbot, window.runner, window.organizations.import_button.click)
    preview = window.findChild(RegisterPreviewDialog)
    assert preview is not None and preview.import_button.text() == "导入 6000 条"
    importing = watched(qtbot, window.runner, preview.import_button.click)
    assert window.organizations.last_import.text().startswith("名录导入完成：导入 6000 条")
    assert reading.blocks == [] and importing.blocks == []


def test_an_upload_keeps_the_window_responsive(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    world: Store,
    screen: SyncScreen,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    """The sync screen of tests/ui/test_sync_screen.py, on the real server."""
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda *a: PASSWORD))
    for n in range(3):
        complete(world, tmp_path, {f"IMG_{n}.jpg": photo(f"responsive-{n}", 2_000_000)})
    screen.show()
    screen.refresh()
    probe = watched(qtbot, screen.runner, screen.upload_button.click)
    assert outbox.counts(world) == {"done": 3}, screen.result.text()
    assert probe.blocks == []
