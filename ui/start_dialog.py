"""Start an inspection: checklist for the organization's kind, two or more inspectors, time,
place and the representative present. Fewer than two inspectors is refused in words."""

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklists.library import latest_for_kind
from inspector import inspections, roster
from inspector.clock import OFFICE_TZ
from inspector.errors import UserError
from inspector.model import NewInspection, Organization
from inspector.store import Store


def office_now() -> datetime:
    """Now on the office's wall clock, to the minute, as the naive time the field shows."""
    return datetime.now(OFFICE_TZ).replace(tzinfo=None, second=0, microsecond=0)


class StartInspectionDialog(QDialog):
    def __init__(
        self,
        store: Store,
        org: Organization,
        *,
        actor: str,
        task_id: str | None = None,
        checklist_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.org, self.actor, self.task_id = store, org, actor, task_id
        self.inspection_id: str | None = None
        self.setWindowTitle("开始检查")
        self.setMinimumWidth(560)
        self.checklists = latest_for_kind(store, org.kind)
        self.checklist = QComboBox()
        for checklist in self.checklists:
            self.checklist.addItem(f"{checklist.title}（第{checklist.version}版）", checklist.id)
        if checklist_id is not None:
            self.checklist.setCurrentIndex(max(self.checklist.findData(checklist_id), 0))
        self.drawn = inspections.team_of_task(store, task_id)
        self.people = QListWidget()
        for person in roster.all_active(store):
            entry = QListWidgetItem(f"{person.name}　执法证号 {person.certificate_no}")
            entry.setData(Qt.ItemDataRole.UserRole, person.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            drawn = person.id in self.drawn
            entry.setCheckState(Qt.CheckState.Checked if drawn else Qt.CheckState.Unchecked)
            self.people.addItem(entry)
        self.people.setMinimumHeight(140)
        self.team_reason = QLineEdit(placeholderText="如：张伟与该单位负责人系亲属，申请回避")
        self.team_reason_label = QLabel("更换检查人员的理由")
        self.people.itemChanged.connect(self._team_changed)
        # The office's wall clock (北京时间 by default), not the machine's: the record prints it.
        self.when = QDateTimeEdit(QDateTime(office_now()), calendarPopup=True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.gone_reason = QLineEdit(placeholderText="如：注销前核查清算情况")
        self.place = QLineEdit(org.address)
        self.representative = QLineEdit(placeholderText="被检查单位在场负责人")
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("color: #c62828;")
        self._layout()
        # A message about what was wrong goes once the user changes it.
        self.people.itemChanged.connect(self.problem.clear)
        self.checklist.currentIndexChanged.connect(self.problem.clear)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("检查对象", QLabel(f"{self.org.name}（{self.org.kind.label}）"))
        form.addRow("检查表", self.checklist)
        form.addRow("检查人员（至少两名）", self.people)
        if self.drawn:
            form.addRow(
                QLabel("已按抽查任务勾选抽取的检查组；更换人员须说明理由。", objectName="muted")
            )
        form.addRow(self.team_reason_label, self.team_reason)
        if self.org.registration_status.is_gone:  # the core refuses a new one without a reason
            form.addRow(f"检查理由（该组织{self.org.registration_status.label}）", self.gone_reason)
        form.addRow("检查时间", self.when)
        form.addRow("检查地点", self.place)
        form.addRow("被检查单位在场人员", self.representative)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始检查")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.checklists:
            self.problem.setText(f"没有适用于{self.org.kind.label}的检查表，请先导入检查表")
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._team_changed()

    @Slot()
    def _team_changed(self) -> None:
        changed = bool(self.drawn) and set(self.chosen_inspectors()) != set(self.drawn)
        self.team_reason.setVisible(changed)
        self.team_reason_label.setVisible(changed)

    @classmethod
    def ask(
        cls, parent: QWidget | None, store: Store, org: Organization, **kwargs: object
    ) -> str | None:
        """The new inspection's id, or None when cancelled. Tests replace this."""
        dialog = cls(store, org, parent=parent, **kwargs)  # type: ignore[arg-type]
        return dialog.inspection_id if dialog.exec() == QDialog.DialogCode.Accepted else None

    def chosen_inspectors(self) -> list[str]:
        return [
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.count())
            if self.people.item(row).checkState() == Qt.CheckState.Checked
        ]

    def check(self, roster_id: str) -> None:
        """Tick an inspector (what a click on the box does)."""
        for row in range(self.people.count()):
            entry = self.people.item(row)
            if entry.data(Qt.ItemDataRole.UserRole) == roster_id:
                entry.setCheckState(Qt.CheckState.Checked)

    @Slot()
    def start(self) -> None:
        index = self.checklist.currentIndex()
        if index < 0:
            self.problem.setText(f"没有适用于{self.org.kind.label}的检查表，请先导入检查表")
            return
        chosen = self.checklists[index]
        when: datetime = self.when.dateTime().toPython()  # type: ignore[assignment]  # stubs say object
        started = when.replace(tzinfo=OFFICE_TZ).astimezone(UTC)
        new = NewInspection(
            organization_id=self.org.id,
            checklist_id=chosen.id,
            checklist_version=chosen.version,
            inspector_ids=self.chosen_inspectors(),
            started_at=started.isoformat(timespec="milliseconds"),
            place=self.place.text().strip(),
            representative=self.representative.text().strip(),
            task_id=self.task_id,
            team_change_reason=self.team_reason.text().strip(),
            gone_reason=self.gone_reason.text().strip(),
        )
        try:
            self.inspection_id = inspections.start(self.store, new, actor=self.actor)
        except UserError as exc:
            self.problem.setText(exc.message)
            return
        self.accept()
