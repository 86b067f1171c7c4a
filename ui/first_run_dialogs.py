"""The dialogs the first-run page leads to, also reachable from their own screens: a list of
what an import said (line by line, every refused row with its place and reason), the
register preview before an import, the roster and the notice settings."""

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector import notices, roster
from inspector.errors import UserError
from inspector.model import Inspector
from inspector.register_import import ParsedRegister
from inspector.store import Store

PREVIEW_ROWS = 10
ROLES = (("检查员", "inspector"), ("审核人员（可审核、督办、抽查）", "supervisor"))


class LinesDialog(QDialog):
    """A summary sentence and every line below it (problems, imported versions)."""

    def __init__(self, title: str, summary: str, lines: list[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 420)
        self.summary = QLabel(summary, wordWrap=True)
        self.lines = QListWidget()
        self.lines.addItems(lines)
        self.lines.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.lines, 1)
        layout.addWidget(buttons)

    @classmethod
    def show_lines(cls, parent: QWidget | None, title: str, summary: str, lines: list[str]) -> None:
        cls(title, summary, lines, parent).exec()


class RegisterPreviewDialog(QDialog):
    """The one register preview, for the first-run page and the 检查对象 screen alike: the
    first rows as they will be stored and every refused row with its place and reason.
    The main window reads the file (in the background) before, and on 导入 imports it
    (in the background); 取消 imports nothing."""

    def __init__(self, path: Path, parsed: ParsedRegister, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"导入名录：{path.name}")
        self.resize(900, 600)
        good = len(parsed.organizations)
        self.summary = QLabel(
            f"可导入 {good} 条；拒绝 {parsed.rejected_rows} 条"
            + ("（原因逐条列在下面，改正文件后可再导入）" if parsed.problems else "")
            + "。下表是前几行将要保存的样子：",
            wordWrap=True,
        )
        self.preview = QTableWidget(min(good, PREVIEW_ROWS), 4)
        self.preview.setHorizontalHeaderLabels(["名称", "统一社会信用代码", "类型", "所在区县"])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, org in enumerate(parsed.organizations[:PREVIEW_ROWS]):
            for column, text in enumerate(
                (org.name, org.credit_code, org.kind.label, org.district)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.preview.setItem(row, column, item)
        self.refused_title = QLabel(f"被拒绝的行（{len(parsed.problems)} 处）：")
        self.refused = QListWidget()
        self.refused.setWordWrap(True)
        self.refused.addItems([str(problem) for problem in parsed.problems])
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            f"导入 {good} 条", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("primary")
        self.import_button.setEnabled(good > 0)
        self.import_button.setDefault(good > 0)  # Enter imports, Esc is 取消
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.refused_title)
        layout.addWidget(self.refused, 1)
        layout.addWidget(self.buttons)
        self.refused_title.setVisible(bool(parsed.problems))
        self.refused.setVisible(bool(parsed.problems))

    @classmethod
    def ask_file(cls, parent: QWidget) -> str:
        """The file chooser both screens open; tests replace this class method."""
        path, _ = QFileDialog.getOpenFileName(
            parent, "导入社会组织名录", "", "名录文件 (*.xlsx *.csv)"
        )
        return path


class RosterDialog(QDialog):
    """执法人员名录: add people one after another; the list shows who is on it."""

    def __init__(self, store: Store, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("执法人员名录")
        self.resize(560, 480)
        self.people = QListWidget()
        self.name = QLineEdit(placeholderText="例如 张伟")
        self.certificate = QLineEdit(placeholderText="执法证号，例如 京民执11001")
        self.unit = QLineEdit(placeholderText="所在单位（可不填）")
        self.role = QComboBox()
        for label, value in ROLES:
            self.role.addItem(label, value)
        self.message = QLabel(objectName="muted", wordWrap=True)
        self.add_button = QPushButton("添加", objectName="primary")
        form = QFormLayout()
        form.addRow("姓名", self.name)
        form.addRow("执法证号", self.certificate)
        form.addRow("单位", self.unit)
        form.addRow("角色", self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("名录中的执法人员："))
        layout.addWidget(self.people, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self.add)
        for field in (self.name, self.certificate):
            field.textChanged.connect(self._edited)
            field.returnPressed.connect(self.add)
        self._show_people()

    def _show_people(self) -> None:
        self.people.clear()
        for person in roster.all_active(self.store):
            role = "审核人员" if person.role == "supervisor" else "检查员"
            self.people.addItem(f"{person.name}　{person.certificate_no}　{role}")

    @Slot()
    def _edited(self) -> None:
        self.message.clear()  # a message about the old text no longer applies

    @Slot()
    def add(self) -> None:
        person = Inspector(
            self.name.text().strip(),
            self.certificate.text().strip(),
            self.unit.text().strip(),
            str(self.role.currentData()),
        )
        missing = [label for label, v in (("姓名", person.name), ("执法证号", person.certificate_no))
                   if not v]  # fmt: skip
        if missing:
            self.message.setText(f"请填写{'和'.join(missing)}。")
            return
        try:
            roster.add(self.store, person)
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self._show_people()
        self.name.clear()
        self.certificate.clear()
        self.message.setText(f"已添加：{person.name}。")
        self.name.setFocus()


class NoticeSettingsDialog(QDialog):
    """通知书设置: what every 责令整改通知书 prints (number format, authority, contact)."""

    FIELDS = (
        ("prefix", "机关代字", "例如 X民社整"),
        ("authority", "发文机关", "空则用检查对象的登记管理机关"),
        ("contact", "联系人", ""),
        ("phone", "联系电话", ""),
        ("address", "机关地址", ""),
        ("review_body", "行政复议机关", "通常为本级人民政府，例如 某市人民政府"),
    )

    def __init__(self, store: Store, actor: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.setWindowTitle("通知书设置")
        current = notices.load_settings(store)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, hint in self.FIELDS:
            edit = QLineEdit(str(getattr(current, name)), placeholderText=hint)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.remedies = QCheckBox("通知书载明申请行政复议、提起行政诉讼的途径和期限")
        self.remedies.setChecked(current.remedies)
        form.addRow("", self.remedies)
        self.missing = QLabel(objectName="muted", wordWrap=True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addWidget(buttons)
        for edit in self.fields.values():
            edit.textChanged.connect(self._show_missing)
        self.remedies.toggled.connect(self._show_missing)
        self._show_missing()

    def settings(self) -> notices.NoticeSettings:
        typed = {name: edit.text().strip() for name, edit in self.fields.items()}
        return dataclasses.replace(
            notices.load_settings(self.store),
            prefix=typed["prefix"],
            authority=typed["authority"],
            contact=typed["contact"],
            phone=typed["phone"],
            address=typed["address"],
            review_body=typed["review_body"],
            remedies=self.remedies.isChecked(),
        )

    @Slot()
    def _show_missing(self) -> None:
        missing = self.settings().missing()
        self.missing.setText(
            f"尚未填写：{'、'.join(missing)}（通知书上将缺少这些内容）" if missing else ""
        )

    def accept(self) -> None:
        notices.save_settings(self.store, self.settings(), actor=self.actor)
        super().accept()
