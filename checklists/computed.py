"""Computed values of a checklist (e.g. total fees collected, total refund due).

An expression is a sum of terms joined by ``+`` or ``-``; a term is ``sum(TABLE.COLUMN)``
(a numeric column of a table item) or the id of a ``money`` / ``number`` item. Arithmetic is
exact: every value becomes a ``Decimal`` from its decimal string, never through a float.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from inspector.checklist_model import NUMERIC_TYPES, AnswerType, Checklist, Column
from inspector.errors import UserError

_TERM = re.compile(
    r"\s*(?P<sign>[+-])?\s*(?:sum\(\s*(?P<table>[A-Za-z_][\w\-]*)\.(?P<column>[A-Za-z_][\w\-]*)\s*\)"
    r"|(?P<item>[A-Za-z_][\w.\-]*))\s*"
)


@dataclass(frozen=True)
class Term:
    sign: int  # +1 or -1
    item_id: str
    column_id: str | None  # None: a single money/number item


def parse_expression(expression: str) -> list[Term]:
    """Split an expression into terms; raises ``ValueError`` with a Chinese message."""
    terms: list[Term] = []
    pos = 0
    while pos < len(expression):
        match = _TERM.match(expression, pos)
        if match is None or match.end() == pos or (terms and not match.group("sign")):
            raise ValueError(
                f"计算式“{expression}”无法解析（第 {pos + 1} 个字符起）；"
                "应为 sum(表格条目.列) 或数值条目，用 + 或 - 连接"
            )
        sign = -1 if match.group("sign") == "-" else 1
        item_id = match.group("table") or match.group("item")
        terms.append(Term(sign, item_id, match.group("column")))
        pos = match.end()
    if not terms:
        raise ValueError("计算式为空")
    return terms


def expression_problems(checklist: Checklist, expression: str) -> list[str]:
    """What is wrong with an expression in this checklist (Chinese), empty if nothing."""
    try:
        terms = parse_expression(expression)
    except ValueError as exc:
        return [str(exc)]
    items = {item.id: item for item in checklist.items()}
    problems = []
    for term in terms:
        item = items.get(term.item_id)
        if item is None:
            problems.append(f"计算式引用了不存在的条目“{term.item_id}”")
        elif term.column_id is None and item.answer_type not in NUMERIC_TYPES:
            problems.append(f"计算式中的条目“{item.id}”不是金额或数值条目")
        elif term.column_id is not None:
            problems.extend(_column_problems(item.id, item.answer_type, item.columns, term))
    return problems


def _column_problems(
    item_id: str, answer_type: AnswerType, columns: list[Column], term: Term
) -> list[str]:
    if answer_type is not AnswerType.TABLE:
        return [f"sum() 只能用于表格条目，“{item_id}”不是表格"]
    column = next((c for c in columns if c.id == term.column_id), None)
    if column is None:
        return [f"表格“{item_id}”没有列“{term.column_id}”"]
    if column.answer_type not in NUMERIC_TYPES:
        return [f"表格“{item_id}”的列“{column.id}”不是金额或数值列"]
    return []


def to_decimal(value: Any) -> Decimal:
    """An answer value as an exact decimal; empty is zero. Floats go through ``str``."""
    if value is None or value == "":
        return Decimal(0)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if isinstance(value, bool) or not number.is_finite():
        raise UserError(f"“{value}”不是有效的金额或数值")
    return number


def compute(checklist: Checklist, answers: dict[str, Any]) -> dict[str, Decimal]:
    """Every computed value of the checklist from the answers (item id → stored value)."""
    return {
        computed.id: sum(
            (
                term.sign * _term_value(term, answers)
                for term in parse_expression(computed.expression)
            ),
            Decimal(0),
        )
        for computed in checklist.computed
    }


def _term_value(term: Term, answers: dict[str, Any]) -> Decimal:
    value = answers.get(term.item_id)
    if term.column_id is None:
        return to_decimal(value)
    rows = value if isinstance(value, list) else []
    return sum((to_decimal(row.get(term.column_id)) for row in rows), Decimal(0))
