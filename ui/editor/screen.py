"""The inspection editor: the way through the checklist at the side, the item in front.

Layout follows ODK Collect / SafetyCulture: a section/item tree with states, the item card,
a findings tab one click away, progress and a quiet 已保存 at the top, 完成检查 top right.
"""

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.answer_values import NOT_COMPLIANT
from inspector.errors import UserError
from inspector.finding_templates import draft_for_item, draft_of
from inspector.model import InspectionStatus
from inspector.store import Store
from ui.editor.answer_widgets import CHOICE_KEYS
from ui.editor.completion_dialog import CompletionDialog
from ui.editor.finding_dialog import FindingDialog
from ui.editor.findings_panel import FindingsPanel
from ui.editor.item_pane import ItemPane
from ui.editor.item_tree import ITEM_ID_ROLE, ItemTreeModel
from ui.editor.onsite_dialog import OnsiteRecordDialog
from ui.editor.safe_view import SafeViewBanner
from ui.editor.session import InspectionSession
from ui.messages import ask_reason, show_error
from ui.text import local_time


class InspectionEditor(QWidget):
    completed = Signal(str)  # inspection id
    discarded = Signal(str)  # inspection id: the draft was thrown away, close the editor

    def __init__(self, store: Store, inspection_id: str, *, actor: str) -> None:
        super().__init__()
        self.session = InspectionSession(store, inspection_id, actor=actor)
        self.current_id: str | None = None
        self._restoring = False
        self.model = ItemTreeModel(self.session)
        self.tree = QTreeView()
        # Uniform rows take the first row's height: polished first, so the style sheet's 32 px
        # applies also when the editor opens in a window already shown (it was 17 px).
        self.tree.ensurePolished()
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(False)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.tree.header().resizeSection(
            1, self.tree.fontMetrics().horizontalAdvance("不适用 · 附件") + 16
        )
        self.tree.setUniformRowHeights(True)
        self.pane = ItemPane(self.session)
        self.findings = FindingsPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pane, "检查项")
        self.tabs.addTab(self.findings, "问题清单")
        self._build_header()
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 780])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 4)
        layout.addLayout(self.header_row)
        layout.addWidget(self.safe_view)
        layout.addWidget(splitter, 1)
        self._connect()
        self.refresh(reload_tree=False)  # the model has just read everything
        first = self.session.last_position() or self.session.next_unanswered(None)
        self.go_to(first or self.session.visible_items()[0].id)

    def _build_header(self) -> None:
        header = self.session.header
        self.title = QLabel(f"{header.organization}", objectName="screenTitle")
        self.subtitle = QLabel(
            f"{header.checklist_title} · {local_time(header.started_at)} · {header.place}",
            objectName="muted",
            wordWrap=True,  # at 1024 px beside the buttons it was cut off
        )
        self.status_label = QLabel()
        self.progress_label = QLabel()
        self.saved_label = QLabel(objectName="saved")
        self.findings_button = QPushButton("问题清单")
        self.amend_button = QPushButton("更正…")
        self.take_over_button = QPushButton("接手检查…")
        self.complete_button = QPushButton("完成检查", objectName="primary")
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        row = QHBoxLayout()
        row.addLayout(titles, 1)
        for widget in (self.status_label, self.progress_label, self.saved_label):
            row.addWidget(widget)
            row.addSpacing(12)
        buttons = (self.findings_button, self.amend_button, self.take_over_button)
        for button in (*buttons, self.complete_button):
            row.addWidget(button)
        self.header_row = row
        self.safe_view = SafeViewBanner(self.session)

    def _connect(self) -> None:
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.pane.answered.connect(self._answered)
        self.pane.previous_requested.connect(self.go_previous)
        self.pane.next_requested.connect(self.go_next)
        self.pane.next_unanswered_requested.connect(self.go_next_unanswered)
        self.pane.evidence.files_dropped.connect(self._add_evidence)
        self.pane.evidence.remove_requested.connect(self._remove_evidence)
        self.findings.add_requested.connect(self.add_free_finding)
        self.findings.edit_requested.connect(self.edit_finding)
        self.findings_button.clicked.connect(lambda: self.tabs.setCurrentWidget(self.findings))
        self.complete_button.clicked.connect(self.complete)
        self.amend_button.clicked.connect(self.amend)
        self.take_over_button.clicked.connect(self.take_over)
        self.safe_view.repair_button.clicked.connect(self.repair)
        self.safe_view.discard_button.clicked.connect(self.discard)
        self.session.changed.connect(self._changed)
        self.session.saved.connect(lambda hhmm: self.saved_label.setText(f"已保存 {hhmm}"))
        for position in range(CHOICE_KEYS):  # 1 to 9: the answer buttons' numbers
            QShortcut(QKeySequence(str(position + 1)), self, lambda p=position: self.pane.choose(p))
        shortcuts = (
            ("PgDown", self.go_next),
            ("Return", self.go_next),
            ("Ctrl+Return", self.go_next),
            ("PgUp", self.go_previous),
            ("Ctrl+J", self.go_next_unanswered),
        )
        for key, slot in shortcuts:
            QShortcut(QKeySequence(key), self, slot)

    # --- navigation ----------------------------------------------------------------------

    def go_to(self, item_id: str) -> None:
        self.tabs.setCurrentWidget(self.pane)
        index = self.model.index_of(item_id)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    @Slot()
    def go_next(self) -> None:
        self._step(+1)

    @Slot()
    def go_previous(self) -> None:
        self._step(-1)

    @Slot()
    def go_next_unanswered(self) -> None:
        self.pane.flush()
        target = self.session.next_unanswered(self.current_id)
        if target is not None:
            self.go_to(target)

    def _step(self, delta: int) -> None:
        self.pane.flush()
        ids = [item.id for item in self.session.visible_items()]
        position = ids.index(self.current_id) if self.current_id in ids else -1
        target = position + delta
        if 0 <= target < len(ids):
            self.go_to(ids[target])

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        item_id = current.siblingAtColumn(0).data(ITEM_ID_ROLE)
        if item_id is None or item_id == self.current_id:
            return
        self.current_id = item_id
        section_row = current.parent().row()
        section_title = self.model.sections[section_row][0].title
        self.pane.show_item(
            self.session.item(item_id), section_title, f"{section_row + 1}.{current.row() + 1}"
        )
        self.session.remember_position(item_id)

    # --- changes -------------------------------------------------------------------------

    @Slot(str, object)
    def _answered(self, item_id: str, value: Any) -> None:
        """Store the answer against the item its widget was made for (not the current one)."""
        try:
            if value == NOT_COMPLIANT and self.session.finding_for_item(item_id) is None:
                self._not_compliant(item_id)
            else:
                self.session.set_answer(item_id, value)
        except UserError as exc:
            show_error(self, exc)
            self.pane.refresh_answer()

    def _not_compliant(self, item_id: str) -> None:
        """不符合 is saved only with its finding; 取消 leaves the earlier answer as it was."""
        item = self.session.item(item_id)
        draft = draft_for_item(
            item, self.session.inspection_date, org_kind=self.session.header.org_kind
        )
        edited = FindingDialog.ask(self, draft, self.session.inspection_date)
        if edited is None:
            self.pane.refresh_answer()
            return
        self.session.answer_not_compliant(item_id, edited)

    @Slot()
    def add_free_finding(self) -> None:
        draft = draft_for_item(None, self.session.inspection_date)
        edited = FindingDialog.ask(self, draft, self.session.inspection_date)
        if edited is not None:
            self._guarded(self.session.add_finding, edited)

    @Slot(str)
    def edit_finding(self, finding_id: str) -> None:
        draft = draft_of(self.session.store, finding_id)
        edited = FindingDialog.ask(self, draft, self.session.inspection_date)
        if edited is not None:
            changes = {
                "description": edited.description,
                "legal_basis": edited.legal_basis,
                "severity": edited.severity.value,
                "requirement": edited.requirement,
                "rectification_days": edited.rectification_days,
                "deadline": edited.deadline,
            }
            self._guarded(self.session.update_finding, finding_id, changes)

    @Slot(list)
    def _add_evidence(self, paths: list[str]) -> None:
        for path in paths:
            if not self._guarded(self.session.add_evidence, path, self.current_id):
                break

    @Slot(str)
    def _remove_evidence(self, attachment_id: str) -> None:
        reason = ask_reason(self, "删除证据材料", "请说明删除的理由（将记入执法全过程记录）：")
        if reason:
            self._guarded(self.session.remove_evidence, attachment_id, reason, self.current_id)

    def _guarded(self, action: Any, *args: Any) -> bool:
        try:
            action(*args)
        except Exception as exc:
            show_error(self, exc)
            return False
        return True

    @Slot(str)
    def _changed(self, _item_id: str) -> None:
        self.refresh()

    def refresh(self, *, reload_tree: bool = True) -> None:
        """Redraw the tree (visibility may have changed), progress, findings and status."""
        self._restoring = True
        if reload_tree:
            self.model.reload()
        self.tree.expandAll()
        if self.current_id is not None:
            index = self.model.index_of(self.current_id)
            if index.isValid():
                self.tree.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self._restoring = False
        done, total = self.session.progress()
        self.progress_label.setText(f"{done} / {total} 已检查")
        rows = self.session.findings()
        self.findings.show_findings(rows, editable=self.session.editable)
        self.tabs.setTabText(1, f"问题清单（{len(rows)}）")
        editable = self.session.editable
        self.status_label.setText(self._status_text())
        self.complete_button.setVisible(
            self.session.status in (InspectionStatus.DRAFT, InspectionStatus.RETURNED)
            and not self.session.unreadable
        )
        self.amend_button.setVisible(not editable and not self.session.unreadable)
        self.take_over_button.setVisible(self.session.may_take_over)
        self.safe_view.refresh()
        self.pane.refresh()

    def _status_text(self) -> str:
        status = self.session.status
        if self.session.unreadable:
            return f"{status.label} · 只读（待修复）"
        if self.session.amendment_reason:
            return f"{status.label} · 更正中"
        if status is InspectionStatus.RETURNED:
            return f"已退回：{self.session.header.return_reason}"
        return "" if self.session.editable else f"{status.label} · 只读"

    # --- completion and amendment --------------------------------------------------------

    @Slot()
    def complete(self) -> None:
        self.pane.flush()
        if not self.session.on_team:
            show_error(
                self,
                UserError(
                    "您不是这份检查的检查组成员，不能完成检查；"
                    "审核人员可点“接手检查”并说明理由（记入执法全过程记录）"
                ),
            )
            return
        problems = self.session.problems()
        if problems:
            target = CompletionDialog.ask(self, problems)
            if target is not None:
                self.go_to(target)
            return
        if OnsiteRecordDialog.ask(self, self.session):
            self.refresh()
            self.completed.emit(self.session.inspection_id)
        else:
            self.saved_label.setText("现场检查记录待确认：再点“完成检查”即可签名")

    @Slot()
    def take_over(self) -> None:
        reason = ask_reason(
            self, "接手检查", "本检查由其他检查组进行。请说明接手的理由（将记入执法全过程记录）："
        )
        if reason and self._guarded(self.session.take_over, reason):
            self.refresh()

    @Slot()
    def amend(self) -> None:
        reason = ask_reason(
            self, "更正检查记录", "检查记录已完成。请填写更正理由（将记入执法全过程记录）："
        )
        if reason:
            self.session.amendment_reason = reason
            self.refresh()

    @Slot()
    def repair(self) -> None:
        if self._guarded(self.session.repair):
            self.refresh()
            self.pane.refresh_answer()

    @Slot()
    def discard(self) -> None:
        reason = ask_reason(self, "放弃草稿", "请说明放弃这份草稿的理由（将记入执法全过程记录）：")
        if reason and self._guarded(self.session.discard, reason):
            self.discarded.emit(self.session.inspection_id)

    def flush(self) -> None:
        """Save pending typing (called when the window closes or the screen changes)."""
        self.pane.flush()
