"""What still stands between an inspection and 完成检查, each entry pointing at what to fix.

The checklist layer decides which items are visible (``show_if``); the caller passes those,
so this module needs no condition parser and only reads the store.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from inspector import constraints
from inspector.checklist_model import Item
from inspector.inspections import MIN_INSPECTORS, unrecorded_noncompliance
from inspector.store import Store


@dataclass(frozen=True)
class Problem:
    """One reason the inspection cannot be completed yet; ``item_id`` is where to jump."""

    message: str
    item_id: str | None = None
    finding_id: str | None = None


def is_answered(value: Any) -> bool:
    """An answer counts once it holds something: not None, not blank, not an empty list, not a
    table of empty rows."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_row_answered(part) for part in value)
    return True


def _row_answered(part: Any) -> bool:
    """A table row counts once one of its cells holds something; a choice in a list counts."""
    if isinstance(part, dict):
        return any(is_answered(cell) for cell in part.values())
    return True


def answers_of(store: Store, inspection_id: str) -> dict[str, Any]:
    """The stored answer values of an inspection by item id."""
    rows = store.db.execute(
        "SELECT item_id, value FROM answers WHERE inspection_id = ?", (inspection_id,)
    ).fetchall()
    return {item_id: json.loads(value) if value is not None else None for item_id, value in rows}


def problems(store: Store, inspection_id: str, visible_items: Iterable[Item]) -> list[Problem]:
    """Required visible items without an answer, answers that break their item's constraint,
    不符合 without a finding, findings without deadline, too few inspectors."""
    answers = answers_of(store, inspection_id)
    shown = list(visible_items)
    found: list[Problem] = []
    for item in shown:
        answer = answers.get(item.id)
        if item.required and not is_answered(answer):
            found.append(Problem(f"必答项未作答：{item.question}", item_id=item.id))
        elif item.constraint and not constraints.holds(item.constraint, answer):
            why = item.constraint_message or f"应满足 {item.constraint}"
            found.append(Problem(f"答案不符合要求：{item.question}（{why}）", item_id=item.id))
    questions = {item.id: item.question for item in shown}
    found += [
        Problem(
            f"判为不符合，但未记录发现的问题：{questions.get(item_id, item_id)}", item_id=item_id
        )
        for item_id in unrecorded_noncompliance(store.db.conn, inspection_id)
    ]
    for finding_id, item_id, description in store.db.execute(
        "SELECT id, item_id, description FROM findings"
        " WHERE inspection_id = ? AND (deadline IS NULL OR deadline = '') ORDER BY created_at",
        (inspection_id,),
    ).fetchall():
        found.append(
            Problem(f"问题未设定整改期限：{description}", item_id=item_id, finding_id=finding_id)
        )
    count = store.db.execute(
        "SELECT COUNT(*) FROM inspection_inspectors WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()[0]
    if count < MIN_INSPECTORS:
        found.append(Problem(f"检查人员只有{count}名，不得少于两名"))
    return found
