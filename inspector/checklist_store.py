"""Stored checklist versions as rows: the checklists aggregate of the device store.

Here a version is its columns and its definition as canonical JSON text; whoever loads one
parses the definition into ``inspector.checklist_model.Checklist`` there.
A stored version never changes: ``insert`` leaves a stored id and version alone.
"""

import sqlite3
from dataclasses import astuple, dataclass, fields

from inspector.store import Store


@dataclass(frozen=True)
class StoredChecklist:
    id: str
    version: int
    title: str
    kind: str
    applies_to: str  # JSON list of OrgKind values
    effective_date: str  # ISO date
    definition: str  # the whole checklist as canonical JSON
    content_hash: str  # SHA-256 of ``definition``


_COLUMNS = ", ".join(f.name for f in fields(StoredChecklist))


def get(store: Store, checklist_id: str, version: int | None = None) -> StoredChecklist | None:
    """One stored version (the highest when ``version`` is None), or ``None``."""
    if version is None:
        row = store.db.execute(
            f"SELECT {_COLUMNS} FROM checklists WHERE id = ? ORDER BY version DESC LIMIT 1",
            (checklist_id,),
        ).fetchone()
    else:
        row = store.db.execute(
            f"SELECT {_COLUMNS} FROM checklists WHERE id = ? AND version = ?",
            (checklist_id, version),
        ).fetchone()
    return StoredChecklist(*row) if row else None


def all_versions(store: Store) -> list[StoredChecklist]:
    """Every stored version, ordered by id then version."""
    rows = store.db.execute(f"SELECT {_COLUMNS} FROM checklists ORDER BY id, version")
    return [StoredChecklist(*row) for row in rows]


def in_effect(store: Store, on: str) -> list[StoredChecklist]:
    """For each id, its highest version whose effective date is on or before ``on`` (ISO)."""
    rows = store.db.execute(
        f"SELECT {_COLUMNS} FROM checklists WHERE effective_date <= ? ORDER BY id, version", (on,)
    )
    latest = {row[0]: StoredChecklist(*row) for row in rows}  # the highest version wins
    return list(latest.values())


def titles(store: Store) -> list[tuple[str, str]]:
    """(id, title) of every stored checklist id, by title, for a choice list."""
    rows = store.db.execute("SELECT id, title FROM checklists GROUP BY id ORDER BY title")
    return [(checklist_id, title) for checklist_id, title in rows]


def content_hash(conn: sqlite3.Connection, checklist_id: str, version: int) -> str | None:
    """The stored hash of a version, inside the caller's transaction; ``None`` if not stored."""
    row = conn.execute(
        "SELECT content_hash FROM checklists WHERE id = ? AND version = ?", (checklist_id, version)
    ).fetchone()
    return str(row[0]) if row else None


def highest_version(conn: sqlite3.Connection, checklist_id: str) -> int | None:
    row = conn.execute("SELECT MAX(version) FROM checklists WHERE id = ?", (checklist_id,))
    value = row.fetchone()[0]
    return int(value) if value is not None else None


def insert(store: Store, checklist: StoredChecklist, *, imported_at: str) -> bool:
    """Store a version unless that id and version are stored already; True if it was new.

    Inside the caller's transaction (a checklist import, or a pulled page)."""
    cursor = store.db.execute(
        f"INSERT INTO checklists ({_COLUMNS}, imported_at)"
        f" VALUES ({', '.join('?' * (len(fields(StoredChecklist)) + 1))})"
        " ON CONFLICT (id, version) DO NOTHING",
        (*astuple(checklist), imported_at),
    )
    return cursor.rowcount == 1
