"""The idle lock: covers the window until the signed-in person's password; wrong passwords say
so and change nothing; a device the server refused locks at once."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from inspector import accounts, current_user, keys, lost_device, preferences
from inspector.store import Store
from ui.lock import IDLE_KEY, IdleLock, LockDialog


def _admin(store: Store) -> None:
    current_user.begin(store, accounts.session_for(store, keys.ADMIN, keys.ADMIN_LABEL))


def _dialog(idle: IdleLock) -> LockDialog:
    assert idle.locked
    return idle.dialog


def test_the_lock_opens_with_the_password_only(qtbot, store: Store) -> None:
    _admin(store)
    preferences.put(store, IDLE_KEY, 3)
    window = QWidget()
    qtbot.addWidget(window)
    idle = IdleLock(store, window)
    assert idle.timer.interval() == 3 * 60_000 and idle.timer.isActive()
    idle.lock()  # as the timer does after three idle minutes
    dialog = _dialog(idle)
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert idle.locked and dialog.message.text().startswith("密码不正确")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert idle.locked and dialog.isVisible()  # Escape does not open it
    qtbot.keyClicks(dialog.password, "test-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not idle.locked and idle.timer.isActive()
    idle.stop()


def test_a_device_the_server_refused_locks_at_once(qtbot, store: Store) -> None:
    _admin(store)
    window = QWidget()
    qtbot.addWidget(window)
    idle = IdleLock(store, window)
    idle.check_server()
    assert not idle.locked
    lost_device.token_refused(store, "token")
    idle.check_server()
    shown = " ".join(label.text() for label in _dialog(idle).findChildren(QLabel))
    assert "单位服务器已不再接受本设备的登录" in shown
    qtbot.keyClicks(idle.dialog.password, "test-password")
    qtbot.keyClick(idle.dialog.password, Qt.Key.Key_Return)
    assert not idle.locked and not lost_device.lock_requested(store)
    idle.stop()


def test_sign_out_from_the_lock(qtbot, store: Store) -> None:
    _admin(store)
    window = QWidget()
    qtbot.addWidget(window)
    idle = IdleLock(store, window)
    with qtbot.waitSignal(idle.sign_out_requested):
        idle.lock()
        leave = idle.dialog.findChild(QPushButton, "lockSignOut")
        qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    idle.stop()
