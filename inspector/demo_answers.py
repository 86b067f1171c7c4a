"""Realistic answers for demo inspections, by answer type (values as the checklist contract)."""

import random
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from inspector import fee_checks
from inspector.checklist_model import AnswerType, Choice, Column, Item

NOTES = (
    "已查阅相关材料，未见异常",
    "现场核实，情况属实",
    "已调阅会议记录及账簿",
    "负责人口头说明，材料待补",
)
FEE_ITEMS = ("会费", "培训费", "评比表彰费", "会议费", "资质认定费", "赞助费", "展览费")
PERIOD_CLOSES = date(2026, 10, 31)  # the audited period ends by then (dates run to 2026-10-28)
NOT_COMPLIANT_SHARE = 0.08
NOT_APPLICABLE_SHARE = 0.05


def answer_for(rng: random.Random, item: Item, earlier: Mapping[str, Any]) -> Any:
    """A plausible answer for one checklist item, given the answers ``earlier`` in the list.

    Plausible means the core's own checks pass on it (``fee_checks``: a fee audit's period
    ends after it starts, a refund is owed only on a fee not judged 合规 and never exceeds what
    was collected), so the demo's notices can be issued.
    """
    if item.answer_type is AnswerType.TABLE:
        return [_row(rng, item.columns) for _ in range(rng.randint(2, 5))]
    start = earlier.get(fee_checks.PERIOD_START)
    if item.id == fee_checks.PERIOD_END and isinstance(start, str):
        first = date.fromisoformat(start)
        return (
            first + timedelta(days=rng.randint(0, max((PERIOD_CLOSES - first).days, 0)))
        ).isoformat()
    return _scalar(rng, item.answer_type, item.choices, can_fail=item.finding is not None)


def _scalar(
    rng: random.Random, kind: AnswerType, choices: list[Choice], *, can_fail: bool = False
) -> Any:
    roll = rng.random()
    if kind is AnswerType.COMPLIANCE:
        if can_fail and roll < NOT_COMPLIANT_SHARE:
            return "not_compliant"
        return "not_applicable" if roll > 1 - NOT_APPLICABLE_SHARE else "compliant"
    if kind is AnswerType.YES_NO:
        return roll > 0.1
    if kind is AnswerType.NUMBER:
        return rng.randint(0, 60)
    if kind is AnswerType.MONEY:
        return f"{Decimal(rng.randint(1, 2000) * 100):.2f}"
    if kind is AnswerType.DATE:
        return (date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).isoformat()
    if kind is AnswerType.SINGLE_CHOICE:
        return rng.choice(choices).value if choices else ""
    if kind is AnswerType.MULTI_CHOICE:
        return [c.value for c in choices if rng.random() < 0.4]
    return rng.choice(NOTES)


def _row(rng: random.Random, columns: list[Column]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in columns:
        if column.answer_type is AnswerType.TEXT and not row:
            row[column.id] = rng.choice(FEE_ITEMS)
        else:
            row[column.id] = _scalar(rng, column.answer_type, column.choices)
    if fee_checks.REFUND in row:
        row[fee_checks.REFUND] = _refund(rng, row)
    return row


def _refund(rng: random.Random, row: dict[str, Any]) -> str:
    """Nothing on a fee judged 合规, else up to what was collected."""
    collected = Decimal(str(row.get(fee_checks.COLLECTED) or 0))
    if row.get(fee_checks.VERDICT) == "compliant" or collected <= 0:
        return "0.00"
    return f"{collected * Decimal(rng.randint(0, 100)) / 100:.2f}"
