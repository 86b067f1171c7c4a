"""Inspection bundles: idempotent push, ownership, completeness, withdrawal, who may see what.

A bundle is keyed by (inspection UUID, revision). The same content again is answered like the
first time; other content under the same revision is a 409 and nothing is overwritten.

Ownership: an inspection belongs to the users named on it (their roster ids) and to its task's
team; only they push revisions, and a later revision cannot add the pusher to a record they did
not own. Supervisors write review decisions and finding status, never bundle content; nobody
deletes; a supervisor withdraws a record with a reason, audited.

Files: a file counts for a bundle only once it is stored with the listed size **and** one of the
bundle's owners has uploaded its bytes (``blob_holders``), so knowing a file's SHA-256 and size
is not enough to complete a bundle with someone else's photo or to download it.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector.clock import utc_now
from sync.protocol import (
    Bundle,
    FindingStatusChange,
    InspectionSummary,
    MissingBlob,
    PushResult,
    WithdrawRequest,
)
from sync.server import catalog
from sync.server.accounts import DEFAULT_QUOTA_BYTES, Columns
from sync.server.errors import ApiError
from sync.server.storage import Conn, Cursor, ServerStore, User, audit

_TEAM_HOLDS = (
    "EXISTS (SELECT 1 FROM blob_holders h JOIN inspection_owners o ON o.username = h.username"
    " WHERE h.sha256 = f.sha256 AND o.inspection_id = f.inspection_id)"
)
_MISSING_FILES = (
    "FROM bundle_files f LEFT JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
    f" WHERE (b.sha256 IS NULL OR NOT {_TEAM_HOLDS})"
)
_MISSING = f"{_MISSING_FILES} AND f.inspection_id = ? AND f.revision = ?"
# Incomplete bundles (narrowed by the caller's condition) that miss no file become complete.
_COMPLETE = (
    "UPDATE bundles SET complete = 1, completed_at = COALESCE(completed_at, ?)"
    f" WHERE complete = 0 AND NOT EXISTS (SELECT 1 {_MISSING_FILES}"
    " AND f.inspection_id = bundles.inspection_id AND f.revision = bundles.revision)"
)
NOT_YOURS = "这条检查记录没有列出你为检查人员（也不属于你的任务组），无权查看或上传"


def push(
    store: ServerStore,
    user: User,
    inspection_id: str,
    revision: int,
    bundle: Bundle,
    audit_head: tuple[int, str] | None = None,
) -> PushResult:
    """Store one revision (or recognise it as already stored) and say which files are missing."""
    digest = bundle.content_hash()
    body = _checked_body(bundle)
    with store.transaction() as conn:
        seen = _Seen.read(conn, bundle, inspection_id, revision)
        _claim(conn, user, inspection_id, seen)
        _check_task(user, bundle, seen.team)
        _check_manifest(bundle)
        stored = seen.stored
        if stored is None:
            _insert(conn, inspection_id, revision, bundle, digest, body)
            audit(conn, user, "push", f"{inspection_id}#{revision}", digest)
        elif stored[0] != digest:
            raise ApiError(
                409,
                "revision_conflict",
                f"服务器上已有该检查记录第 {revision} 版，但内容不同；未覆盖任何数据。"
                "请在本机更正后作为新版本上传，或联系科室核对。",
            )
        if audit_head is not None:
            _keep_head(conn, user, inspection_id, revision, audit_head)
        _refresh_complete(conn, inspection_id, revision)
        return _result(store, conn, inspection_id, revision)


def _checked_body(bundle: Bundle) -> str:
    """The JSON to store, proved re-readable first: what is stored can always be read back."""
    body = bundle.model_dump_json()
    try:
        Bundle.model_validate_json(body)
    except ValueError as exc:
        raise ApiError(422, "invalid", "检查记录内容嵌套过深或格式不符，服务器未保存") from exc
    return body


@dataclass(frozen=True)
class Admission:
    """What an upload of one file must know first (``admission``), read in one snapshot."""

    size: int
    held: bool
    used: int
    quota: int


def admission(sha256: str) -> Columns:
    """What an upload of this file must know first, as columns beside the caller's token
    (``accounts.read_as``, one statement; ``admitted`` reads them): the size the file must have
    (listed in a live bundle this user owns, or in a finding change this user sent as
    report-back evidence), whether it is stored and this user's team holds it (a co-inspector
    on one of this user's inspections that lists it uploaded its bytes; for report-back
    evidence, this user or an owner of its inspection), and the user's usage and quota."""
    from sync.server import field_changes

    size = (
        "COALESCE((SELECT f.size FROM bundle_files f JOIN inspection_owners o"
        " ON o.inspection_id = f.inspection_id JOIN inspections i"
        " ON i.inspection_id = f.inspection_id"
        " WHERE f.sha256 = ? AND o.username = u.username AND i.deleted_at IS NULL LIMIT 1),"
        f" {field_changes.EXPECTED_SIZE})"
    )
    held = (
        "(EXISTS (SELECT 1 FROM bundle_files f JOIN inspection_owners mine"
        " ON mine.inspection_id = f.inspection_id AND mine.username = u.username"
        " JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
        f" WHERE f.sha256 = ? AND {_TEAM_HOLDS}) OR {field_changes.HOLDS})"
    )
    return Columns([size, held, "u.used_bytes", "u.quota_bytes"], [sha256] * 4)


def admitted(columns: tuple[Any, ...]) -> Admission:
    """The ``admission`` columns read; 404 when nothing of this user's lists the file."""
    size, held, used, quota = columns
    if size is None:
        raise ApiError(
            404, "blob_not_expected", "没有哪条已上传的检查记录需要这个文件，请先上传检查记录"
        )
    return Admission(int(size), bool(held), int(used), _quota(quota))


def readable_by(user: User, otherwise: str) -> tuple[str, list[str]]:
    """The SQL condition, on ``f.inspection_id``, for the records ``user`` may read, with its
    parameters: an inspector reads the inspections they own; supervisors and admins what
    ``otherwise`` allows."""
    if not user.is_inspector:
        return otherwise, []
    owns = (
        "EXISTS (SELECT 1 FROM inspection_owners me WHERE me.inspection_id = f.inspection_id"
        " AND me.username = ?)"
    )
    return owns, [user.username]


def readable_blob(store: ServerStore, user: User, sha256: str) -> Path:
    """A stored file this user may download: listed in a bundle the user may read, and uploaded
    by one of that bundle's owners (or report-back evidence of a finding change the user may
    read). The answer is the same 404 whether or not the file exists."""
    from sync.server import field_changes

    readable, params = readable_by(user, "bu.complete = 1")
    with store.reading() as conn:
        row = conn.execute(
            "SELECT 1 FROM bundle_files f JOIN bundles bu ON bu.inspection_id = f.inspection_id"
            " AND bu.revision = f.revision JOIN inspections i ON i.inspection_id = f.inspection_id"
            " JOIN blobs b ON b.sha256 = f.sha256 AND b.size = f.size"
            f" WHERE f.sha256 = ? AND i.deleted_at IS NULL AND {readable} AND {_TEAM_HOLDS}"
            " LIMIT 1",
            [sha256, *params],
        ).fetchone()
        evidence = row is None and field_changes.readable(conn, user, sha256)
    if row is None and not evidence:
        raise ApiError(404, "not_found", "服务器上没有这个文件，或无权下载")
    return store.blob_path(sha256)


def record_blob_in(conn: Conn, user: User, sha256: str, size: int) -> None:
    """A verified file is in place and ``user`` proved to hold it: waiting bundles complete.
    Inside the caller's write transaction."""
    conn.execute(
        "INSERT INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (sha256, size, utc_now()),
    )
    # A file counts once against its holder's quota, at its stored size: added while the user
    # does not hold it yet, then held. No answer is waited for (writes are serialised).
    conn.execute(
        "UPDATE users SET used_bytes = used_bytes + (SELECT size FROM blobs WHERE sha256 = ?)"
        " WHERE username = ? AND NOT EXISTS"
        " (SELECT 1 FROM blob_holders WHERE sha256 = ? AND username = ?)",
        (sha256, user.username, sha256, user.username),
    )
    conn.execute(
        "INSERT INTO blob_holders (sha256, username) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (sha256, user.username),
    )
    audit(conn, user, "file", sha256, str(size))
    conn.execute(
        f"{_COMPLETE} AND (inspection_id, revision) IN"
        " (SELECT inspection_id, revision FROM bundle_files WHERE sha256 = ?)",
        (utc_now(), sha256),
    )


def is_recorded(conn: Conn, sha256: str) -> bool:
    """Whether the file is recorded as stored (by anyone)."""
    return conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone() is not None


def usage_and_quota_in(conn: Conn, user: User) -> tuple[int, int]:
    """Bytes of the files this user uploaded (kept by ``record_blob_in``), and the quota."""
    row = conn.execute(
        "SELECT used_bytes, quota_bytes FROM users WHERE username = ?", (user.username,)
    ).fetchone()
    if row is None:
        return 0, DEFAULT_QUOTA_BYTES
    return int(row[0]), _quota(row[1])


def _quota(stored: int | None) -> int:
    return DEFAULT_QUOTA_BYTES if stored is None else int(stored)


def summaries(store: ServerStore, user: User) -> list[InspectionSummary]:
    """Inspectors see the records they own; supervisors and admins see complete ones."""
    where = (
        "EXISTS (SELECT 1 FROM inspection_owners o WHERE o.inspection_id = i.inspection_id"
        " AND o.username = ?)"
        if user.is_inspector
        else "(b.complete = 1 OR i.deleted_at IS NOT NULL)"
    )
    params = [user.username] if user.is_inspector else []
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT i.inspection_id, MAX(b.revision), i.owner, MIN(b.complete),"
            " i.deleted_at, MIN(b.received_at), i.withdraw_reason FROM inspections i"
            " JOIN bundles b ON b.inspection_id = i.inspection_id"
            f" WHERE {where}"
            " GROUP BY i.inspection_id, i.owner, i.deleted_at, i.withdraw_reason"
            " ORDER BY i.inspection_id",
            params,
        ).fetchall()
        reviewed = {
            (r[0], r[1])
            for r in conn.execute("SELECT inspection_id, revision FROM reviews").fetchall()
        }
    return [
        InspectionSummary(
            inspection_id=r[0],
            revision=r[1],
            owner=r[2],
            complete=bool(r[3]),
            deleted=r[4] is not None,
            received_at=r[5],
            reviewed=(r[0], r[1]) in reviewed,
            withdraw_reason=r[6] or "",
        )
        for r in rows
    ]


def bundle_body(store: ServerStore, user: User, inspection_id: str, revision: int) -> Bundle:
    with store.reading() as conn:
        _check_reader(conn, user, inspection_id)
        row = conn.execute(
            "SELECT body, complete FROM bundles WHERE inspection_id = ? AND revision = ?",
            (inspection_id, revision),
        ).fetchone()
    if row is None or (not row[1] and not user.is_inspector):
        raise ApiError(404, "not_found", "服务器上没有这条检查记录（或其照片尚未传齐）")
    return Bundle.model_validate_json(row[0])


def withdraw(store: ServerStore, user: User, inspection_id: str, request: WithdrawRequest) -> None:
    """A supervisor withdraws a record (with a reason): it stays, marked, and cannot be pushed
    again. Inspectors cannot; nobody deletes."""
    if user.is_inspector:
        raise ApiError(403, "forbidden", "只有科室负责人或管理员可以撤回检查记录")
    reason = request.reason.strip()
    if not reason:
        raise ApiError(422, "reason_required", "撤回检查记录必须填写理由")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT deleted_at, withdraw_reason FROM inspections WHERE inspection_id = ?",
            (inspection_id,),
        ).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "服务器上没有这条检查记录")
        if row[0] is not None:
            if row[1] == reason:
                return
            raise ApiError(409, "already_withdrawn", f"这条检查记录已撤回（理由：{row[1]}）")
        conn.execute(
            "UPDATE inspections SET deleted_at = ?, withdrawn_by = ?, withdraw_reason = ?"
            " WHERE inspection_id = ?",
            (utc_now(), user.username, reason, inspection_id),
        )
        audit(conn, user, "withdraw", inspection_id, reason)


def set_finding_status(
    store: ServerStore, user: User, finding_id: str, change: FindingStatusChange
) -> int:
    """An office decision on a finding, published to the owning inspectors' devices. It is the
    office's record of truth: it raises the finding's revision, so a 复查 recorded on a device
    on the earlier revision becomes a conflict (``field_changes``), never an overwrite."""
    if user.is_inspector:
        raise ApiError(403, "forbidden", "只有科室负责人或管理员可以在服务器上更改问题状态")
    with store.transaction() as conn:
        row = conn.execute(
            "UPDATE findings SET status = ?, revision = revision + 1 WHERE finding_id = ?"
            " RETURNING inspection_id, revision",
            (change.status, finding_id),
        ).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "服务器上没有这个问题")
        data = {
            "finding_id": finding_id,
            "inspection_id": row[0],
            "status": change.status,
            "reason": change.reason,
            "by": user.username,
            "revision": row[1],
        }
        audit(conn, user, "finding_status", finding_id, f"{change.status}：{change.reason}")
        return catalog.put(conn, "finding_status", finding_id, data, audience=owners(conn, row[0]))


def owners(conn: Conn, inspection_id: str) -> list[str]:
    return [str(r[0]) for r in _owners_query(conn, inspection_id).fetchall()]


def _owners_query(conn: Conn, inspection_id: str) -> Cursor:
    return conn.execute(
        "SELECT username FROM inspection_owners WHERE inspection_id = ? ORDER BY username",
        (inspection_id,),
    )


def audit_heads(store: ServerStore, device_id: str) -> list[tuple[int, str, str]]:
    """Every audit-chain head this device sent: (seq, hash, received_at), oldest first."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT seq, hash, received_at FROM audit_heads WHERE device_id = ? ORDER BY id",
            (device_id,),
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def audit_entries(store: ServerStore, username: str | None, limit: int) -> list[dict[str, str]]:
    """The newest accepted writes, optionally of one user (for ``inspector server audit``)."""
    where, params = ("WHERE username = ?", [username]) if username else ("", [])
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT at, username, device_id, address, action, target, detail FROM server_audit"
            f" {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
    names = ("at", "username", "device_id", "address", "action", "target", "detail")
    return [dict(zip(names, (str(v) for v in row), strict=True)) for row in rows]


def stats(store: ServerStore) -> dict[str, int]:
    """Counts for ``inspector server stats``: only complete, live bundles count as inspections."""
    queries = {
        "inspections": "SELECT COUNT(DISTINCT b.inspection_id) FROM bundles b JOIN inspections i"
        " ON i.inspection_id = b.inspection_id WHERE b.complete = 1 AND i.deleted_at IS NULL",
        "incomplete_bundles": "SELECT COUNT(*) FROM bundles WHERE complete = 0",
        "withdrawn": "SELECT COUNT(*) FROM inspections WHERE deleted_at IS NOT NULL",
        "findings": "SELECT COUNT(*) FROM findings",
        "field_changes": "SELECT COUNT(*) FROM field_changes WHERE outcome = 'applied'",
        "field_conflicts": "SELECT COUNT(*) FROM field_changes WHERE outcome = 'conflict'",
        "attachments": "SELECT COUNT(*) FROM blobs",
        "bytes": "SELECT SUM(size) FROM blobs",
        "users": "SELECT COUNT(*) FROM users",
        "organizations": "SELECT COUNT(*) FROM entities WHERE entity = 'organization'",
        "tasks": "SELECT COUNT(*) FROM entities WHERE entity = 'task'",
    }
    with store.reading() as conn:
        return {name: int(conn.execute(sql).fetchone()[0] or 0) for name, sql in queries.items()}


@dataclass(frozen=True)
class _Seen:
    """What a push's checks read, its statements all sent before any answer is awaited (one
    round trip in PostgreSQL's pipelined write transaction; the writer lock is held meanwhile)."""

    team: list[str]  # the user names the inspection's task is assigned to (none without a task)
    named: set[str]  # the users the inspection names (by roster id) plus the task's team
    inspection: Any  # its row (deleted_at), None when new
    owners: set[str]
    stored: Any  # the revision's row (content_hash), None when new

    @classmethod
    def read(cls, conn: Conn, bundle: Bundle, inspection_id: str, revision: int) -> "_Seen":
        task_id, ids = bundle.inspection.task_id, bundle.inspection.inspector_ids
        team = catalog.task_team_query(conn, task_id) if task_id else None
        marks = ", ".join("?" * len(ids))
        named = (
            conn.execute(f"SELECT username FROM users WHERE roster_id IN ({marks})", ids)
            if ids
            else None
        )
        inspection = conn.execute(
            "SELECT deleted_at FROM inspections WHERE inspection_id = ?", (inspection_id,)
        )
        known = _owners_query(conn, inspection_id)
        stored = conn.execute(
            "SELECT content_hash FROM bundles WHERE inspection_id = ? AND revision = ?",
            (inspection_id, revision),
        )
        team_names = [str(r[0]) for r in team.fetchall()] if team else []
        named_names = {str(r[0]) for r in named.fetchall()} if named else set()
        return cls(
            team=team_names,
            named=named_names | set(team_names),
            inspection=inspection.fetchone(),
            owners={str(r[0]) for r in known.fetchall()},
            stored=stored.fetchone(),
        )


def _claim(conn: Conn, user: User, inspection_id: str, seen: _Seen) -> None:
    """Create the inspection with its owners, or check the pusher owns it; add newly named."""
    if seen.inspection is None:
        if user.username not in seen.named:
            raise ApiError(403, "forbidden", NOT_YOURS)
        conn.execute(
            "INSERT INTO inspections (inspection_id, owner) VALUES (?, ?)",
            (inspection_id, user.username),
        )
        known: set[str] = set()
    else:
        known = seen.owners
        if user.username not in known:
            raise ApiError(403, "forbidden", NOT_YOURS)
        if seen.inspection[0] is not None:
            raise ApiError(
                409, "deleted", "这条检查记录已被科室撤回，不能再上传（撤回不可被重传撤销）"
            )
    for name in sorted(seen.named - known):
        conn.execute(
            "INSERT INTO inspection_owners (inspection_id, username) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            (inspection_id, name),
        )


def _check_reader(conn: Conn, user: User, inspection_id: str) -> None:
    row = conn.execute(
        "SELECT 1 FROM inspections WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    if row is None:
        raise ApiError(404, "not_found", "服务器上没有这条检查记录")
    if user.is_inspector and user.username not in owners(conn, inspection_id):
        raise ApiError(403, "forbidden", NOT_YOURS)


def _check_task(user: User, bundle: Bundle, team: list[str]) -> None:
    if bundle.inspection.task_id and user.is_inspector and user.username not in team:
        raise ApiError(403, "forbidden", "这条检查记录所属的任务没有分配给你")


def _check_manifest(bundle: Bundle) -> None:
    """The manifest must agree with itself; it is never compared with what the server holds,
    so a bundle cannot be used to learn whether the server has some file."""
    sizes: dict[str, int] = {}
    for ref in bundle.attachments:
        if sizes.setdefault(ref.sha256, ref.size) != ref.size:
            raise ApiError(
                422, "bad_manifest", f"附件 {ref.file_name} 的大小与同一内容的其他附件不一致"
            )


def _insert(
    conn: Conn, inspection_id: str, revision: int, bundle: Bundle, digest: str, body: str
) -> None:
    conn.execute(
        "INSERT INTO bundles (inspection_id, revision, content_hash, body, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (inspection_id, revision, digest, body, utc_now()),
    )
    for ref in bundle.attachments:
        conn.execute(
            "INSERT INTO bundle_files (inspection_id, revision, sha256, size) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (inspection_id, revision, ref.sha256, ref.size),
        )
    for finding in bundle.findings:
        conn.execute(
            "INSERT INTO findings (finding_id, inspection_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (finding.id, inspection_id),
        )


def _keep_head(
    conn: Conn, user: User, inspection_id: str, revision: int, head: tuple[int, str]
) -> None:
    """Keep each distinct audit-chain head a device sends (the office's copy of its chain)."""
    conn.execute(
        "INSERT INTO audit_heads (username, device_id, seq, hash, inspection_id, revision,"
        " received_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM audit_heads"
        " WHERE device_id = ? AND seq = ? AND hash = ?)",
        (
            *(user.username, user.device_id, head[0], head[1], inspection_id, revision, utc_now()),
            *(user.device_id, head[0], head[1]),
        ),
    )


def _refresh_complete(conn: Conn, inspection_id: str, revision: int) -> None:
    conn.execute(
        f"{_COMPLETE} AND inspection_id = ? AND revision = ?",
        (utc_now(), inspection_id, revision),
    )


def _result(store: ServerStore, conn: Conn, inspection_id: str, revision: int) -> PushResult:
    stored = conn.execute(  # both sent before either answer is awaited
        "SELECT content_hash, complete, received_at FROM bundles"
        " WHERE inspection_id = ? AND revision = ?",
        (inspection_id, revision),
    )
    missing_files = conn.execute(
        f"SELECT f.sha256, f.size {_MISSING} ORDER BY f.sha256", (inspection_id, revision)
    )
    row, missing = stored.fetchone(), missing_files.fetchall()
    return PushResult(
        inspection_id=inspection_id,
        revision=revision,
        content_hash=row[0],
        complete=bool(row[1]),
        missing=[
            MissingBlob(sha256=sha, size=size, offset=partial_size(store, sha))
            for sha, size in missing
        ],
        received_at=row[2],
    )


def partial_size(store: ServerStore, sha256: str) -> int:
    path = store.partial_path(sha256)
    return path.stat().st_size if path.exists() else 0
