"""Read-only lists the screens show: tasks, inspections by state, findings by deadline.

Plain dataclasses out, one query each; labels and colours are the UI's business.
"""

from dataclasses import dataclass
from datetime import date

from inspector.clock import today
from inspector.deadlines import days_left
from inspector.lifecycle import is_overdue
from inspector.model import FindingStatus, InspectionStatus, Inspector
from inspector.store import Store


@dataclass(frozen=True)
class TaskRow:
    id: str
    organization_id: str
    organization: str
    checklist_id: str
    checklist_title: str
    due_date: str
    inspection_id: str | None  # an inspection already started for this task


@dataclass(frozen=True)
class InspectionRow:
    id: str
    organization_id: str
    organization: str
    checklist_title: str
    status: InspectionStatus
    started_at: str
    updated_at: str


@dataclass(frozen=True)
class FindingRow:
    id: str
    inspection_id: str
    organization: str
    description: str
    severity: str
    status: FindingStatus
    deadline: str | None

    def days_left(self, on: date | None = None) -> int | None:
        """Days to the deadline (negative when overdue); None without a deadline."""
        if not self.deadline:
            return None
        return days_left(date.fromisoformat(self.deadline), on or today())

    def overdue(self, on: date | None = None) -> bool:
        deadline_on = date.fromisoformat(self.deadline) if self.deadline else None
        return is_overdue(self.status, deadline_on, on or today())


def open_tasks(store: Store) -> list[TaskRow]:
    """Tasks not yet done, soonest due first, with any inspection started for them."""
    rows = store.db.execute(
        "SELECT t.id, t.organization_id, o.name, t.checklist_id,"
        " COALESCE((SELECT c.title FROM checklists c WHERE c.id = t.checklist_id"
        " ORDER BY c.version DESC LIMIT 1), t.checklist_id), t.due_date,"
        " (SELECT i.id FROM inspections i WHERE i.task_id = t.id ORDER BY i.created_at DESC LIMIT 1)"
        " FROM tasks t JOIN organizations o ON o.id = t.organization_id"
        " WHERE t.status = 'open' ORDER BY t.due_date = '', t.due_date, o.name"
    ).fetchall()
    return [TaskRow(*row) for row in rows]


_INSPECTION_SELECT = (
    "SELECT i.id, i.organization_id, o.name, COALESCE(c.title, i.checklist_id), i.status,"
    " i.started_at, i.updated_at FROM inspections i"
    " JOIN organizations o ON o.id = i.organization_id"
    " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
)


def inspections(store: Store, status: InspectionStatus | None = None) -> list[InspectionRow]:
    """Inspections, newest change first, optionally of one status."""
    where, params = (" WHERE i.status = ?", (status.value,)) if status else ("", ())
    rows = store.db.execute(
        _INSPECTION_SELECT + where + " ORDER BY i.updated_at DESC", params
    ).fetchall()
    return [_inspection(row) for row in rows]


def in_progress(store: Store) -> list[InspectionRow]:
    """Inspections still with the inspector (drafts and returned ones), newest change first."""
    rows = store.db.execute(
        _INSPECTION_SELECT + " WHERE i.status IN ('draft', 'returned') ORDER BY i.updated_at DESC"
    ).fetchall()
    return [_inspection(row) for row in rows]


def inspections_of(store: Store, organization_id: str) -> list[InspectionRow]:
    """An organization's inspections, newest first."""
    rows = store.db.execute(
        _INSPECTION_SELECT + " WHERE i.organization_id = ? ORDER BY i.started_at DESC",
        (organization_id,),
    ).fetchall()
    return [_inspection(row) for row in rows]


def inspection(store: Store, inspection_id: str) -> InspectionRow | None:
    row = store.db.execute(_INSPECTION_SELECT + " WHERE i.id = ?", (inspection_id,)).fetchone()
    return _inspection(row) if row else None


_FINDING_SELECT = (
    "SELECT f.id, f.inspection_id, o.name, f.description, f.severity, f.status, f.deadline"
    " FROM findings f JOIN inspections i ON i.id = f.inspection_id"
    " JOIN organizations o ON o.id = i.organization_id"
)


def findings_of_organization(store: Store, organization_id: str) -> list[FindingRow]:
    """Every finding ever recorded on an organization, newest deadline first."""
    rows = store.db.execute(
        _FINDING_SELECT + " WHERE i.organization_id = ? ORDER BY f.deadline DESC, f.created_at",
        (organization_id,),
    ).fetchall()
    return [_finding(row) for row in rows]


def findings_of_inspection(store: Store, inspection_id: str) -> list[FindingRow]:
    rows = store.db.execute(
        _FINDING_SELECT + " WHERE f.inspection_id = ? ORDER BY f.created_at", (inspection_id,)
    ).fetchall()
    return [_finding(row) for row in rows]


def _inspection(row: tuple[str, ...]) -> InspectionRow:
    values = list(row)
    values[4] = InspectionStatus(values[4])
    return InspectionRow(*values)  # type: ignore[arg-type]


def _finding(row: tuple[str, ...]) -> FindingRow:
    values = list(row)
    values[5] = FindingStatus(values[5])
    return FindingRow(*values)  # type: ignore[arg-type]


def inspectors_of(store: Store, inspection_id: str) -> list[Inspector]:
    """The inspectors of an inspection in the order they were chosen."""
    rows = store.db.execute(
        "SELECT r.name, r.certificate_no, r.unit, r.role, r.id FROM inspection_inspectors ii"
        " JOIN roster r ON r.id = ii.roster_id WHERE ii.inspection_id = ? ORDER BY ii.position",
        (inspection_id,),
    ).fetchall()
    return [Inspector(*row) for row in rows]


@dataclass(frozen=True)
class SyncState:
    waiting: int  # inspection revisions still to upload (as ``sync.outbox.waiting`` counts)
    last_sync: str | None  # UTC ISO of the last successful exchange


def sync_state(store: Store) -> SyncState:
    """What the status bar says about the network side."""
    waiting = store.db.execute(
        "SELECT COUNT(*) FROM sync_outbox WHERE state IN ('pending', 'sending')"
    ).fetchone()[0]
    row = store.db.execute("SELECT value FROM sync_state WHERE key = 'last_sync_at'").fetchone()
    return SyncState(waiting, row[0] if row else None)
