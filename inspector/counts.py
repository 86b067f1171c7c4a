"""Headline counts of what the store holds, for the start screen and `inspector status`."""

from dataclasses import dataclass

from inspector.store import Store


@dataclass(frozen=True)
class StoreCounts:
    organizations: int
    inspectors: int
    checklists: int
    tasks: int
    inspections: int
    findings: int
    open_findings: int


def store_counts(store: Store) -> StoreCounts:
    """Count the main records in one read."""
    row = store.db.execute(
        """SELECT
            (SELECT COUNT(*) FROM organizations),
            (SELECT COUNT(*) FROM roster),
            (SELECT COUNT(*) FROM checklists),
            (SELECT COUNT(*) FROM tasks),
            (SELECT COUNT(*) FROM inspections),
            (SELECT COUNT(*) FROM findings),
            (SELECT COUNT(*) FROM findings WHERE status IN ('open', 'reported', 'not_rectified'))
        """
    ).fetchone()
    return StoreCounts(*row)
