"""The outbox: which inspection revisions and finding changes wait to go up, and how it went.

Inspection revisions (``sync_outbox``) are queued by triggers (migration ``M_SYNC_OUTBOX``) in
the very transaction that completes or amends an inspection, so no workflow can change an
inspection and forget to queue it. Finding changes made after that (report-back, 复查,
escalation: ``sync_field_changes``, migration ``M_SYNC_FIELD_CHANGES``) are queued by
``inspector.findings`` in the transaction of the change, each with its own UUID, who made it,
when, and the finding's server revision it was made on. The sync engine (``sync.outbox``,
``sync.field_changes``) decides what the states mean; this module only keeps them.
"""

import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

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
    """Refused revisions and finding changes wait again (still frozen as sent, when they were);
    returns how many."""
    with store.transaction() as conn:
        count = 0
        for table, frozen in (("sync_outbox", "bundle"), ("sync_field_changes", "change")):
            cursor = conn.execute(
                f"UPDATE {table} SET state = CASE WHEN {frozen} IS NULL THEN 'pending'"
                " ELSE 'sending' END, updated_at = ? WHERE state = 'rejected'",
                (utc_now(),),
            )
            count += cursor.rowcount
        return count


def state_counts(store: Store) -> dict[str, int]:
    """Records per state: inspection bundles, review decisions and finding changes together."""
    rows = store.db.execute(
        "SELECT state, COUNT(*) FROM (SELECT state FROM sync_outbox"
        " UNION ALL SELECT state FROM sync_reviews"
        " UNION ALL SELECT state FROM sync_field_changes WHERE origin = 'local') GROUP BY state"
    ).fetchall()
    return {state: count for state, count in rows}


def _rows(store: Store, where: str) -> list[OutboxRow]:
    rows = store.db.execute(
        "SELECT o.seq, o.inspection_id, o.revision, o.state, o.bundle, o.message, o.attempts,"
        " COALESCE(g.name, '') FROM sync_outbox o JOIN inspections i ON i.id = o.inspection_id"
        f" LEFT JOIN organizations g ON g.id = i.organization_id WHERE {where} ORDER BY o.seq"
    ).fetchall()
    return [OutboxRow(*row) for row in rows]


@dataclass(frozen=True)
class FieldChangeRow:
    """A finding change made on this device, as queued."""

    seq: int
    change_id: str
    finding_id: str
    inspection_id: str
    kind: str
    base_revision: int
    follows: str | None
    actor: str
    made_at: str
    detail: dict[str, Any]
    state: str
    change: str | None  # the frozen upload as JSON, once its upload started
    message: str
    organization: str
    finding: str  # the finding's description


def queue_field_change(
    conn: sqlite3.Connection,
    *,
    finding_id: str,
    inspection_id: str,
    kind: str,
    actor: str,
    detail: dict[str, Any],
) -> str:
    """Queue a finding change inside the transaction that makes it; returns its UUID.

    It is made on the finding's latest server revision this device knows, or, when an earlier
    change of this device on the finding is still unconfirmed, on top of that change (its base
    is then set when the server answers that one: ``settle_field_change``).
    """
    change_id = str(uuid.uuid4())
    earlier = conn.execute(
        "SELECT change_id, base_revision FROM sync_field_changes WHERE finding_id = ?"
        " AND origin = 'local' AND state IN ('pending', 'sending') ORDER BY seq DESC LIMIT 1",
        (finding_id,),
    ).fetchone()
    base = earlier[1] if earlier else known_revision(conn, finding_id)
    now = utc_now()
    conn.execute(
        "INSERT INTO sync_field_changes (change_id, finding_id, inspection_id, kind,"
        " base_revision, follows, actor, made_at, detail, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            change_id,
            finding_id,
            inspection_id,
            kind,
            base,
            earlier[0] if earlier else None,
            actor,
            now,
            json.dumps(detail, ensure_ascii=False),
            now,
        ),
    )
    return change_id


def waiting_field_changes(store: Store) -> list[FieldChangeRow]:
    """Finding changes still to upload, oldest first."""
    return _field_rows(store, "c.state IN ('pending', 'sending')")


def field_change(store: Store, seq: int) -> FieldChangeRow:
    """One queued change as it is now (its base may have moved since it was listed)."""
    [row] = _field_rows(store, f"c.seq = {int(seq)}")
    return row


def unsettled_field_changes(store: Store) -> list[FieldChangeRow]:
    """Every finding change made here that the server has not applied."""
    return _field_rows(store, "c.state != 'done'")


def inspection_uploaded(store: Store, inspection_id: str) -> bool:
    """Whether the server holds the inspection (a bundle confirmed, or an office copy)."""
    row = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE inspection_id = ? AND state = 'done')"
        " OR EXISTS (SELECT 1 FROM sync_imports WHERE inspection_id = ?)",
        (inspection_id, inspection_id),
    ).fetchone()
    return bool(row[0])


def freeze_field_change(store: Store, seq: int, change: str) -> None:
    """Keep the upload's content; every retry sends exactly this."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_field_changes SET state = 'sending', change = ?, updated_at = ?"
            " WHERE seq = ? AND change IS NULL",
            (change, utc_now(), seq),
        )


def settle_field_change(
    store: Store,
    row: FieldChangeRow,
    state: str,
    message: str,
    *,
    revision: int | None = None,
    status: str = "",
) -> None:
    """Record the server's answer. Applied (``done`` with the finding's new ``revision``): the
    device's changes made on top of it now stand on that revision."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_field_changes SET state = ?, message = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE seq = ?",
            (state, message, utc_now(), row.seq),
        )
        if revision is None:
            return
        put_known_revision(conn, row.finding_id, revision, status)
        if state == "done":
            conn.execute(
                "UPDATE sync_field_changes SET base_revision = ?, follows = NULL"
                " WHERE follows = ? AND change IS NULL",
                (revision, row.change_id),
            )


def note_field_change(store: Store, seq: int, message: str) -> None:
    """Keep why a change is still waiting; its state is left as it is."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_field_changes SET message = ?, updated_at = ? WHERE seq = ?",
            (message, utc_now(), seq),
        )


def known_revision(conn: sqlite3.Connection, finding_id: str) -> int:
    """The finding's latest server revision this device knows (0: as uploaded)."""
    row = conn.execute(
        "SELECT revision FROM sync_finding_revisions WHERE finding_id = ?", (finding_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def put_known_revision(
    conn: sqlite3.Connection,
    finding_id: str,
    revision: int,
    status: str,
    by: str = "",
    reason: str = "",
) -> None:
    """Remember the server's state of a finding (kept only if newer than what is known)."""
    conn.execute(
        "INSERT INTO sync_finding_revisions (finding_id, revision, status, by, reason)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (finding_id) DO UPDATE SET"
        " revision = excluded.revision, status = excluded.status, by = excluded.by,"
        " reason = excluded.reason WHERE excluded.revision > sync_finding_revisions.revision",
        (finding_id, revision, status, by, reason),
    )


def office_revision(store: Store, finding_id: str) -> int:
    """``known_revision`` for callers outside a transaction of their own."""
    return known_revision(store.db.conn, finding_id)


def remember_office_status(
    store: Store, finding_id: str, revision: int, status: str, by: str, reason: str
) -> None:
    """``put_known_revision`` inside the caller's transaction (the pull's page)."""
    put_known_revision(store.db.conn, finding_id, revision, status, by, reason)


def knows_change(conn: sqlite3.Connection, change_id: str) -> bool:
    """Whether this change was made here or already received (and not merely deferred)."""
    row = conn.execute(
        "SELECT 1 FROM sync_field_changes WHERE change_id = ? AND state != 'deferred'",
        (change_id,),
    ).fetchone()
    return row is not None


def defer_received_change(
    store: Store, change_id: str, finding_id: str, data: dict[str, Any]
) -> None:
    """Keep a change received for a finding not on this device yet (a supervisor's desk
    imports the inspection after the change feed); ``deferred_changes`` gives it back."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO sync_field_changes (change_id, finding_id, inspection_id, kind,"
            " base_revision, actor, made_at, detail, origin, state, updated_at)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?, 'server', 'deferred', ?) ON CONFLICT DO NOTHING",
            (
                change_id,
                finding_id,
                str(data.get("inspection_id", "")),
                str(data.get("kind", "")),
                str(data.get("made_by", "")),
                str(data.get("made_at", "")),
                json.dumps(data, ensure_ascii=False),
                utc_now(),
            ),
        )


def deferred_changes(store: Store) -> list[dict[str, Any]]:
    """Deferred received changes whose finding is on this device now, oldest first."""
    rows = store.db.execute(
        "SELECT c.detail FROM sync_field_changes c JOIN findings f ON f.id = c.finding_id"
        " WHERE c.origin = 'server' AND c.state = 'deferred' ORDER BY c.seq"
    ).fetchall()
    return [dict(json.loads(r[0])) for r in rows]


def record_received_change(
    conn: sqlite3.Connection,
    *,
    change_id: str,
    finding_id: str,
    inspection_id: str,
    kind: str,
    actor: str,
    made_at: str,
    detail: dict[str, Any],
    state: str,
    message: str,
) -> None:
    """Keep a change made elsewhere that this device applied (``done``) or that the server
    recorded as a conflict (``conflict``), so a pull applying it again does nothing."""
    conn.execute(
        "INSERT INTO sync_field_changes (change_id, finding_id, inspection_id, kind,"
        " base_revision, actor, made_at, detail, origin, state, message, updated_at)"
        " VALUES (?, ?, ?, ?, 0, ?, ?, ?, 'server', ?, ?, ?) ON CONFLICT (change_id) DO UPDATE"
        " SET inspection_id = excluded.inspection_id, detail = excluded.detail,"
        " state = excluded.state, message = excluded.message, updated_at = excluded.updated_at"
        " WHERE sync_field_changes.state = 'deferred'",
        (
            change_id,
            finding_id,
            inspection_id,
            kind,
            actor,
            made_at,
            json.dumps(detail, ensure_ascii=False),
            state,
            message,
            utc_now(),
        ),
    )


def _field_rows(store: Store, where: str) -> list[FieldChangeRow]:
    rows = store.db.execute(
        "SELECT c.seq, c.change_id, c.finding_id, c.inspection_id, c.kind, c.base_revision,"
        " c.follows, c.actor, c.made_at, c.detail, c.state, c.change, c.message,"
        " COALESCE(g.name, ''), COALESCE(f.description, '') FROM sync_field_changes c"
        " LEFT JOIN findings f ON f.id = c.finding_id"
        " LEFT JOIN inspections i ON i.id = c.inspection_id"
        " LEFT JOIN organizations g ON g.id = i.organization_id"
        f" WHERE c.origin = 'local' AND {where} ORDER BY c.seq"
    ).fetchall()
    return [_field_row(row) for row in rows]


def _field_row(row: tuple[Any, ...]) -> FieldChangeRow:
    return FieldChangeRow(
        seq=row[0],
        change_id=row[1],
        finding_id=row[2],
        inspection_id=row[3],
        kind=row[4],
        base_revision=row[5],
        follows=row[6],
        actor=row[7],
        made_at=row[8],
        detail=json.loads(row[9]),
        state=row[10],
        change=row[11],
        message=row[12],
        organization=row[13],
        finding=row[14],
    )


def stale_statuses(store: Store) -> list[tuple[str, str, str, str]]:
    """Findings on this device whose status differs from the office's latest known one, with
    no change of this device waiting on them: (finding id, office status, by, reason). These
    are office copies imported after the change feed brought their status."""
    rows = store.db.execute(
        "SELECT r.finding_id, r.status, r.by, r.reason FROM sync_finding_revisions r"
        " JOIN findings f ON f.id = r.finding_id WHERE f.status != r.status"
        " AND NOT EXISTS (SELECT 1 FROM sync_field_changes c WHERE c.finding_id = r.finding_id"
        " AND c.origin = 'local' AND c.state IN ('pending', 'sending', 'rejected'))"
    ).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
