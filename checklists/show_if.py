"""The ``show_if`` condition language: the XLSForm ``relevant`` subset.

Grammar (recursive descent, lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" "(" expr ")" | "(" expr ")" | comparison | selected
    comparison := ref ("=" | "!=") string
    selected   := "selected" "(" ref "," string ")"
    ref        := "${" name "}"          -- an earlier item, or ${org_kind}
    string     := '...' | "..."

Answers compare as XLSForm does: a missing answer is the empty string, a yes/no answer reads
``yes`` / ``no``, a multiple choice is its selected values.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from inspector.expression_tokens import Token, TokenCursor, tokenize

ORG_KIND = "org_kind"
"""The reserved name for the organization's kind (``social_group``, ``foundation``, ...)."""


class ShowIfError(ValueError):
    """A condition that does not parse; ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class Compare:
    name: str
    op: str  # "=" or "!="
    value: str


@dataclass(frozen=True)
class Selected:
    name: str
    value: str


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" or "or"
    operands: tuple["Node", ...]


Node = Compare | Selected | Not | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>!=|=|\(|\)|,)
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)


def _unknown(excerpt: str, start: int) -> ShowIfError:
    return ShowIfError(f"无法识别的内容“{excerpt}”（第 {start + 1} 个字符）")


class _Parser(TokenCursor):
    def __init__(self, source: str) -> None:
        kinds = ("ref", "string", "op", "word")
        super().__init__(tokenize(source, _TOKEN, kinds, _unknown, text_group={"ref": "name"}))

    def expected(self, token: Token, kind: str, text: str | None) -> ShowIfError:
        return ShowIfError(f"{_describe(token)}处应为{_expected(kind, text)}")

    def parse(self) -> Node:
        node = self.expr()
        self.take("end")
        return node

    def expr(self) -> Node:
        return self._chain("or", self.and_expr)

    def and_expr(self) -> Node:
        return self._chain("and", self.unary)

    def _chain(self, word: str, operand: Any) -> Node:
        operands = [operand()]
        while self.at("word", word):
            self.index += 1
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(word, tuple(operands))

    def unary(self) -> Node:
        if self.at("word", "not"):
            self.index += 1
            return Not(self._parenthesized())
        if self.at("op", "("):
            return self._parenthesized()
        if self.at("word", "selected"):
            self.index += 1
            self.take("op", "(")
            name = self.take("ref").text
            self.take("op", ",")
            value = _unquote(self.take("string").text)
            self.take("op", ")")
            return Selected(name, value)
        name = self.take("ref").text
        op = self.peek()
        if op.kind != "op" or op.text not in ("=", "!="):
            raise ShowIfError(f"{_describe(op)}处应为“=”或“!=”")
        self.index += 1
        return Compare(name, op.text, _unquote(self.take("string").text))

    def _parenthesized(self) -> Node:
        self.take("op", "(")
        node = self.expr()
        self.take("op", ")")
        return node


def _unquote(text: str) -> str:
    return text[1:-1]


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "条件末尾"
    shown = "${" + token.text + "}" if token.kind == "ref" else token.text
    return f"第 {token.pos + 1} 个字符“{shown}”"


def _expected(kind: str, text: str | None) -> str:
    if text is not None:
        return f"“{text}”"
    return {
        "ref": "条目引用 ${名称}",
        "string": "带引号的取值，如 'yes'",
        "end": "条件结束",
    }[kind]


@lru_cache(maxsize=1024)
def parse(source: str) -> Node:
    """Parse a condition; raises ``ShowIfError`` with a Chinese message."""
    if not source.strip():
        raise ShowIfError("条件为空")
    return _Parser(source).parse()


def references(node: Node) -> set[str]:
    """The names a condition reads (``org_kind`` included)."""
    match node:
        case Compare(name=name) | Selected(name=name):
            return {name}
        case Not(operand=operand):
            return references(operand)
        case BoolOp(operands=operands):
            return set().union(*(references(operand) for operand in operands))
    raise TypeError(node)


def compared_values(node: Node) -> list[tuple[str, str]]:
    """Every (name, literal) pair in the condition, for checking literals against choices."""
    match node:
        case Compare(name=name, value=value) | Selected(name=name, value=value):
            return [(name, value)]
        case Not(operand=operand):
            return compared_values(operand)
        case BoolOp(operands=operands):
            return [pair for operand in operands for pair in compared_values(operand)]
    raise TypeError(node)


def answer_text(value: Any) -> str:
    """How an answer reads in a comparison (XLSForm semantics)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list):
        return " ".join(answer_text(part) for part in value)
    return str(value)


def _selected(value: Any, wanted: str) -> bool:
    if isinstance(value, list):
        return wanted in (answer_text(part) for part in value)
    return wanted in answer_text(value).split()


def evaluate(expr: str | Node, answers: dict[str, Any], org_kind: str) -> bool:
    """Evaluate a condition on answers (item id → stored value) for an organization kind."""
    node = parse(expr) if isinstance(expr, str) else expr
    values = {**answers, ORG_KIND: org_kind}
    return _eval(node, values)


def _eval(node: Node, values: dict[str, Any]) -> bool:
    match node:
        case Compare(name=name, op=op, value=wanted):
            equal = answer_text(values.get(name)) == wanted
            return equal if op == "=" else not equal
        case Selected(name=name, value=wanted):
            return _selected(values.get(name), wanted)
        case Not(operand=operand):
            return not _eval(operand, values)
        case BoolOp(op="and", operands=operands):
            return all(_eval(operand, values) for operand in operands)
        case BoolOp(operands=operands):
            return any(_eval(operand, values) for operand in operands)
    raise TypeError(node)
