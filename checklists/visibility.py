"""Which items an inspector sees, given the answers so far and the organization's kind."""

from typing import Any

from checklists.schema import Checklist, Item, as_checklist
from checklists.show_if import evaluate


def visible_items(
    definition: "Checklist | dict[str, Any]", answers: dict[str, Any], org_kind: str
) -> list[Item]:
    """The items to show, in order.

    As in XLSForm, the answer to a hidden item counts as empty for the conditions after it,
    so hiding a question also hides the questions that depend on it.
    """
    checklist = as_checklist(definition)
    effective: dict[str, Any] = {}
    shown: list[Item] = []
    for item in checklist.items():
        if item.show_if is None or evaluate(item.show_if, effective, org_kind):
            shown.append(item)
            if item.id in answers:
                effective[item.id] = answers[item.id]
    return shown
