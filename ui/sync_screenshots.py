"""Render the 同步 screen before, during and after an upload to a real local sync server.

``python -m ui.sync_screenshots --db demo.db --out docs/screenshots`` works on a copy of the
store and a throw-away server on 127.0.0.1. A co-inspector first stores another version of one
record on the server, so the picture after the upload shows a conflict with its reason.
"""

import argparse
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from PySide6.QtCore import QEventLoop, QSettings

from inspector import keys
from inspector.store import Store, open_store
from sync import outbox
from sync.client import SyncClient
from sync.server import accounts
from sync.server.app import create_app
from sync.server.storage import ServerStore
from ui.app import application
from ui.events import process_events
from ui.main_window import MainWindow

PASSWORD = "screenshot-only-1"
SIZES = ((1366, 768), (1920, 1080))


@contextmanager
def local_server(data_dir: Path) -> Iterator[str]:
    """The reference server in a thread on a free port, with the users ``ye`` and ``li``."""
    storage = ServerStore(data_dir)
    for name in ("ye", "li"):
        accounts.add_user(storage, name, "inspector", PASSWORD)
    storage.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(data_dir), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def _one_conflict(store: Store, data_dir: Path, url: str) -> None:
    """``ye`` and ``li`` become the two inspectors named on the newest waiting record; ``li``
    stores other content under its revision first, so ``ye``'s upload of it is a conflict."""
    item = outbox.waiting(store)[-1]
    bundle = outbox.build_bundle(store, item.inspection_id)
    storage = ServerStore(data_dir)
    for name, roster_id in zip(("ye", "li"), bundle.inspection.inspector_ids, strict=False):
        accounts.link_roster(storage, name, roster_id)
    storage.close()
    client = SyncClient(store, url)
    client.login("li", PASSWORD)
    bundle.inspection.place += "（另一台设备）"
    path = f"/inspections/{item.inspection_id}/revisions/{item.revision}"
    client.transport.call("PUT", path, json=bundle.model_dump(mode="json"))


def render(db: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as folder, local_server(Path(folder) / "server") as url:
        copy = Path(folder) / "device.db"
        keys.copy_store_file(db, copy)
        store = open_store(copy)
        _one_conflict(store, Path(folder) / "server", url)
        SyncClient(store, url).login("ye", PASSWORD)
        application()
        window = MainWindow(
            store, QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        )
        screen = window.sync
        screen.server.setText(url)
        screen.user.setText("ye")
        window.show()
        for width, height in reversed(SIZES):  # before: the screen as first shown
            window.resize(width, height)
            window.show_screen("sync")
            written.append(_grab(window, out_dir / f"sync-{width}x{height}.png"))

        def during(done: int, total: int) -> None:
            if done == total // 2 and not written[-1].name.startswith("sync-during"):
                written.append(_grab(window, out_dir / "sync-during-1366x768.png"))

        screen.progressed.connect(during)
        loop = QEventLoop()
        screen.synced.connect(loop.quit)
        screen.upload_button.click()
        loop.exec()
        for width, height in SIZES:
            window.resize(width, height)
            written.append(_grab(window, out_dir / f"sync-after-{width}x{height}.png"))
        window.close()
        store.close()
    return written


def _grab(window: MainWindow, target: Path) -> Path:
    process_events()
    window.grab().save(str(target), "PNG")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render(args.db, args.out):
        print(path)


if __name__ == "__main__":
    main()
