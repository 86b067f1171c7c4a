"""The device's outbox: which inspection revisions wait to go up, and what happened to each.

Rows are written by triggers (migration ``M_SYNC_OUTBOX``) in the transaction that completes or
amends an inspection. ``freeze`` snapshots the bundle when its upload starts; from then on the
snapshot is what is sent, retried and compared, whatever happens to the local record.
"""

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from inspector.clock import utc_now
from inspector.store import Store
from sync import reviews, state
from sync.protocol import Answer, AttachmentRef, Bundle, Finding, InspectionRecord

WAITING = ("pending", "sending")
STATE_LABELS = {
    "pending": "待上传",
    "sending": "上传未完成",
    "done": "已上传",
    "conflict": "版本冲突",
    "rejected": "被服务器拒绝",
}


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    inspection_id: str
    revision: int
    state: str
    bundle: Bundle | None
    message: str
    attempts: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.inspection_id}#{self.revision}"


def waiting(store: Store) -> list[OutboxItem]:
    """Revisions still to upload, oldest first (a later revision never overtakes an earlier)."""
    return _items(store, "o.state IN ('pending', 'sending')")


def all_items(store: Store) -> list[OutboxItem]:
    return _items(store, "1 = 1")


def freeze(store: Store, item: OutboxItem) -> OutboxItem:
    """Snapshot the bundle now (once); the upload then always sends this snapshot."""
    if item.bundle is not None:
        return item
    with store.transaction() as conn:
        bundle = build_bundle(conn, item.inspection_id)
        conn.execute(
            "UPDATE sync_outbox SET state = 'sending', bundle = ?, updated_at = ? WHERE seq = ?",
            (bundle.model_dump_json(), utc_now(), item.seq),
        )
    return OutboxItem(**{**item.__dict__, "state": "sending", "bundle": bundle})


def mark(store: Store, item: OutboxItem, state: str, message: str) -> None:
    """Record the outcome; ``done`` only after the server confirmed the bundle complete."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_outbox SET state = ?, message = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE seq = ?",
            (state, message, utc_now(), item.seq),
        )


def note(store: Store, item: OutboxItem, message: str) -> None:
    """Keep why a record is still waiting (the run stopped); its state is left as it is."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sync_outbox SET message = ?, updated_at = ? WHERE seq = ?",
            (message, utc_now(), item.seq),
        )


def requeue_rejected(store: Store) -> int:
    """The retry button: records the server refused (4xx) wait again, still frozen as sent.

    Conflicts are not requeued: the same content would meet the same 409; a correction on the
    device makes a new revision, which is queued by itself. Refused review decisions (a
    supervisor's desk) wait again too.
    """
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE sync_outbox SET state = CASE WHEN bundle IS NULL THEN 'pending'"
            " ELSE 'sending' END, updated_at = ? WHERE state = 'rejected'",
            (utc_now(),),
        )
        bundles = cursor.rowcount
    return bundles + reviews.requeue_rejected(store)


@dataclass(frozen=True)
class Preview:
    """What the next upload will carry: for the screen before the user presses 上传.

    ``records`` counts a supervisor's queued review decisions too.
    """

    records: int
    photos: int
    bytes: int


def preview(store: Store) -> Preview:
    items = waiting(store)
    photos = 0
    for item in items:
        if item.bundle is not None:
            photos += len(item.bundle.attachments)
        else:
            photos += store.db.execute(
                "SELECT COUNT(*) FROM attachments WHERE inspection_id = ? AND deleted_at IS NULL",
                (item.inspection_id,),
            ).fetchone()[0]
    records = len(items) + len(reviews.waiting(store))
    return Preview(records=records, photos=photos, bytes=waiting_bytes(store, items))


def summary(store: Store) -> dict[str, Any]:
    """What ``inspector sync status --json`` and the 同步 screen show: who, where, and every
    record not yet confirmed by the server, with the reason in Chinese."""
    records = [
        {
            "inspection_id": item.inspection_id,
            "revision": item.revision,
            "label": item.label,
            "state": item.state,
            "state_label": STATE_LABELS.get(item.state, item.state),
            "message": item.message,
        }
        for item in all_items(store)
        if item.state != "done"
    ]
    records += [
        {
            "inspection_id": item.inspection_id,
            "revision": item.revision,
            "label": item.label,
            "state": review_state,
            "state_label": STATE_LABELS.get(review_state, review_state),
            "message": message,
        }
        for item, review_state, message in reviews.unsettled(store)
    ]
    return {
        "server": state.get(store, state.SERVER_URL),
        "user": state.get(store, state.USERNAME),
        "logged_in": state.get(store, state.TOKEN) is not None,
        "pull_cursor": int(state.get(store, state.PULL_CURSOR) or 0),
        "counts": counts(store),
        "records": records,
    }


def counts(store: Store) -> dict[str, int]:
    """Records per state: inspection bundles and review decisions together."""
    rows = store.db.execute(
        "SELECT state, COUNT(*) FROM (SELECT state FROM sync_outbox"
        " UNION ALL SELECT state FROM sync_reviews) GROUP BY state"
    ).fetchall()
    return {state: count for state, count in rows}


def waiting_bytes(store: Store, items: list[OutboxItem]) -> int:
    """Bytes of attachments the waiting items carry (upper bound: the server may hold some)."""
    total = 0
    for item in items:
        if item.bundle is not None:
            total += sum(ref.size for ref in item.bundle.attachments)
        else:
            row = store.db.execute(
                "SELECT COALESCE(SUM(size), 0) FROM attachments"
                " WHERE inspection_id = ? AND deleted_at IS NULL",
                (item.inspection_id,),
            ).fetchone()
            total += int(row[0])
    return total


def build_bundle(conn: sqlite3.Connection, inspection_id: str) -> Bundle:
    """The inspection, its answers, findings and attachment manifest, as they are now."""
    cursor = conn.execute(
        "SELECT i.organization_id, COALESCE(g.credit_code, '') AS organization_credit_code,"
        " i.task_id, i.checklist_id, i.checklist_version, i.method, i.started_at,"
        " i.completed_at, i.place, i.representative FROM inspections i"
        " LEFT JOIN organizations g ON g.id = i.organization_id WHERE i.id = ?",
        (inspection_id,),
    )
    names = [c[0] for c in cursor.description]
    inspection = dict(zip(names, cursor.fetchone(), strict=True))
    inspection["inspector_ids"] = [
        r[0]
        for r in conn.execute(
            "SELECT roster_id FROM inspection_inspectors WHERE inspection_id = ? ORDER BY position",
            (inspection_id,),
        )
    ]
    answers = [
        Answer(item_id=r[0], value=json.loads(r[1]) if r[1] is not None else None, note=r[2])
        for r in conn.execute(
            "SELECT item_id, value, note FROM answers WHERE inspection_id = ? ORDER BY item_id",
            (inspection_id,),
        )
    ]
    return Bundle(
        inspection=InspectionRecord(**inspection),
        answers=answers,
        findings=_rows(conn, Finding, "findings", inspection_id),
        attachments=_rows(
            conn, AttachmentRef, "attachments", inspection_id, " AND deleted_at IS NULL"
        ),
    )


def _rows(
    conn: sqlite3.Connection,
    model: type[Finding] | type[AttachmentRef],
    table: str,
    inspection_id: str,
    extra_where: str = "",
) -> list[Any]:
    fields = list(model.model_fields)
    rows = conn.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE inspection_id = ?{extra_where}"
        " ORDER BY created_at, id",
        (inspection_id,),
    ).fetchall()
    return [model(**dict(zip(fields, row, strict=True))) for row in rows]


def _items(store: Store, where: str) -> list[OutboxItem]:
    rows = store.db.execute(
        "SELECT o.seq, o.inspection_id, o.revision, o.state, o.bundle, o.message, o.attempts,"
        " COALESCE(g.name, '') FROM sync_outbox o JOIN inspections i ON i.id = o.inspection_id"
        f" LEFT JOIN organizations g ON g.id = i.organization_id WHERE {where} ORDER BY o.seq"
    ).fetchall()
    return [
        OutboxItem(
            seq=r[0],
            inspection_id=r[1],
            revision=r[2],
            state=r[3],
            bundle=Bundle.model_validate_json(r[4]) if r[4] else None,
            message=r[5],
            attempts=r[6],
            label=f"检查记录「{r[7] or r[1][:8]}」第 {r[2]} 版",
        )
        for r in rows
    ]
