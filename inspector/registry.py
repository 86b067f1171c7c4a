"""The register of organizations 社会组织名录: insert or update by unified social credit code.

Writes go in batches, one transaction each, so a crash mid-import leaves a whole number of
batches behind and the import can simply be run again.
"""

import functools
import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from inspector import audit
from inspector.clock import utc_now
from inspector.model import Organization
from inspector.store import Store

BATCH_SIZE = 2000

# Columns an import may write; ``id`` is assigned here and never overwritten on update.
ORG_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Organization) if f.name != "id")
# Always written: identity and what is derived from it.
_ALWAYS_WRITTEN = ("credit_code", "name", "kind", "name_initials", "name_pinyin", "updated_at")
_DERIVED = ("name_initials", "name_pinyin", "updated_at")

_NOT_INITIAL = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class UpsertCounts:
    """Rows inserted, rows whose stored values changed, and known rows that were the same."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "UpsertCounts") -> "UpsertCounts":
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    @property
    def processed(self) -> int:
        return self.inserted + self.updated + self.unchanged


# pypinyin's dictionaries take 0.3 s to load: they are imported on first use, so that the
# sync commands that never make pinyin (a push) do not wait for them.


@functools.lru_cache(maxsize=65536)
def _word_initials(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


@functools.lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


def _words(name: str) -> list[str]:
    from pypinyin.seg.simpleseg import seg

    return list(seg(name))


def name_pinyin(name: str) -> str:
    """The full pinyin of a name, lower-case, without tones or spaces: 中国自动化学会 →
    ``zhongguozidonghuaxuehui`` (searched anywhere, like the initials)."""
    return _NOT_INITIAL.sub("", "".join(_word_pinyin(word) for word in _words(name)).lower())


def name_initials(name: str) -> str:
    """Pinyin first letters of a name, lower-case: 中国自动化学会 → ``zgzdhxh``.

    Latin letters and digits in the name are kept; punctuation is dropped. Heteronyms take
    pypinyin's phrase-aware default (重庆 → ``cq``). Words are cached because organization
    names repeat the same words (市, 协会, 基金会…) and the uncached call is slow.
    """
    initials = "".join(_word_initials(word) for word in _words(name))
    return _NOT_INITIAL.sub("", initials.lower())


@dataclass(frozen=True)
class _Stored:
    id: str
    name: str
    name_initials: str
    name_pinyin: str


def existing_ids(store: Store, codes: Collection[str]) -> dict[str, str]:
    """Map each of ``codes`` already in the register to its organization id."""
    return {code: stored.id for code, stored in _stored(store, codes).items()}


def _stored(store: Store, codes: Collection[str]) -> dict[str, _Stored]:
    found: dict[str, _Stored] = {}
    code_list = list(codes)
    for start in range(0, len(code_list), BATCH_SIZE):
        chunk = code_list[start : start + BATCH_SIZE]
        marks = ",".join("?" * len(chunk))
        rows = store.db.execute(
            "SELECT credit_code, id, name, name_initials, name_pinyin FROM organizations "
            f"WHERE credit_code IN ({marks})",
            chunk,
        )
        found.update({code: _Stored(*rest) for code, *rest in rows.fetchall()})
    return found


def upsert_many(
    store: Store,
    orgs: Sequence[Organization],
    columns: Collection[str] = ORG_COLUMNS,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[UpsertCounts], None] | None = None,
) -> UpsertCounts:
    """Insert new organizations and update known ones (matched by credit code).

    Only ``columns`` (plus code, name, kind and the derived columns) are written on update,
    so a file without, say, a credit-status column leaves stored statuses alone. An existing
    organization keeps its id. Codes must be valid (``credit_code.validate``) and unique
    within ``orgs``. ``on_batch`` gets the running totals after each committed batch; an
    exception raised there (a cancel) stops the import with the batches so far kept.
    """
    sql = _upsert_sql(columns)
    total = UpsertCounts()
    for start in range(0, len(orgs), batch_size):
        batch = orgs[start : start + batch_size]
        with store.transaction() as conn:
            known = _stored(store, [org.credit_code for org in batch])
            rows = json.dumps(list(_rows(batch, known)), ensure_ascii=False)
            changed = conn.execute(sql, (rows,)).rowcount  # inserted + really updated
        inserted = len(batch) - len(known)
        updated = changed - inserted
        total += UpsertCounts(inserted, updated, len(known) - updated)
        if on_batch is not None:
            on_batch(total)
    return total


def plan(
    store: Store | None, orgs: Sequence[Organization], columns: Collection[str] = ORG_COLUMNS
) -> UpsertCounts:
    """What ``upsert_many`` would do, reading only: for a dry run (no store: all new)."""
    if store is None:
        return UpsertCounts(inserted=len(orgs))
    present = {row[1] for row in store.db.execute("PRAGMA table_info(organizations)")}
    compared = [c for c in _compared(columns) if c in present]
    stored: dict[str, tuple[str, ...]] = {}
    codes = [org.credit_code for org in orgs]
    for start in range(0, len(codes), BATCH_SIZE):
        chunk = codes[start : start + BATCH_SIZE]
        rows = store.db.execute(
            f"SELECT credit_code, {', '.join(compared)} FROM organizations "
            f"WHERE credit_code IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        stored.update({code: tuple(map(str, rest)) for code, *rest in rows.fetchall()})
    updated = sum(
        1
        for org in orgs
        if org.credit_code in stored
        and stored[org.credit_code] != tuple(str(getattr(org, c)) for c in compared)
    )
    return UpsertCounts(len(orgs) - len(stored), updated, len(stored) - updated)


def _compared(columns: Collection[str]) -> list[str]:
    """The columns an update writes and compares, in table order (not the derived ones)."""
    return [c for c in ORG_COLUMNS if c != "credit_code" and (c in _ALWAYS_WRITTEN or c in columns)]


def upsert(store: Store, org: Organization) -> Organization:
    """Insert or update one organization; returns it with its stored id."""
    upsert_many(store, [org])
    stored_id = existing_ids(store, [org.credit_code])[org.credit_code]
    return replace(org, id=stored_id)


def apply_office_record(store: Store, values: Mapping[str, Any]) -> None:
    """One organization as the office publishes it, inside the caller's transaction."""
    apply_office_records(store, [values])


def apply_office_records(store: Store, records: Iterable[Mapping[str, Any]]) -> None:
    """Organizations as the office publishes them, inside the caller's transaction.

    Matched by credit code: a local id (referenced by inspections) is kept. Only the columns
    sent are written. The office sends the pinyin it computed once for everyone; a record
    without it (published by an older server) gets it here. Records sending the same columns
    go in one statement, rows passed as a JSON array: a statement per row makes the
    full-text index flush at every row (FTS5 flushes at each statement's savepoint), and a
    50,000-organization pull spent most of its time there.
    """
    now = utc_now()
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for values in records:
        row = {c: values[c] for c in _OFFICE_COLUMNS if c in values}
        if not row.get("name_initials"):
            row["name_initials"] = name_initials(row["name"])
        if not row.get("name_pinyin"):
            row["name_pinyin"] = name_pinyin(row["name"])
        row["updated_at"] = now
        groups.setdefault(tuple(row), []).append(list(row.values()))
    for columns, rows in groups.items():
        store.db.execute(_office_sql(columns), (json.dumps(rows, ensure_ascii=False),))


_OFFICE_COLUMNS = ("id", *ORG_COLUMNS, "name_initials", "name_pinyin")


@functools.lru_cache(maxsize=64)
def _office_sql(columns: tuple[str, ...]) -> str:
    selected = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    return (
        f"INSERT INTO organizations ({', '.join(columns)}) SELECT {selected} FROM json_each(?)"
        f" WHERE true ON CONFLICT (credit_code) DO UPDATE SET {updates}"
    )


def apply_office_removal(store: Store, credit_code: str, reason: str) -> str | None:
    """The office took an organization out of its register, inside the caller's transaction.

    Removed here too when nothing on this device points at it; kept otherwise (its inspections,
    tasks and history stay true). Returns the name when it was kept, else None.
    """
    row = store.db.execute(
        "SELECT id, name FROM organizations WHERE credit_code = ?", (credit_code,)
    ).fetchone()
    if row is None:
        return None
    if _referenced(store, row[0]):
        return str(row[1])
    store.db.execute("DELETE FROM organizations WHERE id = ?", (row[0],))
    audit.record(
        store.db.conn,
        actor="office",
        entity="organization",
        entity_id=row[0],
        action="office_remove",
        old={"credit_code": credit_code, "name": row[1]},
        new={"reason": reason},
    )
    return None


def _referenced(store: Store, org_id: str) -> bool:
    """Whether any row of any table points at this organization (by a foreign key)."""
    references = store.db.execute(
        'SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f'
        " WHERE m.type = 'table' AND f.\"table\" = 'organizations'"
    ).fetchall()
    return any(
        store.db.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (org_id,)).fetchone()
        for table, column in references
    )


def _upsert_sql(columns: Collection[str]) -> str:
    unknown = set(columns) - set(ORG_COLUMNS)
    if unknown:
        raise ValueError(f"not organization columns: {sorted(unknown)}")
    insert_columns = ("id", *ORG_COLUMNS, *_DERIVED)
    compared = _compared(columns)
    updated = [*compared, *_DERIVED]
    # One statement per batch, rows passed as a JSON array: row by row (executemany), the
    # FTS triggers flush the full-text index at every row and the import runs 3x slower.
    selected = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(insert_columns)))
    # A row whose values did not change is left alone: its updated_at stays true.
    return (
        f"INSERT INTO organizations ({', '.join(insert_columns)}) "
        f"SELECT {selected} FROM json_each(?) WHERE true "
        f"ON CONFLICT(credit_code) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updated)
        + f" WHERE ({', '.join(compared)}) IS NOT ({', '.join('excluded.' + c for c in compared)})"
    )


def _rows(batch: Iterable[Organization], known: dict[str, _Stored]) -> Iterable[tuple[str, ...]]:
    now = utc_now()
    for org in batch:
        stored = known.get(org.credit_code)
        org_id = stored.id if stored else org.id or str(uuid.uuid4())
        # Pinyin is the slow part of an import; a re-import mostly repeats the stored names.
        if stored is not None and stored.name == org.name and stored.name_pinyin:
            initials, pinyin = stored.name_initials, stored.name_pinyin
        else:
            initials, pinyin = name_initials(org.name), name_pinyin(org.name)
        values = tuple(str(getattr(org, column)) for column in ORG_COLUMNS)
        yield (org_id, *values, initials, pinyin, now)
