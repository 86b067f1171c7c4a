"""Plausibility of fee-audit data (行业协会商会涉企收费检查): one rule, at entry and on the notice.

A refund larger than the amount collected, a refund on a fee judged 合规, and a period that
ends before it starts are each a ``Problem`` naming the row and the column.

- **At entry they warn**: ``inspections.set_answer`` saves the answer and returns the problems
  it leaves (the editor shows them at the cell). A table is typed cell by cell, in any order,
  with the organization's staff watching: a refund typed before the amount collected is
  corrected is a step on the way, and refusing it would throw away what was typed (UX.md:
  nothing is ever lost; forgiving).
- **On the notice they refuse**: ``reports.content`` refuses to number a notice whose answers
  have any, naming each (``problems``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

FEES, COLLECTED, REFUND, VERDICT, NAME = "fees", "collected", "refund_due", "verdict", "name"
PERIOD_START, PERIOD_END = "fa-period-start", "fa-period-end"
ITEMS = frozenset((FEES, PERIOD_START, PERIOD_END))  # the answers the rule reads


@dataclass(frozen=True)
class Problem:
    message: str  # Chinese, naming the row and the column
    items: tuple[str, ...]  # the answers it is about
    row: int | None = None  # 1-based row of the fee table
    column: str | None = None  # the column's id


def check(answers: Mapping[str, Any]) -> list[Problem]:
    """Every implausible entry in answers keyed by item id."""
    found = []
    start, end = answers.get(PERIOD_START), answers.get(PERIOD_END)
    if isinstance(start, str) and isinstance(end, str) and start and end and start > end:
        message = f"检查期间起始日期 {start} 晚于截止日期 {end}"
        found.append(Problem(message, (PERIOD_START, PERIOD_END)))
    rows = answers.get(FEES)
    for n, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        if not isinstance(row, dict):
            continue
        label = f"收费项目明细第{n}行“{row.get(NAME) or '（未命名）'}”"
        refund, collected = _amount(row.get(REFUND)), _amount(row.get(COLLECTED))
        if refund and collected is not None and refund > collected:
            message = f"{label}：应退还金额 {refund} 元大于本期收取金额 {collected} 元"
            found.append(Problem(message, (FEES,), n, REFUND))
        if refund and row.get(VERDICT) == "compliant":
            message = f"{label}：认定为合规，却填写了应退还金额 {refund} 元"
            found.append(Problem(message, (FEES,), n, REFUND))
    return found


def problems(answers: Mapping[str, Any]) -> list[str]:
    """The messages of ``check``: what a notice may not print."""
    return [problem.message for problem in check(answers)]


def about(answers: Mapping[str, Any], item_id: str) -> list[Problem]:
    """The problems that concern one answer (the one just typed)."""
    return [problem for problem in check(answers) if item_id in problem.items]


def _amount(value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").lstrip("¥"))
    except InvalidOperation:
        return None
