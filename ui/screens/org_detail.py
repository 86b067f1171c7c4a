"""One organization: its facts, credit status, earlier inspections and every finding."""

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from inspector import org_search, worklists
from inspector.model import CreditStatus, Organization
from inspector.store import Store
from ui.text import deadline_text, local_time

OVERDUE = "<b style='color:#c62828'>逾期</b> "
_CREDIT_CSS = {CreditStatus.ABNORMAL: "#b26a00", CreditStatus.SERIOUS: "#c62828"}


class OrgDetail(QWidget):
    start_requested = Signal(str)  # organization id
    open_inspection = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.org: Organization | None = None
        self.title = QLabel(objectName="screenTitle", wordWrap=True)
        self.body = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.body.setOpenExternalLinks(False)
        self.body.linkActivated.connect(self.open_inspection)
        self.start_button = QPushButton("开始检查…", objectName="primary")
        self.start_button.clicked.connect(self._start)
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addStretch()
        scroll = QScrollArea(widgetResizable=True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        layout.addWidget(self.start_button)
        self.show_org(None)

    def show_org(self, org_id: str | None) -> None:
        self.org = org_search.get(self.store, org_id) if org_id else None
        self.start_button.setEnabled(self.org is not None)
        if self.org is None:
            self.title.setText("检查对象")
            self.body.setText("在左侧列表中选择一个社会组织，查看详情和检查历史。")
            return
        self.title.setText(self.org.name)
        self.body.setText(self._facts(self.org) + self._history(self.org))

    def _facts(self, org: Organization) -> str:
        colour = _CREDIT_CSS.get(org.credit_status, "#2e7d32")
        rows = [
            ("统一社会信用代码", org.credit_code),
            ("类型", org.kind.label),
            ("法定代表人", org.legal_rep),
            ("住所", org.address),
            ("所在区", org.district),
            ("登记管理机关", org.registration_authority),
            ("业务主管单位", org.supervising_unit),
            ("成立日期", org.founded_on),
        ]
        cells = "".join(
            f"<tr><td nowrap style='color:#555;padding-right:12px'>{label}</td><td>{escape(value)}</td></tr>"
            for label, value in rows
            if value
        )
        credit = f"<p>信用状态：<b style='color:{colour}'>{org.credit_status.label}</b>"
        registered = "#c62828" if org.registration_status.is_gone else "#2e7d32"
        status = (
            f"　登记状态：<b style='color:{registered}'>{org.registration_status.label}</b></p>"
        )
        return credit + status + f"<table cellpadding='2'>{cells}</table>"

    def _history(self, org: Organization) -> str:
        visits = worklists.inspections_of(self.store, org.id)
        found = worklists.findings_of_organization(self.store, org.id)
        visit_rows = "".join(
            f"<li><a href='{v.id}'>{local_time(v.started_at)[:10]}　{escape(v.checklist_title)}</a>"
            f"　{v.status.label}</li>"
            for v in visits
        )
        finding_rows = "".join(
            f"<li>{OVERDUE if f.overdue() else ''}"
            f"{escape(f.description)}　[{f.status.label}]　整改期限 {deadline_text(f.deadline)}</li>"
            for f in found
        )
        return (
            f"<h3>检查记录（{len(visits)}）</h3>"
            + (f"<ul>{visit_rows}</ul>" if visits else "<p>尚无检查记录。</p>")
            + f"<h3>发现的问题（{len(found)}）</h3>"
            + (f"<ul>{finding_rows}</ul>" if found else "<p>尚无问题记录。</p>")
        )

    def _start(self) -> None:
        if self.org is not None:
            self.start_requested.emit(self.org.id)
