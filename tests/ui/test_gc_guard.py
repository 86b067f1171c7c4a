"""The app collects garbage on the GUI thread only (see ui/gc_guard.py)."""

import gc

from pytestqt.qtbot import QtBot

from ui.app import application
from ui.gc_guard import GuiThreadGarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_automatic_collection_is_off_and_the_timer_collects(qtbot: QtBot) -> None:
    app = application()
    guard = app.findChild(GuiThreadGarbageCollector)
    assert guard is not None
    assert application().findChildren(GuiThreadGarbageCollector) == [guard]  # only one
    gc.disable()  # as the guard leaves it (the fixture re-enables after each test)
    for _ in range(gc.get_threshold()[0] + 10):
        _Cycle()
    assert gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] <= gc.get_threshold()[0], timeout=3000)
