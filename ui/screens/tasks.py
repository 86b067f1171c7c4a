"""任务: assigned inspections to start or continue, and drafts in progress."""

from PySide6.QtCore import Signal

from inspector import worklists
from inspector.store import Store
from inspector.worklists import TaskRow
from ui.screens.list_screen import ListScreen
from ui.table_model import Column

COLUMNS: list[Column[TaskRow]] = [
    Column("检查对象", lambda t: t.organization),
    Column("检查表", lambda t: t.checklist_title),
    Column("截止日期", lambda t: t.due_date or "—"),
    Column("进度", lambda t: "已开始" if t.inspection_id else "未开始"),
]


class TasksScreen(ListScreen[TaskRow]):
    start_requested = Signal(str, str, str)  # organization id, task id, checklist id
    open_inspection = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__("任务", COLUMNS, lambda: worklists.open_tasks(store))
        self.add_button("开始 / 继续检查", self._go, primary=True)

    def empty_text(self) -> str:
        return "暂无分派的检查任务。可在“检查对象”中选择社会组织直接开始检查。"

    def activate(self, row: TaskRow) -> None:
        if row.inspection_id:
            self.open_inspection.emit(row.inspection_id)
        else:
            self.start_requested.emit(row.organization_id, row.id, row.checklist_id)

    def _go(self) -> None:
        row = self.selected()
        if row is not None:
            self.activate(row)
