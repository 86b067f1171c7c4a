"""The register of legal bases (``legal_bases.yaml``): what may be cited, where, and how.

Checklist items reference entries by key. A finding drafted from an item cites the entries
that govern the organization's kind: obligations as the rule violated ("违反了…的规定"), and,
where an item has no obligation, the penalty clause's listed situation ("属于…规定的情形").
Penalty clauses and the authority's powers are never printed as a rule the organization broke;
``document_problems`` checks a finding's text for that and for another kind's regulation before
a notice is numbered.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from inspector.errors import UserError
from inspector.model import OrgKind

REGISTER_FILE = Path(__file__).with_name("legal_bases.yaml")
SITUATION_PREFIX = "属于"


class Role(StrEnum):
    OBLIGATION = "obligation"  # a rule the organization must follow
    CONSEQUENCE = "consequence"  # a penalty clause and the situations it lists
    HANDLING = "handling"  # the authority's power to act


@dataclass(frozen=True)
class Basis:
    key: str
    instrument: str
    number: str  # 文号, "" for laws and regulations cited by name
    article: str
    text: str
    version: str
    kinds: frozenset[OrgKind]  # empty: every kind
    role: Role

    @property
    def citation(self) -> str:
        """``《条例》第三十条第一款第（八）项``; a normative document with its 文号."""
        number = f"（{self.number}）" if self.number and self.article[:1] != "第" else ""
        return f"{self.instrument}{number}{self.article}"

    def governs(self, kind: OrgKind | str | None) -> bool:
        return kind is None or not self.kinds or OrgKind(kind) in self.kinds


@cache
def register() -> dict[str, Basis]:
    """Every entry by key, read once; an entry without its article or text is refused."""
    raw = yaml.safe_load(REGISTER_FILE.read_text(encoding="utf-8"))
    entries = {}
    for key, fields in raw.items():
        missing = [
            name for name in ("instrument", "article", "text", "version") if not fields.get(name)
        ]
        if missing:
            raise ValueError(f"{REGISTER_FILE.name}: {key} has no {', '.join(missing)}")
        entries[key] = Basis(
            key=key,
            instrument=fields["instrument"],
            number=fields.get("number") or "",
            article=fields["article"],
            text=fields["text"],
            version=str(fields["version"]),
            kinds=frozenset(OrgKind(kind) for kind in fields.get("kinds") or ()),
            role=Role(fields["role"]),
        )
    return entries


def get(key: str) -> Basis:
    """The entry, or a Chinese message naming the unknown key."""
    try:
        return register()[key]
    except KeyError:
        raise UserError(f"法律依据“{key}”不在依据目录中（inspector/legal_bases.yaml）") from None


def unknown(keys: Iterable[str]) -> list[str]:
    return [key for key in keys if key not in register()]


def citations(keys: Sequence[str]) -> list[str]:
    """How each basis reads on screen; a basis an older checklist version stored as text is
    shown as that text. Never a research note: the register holds none."""
    return [register()[key].citation if key in register() else key for key in keys]


def finding_text(keys: Sequence[str], kind: OrgKind | str | None) -> str:
    """What a finding on an item with these bases cites for an organization of ``kind``.

    The obligations that govern it (``《条例》第二十六条第三款；《办法》…``); with none, the
    penalty clause's situation (``属于《条例》第三十条第一款第（八）项规定的情形``); else "".
    """
    bases = [get(key) for key in keys]
    relevant = [b for b in bases if b.governs(kind)]
    obligations = [b for b in relevant if b.role is Role.OBLIGATION]
    if obligations:
        return cite(obligations)
    situations = [b for b in relevant if b.role is Role.CONSEQUENCE]
    if situations:
        return f"{SITUATION_PREFIX}{cite(situations)}规定的情形"
    return ""


def cite(bases: Sequence[Basis]) -> str:
    """``《条例》第十七条第一款、第十七条第二款、《办法》第五条``: an instrument named once for
    the articles of it that follow one another."""
    parts: list[str] = []
    previous = None
    for basis in bases:
        same = previous is not None and basis.instrument == previous.instrument
        parts.append(basis.article if same else basis.citation)
        previous = basis
    return "、".join(parts)


def document_problems(text: str, kind: OrgKind | str) -> list[str]:
    """Why a finding's basis text may not go on a document for an organization of ``kind``.

    A regulation of another kind of organization; a penalty clause or the authority's power
    cited as the rule violated (they may appear only as "属于…规定的情形").
    """
    problems = []
    situation = text.startswith(SITUATION_PREFIX)
    for basis in register().values():
        if basis.citation not in text and not (basis.kinds and basis.instrument in text):
            continue
        if basis.kinds and not basis.governs(kind) and basis.instrument in text:
            problems.append(f"{basis.instrument}不适用于{OrgKind(kind).label}")
        elif basis.citation in text and basis.role is not Role.OBLIGATION and not situation:
            problems.append(f"{basis.citation}是罚则或机关职权，不是当事人违反的规定")
    return list(dict.fromkeys(problems))
