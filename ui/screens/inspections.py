"""检查记录: all inspections by state; open one (read-only once completed)."""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox

from inspector import worklists
from inspector.model import InspectionStatus
from inspector.store import Store
from inspector.worklists import InspectionRow
from ui import style
from ui.screens.list_screen import ListScreen
from ui.table_model import Column
from ui.text import local_time

_STATUS_COLOURS = {InspectionStatus.APPROVED: style.GREEN, InspectionStatus.RETURNED: style.RED}
COLUMNS: list[Column[InspectionRow]] = [
    Column("检查对象", lambda i: i.organization),
    Column("检查表", lambda i: i.checklist_title),
    Column("检查时间", lambda i: local_time(i.started_at)),
    Column("状态", lambda i: i.status.label, lambda i: _STATUS_COLOURS.get(i.status)),
    Column("最后修改", lambda i: local_time(i.updated_at)),
]


class InspectionsScreen(ListScreen[InspectionRow]):
    open_inspection = Signal(str)

    def __init__(self, store: Store) -> None:
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        for status in InspectionStatus:
            self.status.addItem(status.label, status)
        super().__init__(
            "检查记录", COLUMNS, lambda: worklists.inspections(store, self.status.currentData())
        )
        self.toolbar.addWidget(self.status)
        self.add_button("打开", self._open, primary=True)
        self.status.currentIndexChanged.connect(self._filter)

    def activate(self, row: InspectionRow) -> None:
        self.open_inspection.emit(row.id)

    @Slot()
    def _filter(self) -> None:
        self.refresh()

    def _open(self) -> None:
        row = self.selected()
        if row is not None:
            self.activate(row)
