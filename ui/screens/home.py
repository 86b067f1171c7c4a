"""工作台: the start screen. Today's and upcoming tasks, inspections in progress, deadlines in
the next 7 days, overdue findings and the sync state, each row a way into the work.

Everything is re-read when the screen is shown (``refresh``). The finding lists page through
the rectification tracker's query (``TrackerModel``), so thousands of overdue findings cost
one page.
"""

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector import counts, worklists
from inspector.clock import today
from inspector.deadlines import days_left
from inspector.store import Store
from inspector.tracker import TrackerRow
from inspector.worklists import InspectionRow, TaskRow
from ui import style
from ui.first_run import FirstRunPage, needs_first_run
from ui.supervisor.tracker_model import TrackerModel
from ui.table_model import Column, RowsModel
from ui.text import deadline_text, document_date, local_time

SOON_DAYS = counts.SOON_DAYS
WEEKDAYS = "一二三四五六日"
ROW_HEIGHT = 40  # a pen's touch target
ACTION_WIDTH = 84
NARROW = 560  # a section narrower than this (a 1024 px window) shows names, not checklists
FINDING_COLUMNS = (0, 1, 3)  # of the tracker's: 检查对象, 问题, 整改期限
HOME_STYLE = f"""
QPushButton#tile {{ background: #f7f9fc; border: 1px solid #d8dde5; border-radius: 6px;
    text-align: left; padding: 0; min-height: 100px; }}
QPushButton#tile:hover {{ border-color: {style.ACCENT}; }}
QLabel#tileCount {{ font-size: 24pt; font-weight: bold; }}
QLabel#tileCaption {{ color: #333; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: bold; padding-top: 6px; }}
"""


def _due_colour(due: str) -> QColor | None:
    if not due:
        return None
    left = days_left(date.fromisoformat(due), today())
    return style.RED if left < 0 else style.AMBER if left <= SOON_DAYS else None


TASK_COLUMNS: list[Column[TaskRow]] = [
    Column("检查对象", lambda t: t.organization),
    Column("检查表", lambda t: t.checklist_title),
    Column("截止日期", lambda t: deadline_text(t.due_date), lambda t: _due_colour(t.due_date)),
    Column("", lambda t: "继续" if t.inspection_id else "开始"),
]
IN_PROGRESS_COLUMNS: list[Column[InspectionRow]] = [
    Column("检查对象", lambda i: i.organization),
    Column("状态", lambda i: i.status.label),
    Column("最后修改", lambda i: local_time(i.updated_at)),
    Column("", lambda _i: "继续"),
]


def _tasks_caption(tasks: list[TaskRow], day: date) -> str:
    """``待办检查任务 · 今天到期 2 项``, and the ones already overdue, if any."""
    due = [t.due_date for t in tasks if t.due_date]
    today_count = due.count(day.isoformat())
    late = sum(1 for d in due if d < day.isoformat())
    return f"待办检查任务 · 今天到期 {today_count} 项" + (f"，已逾期 {late} 项" if late else "")


class ButtonDelegate(QStyledItemDelegate):
    """Paints a cell's text as a push button: the row's action (开始 / 继续) looks clickable."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        button = QStyleOptionButton()
        button.rect = option.rect.adjusted(6, 4, -6, -4)
        button.text = str(index.data())
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        QApplication.style().drawControl(QStyle.ControlElement.CE_PushButton, button, painter)


def _tile(caption: str) -> tuple[QPushButton, QLabel, QLabel]:
    """A large count with its caption; the whole tile is a button."""
    tile = QPushButton(objectName="tile")
    count = QLabel("0", objectName="tileCount")
    words = QLabel(caption, objectName="tileCaption", wordWrap=True)  # two lines on 1024 px
    for label in (count, words):
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    column = QVBoxLayout(tile)
    column.setContentsMargins(14, 6, 14, 8)
    column.addWidget(count)
    column.addWidget(words)
    column.addStretch()
    return tile, count, words


class Section(QWidget):
    """A titled list that opens a row when it is clicked (or Enter is pressed)."""

    def __init__(
        self,
        model: QAbstractItemModel,
        empty: str,
        *,
        stretch: tuple[int, ...] = (0, 1),
        action_column: int = -1,
        narrow_hidden: tuple[int, ...] = (),
    ) -> None:
        super().__init__()
        self.narrow_hidden = narrow_hidden  # columns left out below NARROW px (names first)
        self.title = QLabel(objectName="sectionTitle")
        self.empty = QLabel(empty, objectName="muted", wordWrap=True)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setWordWrap(False)  # one line a row, elided: the row opens the whole
        self.table.setCursor(Qt.CursorShape.PointingHandCursor)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in stretch:  # names and titles share what the short columns leave
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        if action_column >= 0:
            self.table.setItemDelegateForColumn(action_column, ButtonDelegate(self.table))
            header.setSectionResizeMode(action_column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(action_column, ACTION_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addStretch()
        self.on_open: Callable[[QModelIndex], None] = lambda _index: None
        self.table.clicked.connect(self._open)
        self.table.activated.connect(self._open)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for column in self.narrow_hidden:
            self.table.setColumnHidden(column, event.size().width() < NARROW)

    def show_count(self, title: str, count: int) -> None:
        self.title.setText(f"{title}（{count}）")
        self.table.setVisible(count > 0)
        self.empty.setVisible(count == 0)

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        self.on_open(index)


class HomeScreen(QWidget):
    open_inspection = Signal(str)
    start_requested = Signal(str, str, str)  # organization id, task id, checklist id
    open_organization = Signal(str)
    screen_requested = Signal(str)  # a navigation key
    findings_requested = Signal(str)  # 整改跟踪 showing only "overdue" or "due_soon"
    import_requested = Signal(str)  # a register file (from the first-run page)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setStyleSheet(HOME_STYLE)
        self.tasks: RowsModel[TaskRow] = RowsModel(TASK_COLUMNS)
        self.in_progress: RowsModel[InspectionRow] = RowsModel(IN_PROGRESS_COLUMNS)
        self.due_soon = TrackerModel(store)
        self.overdue = TrackerModel(store)
        self.today = QLabel(objectName="muted")
        self.tiles: dict[str, tuple[QPushButton, QLabel, QLabel]] = {}
        self.task_list = Section(
            self.tasks, "暂无分派的检查任务。", action_column=3, narrow_hidden=(1,)
        )
        self.progress_list = Section(
            self.in_progress, "没有进行中的检查。", stretch=(0,), action_column=3
        )
        self.soon_list = Section(self.due_soon, f"近 {SOON_DAYS} 天内没有到期的整改问题。")
        self.overdue_list = Section(self.overdue, "没有已逾期的整改问题。")
        for section in (self.soon_list, self.overdue_list):
            for column in range(self.due_soon.columnCount()):
                section.table.setColumnHidden(column, column not in FINDING_COLUMNS)
        self.work = QWidget()
        self.first_run: FirstRunPage | None = None  # built for a new store only
        self.pages = QStackedWidget()
        self.pages.addWidget(self.work)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("工作台", objectName="screenTitle"))
        head.addStretch()
        head.addWidget(self.today)
        tiles = QHBoxLayout()
        captions = {
            "tasks": ("待办检查任务", "tasks"),
            "in_progress": ("进行中的检查", "tasks"),
            "due_soon": (f"{SOON_DAYS} 天内到期的整改", ""),
            "overdue": ("已逾期的整改", ""),
            "sync": ("待上传的记录", "sync"),
        }
        for key, (caption, screen) in captions.items():
            tile = _tile(caption)
            if screen:
                tile[0].clicked.connect(lambda _=False, s=screen: self.screen_requested.emit(s))
            else:  # the same findings the tile counts, not the whole list
                tile[0].clicked.connect(lambda _=False, k=key: self.findings_requested.emit(k))
            self.tiles[key] = tile
            tiles.addWidget(tile[0], 1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.task_list, 0, 0)
        grid.addWidget(self.progress_list, 0, 1)
        grid.addWidget(self.soon_list, 1, 0)
        grid.addWidget(self.overdue_list, 1, 1)
        layout = QVBoxLayout(self.work)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)

    def _connect(self) -> None:
        self.task_list.on_open = self._open_task
        self.progress_list.on_open = self._open_in_progress
        self.soon_list.on_open = lambda index: self._open_finding(self.due_soon.row_at(index))
        self.overdue_list.on_open = lambda index: self._open_finding(self.overdue.row_at(index))

    def refresh(self) -> None:
        """Re-read every list and count; a new store shows the first-run page instead."""
        if needs_first_run(self.store):
            self._show_first_run()
            return
        self.pages.setCurrentWidget(self.work)
        day = today()
        self.today.setText(f"{document_date(day.isoformat())} 星期{WEEKDAYS[day.weekday()]}")
        tasks = worklists.open_tasks(self.store)
        self.tasks.set_rows(tasks)
        self.in_progress.set_rows(worklists.in_progress(self.store))
        self.due_soon.load(counts.DUE_SOON)
        self.overdue.load(counts.OVERDUE)
        self.task_list.show_count("今天和近期的任务", len(tasks))
        self.progress_list.show_count("进行中的检查（草稿、已退回）", self.in_progress.rowCount())
        self.soon_list.show_count(f"{SOON_DAYS} 天内到期的整改问题", self.due_soon.total)
        self.overdue_list.show_count("已逾期的整改问题", self.overdue.total)
        self._set_tile("tasks", len(tasks), _tasks_caption(tasks, day))
        self._set_tile("in_progress", self.in_progress.rowCount())
        self._set_tile("due_soon", self.due_soon.total, colour=style.AMBER)
        self._set_tile("overdue", self.overdue.total, colour=style.RED)
        state = worklists.sync_state(self.store)
        last = f"上次同步 {local_time(state.last_sync)}" if state.last_sync else "尚未同步"
        self._set_tile("sync", state.waiting, f"待上传的记录 · {last}")

    def _show_first_run(self) -> None:
        if self.first_run is None:
            self.first_run = FirstRunPage(self.store)
            self.first_run.import_requested.connect(self.import_requested)
            self.first_run.screen_requested.connect(self.screen_requested)
            self.first_run.finished.connect(self.refresh)
            self.pages.addWidget(self.first_run)
        self.first_run.refresh()
        self.pages.setCurrentWidget(self.first_run)

    def _set_tile(
        self, key: str, count: int, caption: str | None = None, colour: QColor | None = None
    ) -> None:
        _tile_button, number, words = self.tiles[key]
        number.setText(f"{count:,}")
        tint = colour.name() if count and colour is not None else "#222"
        number.setStyleSheet(f"color: {tint};")
        if caption is not None:
            words.setText(caption)

    def _open_task(self, index: QModelIndex) -> None:
        task = self.tasks.row_at(index)
        if task.inspection_id:
            self.open_inspection.emit(task.inspection_id)
        else:
            self.start_requested.emit(task.organization_id, task.id, task.checklist_id)

    def _open_in_progress(self, index: QModelIndex) -> None:
        self.open_inspection.emit(self.in_progress.row_at(index).id)

    def _open_finding(self, row: TrackerRow) -> None:
        self.open_organization.emit(row.organization_id)

    def counts(self) -> dict[str, str]:
        """The tiles' numbers as shown (for tests and screenshots)."""
        return {key: count.text() for key, (_b, count, _w) in self.tiles.items()}
