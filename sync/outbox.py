"""The device's outbox: which inspection revisions wait to go up, and what happened to each.

Rows are written by triggers (migration ``M_SYNC_OUTBOX``) in the transaction that completes or
amends an inspection, and kept by the core (``inspector.outbox``). ``freeze`` snapshots the bundle when its upload starts; from then on the
snapshot is what is sent, retried and compared, whatever happens to the local record.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from inspector import attachments, inspection_copy
from inspector import outbox as queued
from inspector.outbox import OutboxRow
from inspector.store import Store
from sync import field_changes, reviews, state
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
    return _items(queued.waiting(store))


def all_items(store: Store) -> list[OutboxItem]:
    return _items(queued.all_rows(store))


def freeze(store: Store, item: OutboxItem) -> OutboxItem:
    """Snapshot the bundle now (once); the upload then always sends this snapshot."""
    if item.bundle is not None:
        return item
    with store.transaction() as conn:
        bundle = build_bundle(store, item.inspection_id)
        queued.freeze(conn, item.seq, bundle.model_dump_json())
    return OutboxItem(**{**item.__dict__, "state": "sending", "bundle": bundle})


def mark(store: Store, item: OutboxItem, state: str, message: str) -> None:
    """Record the outcome; ``done`` only after the server confirmed the bundle complete."""
    queued.mark(store, item.seq, state, message)


def note(store: Store, item: OutboxItem, message: str) -> None:
    """Keep why a record is still waiting (the run stopped); its state is left as it is."""
    queued.note(store, item.seq, message)


def requeue_rejected(store: Store) -> int:
    """The retry button: records the server refused (4xx) wait again, still frozen as sent.

    Conflicts are not requeued: the same content would meet the same 409; a correction on the
    device makes a new revision, which is queued by itself. Refused review decisions (a
    supervisor's desk) wait again too.
    """
    return queued.requeue_rejected(store) + reviews.requeue_rejected(store)


@dataclass(frozen=True)
class Preview:
    """What the next upload will carry: for the screen before the user presses 上传.

    Counted apart: inspection records, finding changes made after upload (report-back, 复查,
    escalation) and a supervisor's review decisions; ``photos`` and ``bytes`` include the
    report-back files.
    """

    inspections: int
    changes: int
    reviews: int
    photos: int
    bytes: int

    @property
    def anything(self) -> bool:
        return bool(self.inspections or self.changes or self.reviews)


def preview(store: Store) -> Preview:
    items = waiting(store)
    photos = 0
    for item in items:
        if item.bundle is not None:
            photos += len(item.bundle.attachments)
        else:
            photos += len(attachments.for_inspection(store, item.inspection_id))
    changes = field_changes.waiting(store)
    photos += sum(len(change.row.detail.get("evidence", [])) for change in changes)
    return Preview(
        inspections=len(items),
        changes=len(changes),
        reviews=len(reviews.waiting(store)),
        photos=photos,
        bytes=waiting_bytes(store, items, changes),
    )


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
    records += [
        {
            "inspection_id": change.row.inspection_id,
            "revision": change.row.base_revision,
            "finding_id": change.row.finding_id,
            "change_id": change.row.change_id,
            "label": change.label,
            "state": change.row.state,
            "state_label": STATE_LABELS.get(change.row.state, change.row.state),
            "message": change.row.message,
        }
        for change in field_changes.unsettled(store)
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
    return queued.state_counts(store)


def waiting_bytes(
    store: Store, items: list[OutboxItem], changes: Sequence[field_changes.Item] = ()
) -> int:
    """Bytes of attachments the waiting items carry, and of the report-back files of the
    waiting finding changes (upper bound: the server may hold some)."""
    total = 0
    for item in items:
        if item.bundle is not None:
            total += sum(ref.size for ref in item.bundle.attachments)
        else:
            total += sum(a.size for a in attachments.for_inspection(store, item.inspection_id))
    for change in changes:
        total += sum(int(ref["size"]) for ref in change.row.detail.get("evidence", []))
    return total


def build_bundle(store: Store, inspection_id: str) -> Bundle:
    """The inspection, its answers, findings and attachment manifest, as they are now."""
    copy = inspection_copy.snapshot(store, inspection_id)
    return Bundle(
        inspection=InspectionRecord(
            **{k: v for k, v in asdict(copy).items() if k in InspectionRecord.model_fields}
        ),
        answers=[Answer(**asdict(a)) for a in copy.answers],
        findings=[Finding(**asdict(f)) for f in copy.findings],
        attachments=[AttachmentRef(**asdict(a)) for a in copy.attachments],
    )


def _items(rows: list[OutboxRow]) -> list[OutboxItem]:
    return [
        OutboxItem(
            seq=r.seq,
            inspection_id=r.inspection_id,
            revision=r.revision,
            state=r.state,
            bundle=Bundle.model_validate_json(r.bundle) if r.bundle else None,
            message=r.message,
            attempts=r.attempts,
            label=f"检查记录「{r.organization or r.inspection_id[:8]}」第 {r.revision} 版",
        )
        for r in rows
    ]
