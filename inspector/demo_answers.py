"""Realistic answers for demo inspections, by answer type (values as the checklist contract)."""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

NOTES = (
    "已查阅相关材料，未见异常",
    "现场核实，情况属实",
    "已调阅会议记录及账簿",
    "负责人口头说明，材料待补",
)
FEE_ITEMS = ("会费", "培训费", "评比表彰费", "会议费", "资质认定费", "赞助费", "展览费")
NOT_COMPLIANT_SHARE = 0.08
NOT_APPLICABLE_SHARE = 0.05


def answer_for(rng: random.Random, item: dict[str, Any]) -> Any:
    """A plausible answer for one checklist item."""
    kind = item["answer_type"]
    if kind == "table":
        return [_row(rng, item.get("columns", [])) for _ in range(rng.randint(2, 5))]
    return _scalar(rng, kind, item.get("choices", []), can_fail=bool(item.get("finding")))


def _scalar(
    rng: random.Random, kind: str, choices: list[dict[str, str]], *, can_fail: bool = False
) -> Any:
    roll = rng.random()
    if kind == "compliance":
        if can_fail and roll < NOT_COMPLIANT_SHARE:
            return "not_compliant"
        return "not_applicable" if roll > 1 - NOT_APPLICABLE_SHARE else "compliant"
    if kind == "yes_no":
        return roll > 0.1
    if kind == "number":
        return rng.randint(0, 60)
    if kind == "money":
        return f"{Decimal(rng.randint(1, 2000) * 100):.2f}"
    if kind == "date":
        return (date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).isoformat()
    if kind == "single_choice":
        return rng.choice(choices)["value"] if choices else ""
    if kind == "multi_choice":
        return [c["value"] for c in choices if rng.random() < 0.4]
    return rng.choice(NOTES)


def _row(rng: random.Random, columns: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in columns:
        if column["answer_type"] == "text" and not row:
            row[column["id"]] = rng.choice(FEE_ITEMS)
        else:
            row[column["id"]] = _scalar(rng, column["answer_type"], column.get("choices", []))
    return row
