"""The on-site record 现场检查记录, shown at 完成检查 to the organization's person on site.

They read it and sign; or the inspector records why no signature could be had (拒绝签字 with a
witness, 当事人不在场). Either completes the inspection together with that record, in the core.
稍后确认 closes the dialog and leaves the draft as it was: 完成检查 brings it back.
"""

from html import escape
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector.errors import UserError
from inspector.onsite_record import OnSite, Outcome
from inspector.worklists import inspectors_of
from ui.editor.session import InspectionSession
from ui.editor.signature_pad import SignaturePad
from ui.messages import show_error
from ui.text import document_date, local_time

_OUTCOMES = (
    (Outcome.SIGNED, "在场人员签名确认"),
    (Outcome.REFUSED, "当事人拒绝签字"),
    (Outcome.ABSENT, "当事人不在场"),
)


def record_html(session: InspectionSession) -> str:
    """The record as the person on site reads it (and as it is printed)."""
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
    present = escape(header.representative) or "（未填写）"
    return (
        "<h2 align='center'>现场检查记录</h2>"
        f"<p><b>被检查单位：</b>{escape(header.organization)}</p>"
        f"<p><b>检查时间：</b>{local_time(header.started_at)}　<b>地点：</b>{escape(header.place)}</p>"
        f"<p><b>检查人员：</b>{people}</p>"
        f"<p><b>被检查单位在场人员：</b>{present}</p>"
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
        self.outcomes = QButtonGroup(self)
        choices = QHBoxLayout()
        for position, (_, label) in enumerate(_OUTCOMES):
            button = QRadioButton(label)
            button.setMinimumHeight(32)
            self.outcomes.addButton(button, position)
            choices.addWidget(button)
        choices.addStretch()
        self.outcomes.button(0).setChecked(True)
        self.name = QLineEdit(session.header.representative, placeholderText="在场负责人姓名")
        self.pad = SignaturePad()
        self.witness = QLineEdit(placeholderText="见证人姓名（如社区或单位其他人员）")
        self.refusal = QPlainTextEdit(
            placeholderText="拒绝签字的情况，例如：负责人看过记录后表示不签字"
        )
        self.absence = QPlainTextEdit(
            placeholderText="当事人不在场的情况，例如：负责人外出，由工作人员陪同"
        )
        for text in (self.refusal, self.absence):
            text.setMaximumHeight(80)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form(("签名", self.pad)))
        self.pages.addWidget(self._form(("见证人", self.witness), ("情况说明", self.refusal)))
        self.pages.addWidget(self._form(("情况说明", self.absence)))
        self.person = self._form(("被检查单位在场人员", self.name))
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("color: #c62828;")
        self.clear_button = QPushButton("重签")
        self.pdf_button = QPushButton("打印/保存PDF…")
        self.confirm_button = QPushButton("确认并完成检查", objectName="primary")
        self.later_button = QPushButton("稍后确认")
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch()
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.record, 1)
        layout.addLayout(choices)
        layout.addWidget(self.person)
        layout.addWidget(self.pages)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.outcomes.idClicked.connect(self._outcome_chosen)
        self.clear_button.clicked.connect(self.pad.clear)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.later_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.confirm)

    @staticmethod
    def _form(*rows: tuple[str, QWidget]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for label, widget in rows:
            form.addRow(label, widget)
        return page

    @classmethod
    def ask(cls, parent: QWidget | None, session: InspectionSession) -> bool:
        """Show the record; True once the inspection was completed with it."""
        return cls(session, parent).exec() == QDialog.DialogCode.Accepted

    @classmethod
    def ask_folder(cls, parent: QWidget) -> str:
        """Where to save the PDF; tests replace this class method."""
        return QFileDialog.getExistingDirectory(parent, "现场检查记录保存到")

    @property
    def outcome(self) -> Outcome:
        return _OUTCOMES[self.outcomes.checkedId()][0]

    @Slot(int)
    def _outcome_chosen(self, position: int) -> None:
        self.pages.setCurrentIndex(position)
        self.person.setVisible(self.outcome is not Outcome.ABSENT)
        self.clear_button.setVisible(position == 0)
        self.problem.setText("")

    def on_site(self) -> OnSite:
        outcome = self.outcome
        if outcome is Outcome.SIGNED:
            png = b"" if self.pad.is_empty else self.pad.png_bytes()
            return OnSite(outcome, self.name.text(), signature_png=png)
        if outcome is Outcome.REFUSED:
            return OnSite(
                outcome,
                self.name.text(),
                witness=self.witness.text(),
                reason=self.refusal.toPlainText(),
            )
        return OnSite(outcome, reason=self.absence.toPlainText())

    @Slot()
    def confirm(self) -> None:
        try:
            self.session.complete(self.on_site())
        except UserError as exc:
            self.problem.setStyleSheet("color: #c62828;")
            self.problem.setText(exc.message)
            return
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
