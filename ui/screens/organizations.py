"""检查对象: the register with search-as-you-type, filters and sorting, and a detail pane."""

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector import org_search
from inspector.model import CreditStatus, OrgKind
from inspector.store import Store
from ui.org_model import OrgTableModel
from ui.screens.org_detail import OrgDetail

SEARCH_PAUSE_MS = 150


class OrganizationsScreen(QWidget):
    start_requested = Signal(str)  # organization id
    open_inspection = Signal(str)
    import_requested = Signal(str)  # a register file chosen

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.model = OrgTableModel(store)
        self.search = QLineEdit(placeholderText="搜索名称、统一社会信用代码或拼音首字母（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem("全部类型", None)
        for kind in OrgKind:
            self.kind.addItem(kind.label, kind)
        self.credit = QComboBox()
        self.credit.addItem("全部信用状态", None)
        for status in CreditStatus:
            self.credit.addItem(status.label, status)
        self.district = QComboBox()
        self.district.addItem("全部区域", None)
        for name in org_search.districts(store):
            self.district.addItem(name, name)
        self.code_warning = QLabel(wordWrap=True)
        self.code_warning.setStyleSheet("color: #c62828;")
        self.code_warning.hide()
        self.count_label = QLabel(objectName="muted")
        self.import_button = QPushButton("导入名录…")
        self.last_import = QLabel(objectName="muted")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.detail = OrgDetail(store)
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._layout()
        self._connect()
        self._update_count()

    def _size_columns(self) -> None:
        """Fixed widths from the font (no per-row measuring: a reset stays cheap)."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        samples = ("51330000MJ0000000X", "社会服务机构", "余杭区区", "严重违法失信", "法定代表人")
        for column, sample in enumerate(samples, start=1):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        for combo in (self.kind, self.credit, self.district):
            filters.addWidget(combo)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        column.addWidget(self.code_warning)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([780, 460])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        head.addWidget(QLabel("检查对象", objectName="screenTitle"))
        head.addStretch()
        head.addWidget(self.last_import)
        head.addWidget(self.import_button)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.search.textChanged.connect(self.timer.start)
        self.timer.timeout.connect(self.apply_filters)
        for combo in (self.kind, self.credit, self.district):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.answered.connect(self._update_count)
        self.model.modelReset.connect(self._reselect)
        self.detail.start_requested.connect(self.start_requested)
        self.detail.open_inspection.connect(self.open_inspection)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        self.import_button.clicked.connect(self._choose_register)

    @Slot()
    def _choose_register(self) -> None:
        from ui.first_run_dialogs import RegisterPreviewDialog

        path = RegisterPreviewDialog.ask_file(self)
        if path:
            self.import_requested.emit(path)  # the window reads it and shows the preview

    @Slot()
    def apply_filters(self) -> None:
        """Re-query the register in SQL (in the background) with the text and filters."""
        self.timer.stop()
        warning = org_search.code_warning(self.search.text())
        self.code_warning.setText(warning or "")
        self.code_warning.setVisible(warning is not None)
        self.model.request(
            replace(
                self.model.filter,
                text=self.search.text().strip(),
                kind=self.kind.currentData(),
                credit_status=self.credit.currentData(),
                district=self.district.currentData(),
            )
        )

    @Slot()
    def _update_count(self) -> None:
        self.count_label.setText(f"共 {self.model.total:,} 个社会组织")

    @Slot()
    def _reselect(self) -> None:
        """After a new search, keep the organization shown selected if it is still listed."""
        shown = self.detail.org.id if self.detail.org else None
        rows = [r for r in range(self.model.rowCount()) if self.model.hit(r).id == shown]
        if rows:
            self.table.selectRow(rows[0])
        else:
            self.detail.show_org(None)

    @Slot(QModelIndex, QModelIndex)
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_org(self.model.hit(current.row()).id if current.isValid() else None)

    def refresh(self) -> None:
        """Re-read the register (after an import) and the selected organization."""
        self.apply_filters()
        self.detail.show_org(self.detail.org.id if self.detail.org else None)
