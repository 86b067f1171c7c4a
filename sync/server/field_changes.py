"""Finding changes recorded on devices after upload: report-back, 复查, escalation.

Each change is its own write, keyed by the UUID the device made for it
(``PUT /findings/{finding_id}/changes/{change_id}``): the same content again is answered like the
first time, other content under the same key is a 409 and nothing is overwritten. Evidence files
go up by SHA-256 through the ordinary blob upload; a change is settled only once every file it
lists is stored and held by its pusher (or an owner of the inspection), so a retried push never
applies it twice and a half-sent one never applies at all.

Who: a report-back may come from the inspection's owners (the inspectors it names and its
task's team) or a supervisor/admin; a 复查 or an escalation is a supervisor's act (the device's
core checks the same role on its roster), so only supervisor and admin accounts push those.

**The rule when both sides changed** (``_settle``). A finding's ``revision`` counts its accepted
status changes, from the office (``POST /findings/{id}/status``) and from devices alike; each
change names the revision it was made on (``base_revision``).

* Made on the revision the server still has, and the lifecycle allows the step from the
  server's status: applied (status moves, revision + 1).
* Made on an older revision:
  - a report-back is still applied when the server's status awaits one (待整改 or 复查未通过):
    what the organization sent is a fact, not a decision;
  - a 复查 or an escalation is **not applied**: the office's decision stays, and the change is
    recorded as a conflict with the office's status beside it.
* Anything else (the step is not allowed from the server's status) is a conflict too.

Nothing is dropped: every change, applied or not, is stored with its text and files, audited,
and published in the change feed (entity ``finding_change``) to the inspection's owners and to
supervisors, whose devices apply the applied ones through the core workflows and list the
conflicts.
"""

import json
from typing import Any

from inspector.clock import utc_now
from inspector.lifecycle import FINDING_STEPS
from inspector.model import FindingStatus
from sync.protocol import FIELD_CHANGE, FieldChange, FieldChangeResult, MissingBlob, evidence_of
from sync.server import bundles, catalog
from sync.server.errors import ApiError
from sync.server.storage import Conn, ServerStore, User, audit

TARGETS = {
    "report_back": FindingStatus.REPORTED,
    "recheck_passed": FindingStatus.CLOSED,
    "recheck_failed": FindingStatus.NOT_RECTIFIED,
    "escalate": FindingStatus.ESCALATED,
}
KIND_LABELS = {
    "report_back": "整改情况报告",
    "recheck_passed": "复查结论（合格）",
    "recheck_failed": "复查结论（不合格）",
    "escalate": "升级处理",
}
_AWAITS_REPORT = (FindingStatus.OPEN.value, FindingStatus.NOT_RECTIFIED.value)
_HELD = (
    "EXISTS (SELECT 1 FROM blob_holders h WHERE h.sha256 = f.sha256 AND (h.username = f.username"
    " OR h.username IN (SELECT o.username FROM inspection_owners o"
    " WHERE o.inspection_id = f.inspection_id)))"
)
# Beside the caller's token (``bundles.admission``; the caller is ``u``), with the file's hash:
# the size of an evidence file this user listed in a change on a live inspection, and whether
# it is stored and held by them or an owner.
EXPECTED_SIZE = (
    "(SELECT f.size FROM change_files f JOIN inspections i ON i.inspection_id = f.inspection_id"
    " WHERE f.sha256 = ? AND f.username = u.username AND i.deleted_at IS NULL LIMIT 1)"
)
HOLDS = (
    "EXISTS (SELECT 1 FROM change_files f JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
    f" WHERE f.sha256 = ? AND f.username = u.username AND {_HELD})"
)
_MISSING = (
    "FROM change_files f LEFT JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
    f" WHERE f.change_id = ? AND (b.sha256 IS NULL OR NOT {_HELD})"
)


def push(
    store: ServerStore, user: User, finding_id: str, change_id: str, change: FieldChange
) -> FieldChangeResult:
    """Store one change (or recognise it), and settle it once its evidence files are in."""
    digest = change.content_hash()
    with store.transaction() as conn:
        inspection_id, _status, revision = _finding(conn, finding_id)
        _check_writer(conn, user, inspection_id, change)
        stored = conn.execute(
            "SELECT finding_id, content_hash FROM field_changes WHERE change_id = ?", (change_id,)
        ).fetchone()
        if stored is None:
            if change.base_revision > revision:
                raise ApiError(
                    422,
                    "bad_base",
                    f"问题变更所依据的版本（第 {change.base_revision} 版）服务器上没有",
                )
            _insert(conn, user, inspection_id, finding_id, change_id, change, digest)
        elif tuple(stored) != (finding_id, digest):
            raise ApiError(
                409,
                "change_conflict",
                "服务器上已有这条问题变更，但内容不同；未覆盖任何数据",
            )
        _settle_if_complete(conn, user, change_id)
        return _result(store, conn, change_id)


def _finding(conn: Conn, finding_id: str) -> tuple[str, str, int]:
    row = conn.execute(
        "SELECT f.inspection_id, f.status, f.revision, i.deleted_at FROM findings f"
        " JOIN inspections i ON i.inspection_id = f.inspection_id WHERE f.finding_id = ?",
        (finding_id,),
    ).fetchone()
    if row is None:
        raise ApiError(404, "not_found", "服务器上没有这个问题（其检查记录尚未上传）")
    if row[3] is not None:
        raise ApiError(409, "deleted", "这条检查记录已被科室撤回，不能再上传其问题的变更")
    return str(row[0]), str(row[1]), int(row[2])


def _check_writer(conn: Conn, user: User, inspection_id: str, change: FieldChange) -> None:
    if change.kind != "report_back":
        if user.is_inspector:
            raise ApiError(
                403, "forbidden", f"只有科室负责人或管理员可以上传{KIND_LABELS[change.kind]}"
            )
        return
    if user.is_inspector and user.username not in bundles.owners(conn, inspection_id):
        raise ApiError(403, "forbidden", bundles.NOT_YOURS)


def _insert(
    conn: Conn,
    user: User,
    inspection_id: str,
    finding_id: str,
    change_id: str,
    change: FieldChange,
    digest: str,
) -> None:
    conn.execute(
        "INSERT INTO field_changes (change_id, finding_id, inspection_id, kind, base_revision,"
        " content_hash, body, username, device_id, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            change_id,
            finding_id,
            inspection_id,
            change.kind,
            change.base_revision,
            digest,
            change.model_dump_json(),
            user.username,
            user.device_id,
            utc_now(),
        ),
    )
    sizes: dict[str, int] = {}
    for ref in evidence_of(change):
        if sizes.setdefault(ref.sha256, ref.size) != ref.size:
            raise ApiError(422, "bad_manifest", f"整改材料 {ref.file_name} 的大小前后不一致")
        conn.execute(
            "INSERT INTO change_files (change_id, inspection_id, sha256, size, username)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (change_id, inspection_id, ref.sha256, ref.size, user.username),
        )
    audit(conn, user, "field_change", f"{finding_id}/{change_id}", change.kind)


def _settle_if_complete(conn: Conn, user: User, change_id: str) -> None:
    row = conn.execute(
        "SELECT outcome FROM field_changes WHERE change_id = ?", (change_id,)
    ).fetchone()
    missing = conn.execute(f"SELECT COUNT(*) {_MISSING}", (change_id,)).fetchone()[0]
    if row[0] == "waiting" and missing == 0:
        _settle(conn, user, change_id)


def _settle(conn: Conn, user: User, change_id: str) -> None:
    """Apply the change or record it as a conflict (the rule in the module docstring)."""
    finding_id, inspection_id, body = conn.execute(
        "SELECT finding_id, inspection_id, body FROM field_changes WHERE change_id = ?",
        (change_id,),
    ).fetchone()
    change = FIELD_CHANGE.validate_json(body)
    status, revision = conn.execute(
        "SELECT status, revision FROM findings WHERE finding_id = ?", (finding_id,)
    ).fetchone()
    detail = _conflict(change, str(status), int(revision))
    if detail:
        outcome, now_status = "conflict", str(status)
    else:
        outcome, now_status, revision = "applied", TARGETS[change.kind].value, revision + 1
        conn.execute(
            "UPDATE findings SET status = ?, revision = ? WHERE finding_id = ?",
            (now_status, revision, finding_id),
        )
    conn.execute(
        "UPDATE field_changes SET outcome = ?, revision = ?, office_status = ?, detail = ?,"
        " settled_at = ? WHERE change_id = ?",
        (outcome, revision, now_status, detail, utc_now(), change_id),
    )
    audit(conn, user, f"field_change_{outcome}", f"{finding_id}/{change_id}", detail or now_status)
    data = _published(conn, change_id, change)
    catalog.put(
        conn, "finding_change", change_id, data, audience=bundles.owners(conn, inspection_id)
    )


def _conflict(change: FieldChange, status: str, revision: int) -> str:
    """Why the change cannot be applied over the server's state, in Chinese; '' when it can."""
    target = TARGETS[change.kind]
    allowed = FINDING_STEPS.get((FindingStatus(status), target)) == change.kind
    current = FindingStatus(status).label
    if allowed and change.base_revision == revision:
        return ""
    if allowed and change.kind == "report_back" and status in _AWAITS_REPORT:
        return ""
    if change.base_revision < revision:
        return (
            f"{KIND_LABELS[change.kind]}是在问题第 {change.base_revision} 版上作出的，科室已更新为"
            f"第 {revision} 版（“{current}”）；科室的记录保留，此项未采用，已记录待科室负责人处理"
        )
    return (
        f"问题在科室的状态为“{current}”，不能再记录{KIND_LABELS[change.kind]}；"
        "此项未采用，已记录待科室负责人处理"
    )


def _published(conn: Conn, change_id: str, change: FieldChange) -> dict[str, Any]:
    row = conn.execute(
        "SELECT finding_id, inspection_id, username, device_id, outcome, revision,"
        " office_status, detail, settled_at FROM field_changes WHERE change_id = ?",
        (change_id,),
    ).fetchone()
    names = (
        "finding_id",
        "inspection_id",
        "by",
        "device_id",
        "outcome",
        "revision",
        "status",
        "detail",
        "settled_at",
    )
    return {
        "change_id": change_id,
        **dict(zip(names, row, strict=True)),
        **json.loads(change.model_dump_json()),
    }


def _result(store: ServerStore, conn: Conn, change_id: str) -> FieldChangeResult:
    row = conn.execute(
        "SELECT c.finding_id, c.outcome, c.revision, c.office_status, c.detail, c.received_at,"
        " f.status, f.revision FROM field_changes c JOIN findings f"
        " ON f.finding_id = c.finding_id WHERE c.change_id = ?",
        (change_id,),
    ).fetchone()
    missing = conn.execute(
        f"SELECT f.sha256, f.size {_MISSING} ORDER BY f.sha256", (change_id,)
    ).fetchall()
    waiting = row[1] == "waiting"
    return FieldChangeResult(
        change_id=change_id,
        finding_id=row[0],
        outcome=row[1],
        revision=row[7] if waiting else row[2],
        status=row[6] if waiting else row[3],
        detail=row[4],
        missing=[
            MissingBlob(sha256=sha, size=size, offset=bundles.partial_size(store, sha))
            for sha, size in missing
        ],
        received_at=row[5],
    )


def readable(conn: Conn, user: User, sha256: str) -> bool:
    """Whether ``user`` may download this evidence file: listed in a settled change on a live
    inspection the user may read, and held by the change's pusher or an owner."""
    mine, params = bundles.readable_by(user, "1 = 1")
    row = conn.execute(
        "SELECT 1 FROM change_files f JOIN field_changes c ON c.change_id = f.change_id"
        " JOIN inspections i ON i.inspection_id = f.inspection_id"
        " JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
        f" WHERE f.sha256 = ? AND c.outcome != 'waiting' AND i.deleted_at IS NULL AND {mine}"
        f" AND {_HELD} LIMIT 1",
        [sha256, *params],
    ).fetchone()
    return row is not None
