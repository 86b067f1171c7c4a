"""同步: a placeholder until the sync issue; it already says what waits for upload."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from inspector import worklists
from inspector.store import Store


class SyncScreen(QWidget):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.state = QLabel(wordWrap=True)
        self.state.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(QLabel("同步", objectName="screenTitle"))
        layout.addWidget(self.state, 1)
        self.refresh()

    def refresh(self) -> None:
        state = worklists.sync_state(self.store)
        last = state.last_sync or "尚未同步"
        self.state.setText(
            f"待上传的检查记录：{state.waiting} 条\n上次同步：{last}\n\n"
            "回到单位连上内网后，可在此上传已完成的检查记录并下载最新的检查对象名录和任务。"
            "同步功能将在后续版本中提供；所有记录已安全保存在本机。"
        )
