"""The supervisor's review queue: completed inspections waiting for approval.

The two decisions on them are ``inspections.approve`` and ``inspections.return_to_inspector``,
which refuse anyone who is not a supervisor on the roster."""

from dataclasses import dataclass

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
