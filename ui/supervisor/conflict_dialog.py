"""登记回避: mark an inspector as conflicted with an organization, with the reason."""

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector import campaigns, org_search
from inspector.store import Store


@dataclass(frozen=True)
class ConflictEntry:
    roster_id: str
    organization_id: str
    reason: str


class ConflictDialog(QDialog):
    def __init__(self, parent: QWidget | None, store: Store) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("登记回避")
        self.setMinimumWidth(480)
        self.person = QComboBox()
        for person in campaigns.eligible_inspectors(store):
            self.person.addItem(f"{person.name}（{person.certificate_no}）", person.id)
        self.organization = QLineEdit(placeholderText="统一社会信用代码或名称")
        self.found = QLabel(objectName="muted")
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(80)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.organization_id: str | None = None
        form = QFormLayout()
        form.addRow("执法人员", self.person)
        form.addRow("检查对象", self.organization)
        form.addRow("", self.found)
        form.addRow("回避理由", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.organization.textChanged.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        hits = (
            org_search.search(self.store, self.organization.text(), limit=2)
            if self.organization.text().strip()
            else []
        )
        self.organization_id = hits[0].id if len(hits) == 1 else None
        if self.organization_id:
            self.found.setText(f"{hits[0].name}（{hits[0].credit_code}）")
        else:
            self.found.setText(
                "请输入信用代码或名称，直到只匹配一个检查对象"
                if self.organization.text().strip()
                else ""
            )
        ready = bool(
            self.organization_id and self.reason.toPlainText().strip() and self.person.count()
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def value(self) -> ConflictEntry:
        assert self.organization_id is not None
        return ConflictEntry(
            self.person.currentData(), self.organization_id, self.reason.toPlainText().strip()
        )

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store) -> ConflictEntry | None:
        dialog = cls(parent, store)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
