"""整改通知书: approved inspections with findings, their notices written one at a time or all
at once off the GUI thread (progress, 取消), and the result opened with the system's viewer.

One notice and a batch take the same path (``generate_batch`` on the main window's task
runner), so a refusal, a failure or a cancel reads the same way for both.
"""

from pathlib import Path

from PySide6.QtCore import QItemSelection, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import findings, notices, preferences, service
from inspector.errors import UserError
from inspector.jobs import Job, Step
from inspector.notices import Candidate
from inspector.store import Store
from reports.generate import BatchResult, generate_batch, parse_formats
from ui.supervisor.number_blocks_dialog import NumberBlocksDialog
from ui.supervisor.review_screen import NOTICE_DIR_KEY, notice_folder
from ui.supervisor.service_dialog import ServiceDialog
from ui.supervisor.widgets import combo
from ui.table_model import Column, RowsModel, row_table
from ui.task_runner import TaskRunner
from ui.text import local_time

SHOWN_FAILURES = 5  # more would push the list off a laptop screen; the rest in a tooltip
FORMATS: list[tuple[str, object]] = [
    ("PDF", "pdf"),
    ("Word 文档", "docx"),
    ("PDF 和 Word", "pdf,docx"),
]


COLUMNS: list[Column[Candidate]] = [
    Column("检查对象", lambda c: c.organization),
    Column("统一社会信用代码", lambda c: c.credit_code),
    Column("审核时间", lambda c: local_time(c.approved_at)),
    Column("问题", lambda c: f"{c.findings} 个"),
    Column("通知书", lambda c: c.notice or "未出具"),
]


def ask_folder(parent: QWidget, start: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, "选择整改通知书的保存位置", str(start))
    return Path(chosen) if chosen else None


def open_with_system(path: Path) -> None:
    """The file in its viewer, or the folder in the file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class NoticesPanel(QWidget):
    # After each notice (done, total), on the GUI thread; the runner shows 已生成 N / M 份.
    counted = Signal(int, int)
    # Replaceable in tests (pytest-qt: dialogs and launching behind class attributes).
    ask_folder = staticmethod(ask_folder)
    open_path = staticmethod(open_with_system)
    ask_service = staticmethod(ServiceDialog.ask)

    def __init__(self, store: Store, actor: str, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.runner = runner  # the main window's, shared with every screen
        self.running = False  # a batch of this page is under way
        self.model: RowsModel[Candidate] = RowsModel(COLUMNS)
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.formats = combo(FORMATS)
        self.single_button = QPushButton("生成选中的通知书", objectName="primary")
        self.batch_button = QPushButton("批量生成")
        self.folder_label = QLabel(objectName="muted")
        self.folder_button = QPushButton("更改…")
        self.result = QLabel(objectName="muted")
        self.result.setWordWrap(True)
        self.open_file_button = QPushButton("打开文件")
        self.open_folder_button = QPushButton("打开文件夹")
        self.serve_button = QPushButton("登记送达…")
        self.numbers_button = QPushButton("预留编号…")
        self.numbers_dialog: NumberBlocksDialog | None = None
        self.last_files: tuple[Path, ...] = ()
        self.noted: set[str] = set()  # warnings already shown this session: said once
        self._layout()
        self._connect()
        self._show_folder()
        self._enable()

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("整改通知书", objectName="screenTitle"))
        head.addStretch()
        head.addWidget(QLabel("格式："))
        head.addWidget(self.formats)
        head.addWidget(self.batch_button)
        head.addWidget(self.single_button)
        head.addWidget(self.serve_button)
        head.addWidget(self.numbers_button)
        folder = QHBoxLayout()
        folder.addWidget(QLabel("保存位置："))
        folder.addWidget(self.folder_label, 1)
        folder.addWidget(self.folder_button)
        done = QHBoxLayout()
        done.addWidget(self.result, 1)
        done.addWidget(self.open_file_button)
        done.addWidget(self.open_folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(head)
        layout.addLayout(folder)
        layout.addWidget(self.table, 1)
        layout.addLayout(done)

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.single_button.clicked.connect(self.generate_selected)
        self.batch_button.clicked.connect(self.generate_all)
        self.folder_button.clicked.connect(self.change_folder)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.serve_button.clicked.connect(self.record_service)
        self.numbers_button.clicked.connect(self.reserve_numbers)
        self.runner.finished.connect(self._enable)

    def refresh(self) -> None:
        if self.running:
            return
        selected = self.selected()
        self.model.set_rows(notices.candidates(self.store))
        ids = [row.inspection_id for row in self.model.rows]
        if ids:
            keep = selected.inspection_id if selected and selected.inspection_id in ids else ids[0]
            self.table.selectRow(ids.index(keep))
        waiting = sum(1 for row in self.model.rows if not row.notice)
        self.result.setToolTip("")
        self._show_folder()
        self.result.setText(
            f"共 {len(ids)} 份已审核且发现问题的检查记录，其中 {waiting} 份尚未出具整改通知书。"
            if ids
            else "没有需要出具整改通知书的检查记录：只有审核通过且发现问题的检查才出具。"
        )
        self.batch_button.setText(f"批量生成（{len(ids)} 份）" if ids else "批量生成")
        self._enable()

    def selected(self) -> Candidate | None:
        index = self.table.currentIndex()
        return self.model.row_at(index) if index.isValid() else None

    def folder(self) -> Path:
        return notice_folder(self.store)

    # --- generating ----------------------------------------------------------------------

    @Slot()
    def generate_selected(self) -> None:
        row = self.selected()
        if row is None:
            self.result.setText("请先在列表中选择一份检查记录。")
            return
        self._start([row.inspection_id], f"正在生成“{row.organization}”的整改通知书")

    @Slot()
    def generate_all(self) -> None:
        ids = notices.candidate_ids(self.store)
        if not ids:
            self.result.setText(
                "没有需要出具整改通知书的检查记录：只有审核通过且发现问题的检查才出具。"
            )
            return
        self._start(ids, "正在批量生成整改通知书")

    def _start(self, ids: list[str], title: str) -> None:
        if self.runner.busy:
            self.result.setText(self.runner.busy_message())
            return
        out_dir, actor = self.folder(), self.actor
        try:  # before any number is drawn: a folder that cannot be used numbers nothing
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            self.result.setText(f"无法使用保存位置：{out_dir}。请点“更改…”选择另一个文件夹。")
            return
        formats = parse_formats(str(self.formats.currentData()))

        def work(store: Store, job: Job) -> BatchResult:
            # A cancel stops between notices and keeps what was written.
            return generate_batch(store, out_dir, formats, actor=actor, job=job, inspection_ids=ids)

        self.last_files = ()
        self.result.setText("")
        self.running = self.runner.run(title, work, self._done, self._stepped)
        self._enable()

    def _stepped(self, step: Step) -> None:
        self.counted.emit(step.done, step.total)

    def _done(self, result: BatchResult) -> None:
        names = {row.inspection_id: row.organization for row in self.model.rows}
        # 打开文件 is for one notice (its first format, PDF when both); a batch opens the folder.
        self.last_files = result.written[0].paths if len(result.written) == 1 else ()
        self.refresh()
        notes = [note for note in result.notes if note not in self.noted]
        self.noted.update(notes)
        self.result.setText("\n".join([summary(result, names, self.folder()), *notes]))
        self.result.setToolTip(failures_text(result, names))
        self._enable()

    @Slot()
    def record_service(self) -> None:
        """登记送达 of the selected notice: the period now runs, and its deadlines are shown."""
        row = self.selected()
        if row is None or not row.notice:
            return
        given = self.ask_service(self, row.notice)
        if given is None:
            return
        try:
            done = service.record(self.store, row.inspection_id, given, actor=self.actor)
        except UserError as exc:
            self.result.setText(f"未登记送达：{exc.message}")
            return
        due = sorted(
            {
                f.deadline
                for f in findings.of_inspection(self.store, row.inspection_id)
                if f.deadline
            }
        )
        lines = [
            f"整改通知书 {row.notice} 已登记送达（{service.METHOD_LABELS[service.Method(done.method)]}，"
            f"{done.served_on}）。整改期限：{'、'.join(due) or '无'}",
            service.holiday_warning(self.store, row.inspection_id),
        ]
        self.result.setText("\n".join(line for line in lines if line))

    @Slot()
    def reserve_numbers(self) -> None:
        """预留编号: blocks of numbers from the office server, for notices issued offline."""
        self.numbers_dialog = NumberBlocksDialog(self.store, self.actor, self.runner, self)
        self.numbers_dialog.open()

    # --- the result ----------------------------------------------------------------------

    @Slot()
    def change_folder(self) -> None:
        chosen = self.ask_folder(self, self.folder())
        if chosen is not None:
            preferences.put(self.store, NOTICE_DIR_KEY, str(chosen))
            self._show_folder()

    @Slot()
    def open_file(self) -> None:
        if self.last_files:
            self.open_path(self.last_files[0])

    @Slot()
    def open_folder(self) -> None:
        folder = self.last_files[0].parent if self.last_files else self.folder()
        if folder.is_dir():
            self.open_path(folder)
        else:
            self.result.setText(f"文件夹还不存在：{folder}（生成第一份通知书时会自动建立）")

    def _show_folder(self) -> None:
        self.folder_label.setText(str(self.folder()))

    @Slot(QItemSelection, QItemSelection)
    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._enable()

    @Slot()
    def _enable(self) -> None:
        if not self.runner.busy:
            self.running = False  # also after a batch that failed (the runner said why)
        idle = not self.running
        self.single_button.setEnabled(idle and self.selected() is not None)
        self.batch_button.setEnabled(idle and self.model.rowCount() > 0)
        self.formats.setEnabled(idle)
        self.folder_button.setEnabled(idle)
        self.open_file_button.setEnabled(idle and bool(self.last_files))
        self.open_folder_button.setEnabled(idle)
        chosen = self.selected()
        self.serve_button.setEnabled(idle and chosen is not None and bool(chosen.notice))


def summary(result: BatchResult, names: dict[str, str], folder: Path) -> str:
    """What happened, in a sentence or two: written, cancelled, and each failure's reason."""
    written = len(result.written)
    if result.cancelled:
        lines = [f"已取消：取消前已生成 {written} 份整改通知书，其余未生成。"]
    elif written == 1 and not result.failed:
        notice = result.written[0]
        files = "、".join(p.name for p in notice.paths)
        lines = [f"整改通知书 {notice.number} 已生成：{files}"]
    elif written:
        lines = [f"已生成 {written} 份整改通知书。"]
    else:
        lines = []
    if written:
        lines.append(f"保存位置：{folder}")
    if result.failed:
        lines.append(f"未能生成 {len(result.failed)} 份：")
        lines += [
            f"· {names.get(i, i)}：{message}" for i, message in result.failed[:SHOWN_FAILURES]
        ]
        if len(result.failed) > SHOWN_FAILURES:
            lines.append(f"……另有 {len(result.failed) - SHOWN_FAILURES} 份未生成，原因见提示。")
    return "\n".join(lines)


def failures_text(result: BatchResult, names: dict[str, str]) -> str:
    """Every failure, for the tooltip when the summary shows only the first few."""
    return "\n".join(f"{names.get(i, i)}：{message}" for i, message in result.failed)
