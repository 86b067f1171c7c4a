"""What a stored answer may hold for its item, checked before anything is written.

The editor, an import or a sync could hand the core a value that does not fit the item it is
stored against (a fee table saved as the answer to a 符合/不符合 item once did). The core refuses
it here, with a Chinese message naming the item, so a record never holds an answer it cannot
read back. Items are the stored checklist JSON (``Item.model_dump(mode="json")``).
"""

import json
import math
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from inspector.errors import UserError

COMPLIANCE_VALUES = ("compliant", "not_compliant", "not_applicable")
NOT_COMPLIANT = "not_compliant"
TEXT_LIMIT = 2000
"""Characters in a text answer or a note: enough for an on-site remark, and what the on-site
record can still print on a page (a longer text once made the PDF fail)."""
_MONEY = re.compile(r"^\d{1,13}(\.\d{1,2})?$")

Item = Mapping[str, Any]


@dataclass(frozen=True)
class UnreadableAnswer:
    """A stored answer that does not fit its item, and why (Chinese)."""

    item_id: str
    question: str
    reason: str


def check(item: Item, value: Any) -> None:
    """Raise ``UserError`` naming the item when ``value`` cannot be its answer."""
    problem = problem_of(item, value)
    if problem:
        raise UserError(
            f"检查项「{item.get('question', item.get('id'))}」的答案不能保存：{problem}"
        )


def check_note(item: Item, note: str) -> None:
    """Notes are plain text within ``TEXT_LIMIT``."""
    if len(note) > TEXT_LIMIT:
        raise UserError(
            f"检查项「{item.get('question', item.get('id'))}」的备注有{len(note)}个字，"
            f"最多{TEXT_LIMIT}个字；较长的材料请作为证据文件添加"
        )


def problem_of(item: Item, value: Any) -> str:
    """Why ``value`` cannot be the answer of ``item`` (``""`` when it can)."""
    if value is None:
        return ""
    kind = item.get("answer_type")
    if kind == "table":
        return _table_problem(item, value)
    return _cell_problem(item, value)


def _cell_problem(item: Item, value: Any) -> str:
    kind = item.get("answer_type")
    values = [choice["value"] for choice in item.get("choices", [])]
    if kind == "compliance":
        return (
            "" if value in COMPLIANCE_VALUES else f"应为符合、不符合或不适用，而不是{_show(value)}"
        )
    if kind == "yes_no":
        return "" if isinstance(value, bool) else f"应为是或否，而不是{_show(value)}"
    if kind == "number":
        return _number_problem(value)
    if kind == "money":
        return _money_problem(value)
    if kind == "text":
        if not isinstance(value, str):
            return f"应为文字，而不是{_show(value)}"
        if len(value) > TEXT_LIMIT:
            return f"有{len(value)}个字，最多{TEXT_LIMIT}个字；较长的材料请作为证据文件添加"
        return ""
    if kind == "date":
        return _date_problem(value)
    if kind == "single_choice":
        return "" if value in values else f"{_show(value)}不是本项的选项"
    if kind == "multi_choice":
        if not isinstance(value, list) or any(part not in values for part in value):
            return f"{_show(value)}不是本项的选项"
        return ""
    return f"未知的答案类型{kind}"


def _number_problem(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"应为数字，而不是{_show(value)}"
    if not math.isfinite(value) or value < 0:
        return f"数量不能为负数（填写的是{value}）"
    return ""


def _money_problem(value: Any) -> str:
    if not isinstance(value, str):
        return f"应为金额，而不是{_show(value)}"
    if value.startswith("-"):
        return f"金额不能为负数（填写的是{value}）"
    if not _MONEY.match(value):
        return f"金额应以元为单位、最多保留两位小数（到分），而不是{value}"
    return ""


def _date_problem(value: Any) -> str:
    if not isinstance(value, str):
        return f"应为日期，而不是{_show(value)}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"“{value}”不是有效的日期（应为 2026-11-21 这样的日期）"
    return ""


def _table_problem(item: Item, value: Any) -> str:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        return f"应为表格的各行，而不是{_show(value)}"
    columns = {column["id"]: column for column in item.get("columns", [])}
    for number, row in enumerate(value, start=1):
        for key, cell in row.items():
            column = columns.get(key)
            if column is None:
                return f"第{number}行有本表没有的列{key}"
            problem = _cell_problem(column, cell) if cell is not None else ""
            if problem:
                return f"第{number}行“{column.get('label', key)}”：{problem}"
    return ""


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def items_by_id(definition: Mapping[str, Any]) -> dict[str, Item]:
    """Every item of a stored checklist definition, by id."""
    return {
        item["id"]: item
        for section in definition.get("sections", [])
        for item in section.get("items", [])
    }


def checklist_items(conn: sqlite3.Connection, inspection_id: str) -> dict[str, Item]:
    """The items of the checklist version an inspection uses."""
    row = conn.execute(
        "SELECT c.definition FROM inspections i JOIN checklists c"
        " ON c.id = i.checklist_id AND c.version = i.checklist_version WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None:
        raise UserError(f"找不到检查记录或其检查表：{inspection_id}")
    return items_by_id(json.loads(row[0]))


def item_of(conn: sqlite3.Connection, inspection_id: str, item_id: str) -> Item:
    """The item an answer is stored against; ``UserError`` if the checklist has no such item."""
    item = checklist_items(conn, inspection_id).get(item_id)
    if item is None:
        raise UserError(f"检查表中没有检查项{item_id}，答案未保存")
    return item


def unreadable(
    items: Mapping[str, Item], answers: Iterable[tuple[str, Any]]
) -> list[UnreadableAnswer]:
    """Stored answers that do not fit their items (items the checklist lacks are ignored)."""
    found = []
    for item_id, value in answers:
        item = items.get(item_id)
        problem = problem_of(item, value) if item is not None else ""
        if item is not None and problem:
            found.append(UnreadableAnswer(item_id, str(item.get("question", item_id)), problem))
    return found
