"""What is missing before 完成检查; choosing an entry jumps to its item."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.completion import Problem


class CompletionDialog(QDialog):
    def __init__(self, problems: list[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("还不能完成检查")
        self.setMinimumSize(560, 360)
        self.chosen: str | None = None
        intro = QLabel(f"还有 {len(problems)} 处需要处理。双击一条可直接跳到该检查项：")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for problem in problems:
            entry = QListWidgetItem(problem.message)
            entry.setData(Qt.ItemDataRole.UserRole, problem.item_id)
            self.list.addItem(entry)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.list.itemActivated.connect(self._jump)

    @classmethod
    def ask(cls, parent: QWidget | None, problems: list[Problem]) -> str | None:
        """Show the problems; the item id chosen to jump to, or None. Tests replace this."""
        dialog = cls(problems, parent)
        dialog.exec()
        return dialog.chosen

    @Slot(QListWidgetItem)
    def _jump(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(Qt.ItemDataRole.UserRole)
        if item_id:
            self.chosen = item_id
            self.accept()
