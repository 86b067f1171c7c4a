"""抽查计划: define the population, the sample and the seed; draw; see the targets with their
inspector pairs; save (creating the tasks); verify a saved draw; publish the list 一公开."""

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector import campaign_records, campaigns, checklist_store, conflicts, exports, org_search
from inspector.campaigns import Criteria, Draw, SampleRule, Target
from inspector.clock import today
from inspector.jobs import Job
from inspector.model import CreditStatus, OrgKind
from inspector.store import Store
from reports.campaign_list import write_campaign_pdf
from ui.messages import show_error
from ui.supervisor.conflict_dialog import ConflictDialog
from ui.supervisor.widgets import combo, one, qdate
from ui.table_model import Column, RowsModel
from ui.task_runner import TaskRunner

SPOT_CHECK = "spot-check-general"  # the built-in checklist for 双随机 checks
RULES = (
    ("县级机关默认比例 3%", "county"),
    ("市级机关默认比例 4%", "city"),
    ("省级机关默认比例 5%", "province"),
    ("按比例", "ratio"),
    ("按数量", "size"),
)
COLUMNS: list[Column[Target]] = [
    Column("序号", lambda t: str(t.position)),
    Column("检查对象", lambda t: t.organization.name),
    Column("统一社会信用代码", lambda t: t.organization.credit_code),
    Column("所在区县", lambda t: t.organization.district),
    Column(
        "执法检查人员", lambda t: "、".join(f"{p.name}（{p.certificate_no}）" for p in t.inspectors)
    ),
]


def ask_publish_path(parent: QWidget, name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "导出公示名单", f"{name}.pdf", "PDF (*.pdf);;Excel 工作簿 (*.xlsx);;CSV (*.csv)"
    )
    return Path(path) if path else None


class CampaignScreen(QWidget):
    ask_publish_path = staticmethod(ask_publish_path)  # replaceable in tests

    def __init__(self, store: Store, actor: str, runner: TaskRunner) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.runner = runner  # the main window's: the published list is written there
        self.draw_result: Draw | None = None
        self.kind = combo([("全部类型", None)] + [(k.label, k.value) for k in OrgKind])
        self.district = combo([("全部区县", None)])
        self.credit = combo([("全部信用状态", None)] + [(c.label, c.value) for c in CreditStatus])
        self.authority = combo([("全部登记管理机关", None)])
        self.months = QSpinBox(
            minimum=0, maximum=60, suffix=" 个月内未检查", specialValueText="不限"
        )
        self.rule = combo(list(RULES))
        self.ratio = QDoubleSpinBox(minimum=0.1, maximum=100, value=5, suffix=" %", decimals=1)
        self.sample_count = QSpinBox(minimum=1, maximum=100_000, value=10, suffix=" 个")
        self.team = QSpinBox(minimum=2, maximum=5, value=2, suffix=" 人一组")
        self.seed = QLineEdit(datetime.now().strftime("%Y%m%d%H%M"))
        self.draw_button = QPushButton("抽取", objectName="primary")
        self.model: RowsModel[Target] = RowsModel(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(objectName="muted", wordWrap=True)
        self.name = QLineEdit(f"{today().year}年双随机抽查")
        self.checklist = combo([])
        self.checklist.setMinimumWidth(200)
        self.checklist.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.checklist.setMinimumContentsLength(14)  # long titles elide, not push the row
        self.due = QDateEdit(qdate(today() + timedelta(days=60)), calendarPopup=True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.save_button = QPushButton("保存并生成检查任务")
        self.saved = combo([])
        self.verify_button = QPushButton("核验")
        self.publish_button = QPushButton("导出公示名单…")
        self.conflict_button = QPushButton("登记回避…")
        self._layout()
        self._connect()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("类型", self.kind)
        form.addRow("所在区县", self.district)
        form.addRow("信用状态", self.credit)
        form.addRow("登记管理机关", self.authority)
        form.addRow("近期检查", self.months)
        form.addRow("抽查数量", self.rule)
        form.addRow("抽查比例", self.ratio)
        form.addRow("抽查个数", self.sample_count)
        form.addRow("执法人员", self.team)
        form.addRow("随机种子", self.seed)
        form.addRow("", self.draw_button)
        form.addRow("", self.conflict_button)
        left = QWidget()
        left.setLayout(form)
        left.setFixedWidth(340)
        # Two rows under the table, so that nothing overlaps in a 1024 px window.
        save = QGridLayout()
        save.addWidget(QLabel("计划名称"), 0, 0)
        save.addWidget(self.name, 0, 1)
        save.addWidget(QLabel("完成期限"), 0, 2)
        save.addWidget(self.due, 0, 3)
        save.addWidget(QLabel("检查表"), 1, 0)
        save.addWidget(self.checklist, 1, 1)
        save.addWidget(self.save_button, 1, 2, 1, 2)
        save.setColumnStretch(1, 1)
        saved = QHBoxLayout()
        saved.addWidget(QLabel("已保存的计划"))
        saved.addWidget(self.saved, 1)
        saved.addWidget(self.verify_button)
        saved.addWidget(self.publish_button)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.table, 1)
        right.addLayout(save)
        right.addLayout(saved)
        body = QHBoxLayout()
        body.addWidget(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(QLabel("抽查计划（双随机）", objectName="screenTitle"))
        layout.addLayout(body, 1)

    def _connect(self) -> None:
        self.rule.currentIndexChanged.connect(self._rule_changed)
        self.draw_button.clicked.connect(self.draw)
        self.save_button.clicked.connect(self.save)
        self.verify_button.clicked.connect(self.verify)
        self.publish_button.clicked.connect(self.publish)
        self.conflict_button.clicked.connect(self.record_conflict)
        self._rule_changed(0)

    def refresh(self) -> None:
        if self.district.count() == 1:
            for name in org_search.districts(self.store):
                self.district.addItem(name, name)
            for name in org_search.registration_authorities(self.store):
                self.authority.addItem(name, name)
            for checklist_id, title in checklist_store.titles(self.store):
                self.checklist.addItem(title, checklist_id)
            spot_check = self.checklist.findData(SPOT_CHECK)
            self.checklist.setCurrentIndex(max(0, spot_check))
        self._load_saved()
        self._enable()

    def criteria(self) -> Criteria:
        return Criteria(
            kinds=one(self.kind.currentData()),
            districts=one(self.district.currentData()),
            credit_statuses=one(self.credit.currentData()),
            authorities=one(self.authority.currentData()),
            not_inspected_months=self.months.value() or None,
        )

    def sample_rule(self) -> SampleRule:
        rule = self.rule.currentData()
        if rule == "ratio":
            return SampleRule(ratio=round(self.ratio.value() / 100, 4))
        if rule == "size":
            return SampleRule(size=self.sample_count.value())
        return SampleRule(level=rule)

    @Slot()
    def draw(self) -> None:
        try:
            self.draw_result = campaigns.draw(
                self.store,
                self.criteria(),
                self.sample_rule(),
                seed=self.seed.text().strip(),
                team_size=self.team.value(),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        result = self.draw_result
        self.model.set_rows(result.targets)
        self.summary.setText(
            f"从 {result.population_size} 个符合条件的检查对象中随机抽取 {len(result.targets)} 个，"
            f"每个检查对象随机选派 {result.team_size} 名执法人员（已执行回避）。"
            f"随机种子 {result.seed}，名单指纹 {result.population_hash[:12]}。尚未保存。"
        )
        self._enable()

    @Slot()
    def save(self) -> None:
        if self.draw_result is None:
            return
        try:
            campaign_id = campaigns.create(
                self.store,
                self.draw_result,
                name=self.name.text(),
                checklist_id=self.checklist.currentData() or "",
                due_date=self.due.date().toString("yyyy-MM-dd"),
                actor=self.actor,
            )
        except Exception as exc:
            show_error(self, exc)
            return
        count = len(self.draw_result.targets)
        self.draw_result = None
        self._load_saved(select=campaign_id)
        self.summary.setText(f"已保存“{self.name.text()}”，已生成 {count} 个检查任务。")
        self._enable()

    @Slot()
    def verify(self) -> None:
        campaign_id = self.saved.currentData()
        if not campaign_id:
            return
        verdict = campaign_records.verify(self.store, campaign_id)
        self.summary.setText(
            "核验通过：按记录的种子和参数重新抽取，检查对象和执法人员与记录一致。"
            if verdict.holds
            else "核验不通过：" + "；".join(verdict.differences)
        )

    @Slot()
    def publish(self) -> None:
        campaign_id = self.saved.currentData()
        if not campaign_id:
            return
        target = self.ask_publish_path(self, self.saved.currentText())
        if target is None:
            return

        def work(store: Store, job: Job) -> None:
            if target.suffix.lower() == ".pdf":
                write_campaign_pdf(store, campaign_id, target)
            else:
                exports.write(exports.campaign_sheet(store, campaign_id), target, job)

        def done(_nothing: None) -> None:
            self.summary.setText(f"公示名单已导出：{target}")

        if not self.runner.run("正在导出公示名单", work, done):
            self.summary.setText(self.runner.busy_message())

    @Slot()
    def record_conflict(self) -> None:
        """Mark an inspector as conflicted with an organization; later draws leave them apart."""
        entry = ConflictDialog.ask(self, self.store)
        if entry is None:
            return
        try:
            conflicts.add(
                self.store, entry.roster_id, entry.organization_id, reason=entry.reason,
                actor=self.actor,
            )  # fmt: skip
        except Exception as exc:
            show_error(self, exc)
            return
        self.summary.setText("已登记回避，之后的抽取不会派该人员检查该对象。")

    def _load_saved(self, select: str | None = None) -> None:
        self.saved.clear()
        for campaign in campaign_records.all_campaigns(self.store):
            self.saved.addItem(f"{campaign.name}（种子 {campaign.seed}）", campaign.id)
        if select:
            self.saved.setCurrentIndex(self.saved.findData(select))

    def _enable(self) -> None:
        self.save_button.setEnabled(self.draw_result is not None)
        has_saved = self.saved.count() > 0
        self.verify_button.setEnabled(has_saved)
        self.publish_button.setEnabled(has_saved)

    @Slot(int)
    def _rule_changed(self, _index: int) -> None:
        rule = self.rule.currentData()
        self.ratio.setEnabled(rule == "ratio")
        self.sample_count.setEnabled(rule == "size")
