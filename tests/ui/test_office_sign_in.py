"""登录 on an enrolled device, driven by keys against the real server on 127.0.0.1: the office's
accounts that signed in here before, and 其他办公室账号… (user name and password, online)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from inspector import accounts, current_user, keys, lost_device, roles
from inspector.errors import UserError
from inspector.store import Store, open_store
from sync.client import SyncClient
from sync.server import accounts as server_accounts
from sync.server.storage import ServerStore
from tests.sync.sync_support import PASSWORD, LiveServer, free_port, seed, serving
from ui.lock import IdleLock
from ui.sign_in import OTHER_OFFICE_ACCOUNT, SignInDialog


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.delenv("INSPECTOR_SERVER_DATABASE", raising=False)
    seed(tmp_path / "server")
    with serving(tmp_path / "server") as live:
        yield live


@pytest.fixture
def enrolled(tmp_path: Path, server: LiveServer) -> Path:
    """A device whose administrator logged in to the office server once (its enrolment)."""
    store = open_store(tmp_path / "device.db")
    SyncClient(store, server.url).login("zhang", PASSWORD)
    current_user.end(store)
    store.close()
    return store.path


def _dialog(qtbot, path: Path) -> SignInDialog:
    dialog = SignInDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _office_sign_in(qtbot, dialog: SignInDialog, user: str, password: str) -> None:
    dialog.choose(OTHER_OFFICE_ACCOUNT)
    assert dialog.office_user.isVisible()
    qtbot.keyClicks(dialog.office_user, user)
    qtbot.keyClick(dialog.office_user, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_an_office_account_signs_in_with_its_server_role(qtbot, enrolled: Path) -> None:
    dialog = _dialog(qtbot, enrolled)
    labels = [dialog.account.itemText(n) for n in range(dialog.account.count())]
    assert labels == ["管理员", OTHER_OFFICE_ACCOUNT]
    assert "已登记到单位服务器" in dialog.intro.text()
    assert not dialog.office_user.isVisible()  # only for 其他办公室账号…

    _office_sign_in(qtbot, dialog, "wang", "wrong-password")
    assert dialog.store is None and "用户名或密码不正确" in dialog.message.text()
    assert dialog.password.text() == ""

    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == 1 and dialog.session is not None
    assert dialog.session.role == "supervisor"
    store: Store = dialog.store  # type: ignore[assignment]
    roles.require_supervisor(store, dialog.session.actor)
    accounts.sign_out(store)

    again = _dialog(qtbot, enrolled)  # now listed: it signed in here before
    again.choose("wang")
    qtbot.keyClicks(again.password, PASSWORD)
    qtbot.keyClick(again.password, Qt.Key.Key_Return)
    assert again.session is not None and again.session.role == "supervisor"
    accounts.sign_out(again.store)  # type: ignore[arg-type]


def test_an_inspector_account_gets_no_supervisor_role(qtbot, enrolled: Path) -> None:
    dialog = _dialog(qtbot, enrolled)
    _office_sign_in(qtbot, dialog, "li", PASSWORD)
    assert dialog.session is not None and dialog.session.role == "inspector"
    store: Store = dialog.store  # type: ignore[assignment]
    with pytest.raises(UserError, match="仅限审核人员"):
        roles.require_supervisor(store, dialog.session.actor)
    accounts.sign_out(store)


def test_offline_a_new_office_account_is_told_to_connect(qtbot, enrolled: Path) -> None:
    found = keys.load(enrolled)
    assert found.enrolment is not None
    offline = {**found.enrolment, "server_url": f"http://127.0.0.1:{free_port()}"}
    keys.save(enrolled, keys.KeyFile(**{**found.__dict__, "enrolment": offline}))
    dialog = _dialog(qtbot, enrolled)
    _office_sign_in(qtbot, dialog, "wang", PASSWORD)
    assert dialog.store is None
    assert "第一次在本机登录必须联网" in dialog.message.text()


def test_a_role_lowered_on_the_server_locks_the_window_at_the_next_sync(
    qtbot, enrolled: Path, server: LiveServer
) -> None:
    dialog = _dialog(qtbot, enrolled)
    _office_sign_in(qtbot, dialog, "wang", PASSWORD)
    store: Store = dialog.store  # type: ignore[assignment]
    window = QWidget()
    qtbot.addWidget(window)
    idle = IdleLock(store, window)
    storage = ServerStore(server.data_dir)
    server_accounts.add_user(storage, "wang", "inspector", PASSWORD, "roster-wang")
    storage.close()

    SyncClient(store).pull()  # as 同步 does
    idle.check_server()

    assert idle.locked
    lock = idle.dialog
    assert "角色已由单位改为检查人员" in lock.findChild(QLabel, "lockReason").text()
    qtbot.keyClicks(lock.password, PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert idle.locked and "请退出登录" in lock.message.text()  # the slot is gone
    signed_out: list[bool] = []
    idle.sign_out_requested.connect(lambda: signed_out.append(True))
    qtbot.mouseClick(lock.findChild(QPushButton, "lockSignOut"), Qt.MouseButton.LeftButton)
    assert signed_out == [True] and not lost_device.lock_requested(store)
    idle.stop()
    accounts.sign_out(store)
