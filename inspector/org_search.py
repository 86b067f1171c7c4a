"""Finding organizations in the register as people type: any part of the name, of the credit
code, of the pinyin initials or of the full pinyin; several words must all match.

``search`` is the ranked quick search (type-ahead, CLI). ``query_page`` and ``count`` serve a
lazy table over the whole register: filtering and sorting happen in SQL, on indexes. A part
of three or more characters is looked up in the trigram index over all four; a shorter one
is a scan that stops at the first matches in shortest-name order.
"""

import re
import unicodedata
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Any

from inspector import credit_code
from inspector.errors import CreditCodeError
from inspector.model import CreditStatus, Organization, OrgKind, RegistrationStatus
from inspector.store import Store

# Above every character SQLite can hold: ``col >= p AND col < p + _TOP`` is "starts with p".
_TOP = "\U0010ffff"
# Matches beyond this many are cheaper to find shortest-first than to fetch and sort.
_MANY = 10_000
# A trigram lookup matching at least this many is walked in its instr form instead.
_DENSE = 1_000
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_HIT_COLUMNS = (
    "id, credit_code, name, kind, district, credit_status, legal_rep, registration_status"
)
_SORT_COLUMNS = {
    # Names sort by pinyin initials first, as people expect a Chinese list to be ordered.
    # rowid last: unique, and already in every index, so it costs no extra sort.
    "name": ("name_initials", "name", "rowid"),
    "credit_code": ("credit_code", "rowid"),
    "kind": ("kind", "name", "rowid"),
    "district": ("district", "name", "rowid"),
    "credit_status": ("credit_status", "name", "rowid"),
    "registration_status": ("registration_status", "name", "rowid"),
    "legal_rep": ("legal_rep", "rowid"),
    "founded_on": ("founded_on", "rowid"),
    "updated_at": ("updated_at", "rowid"),
}
SORT_KEYS = tuple(_SORT_COLUMNS)


class Match(IntEnum):
    """How a hit matched; lower ranks first."""

    EXACT = 0  # the whole code or the whole name
    PREFIX = 1  # the name or the code starts with the text
    INITIALS = 2  # the pinyin initials start with the text
    SUBSTRING = 3  # the name contains the text
    ANYWHERE = 4  # the code, initials or full pinyin contain it; or every word matches


@dataclass(frozen=True)
class OrgHit:
    """One organization as a search result or a row of the register table."""

    id: str
    credit_code: str
    name: str
    kind: OrgKind
    district: str
    credit_status: CreditStatus
    legal_rep: str
    registration_status: RegistrationStatus = RegistrationStatus.ACTIVE

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def gone_label(self) -> str:
        """已注销 / 已撤销 for an organization no longer registered, else empty."""
        return self.registration_status.label if self.registration_status.is_gone else ""

    def to_json(self) -> dict[str, str]:
        """The stable ``--json`` shape: other tools read these keys."""
        return {
            "id": self.id,
            "credit_code": self.credit_code,
            "name": self.name,
            "kind": self.kind.value,
            "kind_label": self.kind_label,
            "district": self.district,
            "credit_status": self.credit_status.value,
            "legal_rep": self.legal_rep,
            "registration_status": self.registration_status.value,
            "registration_status_label": self.registration_status.label,
        }


@dataclass(frozen=True)
class _Query:
    """The forms of a search text, each used for what it can match."""

    text: str  # for names, as typed (names keep their full-width brackets)
    code: str | None  # upper-case, when the text could start a credit code
    initials: str | None  # lower-case, when the text could start pinyin initials
    words: tuple[str, ...]  # the text split at spaces, NFKC-folded

    @classmethod
    def of(cls, raw: str) -> "_Query":
        text = raw.strip()
        words = tuple(unicodedata.normalize("NFKC", text).split())
        folded = "".join(words).lower()
        word = folded if _ASCII_WORD.fullmatch(folded) else None
        return cls(text, word.upper() if word else None, word, words)


def code_warning(text: str) -> str | None:
    """What is wrong with a typed 18-character credit code (a wrong check character, say), or
    None when the text is not a code or is a valid one."""
    code = credit_code.normalize(text)
    if len(code) != credit_code.LENGTH or not code.isalnum() or not code[:2].isdigit():
        return None
    try:
        credit_code.validate(code)
    except CreditCodeError as exc:
        return f"{exc.message}（仍按输入的内容查找）"
    return None


def search(store: Store, text: str, limit: int = 50) -> list[OrgHit]:
    """Organizations matching ``text``, best first.

    Exact code or name first, then name or code prefix, then pinyin-initials prefix, then
    name substring; shorter names first among equals.
    """
    query = _Query.of(text)
    if not query.text or limit <= 0:
        return []
    ranked: dict[str, tuple[Match, OrgHit]] = {}
    stages, params = _stages(query)
    for stage in stages:
        if len(ranked) >= limit:
            break  # later stages rank lower and cannot displace what we have
        for hit in _shortest(store, stage, params, limit):
            ranked.setdefault(hit.id, (stage.match, hit))
    ordered = sorted(ranked.values(), key=lambda mh: (mh[0], len(mh[1].name), mh[1].name))
    return [hit for _, hit in ordered[:limit]]


def _shortest(store: Store, stage: "_Stage", params: dict[str, Any], limit: int) -> list[OrgHit]:
    """The ``limit`` organizations with the shortest names among those matching the stage.

    Few matches: fetch them all and sort. Many matches, or a condition no index serves (a
    short part: ``instr``): walk names shortest first (in an index holding all four keys)
    and stop at the ``limit``-th match, instead of sorting tens of thousands of rows. A trigram lookup with
    many matches is walked in its ``instr`` form: the matches are dense, the walk stops soon,
    and listing every match from the index would cost more.
    """
    order = "length(name), name"
    where = stage.where
    if "instr(" not in where:
        if stage.scan is not None and _has_many(store, where, params, _DENSE):
            where = stage.scan
        elif stage.scan is not None or not _has_many(store, where, params, _MANY):
            return _select(store, where, params, order, limit)
    walk = (
        "rowid IN (SELECT rowid FROM organizations INDEXED BY organizations_search_walk "
        f"WHERE {where} ORDER BY {order} LIMIT :limit)"
    )
    return _select(store, walk, params, order, limit)


def _has_many(store: Store, where: str, params: dict[str, Any], many: int = _MANY) -> bool:
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM organizations WHERE {where} LIMIT {many})"
    return int(store.db.execute(sql, params).fetchone()[0]) >= many


@dataclass(frozen=True)
class _Stage:
    match: Match
    where: str
    scan: str | None = None  # the same condition with instr, where ``where`` is a trigram lookup


def _stages(query: _Query) -> tuple[list[_Stage], dict[str, Any]]:
    """The SQL condition for each kind of match, best first, and the parameters they use."""
    params: dict[str, Any] = {"text": query.text, "name_from": query.text}
    if len(query.words) > 1:
        parts = [_any_part(word, f"w{i}", params) for i, word in enumerate(query.words)]
        where = " AND ".join(p.where for p in parts)
        return [
            _Stage(Match.ANYWHERE, where, " AND ".join(p.scan or p.where for p in parts))
        ], params
    params["name_to"] = query.text + _TOP
    exact, prefix = "name = :text", "(name >= :name_from AND name < :name_to)"
    if query.code:
        params.update(code=query.code, code_from=query.code, code_to=query.code + _TOP)
        exact += " OR credit_code = :code"
        prefix += " OR (credit_code >= :code_from AND credit_code < :code_to)"
    stages = [_Stage(Match.EXACT, exact), _Stage(Match.PREFIX, prefix)]
    if query.initials:
        params.update(ini_from=query.initials, ini_to=query.initials + _TOP)
        initials = "name_initials >= :ini_from AND name_initials < :ini_to"
        stages.append(_Stage(Match.INITIALS, initials))
    stages.append(_name_part(query.text, params))
    if query.initials:
        stages.append(_any_part(query.initials, "w0", params))
    return stages, params


def _name_part(text: str, params: dict[str, Any], key: str = "text") -> _Stage:
    """Names containing ``text``: the trigram index from three characters, a scan below."""
    params[key] = text
    scan = f"instr(name, :{key}) > 0"
    if len(text) < 3:
        return _Stage(Match.SUBSTRING, scan)
    params[key + "p"] = "name : " + _phrase(text)
    lookup = f"rowid IN (SELECT rowid FROM organizations_fts WHERE organizations_fts MATCH :{key}p)"
    return _Stage(Match.SUBSTRING, lookup, scan)


def _any_part(word: str, key: str, params: dict[str, Any]) -> _Stage:
    """Organizations whose name, code, initials or full pinyin contain ``word``.

    Only a name can hold a Chinese word: such a word is looked for in the name alone, which
    the walk's index covers, so a short one is a scan of that index only.
    """
    if not _ASCII_WORD.search(word.lower()):
        return _name_part(word, params, key)
    params[key], params[key + "u"] = word.lower(), word.upper()
    scan = (
        f"(instr(name, :{key}) > 0 OR instr(credit_code, :{key}u) > 0"
        f" OR instr(name_initials, :{key}) > 0 OR instr(name_pinyin, :{key}) > 0)"
    )
    if len(word) < 3:
        return _Stage(Match.ANYWHERE, scan)
    params[key + "p"] = _phrase(word)
    lookup = f"rowid IN (SELECT rowid FROM organizations_fts WHERE organizations_fts MATCH :{key}p)"
    return _Stage(Match.ANYWHERE, lookup, scan)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def query_page(
    store: Store,
    text: str = "",
    kind: OrgKind | None = None,
    credit_status: CreditStatus | None = None,
    district: str | None = None,
    order_by: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[OrgHit]:
    """One page of the register, filtered and sorted in SQL (for a lazy table model).

    ``text`` keeps organizations whose name contains it, or whose code or pinyin initials
    start with it. ``order_by`` is one of ``SORT_KEYS``; ties keep a fixed order so pages
    never overlap.
    """
    if order_by not in _SORT_COLUMNS:
        raise ValueError(f"cannot sort organizations by {order_by!r}")
    where, params = _filters(text, kind, credit_status, district)
    # Walking the sort index pays off when many rows match; with few matches, it reads the
    # whole table row by row (300 ms on 50,000), so fetch the matches and sort them instead.
    # A unary + keeps SQLite from using an index for that ORDER BY term.
    walk = not text.strip() or _has_many(store, where, params)
    direction = "DESC" if descending else "ASC"
    order = ", ".join(
        f"{'' if walk else '+'}{column} {direction}" for column in _SORT_COLUMNS[order_by]
    )
    return _select(store, where, params, order, limit, offset)


def count(
    store: Store,
    text: str = "",
    kind: OrgKind | None = None,
    credit_status: CreditStatus | None = None,
    district: str | None = None,
) -> int:
    """How many organizations ``query_page`` with the same filters pages through."""
    where, params = _filters(text, kind, credit_status, district)
    row = store.db.execute(f"SELECT COUNT(*) FROM organizations WHERE {where}", params)
    return int(row.fetchone()[0])


def get(store: Store, org_id: str) -> Organization | None:
    """The full record of one organization, or ``None`` if there is no such id."""
    names = [f.name for f in fields(Organization)]
    row = store.db.execute(
        f"SELECT {', '.join(names)} FROM organizations WHERE id = ?", (org_id,)
    ).fetchone()
    if row is None:
        return None
    values = dict(zip(names, row, strict=True))
    values["kind"] = OrgKind(values["kind"])
    values["credit_status"] = CreditStatus(values["credit_status"])
    values["registration_status"] = RegistrationStatus(values["registration_status"])
    return Organization(**values)


def districts(store: Store) -> list[str]:
    """The districts present in the register, for a filter drop-down."""
    rows = store.db.execute(
        "SELECT DISTINCT district FROM organizations WHERE district != '' ORDER BY district"
    )
    return [row[0] for row in rows]


def registration_authorities(store: Store) -> list[str]:
    """The registration authorities present in the register, for a filter drop-down."""
    rows = store.db.execute(
        "SELECT DISTINCT registration_authority FROM organizations"
        " WHERE registration_authority != '' ORDER BY registration_authority"
    )
    return [row[0] for row in rows]


def largest_district(store: Store) -> str | None:
    """The district with the most organizations (``None`` for an empty register)."""
    row = store.db.execute(
        "SELECT district FROM organizations GROUP BY district ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def _filters(
    text: str,
    kind: OrgKind | None,
    credit_status: CreditStatus | None,
    district: str | None,
) -> tuple[str, dict[str, Any]]:
    clauses = ["1"]
    params: dict[str, Any] = {}
    query = _Query.of(text)
    if query.text:
        # Every exact match is also a prefix match, so the other stages cover it.
        stages, params = _stages(query)
        matches = [f"({stage.where})" for stage in stages if stage.match is not Match.EXACT]
        clauses.append("(" + " OR ".join(matches) + ")")
    for column, value in (("kind", kind), ("credit_status", credit_status), ("district", district)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = str(value)
    return " AND ".join(clauses), params


def _select(
    store: Store, where: str, params: dict[str, Any], order: str, limit: int, offset: int = 0
) -> list[OrgHit]:
    rows = store.db.execute(
        f"SELECT {_HIT_COLUMNS} FROM organizations WHERE {where} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return [_hit(row) for row in rows]


def _hit(row: tuple[str, ...]) -> OrgHit:
    org_id, code, name, kind, district, status, legal_rep, registration = row
    return OrgHit(
        org_id,
        code,
        name,
        OrgKind(kind),
        district,
        CreditStatus(status),
        legal_rep,
        RegistrationStatus(registration),
    )
