"""登录: a person signs in with their own password; the role is the account's, never a choice on
screen; switching person is signing out and in; audit entries carry the signed-in person."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from inspector import accounts, current_user, keys, roster
from inspector.errors import UserError
from inspector.model import Inspector
from inspector.store import Store
from ui.main_window import MainWindow
from ui.sign_in import ChangePasswordDialog, SignInDialog

BOSS = Inspector("周科长", "京民执19999", "市民政局", role="supervisor")
ADMIN_PASSWORD = "test-password"  # conftest: the store was made with it


@pytest.fixture
def office(world: Store) -> Store:
    """The test roster (张伟, 李娜, 王芳: inspectors), one supervisor, and accounts for 张伟 and
    the supervisor given by the administrator (one-time passwords)."""
    boss = roster.add(world, BOSS)
    zhang = next(p for p in roster.all_active(world) if p.name == "张伟")
    current_user.begin(world, accounts.session_for(world, keys.ADMIN, keys.ADMIN_LABEL))
    accounts.grant_access(world, boss.id, "boss-once-1")
    accounts.grant_access(world, zhang.id, "zhang-once-1")
    current_user.end(world)
    return world


def _type(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def _sign_in(qtbot, path: Path, who: str, password: str) -> SignInDialog:
    dialog = SignInDialog(path)
    qtbot.addWidget(dialog)
    dialog.choose(who)
    _type(qtbot, dialog.password, password)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    return dialog


def test_the_accounts_are_listed_and_a_wrong_password_opens_nothing(qtbot, office: Store) -> None:
    dialog = _sign_in(qtbot, office.path, "周科长", "not-the-password")
    labels = [dialog.account.itemText(n) for n in range(dialog.account.count())]
    assert labels == ["周科长（京民执19999）", "张伟（京民执11000）", "管理员"]
    assert dialog.store is None and dialog.result() == 0
    assert dialog.message.text().startswith("密码不正确")
    assert dialog.password.text() == ""


def test_first_sign_in_sets_an_own_password_then_the_role_is_the_account_s(
    qtbot, monkeypatch: pytest.MonkeyPatch, office: Store, settings: QSettings
) -> None:
    def set_own(parent, store: Store) -> bool:
        change = ChangePasswordDialog(store, parent)
        qtbot.addWidget(change)
        _type(qtbot, change.password, "boss-own-password")
        _type(qtbot, change.repeat, "boss-own-password")
        change._set()
        return change.result() == 1

    monkeypatch.setattr(ChangePasswordDialog, "ask", staticmethod(set_own))
    dialog = _sign_in(qtbot, office.path, "周科长", "boss-once-1")
    assert dialog.store is not None and dialog.session is not None
    assert dialog.session.role == "supervisor" and dialog.session.actor == "周科长"
    accounts.sign_out(dialog.store)
    with pytest.raises(UserError, match="密码不正确"):
        accounts.sign_in(office.path, dialog.session.holder, "boss-once-1")  # one-time: gone
    store, _ = accounts.sign_in(office.path, dialog.session.holder, "boss-own-password")
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    assert "review" in window.keys
    assert window.user_button.text().startswith("当前用户：周科长（京民执19999），审核人员")


def test_an_inspector_cannot_gain_the_supervisor_role_from_the_ui(
    qtbot, office: Store, settings: QSettings, inspection_id: str
) -> None:
    zhang = next(p for p in roster.all_active(office) if p.name == "张伟")
    accounts.sign_in(office.path, zhang.id, "zhang-once-1")
    accounts.change_password(office, "zhang-own-password")
    current_user.end(office)
    store, _ = accounts.sign_in(office.path, zhang.id, "zhang-own-password")
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    assert window.actor == "张伟"
    assert "review" not in window.keys and "campaigns" not in window.keys
    signed_out: list[bool] = []
    window.user_button.sign_out_requested.connect(lambda: signed_out.append(True))
    qtbot.mouseClick(window.user_button, Qt.MouseButton.LeftButton)  # no dialog: signs out
    assert signed_out == [True]
    assert "review" not in window.keys
    window.open_inspection(inspection_id)
    assert window.editor is not None
    window.editor.session.set_answer("ar-02", True)
    last = store.db.execute("SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last[0] == "张伟"


def test_a_new_device_sets_up_its_administrator(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "inspector.db"
    dialog = SignInDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.mode == "create" and dialog.ok.text() == "建立数据库"
    _type(qtbot, dialog.password, "admin-password")
    _type(qtbot, dialog.repeat, "admin-passwor")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "两次输入的密码不一致。" and not path.exists()
    _type(qtbot, dialog.password, "admin-password")
    _type(qtbot, dialog.repeat, "admin-password")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.store is not None and dialog.store.data_key is not None
    assert dialog.session is not None and dialog.session.role == "admin"
    assert not path.read_bytes().startswith(b"SQLite format 3")
    dialog.store.close()
