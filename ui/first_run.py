"""开始使用: what a new store needs before the first inspection, each step one click away.

Shown on 工作台 while the store has no register or no roster (until the user chooses to go
on without). Two ways: connect to the office's server (the 同步 screen: server address, sign
in, download), or work standalone: import the register (with a preview), add the roster,
fill in the notice settings. The built-in checklists are loaded as soon as the page is shown.
"""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import current_user, preferences
from inspector.counts import store_counts
from inspector.store import Store

DONE_KEY = "ui.first_run_done"
BUILTIN_ACTOR = "系统（首次启动载入内置检查表）"


def needs_first_run(store: Store) -> bool:
    """A store without a register or a roster, whose user has not chosen to go on without."""
    held = store_counts(store)
    empty = held.organizations == 0 or held.inspectors == 0
    return empty and not preferences.get(store, DONE_KEY, False)


def load_builtin_checklists(store: Store) -> int:
    """The built-in checklists, stored once into a store that has none; how many were added."""
    if store_counts(store).checklists:
        return 0
    from checklists.library import import_builtin_checklists  # pydantic: a new store only

    return sum(o.imported for o in import_builtin_checklists(store, actor=BUILTIN_ACTOR))


def _mark(done: bool) -> str:
    return "✔" if done else "○"


class FirstRunPage(QWidget):
    import_requested = Signal(str)  # a register file chosen
    screen_requested = Signal(str)
    finished = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.state = QLabel(wordWrap=True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = {
            "server": QPushButton("设置服务器并下载名录、人员和检查表…", objectName="primary"),
            "register": QPushButton("导入社会组织名录…"),
            "roster": QPushButton("添加执法人员…"),
            "notice": QPushButton("通知书设置…"),
            "done": QPushButton("进入工作台"),
        }
        self._layout()
        self.buttons["server"].clicked.connect(lambda: self.screen_requested.emit("sync"))
        self.buttons["register"].clicked.connect(self.import_register)
        self.buttons["roster"].clicked.connect(self.edit_roster)
        self.buttons["notice"].clicked.connect(self.edit_notice_settings)
        self.buttons["done"].clicked.connect(self.finish)

    def _layout(self) -> None:
        server = QGroupBox("方式一：连接单位的同步服务器")
        server_layout = QVBoxLayout(server)
        server_layout.addWidget(
            QLabel(
                "单位已部署同步服务器时：填写服务器地址、登录，然后下载。名录、执法人员、"
                "检查表和通知书设置都从单位取得，检查记录完成后上传。",
                wordWrap=True,
            )
        )
        server_layout.addWidget(self.buttons["server"])
        server_layout.addStretch()
        alone = QGroupBox("方式二：单机使用")
        alone_layout = QVBoxLayout(alone)
        alone_layout.addWidget(QLabel("没有服务器时，在本机准备：", wordWrap=True))
        for key in ("register", "roster", "notice"):
            alone_layout.addWidget(self.buttons[key])
        alone_layout.addStretch()
        ways = QHBoxLayout()
        ways.addWidget(server, 1)
        ways.addWidget(alone, 1)
        foot = QHBoxLayout()
        foot.addWidget(QLabel("以后也可以在“检查对象”“检查表”“同步”中完成这些准备。",
                              objectName="muted"))  # fmt: skip
        foot.addStretch()
        foot.addWidget(self.buttons["done"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.addWidget(QLabel("开始使用", objectName="screenTitle"))
        layout.addWidget(self.state)
        layout.addLayout(ways, 1)
        layout.addLayout(foot)

    def refresh(self) -> None:
        """Load the built-in checklists if none are stored, then say what is ready."""
        from inspector import notices  # with the inspection rules: only a new store's page

        loaded = load_builtin_checklists(self.store)
        held = store_counts(self.store)
        missing = notices.load_settings(self.store).missing()
        lines = [
            f"{_mark(held.checklists > 0)} 检查表：{held.checklists} 套"
            + ("（内置检查表已自动载入）" if loaded else ""),
            f"{_mark(held.organizations > 0)} 社会组织名录：{held.organizations:,} 个",
            f"{_mark(held.inspectors > 0)} 执法人员：{held.inspectors} 名",
            f"{_mark(not missing)} 通知书设置："
            + (f"尚未填写{'、'.join(missing)}" if missing else "已填写"),
        ]
        self.state.setText("新的数据库还需要以下准备：\n" + "\n".join(lines))

    @Slot()
    def import_register(self) -> None:
        from ui.first_run_dialogs import RegisterPreviewDialog

        path = RegisterPreviewDialog.ask_file(self)
        if path:
            self.import_requested.emit(path)  # the window reads it and shows the preview

    @Slot()
    def edit_roster(self) -> None:
        from ui.first_run_dialogs import RosterDialog

        RosterDialog(self.store, self).exec()
        self.refresh()

    @Slot()
    def edit_notice_settings(self) -> None:
        from ui.first_run_dialogs import NoticeSettingsDialog

        NoticeSettingsDialog(self.store, current_user.actor(self.store), self).exec()
        self.refresh()

    @Slot()
    def finish(self) -> None:
        preferences.put(self.store, DONE_KEY, True)
        self.finished.emit()
