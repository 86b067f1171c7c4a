"""登记送达: when, how and on whom a notice was served, as the 送达回证 records it.

The dialog only collects what the 送达人 wrote; ``inspector.service.record`` checks it (a
witness for 留置送达, consent for 电子送达, two 送达人...) and its Chinese message is shown as is.
"""

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector.clock import OFFICE_TZ
from inspector.service import METHOD_LABELS, Method, ServiceInput


class ServiceDialog(QDialog):
    def __init__(self, parent: QWidget | None, number: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记送达")
        self.setMinimumWidth(480)
        now = datetime.now(OFFICE_TZ)
        self.served_at = QDateTimeEdit(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute))
        )
        self.served_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.served_at.setCalendarPopup(True)
        self.method = QComboBox()
        for method, label in METHOD_LABELS.items():
            self.method.addItem(label, method.value)
        self.recipient = QLineEdit(placeholderText="法定代表人、负责人、负责收件的人或代收人")
        self.proxy_reason = QLineEdit(placeholderText="由代收人签收的，写明理由")
        self.witness = QLineEdit(placeholderText="留置送达：到场见证的基层组织或单位代表")
        self.consent = QLineEdit(placeholderText="电子送达：同意电子送达的确认书及送达地址")
        self.published_on = QDateEdit(QDate(now.year, now.month, now.day))
        self.published_on.setDisplayFormat("yyyy-MM-dd")
        self.server_1 = QLineEdit()
        self.server_2 = QLineEdit()
        form = QFormLayout()
        form.addRow("送达时间", self.served_at)
        form.addRow("送达方式", self.method)
        form.addRow("签收人", self.recipient)
        form.addRow("代收理由", self.proxy_reason)
        form.addRow("见证人", self.witness)
        form.addRow("电子送达确认", self.consent)
        form.addRow("公告发布日期", self.published_on)
        form.addRow("送达人（一）", self.server_1)
        form.addRow("送达人（二）", self.server_2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"整改通知书 {number}", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def value(self) -> ServiceInput:
        moment = self.served_at.dateTime()
        day, time = moment.date(), moment.time()
        method = Method(str(self.method.currentData()))
        published = self.published_on.date()
        return ServiceInput(
            served_at=datetime(day.year(), day.month(), day.day(), time.hour(), time.minute()),
            method=method,
            servers=(self.server_1.text(), self.server_2.text()),
            recipient=self.recipient.text(),
            proxy_reason=self.proxy_reason.text(),
            witness=self.witness.text(),
            consent=self.consent.text(),
            published_on=(
                datetime(published.year(), published.month(), published.day()).date()
                if method is Method.PUBLIC
                else None
            ),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, number: str) -> ServiceInput | None:
        dialog = cls(parent, number)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
