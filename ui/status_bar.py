"""The status bar: 离线/在线, how many records wait for upload, the last sync, background work."""

from PySide6.QtCore import QSettings, Slot
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QStatusBar

from inspector import worklists
from inspector.store import Store
from ui.fonts import FONT_SIZE_KEY, point_size
from ui.server_probe import ServerProbe
from ui.task_runner import TaskRunner
from ui.text import local_time


class AppStatusBar(QStatusBar):
    def __init__(self, store: Store, runner: TaskRunner, settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings if settings is not None else QSettings()
        self.network = QLabel()
        self.waiting = QLabel()
        self.last_sync = QLabel()
        self.runner = runner  # the main window's, shown here
        for label in (self.network, self.waiting, self.last_sync):
            label.setContentsMargins(8, 0, 8, 0)
            self.addWidget(label)
        self.addPermanentWidget(self.runner)
        self.font_button = QPushButton(checkable=True)
        self.font_button.setToolTip("切换标准字号和大字号（平板、强光下更易读）")
        self.font_button.setChecked(self.settings.value(FONT_SIZE_KEY) == "large")
        self.font_button.toggled.connect(self.set_large_font)
        self._show_font_choice()
        self.addPermanentWidget(self.font_button)
        self.probe = ServerProbe(store, self)
        self.probe.changed.connect(self._show_network)
        self.refresh()
        self.probe.start()

    @Slot(bool)
    def set_large_font(self, large: bool) -> None:
        """字号：大 or 标准, for the whole window at once, and remembered for the next start."""
        choice = "large" if large else "normal"
        self.settings.setValue(FONT_SIZE_KEY, choice)
        self.settings.sync()
        font = QApplication.font()
        font.setPointSizeF(point_size(choice))
        QApplication.setFont(font)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # a style sheet keeps the old font until re-applied
            app.setStyleSheet(app.styleSheet())
        self._show_font_choice()

    def _show_font_choice(self) -> None:
        self.font_button.setText("字号：大" if self.font_button.isChecked() else "字号：标准")

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
