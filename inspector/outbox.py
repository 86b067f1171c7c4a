"""The outbox table ``sync_outbox``: which inspection revisions wait to go up, and how it went.

Rows are queued by triggers (migration ``M_SYNC_OUTBOX``) in the very transaction that completes
or amends an inspection, so no workflow can change an inspection and forget to queue it. The
sync engine (``sync.outbox``) decides what the states mean; this module only keeps them.
"""

import sqlite3
from dataclasses import dataclass

from inspector.clock import utc_now
from inspector.store import Store


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    inspection_id: str
    revision: int
    state: str
    bundle: str | None  # the frozen upload as JSON, once its upload started
    message: str
    attempts: int
    organization: str  # its name, '' when the register no longer has it


def waiting(store: Store) -> list[OutboxRow]:
    """Revisions still to upload, oldest first."""
    return _rows(store, "o.state IN ('pending', 'sending')")


def all_rows(store: Store) -> list[OutboxRow]:
    return _rows(store, "1 = 1")


def state_of(store: Store, inspection_id: str, revision: int) -> tuple[str, str] | None:
    """(state, message) of one queued revision, or ``None`` if it is not queued."""
    row = store.db.execute(
        "SELECT state, message FROM sync_outbox WHERE inspection_id = ? AND revision = ?",
        (inspection_id, revision),
    ).fetchone()
    return (row[0], row[1]) if row else None


def freeze(conn: sqlite3.Connection, seq: int, bundle: str) -> None:
    """Keep the upload's content, inside the transaction that read it; it is sending now."""
    conn.execute(
        "UPDATE sync_outbox SET state = 'sending', bundle = ?, updated_at = ? WHERE seq = ?",
        (bundle, utc_now(), seq),
    )


def mark(store: Store, seq: int, state: str, message: str) -> None:
    """Record the outcome of one attempt."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_outbox SET state = ?, message = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE seq = ?",
            (state, message, utc_now(), seq),
        )


def note(store: Store, seq: int, message: str) -> None:
    """Keep why a record is still waiting; its state is left as it is."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_outbox SET message = ?, updated_at = ? WHERE seq = ?",
            (message, utc_now(), seq),
        )


def requeue_rejected(store: Store) -> int:
    """Refused revisions wait again (still frozen as sent, when they were); returns how many."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE sync_outbox SET state = CASE WHEN bundle IS NULL THEN 'pending'"
            " ELSE 'sending' END, updated_at = ? WHERE state = 'rejected'",
            (utc_now(),),
        )
        return cursor.rowcount


def state_counts(store: Store) -> dict[str, int]:
    """Records per state: inspection bundles and queued review decisions together."""
    rows = store.db.execute(
        "SELECT state, COUNT(*) FROM (SELECT state FROM sync_outbox"
        " UNION ALL SELECT state FROM sync_reviews) GROUP BY state"
    ).fetchall()
    return {state: count for state, count in rows}


def _rows(store: Store, where: str) -> list[OutboxRow]:
    rows = store.db.execute(
        "SELECT o.seq, o.inspection_id, o.revision, o.state, o.bundle, o.message, o.attempts,"
        " COALESCE(g.name, '') FROM sync_outbox o JOIN inspections i ON i.id = o.inspection_id"
        f" LEFT JOIN organizations g ON g.id = i.organization_id WHERE {where} ORDER BY o.seq"
    ).fetchall()
    return [OutboxRow(*row) for row in rows]
