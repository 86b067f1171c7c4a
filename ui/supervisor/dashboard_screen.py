"""统计: the supervisor's charts; a click on a bar lists the findings or inspections behind it.
Exports of all findings and all inspections are here too."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector import dashboard, exports
from inspector.dashboard import Chart, Dashboard
from inspector.exports import Sheet
from inspector.jobs import Job
from inspector.store import Store
from inspector.worklists import InspectionRow
from ui import style
from ui.supervisor.bar_chart import BarChart
from ui.supervisor.tracker_model import TrackerModel
from ui.table_model import Column, RowsModel
from ui.task_runner import TaskRunner
from ui.text import local_time

INSPECTION_COLUMNS: list[Column[InspectionRow]] = [
    Column("检查对象", lambda i: i.organization),
    Column("检查表", lambda i: i.checklist_title),
    Column("检查时间", lambda i: local_time(i.started_at)),
    Column("状态", lambda i: i.status.label),
]


def ask_export_path(parent: QWidget, title: str, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, "Excel 工作簿 (*.xlsx);;CSV (*.csv)")
    return Path(path) if path else None


def rate_tile_html(board: Dashboard) -> str:
    """The rectification rate large, with what it is made of."""
    rate = board.rectification_rate
    if rate is None:
        return "整改率<br>暂无问题记录"
    bars = {bar.label: bar.value for bar in board.rectification.bars}
    return (
        f"整改率<br><span style='font-size: 36pt; color: {style.ACCENT}'>{rate:.1%}</span><br>"
        f"已整改 {bars['已整改']} 个 · 整改中 {bars['待整改'] + bars['已报告整改']} 个<br>"
        f"复查未通过 {bars['复查未通过']} 个 · 已升级处理 {bars['已升级处理']} 个<br>"
        f"已逾期 {board.overdue_by_district.total} 个（整改期限已过）"
    )


class DashboardScreen(QWidget):
    open_inspection = Signal(str)
    ask_export_path = staticmethod(ask_export_path)  # replaceable in tests

    def __init__(self, store: Store, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.runner = runner  # the main window's: exports run there
        self.board: Dashboard | None = None
        self.charts = [BarChart() for _ in range(5)]
        self.rate_tile = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.rate_tile.setStyleSheet("background: white; font-size: 12pt; color: #222;")
        self.rate_tile.setWordWrap(True)
        self.detail_title = QLabel("点击柱子查看对应的记录", objectName="muted")
        self.findings = TrackerModel(store)
        self.inspections: RowsModel[InspectionRow] = RowsModel(INSPECTION_COLUMNS)
        self.finding_table = _table(self.findings)
        self.inspection_table = _table(self.inspections)
        self.details = QStackedWidget()
        self.details.addWidget(self.finding_table)
        self.details.addWidget(self.inspection_table)
        self.export_findings = QPushButton("导出问题…")
        self.export_inspections = QPushButton("导出检查记录…")
        self._layout()
        for n, chart in enumerate(self.charts):
            chart.bar_clicked.connect(lambda bar, n=n: self.show_bar(n, bar))
        self.export_findings.clicked.connect(self._export_findings)
        self.export_inspections.clicked.connect(self._export_inspections)
        self.finding_table.doubleClicked.connect(self._open_finding)
        self.inspection_table.doubleClicked.connect(self._open_inspection)

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("统计", objectName="screenTitle"))
        head.addStretch()
        head.addWidget(self.export_findings)
        head.addWidget(self.export_inspections)
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        # Top: three small charts and the rate; below, the two with many bars, twice as wide.
        for n, chart in enumerate(self.charts[:3]):
            grid.addWidget(chart, 0, n)
        grid.addWidget(self.rate_tile, 0, 3)
        grid.addWidget(self.charts[3], 1, 0, 1, 2)
        grid.addWidget(self.charts[4], 1, 2, 1, 2)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.detail_title)
        bottom_layout.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(grid_widget)
        splitter.addWidget(bottom)
        splitter.setSizes([480, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        self.board = dashboard.load(self.store)
        for widget, chart in zip(self.charts, self.board.charts(), strict=True):
            widget.set_chart(chart)
        self.rate_tile.setText(rate_tile_html(self.board))

    def show_bar(self, chart_index: int, bar_index: int) -> None:
        """List the rows behind one bar under the charts."""
        if self.board is None:
            return
        chart: Chart = self.board.charts()[chart_index]
        bar = chart.bars[bar_index]
        self.detail_title.setText(f"{chart.title} · {bar.label}：{bar.value} 条")
        if chart.entity == "inspection":
            self.inspections.set_rows(dashboard.inspections_by_ids(self.store, bar.ids))
            self.details.setCurrentWidget(self.inspection_table)
        else:
            self.findings.show_only(bar.ids)
            self.details.setCurrentWidget(self.finding_table)

    @Slot()
    def _export_findings(self) -> None:
        self._export("导出问题", "检查发现问题.xlsx", exports.findings_sheet)

    @Slot()
    def _export_inspections(self) -> None:
        self._export("导出检查记录", "检查记录.xlsx", exports.inspections_sheet)

    def _export(self, title: str, name: str, sheet: Callable[[Store], Sheet]) -> None:
        target = self.ask_export_path(self, title, name)
        if target is None:
            return

        def work(store: Store, job: Job) -> Path:
            return exports.write(sheet(store), target, job)

        def done(_path: Path) -> None:
            self.detail_title.setText(f"已导出：{target}")

        if not self.runner.run(f"正在{title}", work, done):
            self.detail_title.setText(self.runner.busy_message())

    @Slot(QModelIndex)
    def _open_finding(self, index: QModelIndex) -> None:
        self.open_inspection.emit(self.findings.row_at(index).inspection_id)

    @Slot(QModelIndex)
    def _open_inspection(self, index: QModelIndex) -> None:
        self.open_inspection.emit(self.inspections.row_at(index).id)


def _table(model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
