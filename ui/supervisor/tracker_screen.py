"""整改跟踪: every finding not closed, filtered and sorted, and export of what is shown; for a
supervisor also the organization's report-back, the re-check 复查 and escalation.

The one list of findings for everyone (inspectors see it without the supervisor's steps), so
its count is the count 工作台 and the dashboard show (``inspector.counts``).
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import exports, findings, org_search, rectification, roles
from inspector.jobs import Job
from inspector.model import FindingStatus, OrgKind, Severity
from inspector.store import Store
from inspector.tracker import NOT_CLOSED, SortKey, TrackerFilter, TrackerRow
from ui.messages import show_error
from ui.supervisor.rectification_dialogs import EscalateDialog, RecheckDialog, ReportBackDialog
from ui.supervisor.tracker_model import TrackerModel
from ui.supervisor.widgets import combo, one
from ui.table_model import row_table
from ui.task_runner import TaskRunner

DEADLINES = (("全部期限", None, False), ("已逾期", None, True), ("7 天内到期", 7, False),
             ("30 天内到期", 30, False))  # fmt: skip
# 检查对象, 问题 (stretches), 严重程度, 整改期限, 状态, 所在区县, 检查表, 检查日期: what a
# 1024 px window shows without scrolling comes first (status next to the deadline).
COLUMN_WIDTHS = (170, 220, 76, 150, 130, 76, 150, 96)
VISUAL_ORDER = (0, 1, 4, 3, 2, 5, 6, 7)
SUPERVISOR_STEPS = ("report", "recheck", "escalate")
SORTS = (
    ("按整改期限", SortKey.DEADLINE),
    ("按严重程度", SortKey.SEVERITY),
    ("按检查对象", SortKey.ORGANIZATION),
    ("按检查日期", SortKey.INSPECTED),
    ("按状态", SortKey.STATUS),
)


def ask_save_path(parent: QWidget, title: str, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, "Excel 工作簿 (*.xlsx);;CSV (*.csv)")
    return Path(path) if path else None


class TrackerScreen(QWidget):
    open_inspection = Signal(str)
    ask_save_path = staticmethod(ask_save_path)  # replaceable in tests

    def __init__(self, store: Store, actor: str, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.runner = runner  # the main window's: exports run there
        self.model = TrackerModel(store)
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.kind = combo([("全部类型", None)] + [(k.label, k.value) for k in OrgKind])
        self.district = combo([("全部区县", None)])
        self.severity = combo([("全部程度", None)] + [(s.value, s.value) for s in Severity])
        self.status = combo(
            [("未销号", NOT_CLOSED)] + [(s.label, (s.value,)) for s in FindingStatus]
        )
        self.deadline = combo([(label, n) for n, (label, *_) in enumerate(DEADLINES)])
        self.sort = combo(list(SORTS))
        self.count = QLabel(objectName="muted")
        self.hint = QLabel(objectName="muted")
        self.buttons = {
            "report": QPushButton("登记整改报告…"),
            "recheck": QPushButton("复查…", objectName="primary"),
            "escalate": QPushButton("升级处理…"),
            "export": QPushButton("导出…"),
        }
        for visual, logical in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(logical), visual)
        self._layout()
        self._connect()
        self.set_actor(actor)

    def set_actor(self, actor: str) -> None:
        """The supervisor's steps for a supervisor on the roster only (the core checks too)."""
        self.actor = actor
        supervisor = roles.is_supervisor(self.store, actor)
        for key in SUPERVISOR_STEPS:
            self.buttons[key].setVisible(supervisor)
        self.hint.setVisible(supervisor)
        self._selection_changed()

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("整改跟踪", objectName="screenTitle"))
        head.addStretch()
        for key in ("report", "recheck", "escalate", "export"):
            head.addWidget(self.buttons[key])
        filters = QHBoxLayout()
        for widget in (self.kind, self.district, self.severity, self.status, self.deadline):
            filters.addWidget(widget)
        filters.addStretch()
        filters.addWidget(QLabel("排序"))
        filters.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.count)
        foot.addStretch()
        foot.addWidget(self.hint)
        layout.addLayout(foot)

    def _connect(self) -> None:
        for box in (self.kind, self.district, self.severity, self.status, self.deadline, self.sort):
            box.currentIndexChanged.connect(self._filter_changed)
        self.buttons["report"].clicked.connect(self.report_back)
        self.buttons["recheck"].clicked.connect(self.recheck)
        self.buttons["escalate"].clicked.connect(self.escalate)
        self.buttons["export"].clicked.connect(self.export)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)

    def refresh(self) -> None:
        if self.district.count() == 1:
            for name in org_search.districts(self.store):
                self.district.addItem(name, name)
        self.model.load(self.current_filter(), self.sort.currentData())
        self._show_count()

    def show_deadlines(self, which: str) -> None:
        """Only the findings 工作台 counted: ``overdue`` or ``due_soon``, other filters reset."""
        for box in (self.kind, self.district, self.severity, self.status):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.deadline.setCurrentIndex(1 if which == "overdue" else 2)  # re-reads the list

    def current_filter(self) -> TrackerFilter:
        _, within, overdue = DEADLINES[self.deadline.currentData()]
        return TrackerFilter(
            kinds=one(self.kind.currentData()),
            districts=one(self.district.currentData()),
            severities=one(self.severity.currentData()),
            statuses=self.status.currentData(),
            due_within_days=within,
            overdue=overdue,
        )

    def selected(self) -> TrackerRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    @Slot()
    def report_back(self) -> None:
        row = self.selected()
        entered = ReportBackDialog.ask(self, row.description) if row else None
        if row and entered:
            self._do(
                lambda: rectification.report_back(
                    self.store, row.id, reported_on=entered.reported_on, text=entered.text,
                    evidence=entered.evidence, actor=self.actor,
                )
            )  # fmt: skip

    @Slot()
    def recheck(self) -> None:
        row = self.selected()
        report = rectification.latest_report(self.store, row.id) if row else None
        entered = (
            RecheckDialog.ask(self, row.description, store=self.store, report=report)
            if row
            else None
        )
        if row and entered:
            self._do(
                lambda: findings.recheck(
                    self.store, row.id, passed=entered.passed, reason=entered.reason,
                    new_deadline=entered.new_deadline, actor=self.actor,
                )
            )  # fmt: skip

    @Slot()
    def escalate(self) -> None:
        row = self.selected()
        entered = EscalateDialog.ask(self, row.description) if row else None
        if row and entered:
            self._do(
                lambda: findings.escalate(
                    self.store, row.id, entered.measure, reason=entered.reason, actor=self.actor
                )
            )

    @Slot()
    def export(self) -> None:
        target = self.ask_save_path(self, "导出整改跟踪表", "整改跟踪.xlsx")
        if target is None:
            return
        wanted, total = self.model.wanted, self.model.total

        def work(store: Store, job: Job) -> Path:
            return exports.write(exports.tracker_export(store, wanted), target, job)

        def done(_path: Path) -> None:
            self.count.setText(f"已导出 {total} 条：{target}")

        if not self.runner.run("正在导出整改跟踪表", work, done):
            self.count.setText(self.runner.busy_message())

    def _do(self, action: Callable[[], object]) -> None:
        """Run a step on the selected finding, re-read the list, keep that finding selected."""
        chosen = self.selected()
        try:
            action()
        except Exception as exc:
            show_error(self, exc)
        self.model.reload()
        self._show_count()
        row = self.model.position_of(chosen.id) if chosen else None
        if row is not None:
            self.table.selectRow(row)

    def _show_count(self) -> None:
        total = self.model.total
        self.count.setText(f"共 {total} 条" if total else "没有符合条件的问题。")

    @Slot()
    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_args: object) -> None:
        """No step button without a finding to apply it to (never a button that does nothing)."""
        chosen = self.table.selectionModel().hasSelection()
        for key in SUPERVISOR_STEPS:
            self.buttons[key].setEnabled(chosen)
        self.hint.setText(
            "" if chosen else "先在列表中选中一个问题，再登记整改报告、复查或升级处理。"
        )

    @Slot(int)
    def _filter_changed(self, _index: int) -> None:
        self.refresh()

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        self.open_inspection.emit(self.model.row_at(index).inspection_id)
