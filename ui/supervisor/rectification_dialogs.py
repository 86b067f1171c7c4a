"""Dialogs of the tracker: the organization's report-back, the re-check 复查, escalation.

Each has an ``ask`` class method returning what was entered (or None when cancelled), so tests
replace the dialog rather than click through it.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector.clock import today
from inspector.model import Escalation
from inspector.rectification import Report
from inspector.store import Store
from ui.editor.evidence import EvidenceStrip


@dataclass(frozen=True)
class ReportBack:
    reported_on: str
    text: str
    evidence: tuple[Path, ...]


@dataclass(frozen=True)
class Recheck:
    passed: bool
    reason: str
    new_deadline: str | None


@dataclass(frozen=True)
class Escalate:
    measure: Escalation
    reason: str


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class _Form(QDialog):
    """A titled form with 确定/取消; 确定 only once the required text is there."""

    def __init__(self, parent: QWidget | None, title: str, about: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(90)
        self.hint = QLabel(objectName="muted")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(about, wordWrap=True))
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

    def _check(self) -> None:
        ready = bool(self.reason.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)
        self.hint.setText("" if ready else self.missing_text())

    def missing_text(self) -> str:
        return "请填写理由"


class ReportBackDialog(_Form):
    def __init__(self, parent: QWidget | None, finding: str) -> None:
        super().__init__(parent, "登记整改报告", f"问题：{finding}")
        self.reported_on = _date_edit(today())
        self.files = QListWidget()
        self.files.setFixedHeight(80)
        add = QPushButton("添加材料…")
        add.clicked.connect(self._add_files)
        files = QHBoxLayout()
        files.addWidget(self.files, 1)
        files.addWidget(add)
        self.form.addRow("报告日期", self.reported_on)
        self.form.addRow("整改情况", self.reason)
        self.form.addRow("整改材料", files)
        self._check()

    def missing_text(self) -> str:
        return "请填写整改情况"

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择整改材料")
        for path in paths:
            self.files.addItem(path)

    def value(self) -> ReportBack:
        paths = tuple(Path(self.files.item(i).text()) for i in range(self.files.count()))
        return ReportBack(
            self.reported_on.date().toString("yyyy-MM-dd"), self.reason.toPlainText().strip(), paths
        )

    @classmethod
    def ask(cls, parent: QWidget | None, finding: str) -> ReportBack | None:
        dialog = cls(parent, finding)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


class RecheckDialog(_Form):
    """The re-check, with what the organization reported back (text and files) in view."""

    def __init__(
        self,
        parent: QWidget | None,
        finding: str,
        *,
        store: Store | None = None,
        report: Report | None = None,
    ) -> None:
        super().__init__(parent, "复查", f"问题：{finding}")
        self.reported = QLabel(wordWrap=True)
        self.evidence = EvidenceStrip(store) if store is not None else None
        if report is None:
            self.reported.setText("被检查单位尚未报告整改情况。")
        else:
            self.reported.setText(f"{report.reported_on} 报告：{report.text}")
        self.form.addRow("整改报告", self.reported)
        if self.evidence is not None:
            self.evidence.set_read_only(True)
            self.evidence.hint.setText("被检查单位报来的整改材料")
            self.evidence.show_attachments(report.files if report else [])
            self.form.addRow("整改材料", self.evidence)
        self.passed = QRadioButton("已整改到位（销号）")
        self.failed = QRadioButton("未整改到位")
        self.passed.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.passed)
        group.addButton(self.failed)
        self.new_deadline = _date_edit(today())
        self.new_deadline.setEnabled(False)
        self.failed.toggled.connect(self.new_deadline.setEnabled)
        verdict = QHBoxLayout()
        verdict.addWidget(self.passed)
        verdict.addWidget(self.failed)
        self.form.addRow("复查结论", verdict)
        self.form.addRow("新的整改期限", self.new_deadline)
        self.form.addRow("理由", self.reason)
        self._check()

    def value(self) -> Recheck:
        passed = self.passed.isChecked()
        deadline = None if passed else self.new_deadline.date().toString("yyyy-MM-dd")
        return Recheck(passed, self.reason.toPlainText().strip(), deadline)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        finding: str,
        *,
        store: Store | None = None,
        report: Report | None = None,
    ) -> Recheck | None:
        dialog = cls(parent, finding, store=store, report=report)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


class EscalateDialog(_Form):
    def __init__(self, parent: QWidget | None, finding: str) -> None:
        super().__init__(parent, "升级处理", f"问题：{finding}")
        self.measure = QComboBox()
        for measure in Escalation:
            self.measure.addItem(measure.label, measure)
        self.form.addRow("处理措施", self.measure)
        self.form.addRow("理由", self.reason)
        self._check()

    def value(self) -> Escalate:
        return Escalate(self.measure.currentData(), self.reason.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, finding: str) -> Escalate | None:
        dialog = cls(parent, finding)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
