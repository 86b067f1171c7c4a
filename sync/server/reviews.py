"""Supervisors' review decisions on complete inspections: approve, or return with a reason.

A decision names the revision it was made on. Only a supervisor or admin may decide, only on the
newest complete revision of a live inspection. The same decision again is answered like the first
time; another decision on a decided revision is a 409. Each decision is published in the change
feed (entity ``review``, keyed by the inspection) to the inspection's owner and to supervisors, so
the owner's device applies it on the next pull.
"""

import json

from inspector.clock import utc_now
from sync.protocol import ReviewRequest, ReviewResult
from sync.server import bundles, catalog
from sync.server.errors import ApiError
from sync.server.storage import Conn, ServerStore, User, audit

_DECISION_LABELS = {"approve": "审核通过", "return": "退回"}


def review(
    store: ServerStore, user: User, inspection_id: str, request: ReviewRequest
) -> ReviewResult:
    """Record (or recognise) one decision and publish it."""
    if user.is_inspector:
        raise ApiError(403, "forbidden", "只有科室负责人或管理员可以审核检查记录")
    reason = request.reason.strip()
    if request.decision == "return" and not reason:
        raise ApiError(422, "reason_required", "退回检查记录必须填写退回理由")
    with store.transaction() as conn:
        _reviewable(conn, inspection_id, request.revision)
        stored = _stored(conn, inspection_id, request.revision)
        if stored is not None:
            if (stored.decision, stored.reason) != (request.decision, reason):
                label = _DECISION_LABELS[stored.decision]
                raise ApiError(
                    409,
                    "already_reviewed",
                    f"该检查记录第 {request.revision} 版已由 {stored.reviewer_name}"
                    f"作出“{label}”的决定，不能再作不同的决定",
                )
            return stored
        return _record(conn, user, inspection_id, request, reason)


def _reviewable(conn: Conn, inspection_id: str, revision: int) -> None:
    """Refuse unless ``revision`` is the newest complete revision of a live inspection."""
    row = conn.execute(
        "SELECT owner, deleted_at FROM inspections WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    if row is None or row[1] is not None:
        raise ApiError(404, "not_found", "服务器上没有这条检查记录（或已删除）")
    bundle = conn.execute(
        "SELECT complete FROM bundles WHERE inspection_id = ? AND revision = ?",
        (inspection_id, revision),
    ).fetchone()
    if bundle is None or not bundle[0]:
        raise ApiError(
            409, "not_complete", f"该检查记录第 {revision} 版尚未完整上传（照片未传齐），不能审核"
        )
    newest = conn.execute(
        "SELECT MAX(revision) FROM bundles WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()[0]
    if newest > revision:
        raise ApiError(409, "stale_revision", f"该检查记录已有第 {newest} 版，请审核最新版本")


def _stored(conn: Conn, inspection_id: str, revision: int) -> ReviewResult | None:
    row = conn.execute(
        "SELECT decision, reason, reviewer, reviewer_name, decided_at, seq FROM reviews"
        " WHERE inspection_id = ? AND revision = ?",
        (inspection_id, revision),
    ).fetchone()
    if row is None:
        return None
    return ReviewResult(
        inspection_id=inspection_id,
        revision=revision,
        decision=row[0],
        reason=row[1],
        reviewer=row[2],
        reviewer_name=row[3],
        decided_at=row[4],
        seq=row[5],
    )


def _record(
    conn: Conn,
    user: User,
    inspection_id: str,
    request: ReviewRequest,
    reason: str,
) -> ReviewResult:
    result = ReviewResult(
        inspection_id=inspection_id,
        revision=request.revision,
        decision=request.decision,
        reason=reason,
        reviewer=user.username,
        reviewer_name=_display_name(conn, user),
        decided_at=utc_now(),
        seq=0,
    )
    data = result.model_dump(exclude={"seq"})
    owners = bundles.owners(conn, inspection_id)
    result.seq = catalog.put(conn, "review", inspection_id, data, audience=owners)
    audit(conn, user, "review", f"{inspection_id}#{request.revision}", request.decision)
    conn.execute(
        "INSERT INTO reviews (inspection_id, revision, decision, reason, reviewer,"
        " reviewer_name, decided_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (*data.values(), result.seq),
    )
    return result


def _display_name(conn: Conn, user: User) -> str:
    """The reviewer's name on the published roster, else the user name."""
    row = conn.execute(
        "SELECT data FROM entities WHERE entity = 'roster' AND entity_id = ?", (user.roster_id,)
    ).fetchone()
    name = json.loads(row[0]).get("name") if row and row[0] else None
    return str(name or user.username)
