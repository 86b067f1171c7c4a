"""任务: assigned inspections to start or continue, and drafts in progress."""

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView

from inspector import worklists
from inspector.store import Store
from inspector.worklists import InspectionRow, TaskRow
from ui.screens.list_screen import ListScreen
from ui.table_model import Column, RowsModel
from ui.text import local_time

COLUMNS: list[Column[TaskRow]] = [
    Column("检查对象", lambda t: t.organization),
    Column("检查表", lambda t: t.checklist_title),
    Column("截止日期", lambda t: t.due_date or "—"),
    Column("进度", lambda t: "已开始" if t.inspection_id else "未开始"),
]


IN_PROGRESS: list[Column[InspectionRow]] = [
    Column("检查对象", lambda i: i.organization),
    Column("检查表", lambda i: i.checklist_title),
    Column("状态", lambda i: i.status.label),
    Column("最后修改", lambda i: local_time(i.updated_at)),
]


class TasksScreen(ListScreen[TaskRow]):
    start_requested = Signal(str, str, str)  # organization id, task id, checklist id
    open_inspection = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__("任务", COLUMNS, lambda: worklists.open_tasks(store))
        self.store = store
        self.go_button = self.add_button("开始 / 继续检查", self._go, primary=True)
        self.go_button.setEnabled(False)  # never a button that does nothing: a task first
        self.go_button.setToolTip("先在列表中选中一个任务")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.drafts: RowsModel[InspectionRow] = RowsModel(IN_PROGRESS)
        self.drafts_view = QTableView()
        self.drafts_view.setModel(self.drafts)
        self.drafts_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.drafts_view.verticalHeader().hide()
        header = self.drafts_view.horizontalHeader()
        header.setResizeContentsPrecision(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.drafts_view.setMaximumHeight(220)
        self.drafts_view.doubleClicked.connect(self._open_draft)
        self.drafts_title = QLabel(objectName="question")
        layout = self.layout()
        assert layout is not None  # ListScreen builds its layout in __init__
        layout.addWidget(self.drafts_title)
        layout.addWidget(self.drafts_view)

    def refresh(self) -> None:
        super().refresh()
        self.drafts.set_rows(worklists.in_progress(self.store))
        self.drafts_title.setText(f"进行中的检查（{self.drafts.rowCount()}）")

    @Slot(QModelIndex)
    def _open_draft(self, index: QModelIndex) -> None:
        self.open_inspection.emit(self.drafts.row_at(index).id)

    def empty_text(self) -> str:
        return "暂无分派的检查任务。可在“检查对象”中选择社会组织直接开始检查。"

    def activate(self, row: TaskRow) -> None:
        if row.inspection_id:
            self.open_inspection.emit(row.inspection_id)
        else:
            self.start_requested.emit(row.organization_id, row.id, row.checklist_id)

    @Slot()
    def _selection_changed(self) -> None:
        self.go_button.setEnabled(self.table.selectionModel().hasSelection())

    def _go(self) -> None:
        row = self.selected()
        if row is not None:
            self.activate(row)
