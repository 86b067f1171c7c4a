"""The rectification tracker 整改跟踪: every finding not yet closed, across organizations.

Filtering and sorting happen in SQL over indexed columns; days left and overdue are derived
from the deadline and the day asked about, never stored.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from inspector.clock import today
from inspector.deadlines import days_left
from inspector.lifecycle import is_overdue
from inspector.model import FindingStatus
from inspector.store import Store

NOT_CLOSED = ("open", "reported", "not_rectified", "escalated")
AWAITING = ("open", "reported", "not_rectified")  # what can still be overdue
HANDED_IN = (
    "f.inspection_id NOT IN (SELECT id FROM inspections WHERE status IN ('draft', 'returned'))"
)
SEVERITY_RANK = "CASE f.severity WHEN '严重' THEN 0 WHEN '较重' THEN 1 ELSE 2 END"


class SortKey(StrEnum):
    DEADLINE = "deadline"
    SEVERITY = "severity"
    ORGANIZATION = "organization"
    INSPECTED = "inspected"
    STATUS = "status"


_ORDER = {
    SortKey.DEADLINE: "f.deadline",  # handed-in findings always have one (completion checks)
    SortKey.SEVERITY: SEVERITY_RANK,
    SortKey.ORGANIZATION: "o.name",
    SortKey.INSPECTED: "i.started_at",
    SortKey.STATUS: "f.status",
}


@dataclass(frozen=True)
class TrackerFilter:
    """Empty tuples mean "any"; ``statuses`` defaults to every finding not closed."""

    kinds: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = NOT_CLOSED
    due_within_days: int | None = None  # deadline from today up to N days ahead
    overdue: bool = False
    ids: tuple[str, ...] = ()  # only these findings (a dashboard bar's rows)


@dataclass(frozen=True)
class TrackerRow:
    id: str
    inspection_id: str
    organization_id: str
    organization: str
    kind: str
    district: str
    description: str
    severity: str
    status: FindingStatus
    deadline: str | None
    inspected_on: str  # the inspection's start, UTC ISO
    checklist: str
    escalation: str

    def days_left(self, on: date | None = None) -> int | None:
        """Days to the deadline, negative when past; None without a deadline."""
        if not self.deadline:
            return None
        return days_left(date.fromisoformat(self.deadline), on or today())

    def overdue(self, on: date | None = None) -> bool:
        deadline_on = date.fromisoformat(self.deadline) if self.deadline else None
        return is_overdue(self.status, deadline_on, on or today())


_SELECT = (
    "SELECT f.id, f.inspection_id, o.id, o.name, o.kind, o.district, f.description, f.severity,"
    " f.status, f.deadline, i.started_at, COALESCE(c.title, i.checklist_id), f.escalation"
    " FROM findings f JOIN inspections i ON i.id = f.inspection_id"
    " JOIN organizations o ON o.id = i.organization_id"
    " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
)


def query(
    store: Store,
    wanted: TrackerFilter = TrackerFilter(),
    *,
    sort: SortKey = SortKey.DEADLINE,
    descending: bool = False,
    on: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[TrackerRow]:
    """Findings matching ``wanted`` as of ``on`` (today), sorted, optionally one page."""
    where, params = _where(wanted, on or today())
    direction = " DESC" if descending else ""
    order = ", ".join(part + direction for part in _ORDER[sort].split(", "))
    # Deadline order comes straight from the index (ties in rowid order), so a page stops
    # early; an explicit tie-break would make SQLite sort every match first.
    tie = "" if sort == SortKey.DEADLINE else ", f.deadline, f.rowid"
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = store.db.execute(
        f"{_SELECT} WHERE {where} ORDER BY {order}{tie}{page}", params
    ).fetchall()
    return [_row(row) for row in rows]


def count(store: Store, wanted: TrackerFilter = TrackerFilter(), *, on: date | None = None) -> int:
    """How many findings match ``wanted``."""
    where, params = _where(wanted, on or today())
    return int(
        store.db.execute(f"SELECT COUNT(*) FROM findings f WHERE {where}", params).fetchone()[0]
    )


def _where(wanted: TrackerFilter, on: date) -> tuple[str, list[Any]]:
    """Conditions on ``findings f`` alone, so counting needs no join.

    Drafts are still the inspector's: a finding counts once its inspection is handed in. The
    few inspections not handed in, and the organizations matching kind/district, come from
    subqueries SQLite evaluates once, instead of a join probed for every finding.
    """
    clauses = [HANDED_IN]
    params: list[Any] = []
    for column, values in (("f.status", wanted.statuses), ("f.severity", wanted.severities)):
        if values:
            clauses.append(f"{column} IN ({_marks(values)})")
            params.extend(values)
    org_clauses = []
    for column, values in (("o.kind", wanted.kinds), ("o.district", wanted.districts)):
        if values:
            org_clauses.append(f"{column} IN ({_marks(values)})")
            params.extend(values)
    if org_clauses:
        clauses.append(
            "f.inspection_id IN (SELECT i.id FROM organizations o JOIN inspections i"
            f" ON i.organization_id = o.id WHERE {' AND '.join(org_clauses)})"
        )
    if wanted.ids:
        clauses.append("f.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(wanted.ids)))
    awaiting = f"f.status IN ({', '.join(repr(s) for s in AWAITING)})"
    if wanted.overdue:
        clauses.append(f"{awaiting} AND f.deadline < ?")
        params.append(on.isoformat())
    if wanted.due_within_days is not None:
        clauses.append(f"{awaiting} AND f.deadline BETWEEN ? AND ?")
        params += [on.isoformat(), (on + timedelta(days=wanted.due_within_days)).isoformat()]
    return " AND ".join(clauses), params


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" * len(values))


def _row(row: tuple[Any, ...]) -> TrackerRow:
    values = list(row)
    values[8] = FindingStatus(values[8])
    return TrackerRow(*values)
