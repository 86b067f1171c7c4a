"""预留编号: reserve blocks of notice numbers from the office server, and see what this device holds.

A device that will issue notices offline reserves, while online, a block of numbers per
authority (代字) and year (``sync.notice_numbers``, the same call as ``inspector
notice-numbers``); notices then draw from it, and two devices never issue the same number.
The reservation runs on the window's one task runner; the dialog shows, per authority, the
ranges this device holds, how many are used and how many are left, and says in Chinese why a
reservation did not happen (offline, not logged in, refused by the server).
"""

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector import authorities, notices
from inspector.authorities import Block
from inspector.clock import today
from inspector.errors import UserError
from inspector.jobs import Job
from inspector.store import Store
from sync import state
from sync.client import SyncClient
from sync.notice_numbers import reserve_notice_numbers
from sync.transport import LoginRequired, RetryPolicy, SyncError
from ui.sync_login import LoginDialog
from ui.task_runner import TaskRunner

# A reservation is asked for at the desk: two tries, not the minute of retries a sync allows.
RESERVE_RETRY = RetryPolicy(attempts=2, base_delay=0.5)
HEADERS = ("机关代字", "发文机关", "本机持有的编号段", "已用", "剩余")


class NumberBlocksDialog(QDialog):
    ask_password = staticmethod(LoginDialog.ask)  # replaceable in tests

    def __init__(self, store: Store, actor: str, runner: TaskRunner, parent: QWidget | None):
        super().__init__(parent)
        self.store, self.actor, self.runner = store, actor, runner
        self.setWindowTitle("预留通知书编号")
        self.setMinimumWidth(640)
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today().year)
        self.code = QComboBox(editable=True)
        self.count = QSpinBox(minimum=1, maximum=1000, value=20)
        self.held = QTableWidget(0, len(HEADERS))
        self.held.setHorizontalHeaderLabels(HEADERS)
        self.held.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.held.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.held.verticalHeader().setVisible(False)
        self.message = QLabel(wordWrap=True)
        self.reserve_button = QPushButton("向服务器预留", objectName="primary")
        self.close_button = QPushButton("关闭")
        self._layout()
        self.reserve_button.clicked.connect(self.reserve)
        self.close_button.clicked.connect(self.accept)
        self.year.valueChanged.connect(self.refresh)
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("年份", self.year)
        form.addRow("机关代字", self.code)
        form.addRow("预留数量", self.count)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.reserve_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "联网时向中心服务器预留一段编号，离线出具整改通知书时从中取号；"
                "两台设备不会出具相同的文号。",
                wordWrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.held, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    @Slot()
    def refresh(self) -> None:
        """The blocks held for the year, and the 代字 to choose from."""
        rows = authorities.held(self.store, self.year.value())
        settings = notices.load_settings(self.store)
        self.held.setRowCount(len(rows))
        for r, row in enumerate(rows):
            # the office's own series (its settings) has no authority entry of its own
            name = row.name or (settings.authority if row.code == settings.prefix else "")
            values = (row.code, name, row.ranges, str(row.used), str(row.left))
            for c, value in enumerate(values):
                self.held.setItem(r, c, QTableWidgetItem(value))
        typed = self.code.currentText()
        codes = [a.code for a in authorities.listed(self.store)]
        codes += [settings.prefix, *(row.code for row in rows)]
        self.code.clear()
        self.code.addItems(list(dict.fromkeys(code for code in codes if code)))
        if typed:
            self.code.setCurrentText(typed)

    @Slot()
    def reserve(self) -> None:
        code, year, count = self.code.currentText().strip(), self.year.value(), self.count.value()
        if not code:
            self._say("请填写机关代字。", failed=True)
            return
        if self.runner.busy:
            self._say(self.runner.busy_message(), failed=True)
            return
        server = state.get(self.store, state.SERVER_URL)
        user = state.get(self.store, state.USERNAME)
        if not server or not user:
            self._say("尚未设置中心服务器：请先在“同步”页填写服务器地址并登录。", failed=True)
            return
        login = None
        if state.get(self.store, state.TOKEN) is None:
            password = self.ask_password(self, server, user, "预留编号需要登录中心服务器。")
            if password is None:
                return
            login = (user, password)
        actor = self.actor

        def work(store: Store, _job: Job) -> Block | UserError:
            try:
                client = SyncClient(store, server, retry=RESERVE_RETRY)
                if login is not None:
                    client.login(*login)
                block = reserve_notice_numbers(client, code, year, count)
            except SyncError as exc:  # offline, refused, not logged in: said on the dialog
                return exc
            return authorities.add_block(
                store, block.authority_code, block.year, block.first, block.last, actor=actor
            )

        self._say(f"正在向 {server} 预留 {code}〔{year}〕的 {count} 个编号…")
        self.reserve_button.setEnabled(False)
        self.runner.run("正在预留通知书编号", work, self._done)

    def _done(self, outcome: Any) -> None:
        self.reserve_button.setEnabled(True)
        self.refresh()
        if isinstance(outcome, LoginRequired):
            self._say(f"未能预留编号：{outcome.message}（请在“同步”页重新登录）", failed=True)
        elif isinstance(outcome, UserError):
            offline = outcome.message.startswith("无法连接服务器")
            reason = "本机离线或服务器无响应，" if offline else ""
            self._say(f"未能预留编号：{reason}{outcome.message}", failed=True)
        elif isinstance(outcome, Block):
            left = authorities.remaining(self.store, outcome.authority_code, outcome.year)
            self._say(
                f"已预留 {outcome.authority_code}〔{outcome.year}〕{outcome.first}–{outcome.last}号；"
                f"本机尚可离线使用 {left} 个编号。"
            )

    def _say(self, text: str, *, failed: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if failed else "")
