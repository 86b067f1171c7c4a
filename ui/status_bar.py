"""The status bar: 离线/在线, how many records wait for upload, the last sync, background work."""

from PySide6.QtWidgets import QLabel, QStatusBar

from inspector import worklists
from inspector.store import Store
from ui.server_probe import ServerProbe
from ui.task_runner import TaskRunner
from ui.text import local_time


class AppStatusBar(QStatusBar):
    def __init__(self, store: Store, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.network = QLabel()
        self.waiting = QLabel()
        self.last_sync = QLabel()
        self.runner = runner  # the main window's, shown here
        for label in (self.network, self.waiting, self.last_sync):
            label.setContentsMargins(8, 0, 8, 0)
            self.addWidget(label)
        self.addPermanentWidget(self.runner)
        self.probe = ServerProbe(store, self)
        self.probe.changed.connect(self._show_network)
        self.refresh()
        self.probe.start()

    def refresh(self) -> None:
        """Re-read what waits and the last sync; ask the server again whether it answers."""
        state = worklists.sync_state(self.store)
        self._show_network(self.probe.online)
        self.probe.check()
        self.waiting.setText(f"待上传 {state.waiting} 条")
        self.last_sync.setText(
            f"上次同步 {local_time(state.last_sync)}" if state.last_sync else "尚未同步"
        )

    def _show_network(self, online: bool | None) -> None:
        """``None``: the first check has not answered yet."""
        if online is None:
            self.network.setText("○ 正在检查网络")
            self.network.setToolTip("正在询问同步服务器能否连通")
            return
        self.network.setText("● 在线" if online else "○ 离线")
        self.network.setToolTip(
            "同步服务器可以连通" if online else "连不上同步服务器（或尚未设置）；工作照常保存在本机"
        )
