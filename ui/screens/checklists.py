"""检查表: the stored checklists and their versions."""

from checklists.library import ChecklistSummary, list_checklists
from inspector.model import OrgKind
from inspector.store import Store
from ui.screens.list_screen import ListScreen
from ui.table_model import Column

_KINDS = {"spot_check": "抽查", "fee_audit": "收费检查", "nonprofit_review": "非营利性审查"}
COLUMNS: list[Column[ChecklistSummary]] = [
    Column("检查表", lambda c: c.title),
    Column("版本", lambda c: f"第{c.version}版"),
    Column("类别", lambda c: _KINDS.get(c.kind, "其他")),
    Column("适用于", lambda c: "、".join(OrgKind(k).label for k in c.applies_to)),
    Column("生效日期", lambda c: c.effective_date),
    Column("检查项", lambda c: str(c.item_count)),
]


class ChecklistsScreen(ListScreen[ChecklistSummary]):
    def __init__(self, store: Store) -> None:
        super().__init__("检查表", COLUMNS, lambda: list_checklists(store))
        self.refresh()

    def empty_text(self) -> str:
        return "尚未导入检查表。"
