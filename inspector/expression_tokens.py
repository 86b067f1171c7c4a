"""Tokens and a cursor shared by the two small expression languages: ``show_if``
(``checklists/show_if.py``) and answer constraints (``inspector/constraints.py``).

Each language brings its own token pattern and its own Chinese messages; this module only
walks the source and the token list.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    kind: str  # a group name of the language's pattern, or "end"
    text: str
    pos: int


def tokenize(
    source: str,
    pattern: re.Pattern[str],
    kinds: Sequence[str],
    unknown: Callable[[str, int], Exception],
    text_group: Mapping[str, str] | None = None,
) -> list[Token]:
    """``source`` as tokens of the first of ``kinds`` that matched, then an "end" token.

    ``text_group`` names the group holding a kind's text where it is not the kind's own group.
    ``unknown(excerpt, position)`` is the error raised where nothing matches.
    """
    tokens: list[Token] = []
    pos = 0
    while source[pos:].strip():
        match = pattern.match(source, pos)
        if match is None:
            start = len(source) - len(source[pos:].lstrip())
            raise unknown(source[start : start + 10], start)
        kind = next(k for k in kinds if match.group(k))
        text = match.group((text_group or {}).get(kind, kind))
        tokens.append(Token(kind, text, match.start(kind)))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


class TokenCursor:
    """Reads a token list front to back; ``expected`` says, in the language's words, what
    should have stood where ``take`` found something else."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def at(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def take(self, kind: str, text: str | None = None) -> Token:
        token = self.peek()
        if token.kind != kind or (text is not None and token.text != text):
            raise self.expected(token, kind, text)
        self.index += 1
        return token

    def expected(self, token: Token, kind: str, text: str | None) -> Exception:
        raise NotImplementedError
