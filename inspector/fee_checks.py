"""Plausibility of fee-audit data (行业协会商会涉企收费检查): what a notice may not print.

A refund larger than the amount collected, a refund on a fee judged 合规, and a period that
ends before it starts are refused, naming the row and the column, before a notice is numbered.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

FEES, COLLECTED, REFUND, VERDICT, NAME = "fees", "collected", "refund_due", "verdict", "name"
PERIOD_START, PERIOD_END = "fa-period-start", "fa-period-end"


def problems(answers: Mapping[str, Any]) -> list[str]:
    """Chinese messages, one per implausible entry, for answers keyed by item id."""
    found = []
    start, end = answers.get(PERIOD_START), answers.get(PERIOD_END)
    if isinstance(start, str) and isinstance(end, str) and start and end and start > end:
        found.append(f"检查期间起始日期 {start} 晚于截止日期 {end}")
    rows = answers.get(FEES)
    for n, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        if not isinstance(row, dict):
            continue
        label = f"收费项目明细第{n}行“{row.get(NAME) or '（未命名）'}”"
        refund, collected = _amount(row.get(REFUND)), _amount(row.get(COLLECTED))
        if refund and collected is not None and refund > collected:
            found.append(f"{label}：应退还金额 {refund} 元大于本期收取金额 {collected} 元")
        if refund and row.get(VERDICT) == "compliant":
            found.append(f"{label}：认定为合规，却填写了应退还金额 {refund} 元")
    return found


def _amount(value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Decimal(str(value).replace(",", "").lstrip("¥"))
    except InvalidOperation:
        return None
