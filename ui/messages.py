"""Messages for people: a Chinese sentence first, technical detail behind a button."""

import logging
import traceback

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from inspector.errors import UserError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException, *, title: str = "操作未完成") -> None:
    """A ``UserError`` shows its message; anything else a calm sentence plus the detail."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(error, UserError):
        box.setText(error.message)
    else:
        log.error("unexpected error", exc_info=error)
        box.setText("操作没有完成，数据未受影响。请重试；如仍不行，请把详细信息发给管理员。")
        box.setDetailedText("".join(traceback.format_exception(error)))
    box.exec()


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """A required reason (amendments, returns, deletions); None when cancelled."""
    text, ok = QInputDialog.getMultiLineText(parent, title, prompt)
    return text.strip() if ok and text.strip() else None
