"""The roster of enforcement staff 执法人员名录库: names and certificate numbers."""

import uuid
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from inspector.errors import UserError
from inspector.model import Inspector
from inspector.store import Store


def add(store: Store, person: Inspector) -> Inspector:
    """Add or update a person by certificate number; returns the stored record with its id."""
    if not person.name.strip() or not person.certificate_no.strip():
        raise UserError("执法人员的姓名和执法证号都不能为空")
    existing = store.db.execute(
        "SELECT id FROM roster WHERE certificate_no = ?", (person.certificate_no,)
    ).fetchone()
    stored = replace(person, id=existing[0] if existing else person.id or str(uuid.uuid4()))
    with store.transaction():
        store.db.table("roster").upsert(asdict(stored), pk="id")
    return stored


def all_active(store: Store) -> list[Inspector]:
    """Everyone on the roster who is active, by name."""
    rows = store.db.execute(
        "SELECT name, certificate_no, unit, role, id FROM roster WHERE active = 1 ORDER BY name"
    ).fetchall()
    return [Inspector(*row) for row in rows]


ROSTER_COLUMNS = ("id", "name", "certificate_no", "unit", "role", "active")


def apply_office_record(store: Store, values: Mapping[str, Any]) -> None:
    """A person as the office publishes them, inside the caller's transaction (by id; only the
    columns sent are written)."""
    row = {c: values[c] for c in ROSTER_COLUMNS if c in values}
    store.db.table("roster").upsert(row, pk="id")


def ids_matching(store: Store, text: str) -> list[str]:
    """Ids of the people whose certificate number, name or id is ``text`` (a person typed it)."""
    rows = store.db.execute(
        "SELECT id FROM roster WHERE certificate_no = ? OR name = ? OR id = ?", (text, text, text)
    ).fetchall()
    return [str(row[0]) for row in rows]
