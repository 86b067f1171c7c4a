"""The whole register as a lazy table: pages fetched from SQL as the view scrolls.

Filtering and sorting are done by ``inspector.org_search`` in SQL, never over a Python list;
only the rows the user has scrolled to are held in memory.
"""

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector import org_search
from inspector.model import CreditStatus, OrgKind
from inspector.org_search import OrgHit
from inspector.store import Store
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


class OrgTableModel(QAbstractTableModel):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.filter = OrgFilter()
        self.hits: list[OrgHit] = []
        self.total = 0
        self.apply(self.filter)

    def apply(self, new_filter: OrgFilter) -> None:
        """Re-query with new filters/sort: the count and the first page."""
        self.beginResetModel()
        self.filter = new_filter
        self.total = org_search.count(self.store, **self._where())
        self.hits = self._page(0)
        self.endResetModel()

    def hit(self, row: int) -> OrgHit:
        return self.hits[row]

    def _where(self) -> dict[str, Any]:
        f = self.filter
        return {
            "text": f.text,
            "kind": f.kind,
            "credit_status": f.credit_status,
            "district": f.district,
        }

    def _page(self, offset: int) -> list[OrgHit]:
        return org_search.query_page(
            self.store,
            **self._where(),
            order_by=self.filter.order_by,
            descending=self.filter.descending,
            offset=offset,
            limit=PAGE,
        )

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.hits) < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._page(len(self.hits))
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
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][2](hit)
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[index.column()][1] == "credit_status":
            return _CREDIT_COLOURS.get(hit.credit_status)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None
