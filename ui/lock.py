"""The idle lock: after the configured idle time (default 10 minutes), or when the system
suspends the application, the window is covered until the signed-in person's password is typed
again (checked by unwrapping their key: Argon2id, so wrong guesses are slow, and they slow down
further, see ``inspector.attempts``). 退出登录 there ends the session instead.

The store stays open underneath: work running in the background (a sync) goes on, and the key
is in this process's memory as long as the store is open. The lock keeps out the next person
at the keyboard; encryption at rest protects a laptop that is off or signed out.
"""

from functools import cache

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector import accounts, current_user, lost_device, preferences
from inspector.errors import UserError
from inspector.store import Store
from ui.sign_in import password_field

IDLE_KEY = "security.idle_minutes"
DEFAULT_IDLE_MINUTES = 10
SERVER_CHECK_MS = 5000  # how often to look whether sync found the device's token refused
REFUSED = (
    "单位服务器已不再接受本设备的登录（设备被吊销，或登录已过期），同步已停止。"
    "解锁后如需同步，请在“同步”中重新登录。"
)


@cache
def _activity() -> "frozenset[QEvent.Type]":  # quoted: evaluating it builds the enum
    """Input that counts as activity. Built on first use, not at import: the first touch of
    ``QEvent.Type`` makes PySide build that whole 179-member enum (4 ms here), which the first
    screen does not need."""
    kinds = QEvent.Type
    pointer = (kinds.MouseButtonPress, kinds.MouseMove, kinds.Wheel)
    return frozenset((kinds.KeyPress, *pointer, kinds.TabletPress, kinds.TouchBegin))


class LockDialog(QDialog):
    """Covers the window until the signed-in person's password is typed."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.signed_out = False
        session = current_user.require(store)
        self.setWindowTitle("已锁定")
        self.setModal(True)
        self.password = password_field("unlockPassword")
        self.message = QLabel(objectName="lockMessage", wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        unlock = QPushButton("解锁", objectName="unlock")
        unlock.setDefault(True)
        leave = QPushButton("退出登录", objectName="lockSignOut")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"为保护数据，程序已锁定。请 {session.label} 输入密码解锁。"))
        if lost_device.lock_requested(store):
            reason = lost_device.lock_reason(store) or REFUSED
            layout.addWidget(QLabel(reason, objectName="lockReason", wordWrap=True))
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(unlock, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(leave, alignment=Qt.AlignmentFlag.AlignRight)
        unlock.clicked.connect(self._unlock)
        leave.clicked.connect(self._leave)

    @Slot()
    def _unlock(self) -> None:
        try:
            accounts.unlock_again(self.store, self.password.text())
        except UserError as exc:
            self.message.setText(exc.message)
            self.password.clear()
            return
        self.accept()

    @Slot()
    def _leave(self) -> None:
        self.signed_out = True
        self.accept()

    def reject(self) -> None:
        """Escape and the close button do not open the lock."""


class IdleLock(QObject):
    """Watches the application's input; locks ``window`` when idle or suspended."""

    sign_out_requested = Signal()

    def __init__(self, store: Store, window: QWidget) -> None:
        super().__init__(window)
        self.store = store
        self.window = window
        self.locked = False
        minutes = int(preferences.get(store, IDLE_KEY, DEFAULT_IDLE_MINUTES))
        self.timer = QTimer(self, singleShot=True, interval=max(minutes, 1) * 60_000)
        self.timer.timeout.connect(self.lock)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._state_changed)
        self.timer.start()
        self.server_check = QTimer(self, interval=SERVER_CHECK_MS)
        self.server_check.timeout.connect(self.check_server)
        self.server_check.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _activity() and not self.locked:
            self.timer.start()
        return False

    @Slot(Qt.ApplicationState)
    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self.lock()

    @Slot()
    def check_server(self) -> None:
        """Lock when a sync found this device's token refused by the office server."""
        if lost_device.lock_requested(self.store):
            self.lock()

    @Slot()
    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        dialog = LockDialog(self.store, self.window)
        self.dialog = dialog
        dialog.finished.connect(self._closed)
        dialog.open()

    @Slot()
    def _closed(self) -> None:
        self.locked = False
        lost_device.lock_done(self.store)  # unlocked, or signed out: either way it was heard
        if self.dialog.signed_out:
            self.sign_out_requested.emit()
        else:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.server_check.stop()
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
