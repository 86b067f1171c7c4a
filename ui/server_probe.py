"""在线 / 离线 for the status bar: a cheap, periodic request to the configured sync server.

Qt's network access manager runs the request without blocking the window (no thread needed,
so it never waits behind a long upload in the task runner). Any HTTP answer, even an error
status, means the server is reachable; a refused connection, a timeout or no server set
means 离线.

QtNetwork is loaded with the first request, not when the window is built: a device with no
server set (a new one, the demo) never needs it, and loading it costs about 6 ms of start-up.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot

from inspector.store import Store
from sync import state

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply

INTERVAL_MS = 30_000
TIMEOUT_MS = 3_000
PROBE_PATH = "/api/v1/openapi.json"


class ServerProbe(QObject):
    """Checks the server now and every ``INTERVAL_MS``; ``changed(online)`` after each check."""

    changed = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.online: bool | None = None  # not known until the first answer
        self.manager: QNetworkAccessManager | None = None  # made for the first request
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self._reply: QNetworkReply | None = None

    def start(self) -> None:
        self.timer.start()
        self.check()

    @Slot()
    def check(self) -> None:
        if self.store.closed:  # the window's store went away before this object did
            self.timer.stop()
            return
        if self._reply is not None:  # the previous check has not answered yet
            return
        url = state.get(self.store, state.SERVER_URL)
        if not url:
            self._set(False)
            return
        from PySide6.QtNetwork import QNetworkAccessManager, QNetworkRequest

        if self.manager is None:
            self.manager = QNetworkAccessManager(self)
            self.manager.setTransferTimeout(TIMEOUT_MS)
        request = QNetworkRequest(QUrl(url.rstrip("/") + PROBE_PATH))
        self._reply = self.manager.head(request)
        self._reply.finished.connect(self._answered)

    @Slot()
    def _answered(self) -> None:
        from PySide6.QtNetwork import QNetworkRequest

        reply, self._reply = self._reply, None
        if reply is None:
            return
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        reply.deleteLater()
        self._set(status is not None)

    def _set(self, online: bool) -> None:
        self.online = online
        self.changed.emit(online)
