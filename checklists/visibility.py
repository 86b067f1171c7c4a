"""Which items an inspector sees, given the answers so far and the organization's kind."""

from typing import Any

from checklists.show_if import evaluate
from inspector.checklist_model import Checklist, Item


def visible_items(checklist: Checklist, answers: dict[str, Any], org_kind: str) -> list[Item]:
    """The items to show, in order.

    As in XLSForm, the answer to a hidden item counts as empty for the conditions after it,
    so hiding a question also hides the questions that depend on it.
    """
    effective: dict[str, Any] = {}
    shown: list[Item] = []
    for item in checklist.items():
        if item.show_if is None or evaluate(item.show_if, effective, org_kind):
            shown.append(item)
            if item.id in answers:
                effective[item.id] = answers[item.id]
    return shown
