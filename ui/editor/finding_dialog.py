"""Edit one finding: text, legal basis, severity, requirement, period and deadline (a date)."""

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector.deadlines import deadline
from inspector.model import FindingDraft, Severity


class FindingDialog(QDialog):
    def __init__(self, draft: FindingDraft, start: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("发现问题")
        self.setMinimumWidth(560)
        self.draft = draft
        self.start = start
        self.description = QPlainTextEdit(draft.description)
        self.legal_basis = QPlainTextEdit(draft.legal_basis)
        self.requirement = QPlainTextEdit(draft.requirement)
        for edit in (self.description, self.legal_basis, self.requirement):
            edit.setMaximumHeight(80)
        self.severity = QComboBox()
        self.severity.addItems([s.value for s in Severity])
        self.severity.setCurrentText(draft.severity.value)
        self.days = QSpinBox(minimum=1, maximum=365, suffix=" 天")
        self.days.setValue(draft.rectification_days)
        self.deadline = QDateEdit(calendarPopup=True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setDate(QDate.fromString(draft.deadline, "yyyy-MM-dd"))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow("问题描述", self.description)
        form.addRow("违反的规定", self.legal_basis)
        form.addRow("严重程度", self.severity)
        form.addRow("整改要求", self.requirement)
        form.addRow("整改期限（天）", self.days)
        form.addRow("整改截止日期", self.deadline)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存问题")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.days.valueChanged.connect(self._days_changed)

    @classmethod
    def ask(cls, parent: QWidget | None, draft: FindingDraft, start: date) -> FindingDraft | None:
        """Show the dialog; the edited draft, or None when cancelled. Tests replace this."""
        dialog = cls(draft, start, parent)
        return dialog.result_draft() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def result_draft(self) -> FindingDraft:
        return replace(
            self.draft,
            description=self.description.toPlainText().strip(),
            legal_basis=self.legal_basis.toPlainText().strip(),
            severity=Severity(self.severity.currentText()),
            requirement=self.requirement.toPlainText().strip(),
            rectification_days=self.days.value(),
            deadline=self.deadline.date().toString("yyyy-MM-dd"),
        )

    @Slot(int)
    def _days_changed(self, days: int) -> None:
        on = deadline(self.start, days)
        self.deadline.setDate(QDate(on.year, on.month, on.day))

    @Slot()
    def _accept(self) -> None:
        if not self.description.toPlainText().strip():
            self.problem.setText("请填写问题描述")
            return
        self.accept()
