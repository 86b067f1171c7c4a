"""检查表: the stored checklists and their versions."""

from typing import TYPE_CHECKING

from inspector.model import OrgKind
from inspector.store import Store
from ui.screens.list_screen import ListScreen
from ui.table_model import Column

if TYPE_CHECKING:  # the checklist library loads pydantic: only when the screen is shown
    from checklists.library import ChecklistSummary

_KINDS = {"spot_check": "抽查", "fee_audit": "收费检查", "nonprofit_review": "非营利性审查"}
COLUMNS: list[Column["ChecklistSummary"]] = [
    Column("检查表", lambda c: c.title),
    Column("版本", lambda c: f"第{c.version}版"),
    Column("类别", lambda c: _KINDS.get(c.kind, "其他")),
    Column("适用于", lambda c: "、".join(OrgKind(k).label for k in c.applies_to)),
    Column("生效日期", lambda c: c.effective_date),
    Column("检查项", lambda c: str(c.item_count)),
]


class ChecklistsScreen(ListScreen["ChecklistSummary"]):
    def __init__(self, store: Store) -> None:
        super().__init__("检查表", COLUMNS, lambda: _summaries(store))

    def empty_text(self) -> str:
        return "尚未导入检查表。"


def _summaries(store: Store) -> list["ChecklistSummary"]:
    from checklists.library import list_checklists

    return list_checklists(store)
