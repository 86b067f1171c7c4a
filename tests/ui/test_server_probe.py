"""The 在线/离线 probe outlives nothing it reads: a check after the store closed does nothing."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector.store import Store, open_store
from ui.server_probe import ServerProbe


def test_a_check_after_the_store_closed_stops_the_timer(qtbot: QtBot, store_path: Path) -> None:
    store: Store = open_store(store_path)
    probe = ServerProbe(store)
    probe.start()
    assert probe.timer.isActive() and probe.online is False  # no server configured
    store.close()
    probe.check()  # what the timer would do next: it read the closed store and raised
    assert not probe.timer.isActive()
