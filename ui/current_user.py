"""当前用户 in the status bar: who is signed in and their role, from the account. No choice of
person or role here: switching person means 退出登录 and signing in again."""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QPushButton

from inspector import current_user
from inspector.store import Store


def user_text(store: Store) -> str:
    """``当前用户：张伟（浙33012300001，审核人员）``."""
    session = current_user.session(store)
    if session is None:
        return f"当前用户：{current_user.NOBODY}（未登录）"
    return f"当前用户：{session.label}，{current_user.role_label(session.role)}"


class CurrentUserButton(QPushButton):
    """For the status bar: shows the signed-in person; a click signs out."""

    sign_out_requested = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__(objectName="currentUser")
        self.store = store
        self.setFlat(True)
        self.setToolTip("退出登录；换人工作时请先退出，再由对方用自己的账号登录")
        self.clicked.connect(self._clicked)
        self.refresh()

    def refresh(self) -> None:
        self.setText(user_text(self.store) + "  退出登录")

    @Slot()
    def _clicked(self) -> None:
        self.sign_out_requested.emit()
