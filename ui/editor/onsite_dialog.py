"""The on-site record 现场检查记录 shown to the representative, who signs to confirm it."""

from html import escape
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector import onsite_record
from inspector.worklists import inspectors_of
from ui.editor.session import InspectionSession
from ui.editor.signature_pad import SignaturePad
from ui.messages import show_error
from ui.text import document_date, local_time


def record_html(session: InspectionSession) -> str:
    """The record as the representative reads it (and as it is printed)."""
    header = session.header
    people = "、".join(
        f"{escape(p.name)}（执法证号 {escape(p.certificate_no)}）"
        for p in inspectors_of(session.store, session.inspection_id)
    )
    done, total = session.progress()
    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(f.description)}</td><td>{escape(f.severity)}</td>"
        f"<td>{document_date(f.deadline) or '未设定'}</td></tr>"
        for n, f in enumerate(session.findings(), start=1)
    )
    findings = (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        "<tr><th>序号</th><th>发现的问题</th><th>程度</th><th>整改期限</th></tr>"
        f"{rows}</table>"
        if rows
        else "<p>本次检查未发现问题。</p>"
    )
    return (
        "<h2 align='center'>现场检查记录</h2>"
        f"<p><b>被检查单位：</b>{escape(header.organization)}</p>"
        f"<p><b>检查时间：</b>{local_time(header.started_at)}　<b>地点：</b>{escape(header.place)}</p>"
        f"<p><b>检查人员：</b>{people}</p>"
        f"<p><b>检查内容：</b>{escape(header.checklist_title)}，共检查 {done} / {total} 项</p>"
        f"<p><b>发现的问题及整改期限：</b></p>{findings}"
    )


class OnsiteRecordDialog(QDialog):
    def __init__(self, session: InspectionSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("现场检查记录 — 请被检查单位确认")
        self.setMinimumSize(760, 640)
        self.record = QTextBrowser()
        self.record.setHtml(record_html(session))
        self.name = QLineEdit(placeholderText="在场负责人姓名")
        self.pad = SignaturePad()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.clear_button = QPushButton("重签")
        self.pdf_button = QPushButton("打印/保存PDF…")
        self.confirm_button = QPushButton("确认并签名", objectName="primary")
        self.later_button = QPushButton("稍后确认")
        form = QFormLayout()
        form.addRow("被检查单位在场人员", self.name)
        form.addRow("签名", self.pad)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch()
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.record, 1)
        layout.addWidget(QLabel("以上记录经本人阅读，情况属实。"))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.clear_button.clicked.connect(self.pad.clear)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.later_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)

    @classmethod
    def ask(cls, parent: QWidget | None, session: InspectionSession) -> bool:
        """Show the record; True once signed. Tests replace this."""
        return cls(session, parent).exec() == QDialog.DialogCode.Accepted

    @classmethod
    def ask_folder(cls, parent: QWidget) -> str:
        """Where to save the PDF; tests replace this class method."""
        return QFileDialog.getExistingDirectory(parent, "现场检查记录保存到")

    @Slot()
    def confirm(self) -> None:
        if self.pad.is_empty:
            self.problem.setText("请被检查单位在场人员在签名区签名")
            return
        try:
            onsite_record.confirm(
                self.session.store,
                self.session.inspection_id,
                representative=self.name.text(),
                signature_png=self.pad.png_bytes(),
                actor=self.session.actor,
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()

    @Slot()
    def save_pdf(self) -> None:
        """The record as PDF (with the signature once signed), by the reports package."""
        from reports.generate import Format, write_record  # heavy (PDF fonts); on demand

        folder = self.ask_folder(self)
        if not folder:
            return
        try:
            paths = write_record(
                self.session.store, self.session.inspection_id, Path(folder), [Format.PDF]
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.problem.setStyleSheet("color: #2e7d32;")
        self.problem.setText(f"已保存：{paths[0]}")
