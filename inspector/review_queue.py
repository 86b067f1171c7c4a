"""Review decisions taken on a supervisor's desk, waiting for the server: ``sync_reviews``.

A decision is queued by a trigger (migration ``M_SYNC_REVIEWS``) in the transaction of the
approve or return workflow on an inspection imported from the server.
"""

from dataclasses import dataclass

from inspector.clock import utc_now
from inspector.store import Store


@dataclass(frozen=True)
class ReviewRow:
    seq: int
    inspection_id: str
    revision: int
    decision: str  # 'approve' or 'return'
    reason: str
    organization: str  # its name, '' when the register no longer has it
    state: str
    message: str


def pending(store: Store) -> list[ReviewRow]:
    """Decisions still to upload, oldest first."""
    return _rows(store, "r.state = 'pending'")


def unsettled(store: Store) -> list[ReviewRow]:
    """Every decision the server has not recorded yet, oldest first."""
    return _rows(store, "r.state != 'done'")


def settle(store: Store, inspection_id: str, revision: int, state: str, message: str) -> None:
    """Record how a pending decision went (``done`` once the server holds it)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_reviews SET state = ?, message = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE inspection_id = ? AND revision = ? AND state = 'pending'",
            (state, message, utc_now(), inspection_id, revision),
        )


def requeue_rejected(store: Store) -> int:
    """Decisions the server refused wait again; returns how many."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE sync_reviews SET state = 'pending', updated_at = ? WHERE state = 'rejected'",
            (utc_now(),),
        )
        return cursor.rowcount


def _rows(store: Store, where: str) -> list[ReviewRow]:
    rows = store.db.execute(
        "SELECT r.seq, r.inspection_id, r.revision, r.decision, r.reason, COALESCE(g.name, ''),"
        " r.state, r.message FROM sync_reviews r JOIN inspections i ON i.id = r.inspection_id"
        f" LEFT JOIN organizations g ON g.id = i.organization_id WHERE {where} ORDER BY r.seq"
    ).fetchall()
    return [ReviewRow(*row) for row in rows]
