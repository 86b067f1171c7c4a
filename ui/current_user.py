"""当前用户: who is working, picked from the active roster (name, certificate number, role)."""

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import current_user, roster
from inspector.model import Inspector
from inspector.store import Store
from ui.table_model import Column, RowsModel, row_table

COLUMNS: list[Column[Inspector]] = [
    Column("姓名", lambda p: p.name),
    Column("执法证号", lambda p: p.certificate_no),
    Column("角色", lambda p: current_user.role_label(p.role)),
    Column("单位", lambda p: p.unit),
]


class CurrentUserDialog(QDialog):
    """Choose the current user from the active roster; the choice is stored on 确定."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = ""  # set on 确定
        self.setWindowTitle("选择当前用户")
        self.setMinimumSize(640, 480)
        self.model: RowsModel[Inspector] = RowsModel(COLUMNS)
        self.model.set_rows(roster.all_active(store))
        self.table = row_table(self.model)
        self.table.verticalHeader().setDefaultSectionSize(40)  # a pen's touch target
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(90)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        intro = "请选择在本机工作的执法人员。检查记录、审核和整改操作都以此人的名义登记。"
        hint = QLabel(intro, wordWrap=True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(self._chosen)
        self.table.selectionModel().currentRowChanged.connect(self._update_ok)
        self._select_current()
        self._update_ok()

    def _select_current(self) -> None:
        now = current_user.person(self.store)
        rows = [n for n, p in enumerate(self.model.rows) if now is not None and p.id == now.id]
        if rows:
            self.table.selectRow(rows[0])

    @Slot()
    def _update_ok(self) -> None:
        self.ok.setEnabled(self.table.currentIndex().isValid())

    @Slot(QModelIndex)
    def _chosen(self, _index: QModelIndex) -> None:
        self.accept()

    def choose(self, certificate_no: str) -> None:
        """Select a person by certificate number (as a click would)."""
        rows = [n for n, p in enumerate(self.model.rows) if p.certificate_no == certificate_no]
        self.table.selectRow(rows[0])

    def selected(self) -> Inspector | None:
        index = self.table.currentIndex()
        return self.model.row_at(index) if index.isValid() else None

    def accept(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.actor = current_user.choose(self.store, chosen)
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store) -> str | None:
        """The actor chosen and stored, or None when cancelled; tests replace this."""
        dialog = cls(store, parent)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_once(store: Store) -> None:
    """On the first start with a roster, ask who is working; a refusal is not asked again
    (the status bar's 当前用户 button offers the choice at any time)."""
    if current_user.needs_choice(store) and CurrentUserDialog.ask(None, store) is None:
        current_user.stay_unnamed(store)


def user_text(store: Store) -> str:
    """``当前用户：张伟（浙33012300001，审核人员）``, or a prompt when nobody is chosen."""
    chosen = current_user.person(store)
    if chosen is None:
        return f"当前用户：{current_user.actor(store)}（未在执法人员名录中）"
    return f"当前用户：{chosen.name}（{chosen.certificate_no}，{current_user.role_label(chosen.role)}）"


class CurrentUserButton(QPushButton):
    """For the status bar: shows the current user; a click asks for another one."""

    changed = Signal(str)  # the new actor

    def __init__(self, store: Store) -> None:
        super().__init__(objectName="currentUser")
        self.store = store
        self.setFlat(True)
        self.setToolTip("更换在本机工作的执法人员")
        self.clicked.connect(self.pick)
        self.refresh()

    def refresh(self) -> None:
        self.setText(user_text(self.store) + "  更换…")

    @Slot()
    def pick(self) -> None:
        chosen = CurrentUserDialog.ask(self.window(), self.store)
        if chosen is not None:
            self.refresh()
            self.changed.emit(chosen)
