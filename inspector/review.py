"""The supervisor's review queue: completed inspections waiting for approval, and the two
decisions on them, approve or return with a reason, open only to supervisors."""

from dataclasses import dataclass

from inspector import inspections
from inspector.roles import require_supervisor
from inspector.store import Store


@dataclass(frozen=True)
class Waiting:
    """A completed inspection in the queue."""

    id: str
    organization: str
    credit_code: str
    checklist: str
    inspectors: str  # names, 、-separated
    started_at: str  # UTC ISO
    completed_at: str  # UTC ISO
    findings: int


def queue(store: Store) -> list[Waiting]:
    """Completed inspections not yet reviewed, the longest waiting first."""
    rows = store.db.execute(
        "SELECT i.id, o.name, o.credit_code, COALESCE(c.title, i.checklist_id),"
        " COALESCE((SELECT group_concat(r.name, '、') FROM inspection_inspectors ii"
        "  JOIN roster r ON r.id = ii.roster_id WHERE ii.inspection_id = i.id), ''),"
        " i.started_at, COALESCE(i.completed_at, i.updated_at),"
        " (SELECT COUNT(*) FROM findings f WHERE f.inspection_id = i.id)"
        " FROM inspections i JOIN organizations o ON o.id = i.organization_id"
        " LEFT JOIN checklists c ON c.id = i.checklist_id AND c.version = i.checklist_version"
        " WHERE i.status = 'completed' ORDER BY i.completed_at, i.id"
    ).fetchall()
    return [Waiting(*row) for row in rows]


def approve(store: Store, inspection_id: str, *, actor: str) -> None:
    """Approve a completed inspection (supervisors only)."""
    require_supervisor(store, actor)
    inspections.approve(store, inspection_id, actor=actor)


def return_to_inspector(store: Store, inspection_id: str, *, reason: str, actor: str) -> None:
    """Send a completed inspection back with the reason the inspector will read."""
    require_supervisor(store, actor)
    inspections.return_to_inspector(store, inspection_id, reason=reason, actor=actor)
