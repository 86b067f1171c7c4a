"""同步: what waits for upload and why, where it goes; the upload itself comes with sync's UI.

Reads ``sync.outbox.summary`` when shown (the sync protocol loads pydantic; not at start-up).
"""

from typing import Any

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from inspector.store import Store
from ui import style
from ui.table_model import Column, RowsModel

COLUMNS: list[Column[dict[str, Any]]] = [
    Column("检查记录", lambda r: r["label"]),
    Column(
        "状态",
        lambda r: r["state_label"],
        lambda r: style.RED if r["state"] in ("conflict", "rejected") else None,
    ),
    Column("说明", lambda r: r["message"]),
]


class SyncScreen(QWidget):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.state = QLabel(wordWrap=True)
        self.model: RowsModel[dict[str, Any]] = RowsModel(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(QLabel("同步", objectName="screenTitle"))
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        from sync.outbox import summary

        found = summary(self.store)
        waiting = found["counts"].get("pending", 0) + found["counts"].get("sending", 0)
        server = found["server"] or "尚未设置"
        login = f"已登录（{found['user']}）" if found["logged_in"] else "未登录"
        self.state.setText(
            f"待上传的检查记录：{waiting} 条。服务器：{server}，{login}。\n"
            "回到单位连上内网后，可用“inspector sync”上传已完成的检查记录并下载最新名录和任务；"
            "所有记录已安全保存在本机。"
        )
        self.model.set_rows(found["records"])
