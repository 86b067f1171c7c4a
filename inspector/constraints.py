"""Answer constraints: the XLSForm ``constraint`` subset a checklist item may carry.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" "(" expr ")" | "(" expr ")" | comparison | regex
    comparison := value ("=" | "!=" | ">" | ">=" | "<" | "<=") value
    value      := "." | "string-length(.)" | number | '...' | "..."
    regex      := "regex(" "." "," string ")"

``.`` is the item's own answer. A comparison with a number reads the answer as an exact
decimal (money and numbers are decimal strings); ``regex`` searches the answer's text. As in
XLSForm, an empty answer is not checked: whether it must be given is ``required``'s business.
The core checks constraints before an inspection is completed (``inspector.completion``).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from inspector.expression_tokens import Token, TokenCursor, tokenize


class ConstraintError(ValueError):
    """A constraint that does not parse; ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class Operand:
    kind: str  # self, length, number, string
    text: str = ""


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True)
class Regex:
    pattern: str


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class BoolOp:
    op: str  # and, or
    operands: tuple["Node", ...]


Node = Compare | Regex | Not | BoolOp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<length>string-length\(\s*\.\s*\))
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>!=|>=|<=|=|>|<|\(|\)|,|\.)
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = ("=", "!=", ">", ">=", "<", "<=")


def _unknown(excerpt: str, start: int) -> ConstraintError:
    return ConstraintError(
        f"无法识别的内容“{excerpt}”（第 {start + 1} 个字符）；"
        "只支持 .（本题答案）与数字或文字比较、string-length(.)、regex(., '…')，"
        "用 and、or、not() 组合"
    )


class _Parser(TokenCursor):
    def __init__(self, source: str) -> None:
        kinds = ("length", "number", "string", "op", "word")
        super().__init__(tokenize(source, _TOKEN, kinds, _unknown))

    def expected(self, token: Token, kind: str, text: str | None) -> ConstraintError:
        shown = f"“{token.text}”" if token.text else "结尾"
        return ConstraintError(f"第 {token.pos + 1} 个字符{shown}处应为“{text or kind}”")

    def parse(self) -> Node:
        node = self.chain("or", self.and_expr)
        self.take("end")
        return node

    def and_expr(self) -> Node:
        return self.chain("and", self.unary)

    def chain(self, word: str, operand: Any) -> Node:
        nodes = [operand()]
        while self.at("word", word):
            self.index += 1
            nodes.append(operand())
        return nodes[0] if len(nodes) == 1 else BoolOp(word, tuple(nodes))

    def unary(self) -> Node:
        if self.at("word", "not"):
            self.index += 1
            self.take("op", "(")
            node = self.chain("or", self.and_expr)
            self.take("op", ")")
            return Not(node)
        if self.at("op", "("):
            self.index += 1
            node = self.chain("or", self.and_expr)
            self.take("op", ")")
            return node
        if self.at("word", "regex"):
            self.index += 1
            self.take("op", "(")
            self.take("op", ".")
            self.take("op", ",")
            pattern = self.take("string").text[1:-1]
            self.take("op", ")")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConstraintError(f"正则表达式“{pattern}”有误（{exc}）") from None
            return Regex(pattern)
        left = self.operand()
        token = self.peek()
        if token.kind != "op" or token.text not in _COMPARISONS:
            raise ConstraintError(f"第 {token.pos + 1} 个字符处应为比较符（= != > >= < <=）")
        self.index += 1
        return Compare(left, token.text, self.operand())

    def operand(self) -> Operand:
        token = self.peek()
        self.index += 1
        if token.kind == "op" and token.text == ".":
            return Operand("self")
        if token.kind == "length":
            return Operand("length")
        if token.kind == "number":
            return Operand("number", token.text)
        if token.kind == "string":
            return Operand("string", token.text[1:-1])
        shown = f"“{token.text}”" if token.text else "结尾"
        raise ConstraintError(
            f"第 {token.pos + 1} 个字符{shown}处应为 .、string-length(.)、数字或带引号的文字"
            "（不支持引用其他题目）"
        )


@lru_cache(maxsize=256)
def parse(source: str) -> Node:
    """Parse a constraint; raises ``ConstraintError`` saying what is wrong, in Chinese."""
    if "${" in source:
        raise ConstraintError("不支持引用其他题目（${…}）：约束只能用 . 表示本题的答案")
    return _Parser(source).parse()


def holds(source: str, answer: Any) -> bool:
    """Whether a non-empty ``answer`` satisfies the constraint; an empty answer always does."""
    if answer is None or answer == "" or answer == []:
        return True
    return _eval(parse(source), answer)


def _eval(node: Node, answer: Any) -> bool:
    if isinstance(node, BoolOp):
        results = (_eval(operand, answer) for operand in node.operands)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not _eval(node.operand, answer)
    if isinstance(node, Regex):
        return re.search(node.pattern, _text(answer)) is not None
    left, right = _value(node.left, answer), _value(node.right, answer)
    if isinstance(left, Decimal) == isinstance(right, Decimal):
        return _compare(left, node.op, right)
    left_number, right_number = _number(left), _number(right)
    if left_number is None or right_number is None:
        return False  # a number compared with text that is not one: not satisfied
    return _compare(left_number, node.op, right_number)


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def _value(operand: Operand, answer: Any) -> Decimal | str:
    if operand.kind == "self":
        return _text(answer)
    if operand.kind == "length":
        return Decimal(len(_text(answer)))
    if operand.kind == "number":
        return Decimal(operand.text)
    return operand.text


def _number(value: Decimal | str) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _text(answer: Any) -> str:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return str(answer)
