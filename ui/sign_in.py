"""登录: the first screen. A person picks their account and types their own password; the
role comes with the account. A new device sets up its administrator here; a store from before
encryption is encrypted here (with a verified backup, see ``inspector.encrypt``)."""

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import accounts, encrypt, keys, office_accounts, unlock
from inspector.current_user import Session
from inspector.errors import UserError
from inspector.store import Store

OTHER = "other-office-account"  # the list entry for an office account new to this device
OTHER_OFFICE_ACCOUNT = "其他办公室账号…"


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumHeight(40)  # a pen's touch target
    return field


class SignInDialog(QDialog):
    """Sign in to the store at ``db_path``; on success ``store`` and ``session`` are set."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.store: Store | None = None
        self.session: Session | None = None
        self.setWindowTitle("登录 — 社会组织现场检查")
        self.setMinimumWidth(460)
        self.intro = QLabel(wordWrap=True)
        self.account = QComboBox(objectName="account")
        self.account.setMinimumHeight(40)
        self.office_user = QLineEdit(objectName="officeUser")
        self.office_user.setMinimumHeight(40)
        self.office_user.setPlaceholderText("单位服务器上的用户名")
        self.password = password_field("password")
        self.repeat = password_field("repeat")
        self.message = QLabel(objectName="signInMessage", wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        self.ok = QPushButton("登录", objectName="signIn")
        self.ok.setDefault(True)
        self.ok.setMinimumHeight(40)
        self.form = QFormLayout()
        self.form.addRow("账号", self.account)
        self.form.addRow("用户名", self.office_user)
        self.form.addRow("密码", self.password)
        self.form.addRow("再次输入", self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.ok, alignment=Qt.AlignmentFlag.AlignRight)
        self.ok.clicked.connect(self._go)
        self.account.currentIndexChanged.connect(self._account_chosen)
        self.mode = self._mode()
        self._show_mode()

    def _mode(self) -> str:
        if unlock.is_plain(self.db_path) or encrypt.needs_encryption(self.db_path):
            return "encrypt"
        if unlock.is_new(self.db_path) and not keys.exists(self.db_path):
            return "create"
        return "sign_in"

    def _show_mode(self) -> None:
        creating = self.mode in ("create", "encrypt")
        self.form.setRowVisible(self.account, not creating)
        self.form.setRowVisible(self.repeat, creating)
        if self.mode == "create":
            self.intro.setText(
                "本机还没有数据库。请为本机管理员设置密码（至少 8 位）：数据库和照片都用它加密，"
                "管理员再为执法人员开通账号。忘记密码时只能用单位的恢复密钥找回。"
            )
            self.ok.setText("建立数据库")
        elif self.mode == "encrypt":
            self.intro.setText(
                "本机的数据库尚未加密。请为本机管理员设置密码（至少 8 位），程序将先做备份，"
                "把数据库和照片就地加密，核对无误后才删除未加密的副本。"
            )
            self.ok.setText("加密并登录")
        else:
            self._list_accounts()
        self._account_chosen()

    def _list_accounts(self) -> None:
        """The accounts in the key file; on an enrolled device also 其他办公室账号…"""
        place = accounts.enrolment(self.db_path)
        self.intro.setText(
            "请选择您的账号并输入自己的密码。"
            if place is None
            else f"本机已登记到单位服务器（{place.server_url}）。请选择您的账号并输入密码；"
            "办公室账号第一次在本机登录须联网，之后可离线登录。"
        )
        self.ok.setText("登录")
        self.account.clear()
        for account in accounts.listed(self.db_path):
            self.account.addItem(account.label, account.holder)
        if place is not None:
            self.account.addItem(OTHER_OFFICE_ACCOUNT, OTHER)

    @Slot()
    def _account_chosen(self) -> None:
        other = self.mode == "sign_in" and self.account.currentData() == OTHER
        self.form.setRowVisible(self.office_user, other)
        if other:
            self.office_user.setFocus()

    def choose(self, label_part: str) -> None:
        """Select the account whose label contains ``label_part`` (as a click would)."""
        rows = [n for n in range(self.account.count()) if label_part in self.account.itemText(n)]
        self.account.setCurrentIndex(rows[0])

    @Slot()
    def _go(self) -> None:
        self.message.clear()
        try:
            if self.mode == "sign_in":
                self._sign_in()
            else:
                self._set_up()
        except UserError as exc:
            self.message.setText(exc.message)
            self.password.clear()
            self.password.setFocus()

    def _sign_in(self) -> None:
        holder = str(self.account.currentData())
        if holder == OTHER or office_accounts.username_of(holder) is not None:
            self._done(*self._office_sign_in(holder))
            return
        store, session = accounts.sign_in(self.db_path, holder, self.password.text())
        must_change = next(
            a.must_change for a in accounts.listed(self.db_path) if a.holder == holder
        )
        if must_change and not ChangePasswordDialog.ask(self, store):
            accounts.sign_out(store)
            raise UserError("首次登录须设置自己的密码，已退出登录。")
        self._done(store, session)

    def _office_sign_in(self, holder: str) -> tuple[Store, Session]:
        """With the office server's account: its password, account and role are the server's
        (online); one that signed in here before works offline too."""
        from sync import sign_in  # requests and pydantic: only when an office account signs in

        if holder != OTHER:
            return sign_in.sign_in_known(self.db_path, holder, self.password.text())
        username = self.office_user.text().strip()
        if not username:
            self.office_user.setFocus()
            raise UserError("请输入单位服务器上的用户名。")
        return sign_in.first_sign_in(self.db_path, username, self.password.text())

    def _set_up(self) -> None:
        password = self.password.text()
        if password != self.repeat.text():
            raise UserError("两次输入的密码不一致。")
        if self.mode == "encrypt":
            keys.check_password(password)
            encrypt.encrypt_store(self.db_path, keys.ADMIN, keys.ADMIN_LABEL, password)
            self._done(*accounts.sign_in(self.db_path, keys.ADMIN, password))
        else:
            self._done(*accounts.create_store(self.db_path, password))

    def _done(self, store: Store, session: Session) -> None:
        self.store, self.session = store, session
        self.accept()

    @classmethod
    def ask(cls, db_path: Path) -> Store | None:
        """The signed-in store, or None when the window was closed; tests replace this."""
        dialog = cls(db_path)
        return dialog.store if dialog.exec() == QDialog.DialogCode.Accepted else None


class ChangePasswordDialog(QDialog):
    """The signed-in person sets their own password (required after a one-time one)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("设置自己的密码")
        self.password = password_field("newPassword")
        self.repeat = password_field("newRepeat")
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        ok = QPushButton("确定", objectName="setPassword")
        ok.setDefault(True)
        form = QFormLayout()
        form.addRow("新密码", self.password)
        form.addRow("再次输入", self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这是您第一次登录：请设置只有您知道的密码（至少 8 位）。"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(ok, alignment=Qt.AlignmentFlag.AlignRight)
        ok.clicked.connect(self._set)

    @Slot()
    def _set(self) -> None:
        try:
            if self.password.text() != self.repeat.text():
                raise UserError("两次输入的密码不一致。")
            accounts.change_password(self.store, self.password.text())
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store) -> bool:
        return cls(store, parent).exec() == QDialog.DialogCode.Accepted
