"""审核: completed inspections waiting for review, one open read-only beside the list, and the
two decisions: approve (optionally issuing the rectification notice at once) or return with
a reason the inspector reads after the next sync.

Approving runs on the main window's task runner: with the notice it renders a PDF (hundreds
of milliseconds), which must not freeze the window."""

from html import escape
from pathlib import Path

from PySide6.QtCore import QItemSelection, QStandardPaths, Qt, QUrl, Slot
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector import inspections, preferences, review
from inspector.errors import UserError
from inspector.jobs import Job
from inspector.review import Waiting
from inspector.store import Store
from reports.content import RecordContent, record_content
from reports.generate import Format, write_notice
from ui import style
from ui.messages import ask_reason, show_error
from ui.table_model import Column, RowsModel, row_table
from ui.task_runner import TaskRunner
from ui.text import local_time

NOTICE_DIR_KEY = "notice.output_dir"
COLUMNS: list[Column[Waiting]] = [
    Column("检查对象", lambda w: w.organization),
    Column("检查表", lambda w: w.checklist),
    Column("检查人员", lambda w: w.inspectors),
    Column("完成时间", lambda w: local_time(w.completed_at)),
    Column("问题", lambda w: f"{w.findings} 个" if w.findings else "无"),
]


def notice_folder(store: Store) -> Path:
    """Where notices issued at approval are written: the setting, else 文档/整改通知书."""
    configured = preferences.get(store, NOTICE_DIR_KEY)
    if configured:
        return Path(configured)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) / "整改通知书"


class ReviewScreen(QWidget):
    # Replaceable in tests (pytest-qt: dialogs behind a class attribute).
    ask_reason = staticmethod(ask_reason)

    def __init__(self, store: Store, actor: str, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.runner = runner  # the main window's, shared with every screen
        self.model: RowsModel[Waiting] = RowsModel(COLUMNS)
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the checklist elides
        self.detail = QTextBrowser()
        self.approve_button = QPushButton("审核通过", objectName="primary")
        self.return_button = QPushButton("退回修改…")
        self.issue_notice = QCheckBox("审核通过后立即出具整改通知书（有问题时）")
        self.issue_notice.setChecked(True)
        self.result = QLabel(objectName="muted")
        self.result.setWordWrap(True)
        self._layout()
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.approve_button.clicked.connect(self.approve)
        self.runner.finished.connect(self._enable)
        self.return_button.clicked.connect(self.send_back)

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("待审核", objectName="screenTitle"))
        head.addStretch()
        head.addWidget(self.issue_notice)
        head.addWidget(self.return_button)
        head.addWidget(self.approve_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([500, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.result)

    def refresh(self) -> None:
        self.model.set_rows(review.queue(self.store))
        count = self.model.rowCount()
        self.result.setText(f"共 {count} 份检查记录待审核" if count else "没有待审核的检查记录。")
        if count:
            self.table.selectRow(0)
        else:
            self.detail.clear()
        self._enable()

    def selected(self) -> Waiting | None:
        index = self.table.currentIndex()
        return self.model.row_at(index) if index.isValid() else None

    @Slot()
    def approve(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, folder = self.actor, notice_folder(self.store)
        with_notice = self.issue_notice.isChecked() and row.findings > 0

        def work(store: Store, _job: Job) -> str | UserError:
            try:
                inspections.approve(store, row.id, actor=actor)
            except UserError as exc:
                return exc  # shown as a message, and the queue is read again
            message = f"“{row.organization}”的检查记录已审核通过。"
            return message + (_issue_notice(store, row.id, folder, actor) if with_notice else "")

        title = "正在审核并出具整改通知书" if with_notice else "正在审核"
        if self.runner.run(title, work, self._approved):
            self._enable()
        else:
            self.result.setText(self.runner.busy_message())

    def _approved(self, outcome: str | UserError) -> None:
        if isinstance(outcome, UserError):
            show_error(self, outcome)
            self.refresh()
            return
        self.refresh()
        self.result.setText(outcome)

    @Slot()
    def send_back(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason = self.ask_reason(self, "退回修改", f"退回“{row.organization}”检查记录的理由：")
        if reason is None:
            return
        try:
            inspections.return_to_inspector(self.store, row.id, reason=reason, actor=self.actor)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.result.setText(f"已退回“{row.organization}”的检查记录，检查人员同步后可看到退回理由。")

    @Slot(QItemSelection, QItemSelection)
    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        row = self.selected()
        self._enable()
        if row is not None:
            try:
                content = record_content(self.store, row.id)
                add_thumbnails(self.detail, content)
                self.detail.setHtml(record_html(content))
            except UserError as exc:
                self.detail.setPlainText(f"无法显示这份检查记录：{exc.message}")

    @Slot()
    def _enable(self) -> None:
        has_row = self.selected() is not None
        self.approve_button.setEnabled(has_row and not self.runner.busy)
        self.return_button.setEnabled(has_row)


def _issue_notice(store: Store, inspection_id: str, folder: Path, actor: str) -> str:
    """Write the notice (on the worker); a failure leaves the approval standing and says so."""
    try:
        written = write_notice(store, inspection_id, folder, [Format.PDF], actor=actor)
    except UserError as exc:
        return f"整改通知书未能生成：{exc.message}（可稍后在“整改通知书”页重新生成）"
    return f"整改通知书 {written.number} 已生成：{written.paths[0]}"


def record_html(content: RecordContent) -> str:
    """The inspection read-only: facts, findings, every answer, the evidence files."""
    facts = content.inspection
    people = "、".join(f"{p.name}（{p.certificate_no}）" for p in facts.inspectors)
    parts = [
        f"<h2>{escape(facts.org.name)}</h2>",
        f"<p>统一社会信用代码：{escape(facts.org.credit_code)}<br>"
        f"检查表：{escape(facts.checklist_title)}（第 {facts.checklist_version} 版）<br>"
        f"检查时间：{facts.started_at:%Y-%m-%d %H:%M}　地点：{escape(facts.place)}<br>"
        f"检查人员：{escape(people)}</p>",
        f"<h3>发现的问题（{len(facts.findings)} 个）</h3>",
    ]
    for n, finding in enumerate(facts.findings, start=1):
        deadline = finding.deadline.isoformat() if finding.deadline else "未设定"
        parts.append(
            f"<p><b>{n}. {escape(finding.description)}</b>（{escape(finding.severity)}）<br>"
            f"依据：{escape(finding.legal_basis)}<br>整改要求：{escape(finding.requirement)}"
            f"<br>整改期限：{deadline}</p>"
        )
    parts.append("<h3>检查项目</h3><table cellpadding='4'>")
    for answer in content.answers:
        note = f"<br><span style='color:#555'>{escape(answer.note)}</span>" if answer.note else ""
        parts.append(
            f"<tr><td>{escape(answer.question)}</td><td><b{_colour(answer.answer)}>"
            f"{escape(answer.answer)}</b>{note}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h3>证据材料（{len(content.evidence)} 个）</h3><ul>")
    parts += [
        f"<li>{escape(e.file_name)}（{escape(e.item)}）"
        + (f"<br><img src='{THUMB_URL}{e.sha256}'>" if e.image is not None else "")
        + "</li>"
        for e in content.evidence
    ]
    parts.append("</ul>")
    return "".join(parts)


THUMB_URL = "evidence:"
THUMB_WIDTH = 240


def add_thumbnails(browser: QTextBrowser, content: RecordContent) -> None:
    """Give the browser each photo, scaled, under the name ``record_html`` refers to."""
    document = browser.document()
    for evidence in content.evidence:
        if evidence.image is None:
            continue
        image = QImage.fromData(evidence.image)
        if not image.isNull():
            scaled = image.scaledToWidth(
                min(THUMB_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation
            )
            document.addResource(
                QTextDocument.ResourceType.ImageResource,
                QUrl(f"{THUMB_URL}{evidence.sha256}"),
                scaled,
            )


def _colour(answer: str) -> str:
    """Red for 不符合 (the word stays: colour is never the only signal)."""
    return f" style='color:{style.RED.name()}'" if "不符合" in answer else ""
