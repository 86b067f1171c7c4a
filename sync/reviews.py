"""Review decisions on the device: applied from the pull feed, and (on a supervisor's desk)
queued for upload and sent to ``POST /inspections/{id}/review``.

Rule: the server's decision on a revision is final. A decision reaching the owner's device is
applied through the core workflow ``inspections.apply_office_review`` (lifecycle, audit log), so the
audit log names the reviewing supervisor, and a returned inspection becomes editable with its
reason. A decision on an older revision than the device holds is not applied and is reported;
decisions on inspections the device does not hold are skipped quietly.
"""

from dataclasses import dataclass
from typing import Any

from inspector import inspections, org_search, review_queue
from inspector.errors import UserError
from inspector.model import InspectionStatus
from inspector.review_queue import ReviewRow
from inspector.store import Store
from sync.protocol import Change, ReviewRequest, ReviewResult
from sync.transport import Rejected, Transport

_TARGET = {"approve": InspectionStatus.APPROVED, "return": InspectionStatus.RETURNED}


def apply_decisions(store: Store, changes: list[Change]) -> list[str]:
    """Apply the page's review decisions, each in its own workflow transaction.

    Applied before the page's cursor is stored: a crash in between makes the next pull apply
    them again, which finds the status already set and does nothing.
    """
    notes = []
    for change in changes:
        if change.entity == "review" and change.data is not None:
            note = _apply(store, change.data)
            if note:
                notes.append(note)
    return notes


def _apply(store: Store, data: dict[str, Any]) -> str | None:
    inspection_id, revision = data["inspection_id"], int(data["revision"])
    local = _local(store, inspection_id)
    if local is None:
        return None
    status, local_revision, label = local
    target = _TARGET[data["decision"]]
    reviewer = data.get("reviewer_name") or data.get("reviewer", "")
    if revision != local_revision:
        return (
            f"{label}第 {revision} 版的审核意见（{reviewer}）未采用：本机已是第 {local_revision} 版"
        )
    if status is target:
        return None
    try:
        inspections.apply_office_review(
            store,
            inspection_id,
            approved=target is InspectionStatus.APPROVED,
            reason=data.get("reason", ""),
            reviewer=reviewer,
        )
    except UserError as exc:
        return f"{label}第 {revision} 版的审核意见（{reviewer}）未能采用：{exc}"
    review_queue.settle(store, inspection_id, revision, "done", "服务器上已有此审核意见")
    if target is InspectionStatus.APPROVED:
        return f"{label}第 {revision} 版已由 {reviewer} 审核通过"
    return f"{label}第 {revision} 版已被 {reviewer} 退回：{data.get('reason', '')}"


def _local(store: Store, inspection_id: str) -> tuple[InspectionStatus, int, str] | None:
    inspection = inspections.get(store, inspection_id)
    if inspection is None:
        return None
    org = org_search.get(store, inspection.organization_id)
    name = org.name if org else ""
    return inspection.status, inspection.revision, f"检查记录「{name or inspection_id[:8]}」"


@dataclass(frozen=True)
class QueuedReview:
    """A decision taken on this desk on an inspection imported from the server."""

    seq: int
    inspection_id: str
    revision: int
    decision: str
    reason: str
    label: str

    @property
    def key(self) -> str:
        return f"review:{self.inspection_id}#{self.revision}"


def waiting(store: Store) -> list[QueuedReview]:
    """Decisions still to upload, oldest first."""
    return [_queued(row) for row in review_queue.pending(store)]


def unsettled(store: Store) -> list[tuple[QueuedReview, str, str]]:
    """Every decision not yet recorded by the server, with its state and last message."""
    return [(_queued(row), row.state, row.message) for row in review_queue.unsettled(store)]


def requeue_rejected(store: Store) -> int:
    """The retry button: decisions the server refused (4xx other than 409) wait again."""
    return review_queue.requeue_rejected(store)


def _queued(row: ReviewRow) -> QueuedReview:
    label = f"审核意见「{row.organization or row.inspection_id[:8]}」第 {row.revision} 版"
    return QueuedReview(row.seq, row.inspection_id, row.revision, row.decision, row.reason, label)


def send(store: Store, transport: Transport, item: QueuedReview) -> tuple[str, str]:
    """Upload one decision; returns (outcome, message). Network trouble and 401 propagate."""
    request = ReviewRequest(
        decision="approve" if item.decision == "approve" else "return",
        reason=item.reason,
        revision=item.revision,
    )
    try:
        body = transport.call(
            "POST", f"/inspections/{item.inspection_id}/review", json=request.model_dump()
        )
    except Rejected as exc:
        outcome = "conflict" if exc.status == 409 else "rejected"
        review_queue.settle(store, item.inspection_id, item.revision, outcome, exc.message)
        return outcome, exc.message
    result = ReviewResult(**body)
    message = f"审核意见已上传，服务器已记录（{result.reviewer_name}）"
    review_queue.settle(store, item.inspection_id, item.revision, "done", message)
    return "uploaded", message
