"""Messages for people: a Chinese sentence, never a traceback. The detail goes to the log
file and the message says where that file is."""

import logging

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from inspector.errors import UserError
from inspector.logs import log_file

log = logging.getLogger(__name__)


def unexpected_text() -> str:
    """What an error nobody foresaw says: that it did not work, and where the detail is."""
    return (
        "操作没有完成：程序遇到了意外的问题。请重试；如仍不行，"
        f"请把日志文件发给管理员：{log_file()}"
    )


def show_error(parent: QWidget | None, error: BaseException, *, title: str = "操作未完成") -> None:
    """A ``UserError`` shows its message; anything else a calm sentence naming the log file."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(error, UserError):
        log.info("user error: %s", error.message)
        box.setText(error.message)
    else:
        log.error("unexpected error", exc_info=error)
        box.setText(unexpected_text())
    box.exec()


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """A required reason (amendments, returns, deletions); None when cancelled."""
    text, ok = QInputDialog.getMultiLineText(parent, title, prompt)
    return text.strip() if ok and text.strip() else None
