"""检查表: the stored checklists and their versions; import of YAML or XLSX files with the
same file-by-file, row-by-row messages as ``inspector checklist import``."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from inspector import current_user
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
        self.store = store
        self.import_button = self.add_button("导入检查表…", self.import_files, primary=True)
        self.builtin_button = self.add_button("载入内置检查表", self.load_builtin)

    def empty_text(self) -> str:
        return "尚未导入检查表：点“载入内置检查表”，或“导入检查表…”选择 YAML 或 Excel 文件。"

    @classmethod
    def ask_files(cls, parent: QWidget) -> list[str]:
        """The file chooser; tests replace this class method."""
        paths, _ = QFileDialog.getOpenFileNames(
            parent, "导入检查表", "", "检查表文件 (*.yaml *.yml *.xlsx)"
        )
        return paths

    @Slot()
    def import_files(self) -> None:
        from checklists.file_import import import_files
        from ui.first_run_dialogs import LinesDialog

        paths = self.ask_files(self)
        if not paths:
            return
        result = import_files(
            self.store, [Path(p) for p in paths], actor=current_user.actor(self.store)
        )
        self.refresh()
        lines = result.warnings + result.lines + [str(p) for p in result.problems]
        title = "检查表未导入" if result.problems else "检查表已导入"
        LinesDialog.show_lines(self, title, result.summary, lines)

    @Slot()
    def load_builtin(self) -> None:
        from checklists.library import import_builtin_checklists

        outcomes = import_builtin_checklists(self.store, actor=current_user.actor(self.store))
        self.refresh()
        added = sum(o.imported for o in outcomes)
        self.empty.setText(
            f"已载入内置检查表 {added} 套。" if added else "内置检查表都已载入，没有变化。"
        )


def _summaries(store: Store) -> list["ChecklistSummary"]:
    from checklists.library import list_checklists

    return list_checklists(store)
