"""The whole register as a lazy table: pages fetched from SQL as the view scrolls.

Filtering and sorting are done by ``inspector.org_search`` in SQL, never over a Python list;
only the rows the user has scrolled to are held in memory. A new search (``request``) runs
on a worker thread with its own read connection, so typing never waits for the database;
an answer to anything but the latest request is dropped.
"""

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)

from inspector import jobs, org_search
from inspector.model import CreditStatus, OrgKind
from inspector.org_search import OrgHit
from inspector.store import Store, reader
from ui import style

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE = 200

# (header, sort key in org_search, text of a hit)
COLUMNS: list[tuple[str, str, Any]] = [
    ("名称", "name", lambda h: h.name),
    ("统一社会信用代码", "credit_code", lambda h: h.credit_code),
    ("类型", "kind", lambda h: h.kind.label),
    ("所在区", "district", lambda h: h.district),
    ("信用状态", "credit_status", lambda h: h.credit_status.label),
    ("登记状态", "registration_status", lambda h: h.registration_status.label),
    ("法定代表人", "legal_rep", lambda h: h.legal_rep),
]
_CREDIT_COLOURS = {CreditStatus.ABNORMAL: style.AMBER, CreditStatus.SERIOUS: style.RED}


@dataclass(frozen=True)
class OrgFilter:
    text: str = ""
    kind: OrgKind | None = None
    credit_status: CreditStatus | None = None
    district: str | None = None
    order_by: str = "name"
    descending: bool = False


class _Answers(QObject):
    """Carries only the generation across threads; the rows wait in ``results``.

    (Python objects in queued signal arguments upset PySide's reference counts under load.)
    """

    ready = Signal(int)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.lock = threading.Lock()
        self.results: dict[int, tuple[OrgFilter, int, list[OrgHit]]] = {}

    def put(self, generation: int, result: tuple["OrgFilter", int, list[OrgHit]]) -> None:
        with self.lock:
            self.results[generation] = result
        self.ready.emit(generation)

    def take(self, generation: int) -> tuple["OrgFilter", int, list[OrgHit]] | None:
        with self.lock:
            return self.results.pop(generation, None)


class _Search(QRunnable):
    """Count and first page for one filter, on a read connection of its own.

    Not a job of the app's task runner: it writes nothing, and typing must not wait behind
    a long write there (an import). It keeps the job contract, though: it is the
    ``inspector.jobs.Job`` of its own run, cancelled once a newer request was made.
    """

    def __init__(self, model: "OrgTableModel", generation: int, wanted: OrgFilter) -> None:
        super().__init__()
        self.model = model
        self.path = model.store.path
        self.answers = model.answers
        self.generation = generation
        self.wanted = wanted

    def report(self, step: jobs.Step) -> None:
        pass  # a search is quick: nobody shows its progress

    def cancelled(self) -> bool:
        return self.generation != self.model.generation  # typed over (an int: thread-safe)

    def wait(self, seconds: float) -> bool:
        time.sleep(seconds)
        return self.cancelled()

    def run(self) -> None:
        if self.cancelled():
            return  # skip a stale search
        with reader(self.path) as store:
            total = org_search.count(store, **_where(self.wanted))
            if self.cancelled():
                return
            hits = _page(store, self.wanted, 0)
        self.answers.put(self.generation, (self.wanted, total, hits))


class OrgTableModel(QAbstractTableModel):
    answered = Signal()  # a requested search has been applied

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        # Created before the answers object, so destroyed (waiting for a running search)
        # before it: a search never reports to a deleted object.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.answers = _Answers(self)
        self.answers.ready.connect(self._answered)
        self.generation = 0
        self.filter = OrgFilter()
        self.hits: list[OrgHit] = []
        self.total = 0
        self.apply(self.filter)

    def apply(self, new_filter: OrgFilter) -> None:
        """Re-query at once with new filters/sort: the count and the first page."""
        self.generation += 1
        self._show(new_filter, org_search.count(self.store, **_where(new_filter)), None)

    def request(self, new_filter: OrgFilter) -> None:
        """Re-query in the background; ``answered`` is emitted when the rows are shown."""
        self.generation += 1
        self.pool.start(_Search(self, self.generation, new_filter))

    @Slot(int)
    def _answered(self, generation: int) -> None:
        result = self.answers.take(generation)
        if result is not None and generation == self.generation:
            self._show(*result)
            self.answered.emit()

    def _show(self, new_filter: OrgFilter, total: int, hits: list[OrgHit] | None) -> None:
        self.beginResetModel()
        self.filter = new_filter
        self.total = total
        self.hits = hits if hits is not None else _page(self.store, new_filter, 0)
        self.endResetModel()

    def hit(self, row: int) -> OrgHit:
        return self.hits[row]

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.hits) < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = _page(self.store, self.filter, len(self.hits))
        if not more:
            self.total = len(self.hits)  # the register changed underneath; stop here
            return
        self.beginInsertRows(QModelIndex(), len(self.hits), len(self.hits) + len(more) - 1)
        self.hits.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        self.apply(replace(self.filter, order_by=COLUMNS[column][1], descending=descending))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return COLUMNS[index.column()][2](hit)  # the tooltip: all of an elided cell
        if role == Qt.ItemDataRole.ForegroundRole:
            return _colour(COLUMNS[index.column()][1], hit)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None


def _colour(column: str, hit: OrgHit) -> Any:
    if column == "credit_status":
        return _CREDIT_COLOURS.get(hit.credit_status)
    if column == "registration_status" and hit.registration_status.is_gone:
        return style.RED  # 已注销 / 已撤销: never drawn, a new inspection needs a reason
    return None


def _where(f: OrgFilter) -> dict[str, Any]:
    return {
        "text": f.text,
        "kind": f.kind,
        "credit_status": f.credit_status,
        "district": f.district,
    }


def _page(store: Store, f: OrgFilter, offset: int) -> list[OrgHit]:
    return org_search.query_page(
        store, **_where(f), order_by=f.order_by, descending=f.descending, offset=offset, limit=PAGE
    )
