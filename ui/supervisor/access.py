"""Supervisor pages are open to supervisors only: anyone else sees why, and nothing else."""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from inspector import roles
from inspector.store import Store


class LockedPage(QWidget):
    """Shown in place of a supervisor page to someone who is not a supervisor."""

    def __init__(self, title: str, actor: str) -> None:
        super().__init__()
        self.message = QLabel(
            f"{title}仅限审核人员（科室负责人）使用。\n"
            f"当前用户“{actor}”在执法人员名录中不是审核人员。",
            objectName="muted",
        )
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)


def guarded(store: Store, actor: str, title: str, build: Callable[[], QWidget]) -> QWidget:
    """The page ``build`` makes for a supervisor, a ``LockedPage`` for anyone else."""
    return build() if roles.is_supervisor(store, actor) else LockedPage(title, actor)
