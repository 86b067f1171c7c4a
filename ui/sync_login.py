"""The password dialog of the 同步 screen: asked only when there is no valid token.

The password goes straight to the server in exchange for a device token and is never stored.
"""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class LoginDialog(QDialog):
    def __init__(self, server: str, user: str, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("登录同步服务器")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("服务器", QLabel(server))
        form.addRow("用户名", QLabel(user))
        form.addRow("密码", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(reason, wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, server: str, user: str, reason: str) -> str | None:
        """The password typed, or None when cancelled. Tests replace this."""
        dialog = cls(server, user, reason, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.password.text():
            return None
        return dialog.password.text()
