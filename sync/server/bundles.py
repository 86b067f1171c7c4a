"""Inspection bundles: idempotent push, completeness, tombstones, and who may see what.

A bundle is keyed by (inspection UUID, revision). The same content again is answered like the
first time; other content under the same revision is a 409 and nothing is overwritten. A bundle
counts (and supervisors see it) only once every file in its manifest is stored and verified.
"""

import sqlite3
from pathlib import Path

from inspector.clock import utc_now
from sync.protocol import Bundle, FindingStatusChange, InspectionSummary, MissingBlob, PushResult
from sync.server import catalog
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User


def push(
    store: ServerStore, user: User, inspection_id: str, revision: int, bundle: Bundle
) -> PushResult:
    """Store one revision (or recognise it as already stored) and say which files are missing."""
    digest = bundle.content_hash()
    with store.transaction() as conn:
        _check_owner(conn, user, inspection_id, create=True)
        _check_task(conn, user, bundle)
        _check_manifest(conn, bundle)
        stored = conn.execute(
            "SELECT content_hash FROM bundles WHERE inspection_id = ? AND revision = ?",
            (inspection_id, revision),
        ).fetchone()
        if stored is None:
            _insert(conn, inspection_id, revision, bundle, digest)
        elif stored[0] != digest:
            raise ApiError(
                409,
                "revision_conflict",
                f"服务器上已有该检查记录第 {revision} 版，但内容不同；未覆盖任何数据。"
                "请在本机更正后作为新版本上传，或联系科室核对。",
            )
        _refresh_complete(conn, inspection_id, revision)
        return _result(store, conn, inspection_id, revision)


def expected_size(store: ServerStore, user: User, sha256: str) -> int:
    """The size a file must have; it must be in the manifest of a bundle this user may write."""
    owner_clause = "AND i.owner = ?" if user.is_inspector else ""
    params = [sha256, user.username] if user.is_inspector else [sha256]
    with store.reading() as conn:
        row = conn.execute(
            "SELECT f.size FROM bundle_files f JOIN inspections i"
            " ON i.inspection_id = f.inspection_id"
            f" WHERE f.sha256 = ? AND i.deleted_at IS NULL {owner_clause} LIMIT 1",
            params,
        ).fetchone()
    if row is None:
        raise ApiError(
            404, "blob_not_expected", "没有哪条已上传的检查记录需要这个文件，请先上传检查记录"
        )
    return int(row[0])


def readable_blob(store: ServerStore, user: User, sha256: str) -> Path:
    """A stored file this user may download: an inspector's own, or any in a complete bundle."""
    owner_clause = "i.owner = ?" if user.is_inspector else "b.complete = 1"
    params = [sha256, user.username] if user.is_inspector else [sha256]
    with store.reading() as conn:
        row = conn.execute(
            "SELECT 1 FROM bundle_files f JOIN bundles b ON b.inspection_id = f.inspection_id"
            " AND b.revision = f.revision JOIN inspections i ON i.inspection_id = f.inspection_id"
            " JOIN blobs s ON s.sha256 = f.sha256"
            f" WHERE f.sha256 = ? AND i.deleted_at IS NULL AND {owner_clause} LIMIT 1",
            params,
        ).fetchone()
    if row is None:
        raise ApiError(404, "not_found", "服务器上没有这个文件，或无权下载")
    return store.blob_path(sha256)


def blob_stored(store: ServerStore, sha256: str) -> bool:
    with store.reading() as conn:
        row = conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    return row is not None


def record_blob(store: ServerStore, sha256: str, size: int) -> None:
    """A verified file is in place: bundles waiting only for it become complete."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (sha256, size, utc_now()),
        )
        waiting = conn.execute(
            "SELECT DISTINCT b.inspection_id, b.revision FROM bundles b JOIN bundle_files f"
            " ON f.inspection_id = b.inspection_id AND f.revision = b.revision"
            " WHERE f.sha256 = ? AND b.complete = 0",
            (sha256,),
        ).fetchall()
        for inspection_id, revision in waiting:
            _refresh_complete(conn, inspection_id, revision)


def summaries(store: ServerStore, user: User) -> list[InspectionSummary]:
    """Inspectors see their own records; supervisors and admins see complete ones."""
    where = "i.owner = ?" if user.is_inspector else "(b.complete = 1 OR i.deleted_at IS NOT NULL)"
    params = [user.username] if user.is_inspector else []
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT i.inspection_id, MAX(b.revision), i.owner, MIN(b.complete),"
            " i.deleted_at IS NOT NULL, MIN(b.received_at) FROM inspections i"
            " JOIN bundles b ON b.inspection_id = i.inspection_id"
            f" WHERE {where} GROUP BY i.inspection_id, i.owner, i.deleted_at"
            " ORDER BY i.inspection_id",
            params,
        ).fetchall()
        reviewed = set(conn.execute("SELECT inspection_id, revision FROM reviews").fetchall())
    return [
        InspectionSummary(
            inspection_id=r[0],
            revision=r[1],
            owner=r[2],
            complete=bool(r[3]),
            deleted=bool(r[4]),
            received_at=r[5],
            reviewed=(r[0], r[1]) in reviewed,
        )
        for r in rows
    ]


def bundle_body(store: ServerStore, user: User, inspection_id: str, revision: int) -> Bundle:
    with store.reading() as conn:
        _check_owner(conn, user, inspection_id, create=False)
        row = conn.execute(
            "SELECT body, complete FROM bundles WHERE inspection_id = ? AND revision = ?",
            (inspection_id, revision),
        ).fetchone()
    if row is None or (not row[1] and not user.is_inspector):
        raise ApiError(404, "not_found", "服务器上没有这条检查记录（或其照片尚未传齐）")
    return Bundle.model_validate_json(row[0])


def delete(store: ServerStore, user: User, inspection_id: str) -> None:
    """Tombstone: the record stays deleted whatever retries come later."""
    with store.transaction() as conn:
        _check_owner(conn, user, inspection_id, create=False)
        conn.execute(
            "UPDATE inspections SET deleted_at = COALESCE(deleted_at, ?) WHERE inspection_id = ?",
            (utc_now(), inspection_id),
        )


def set_finding_status(
    store: ServerStore, user: User, finding_id: str, change: FindingStatusChange
) -> int:
    """An office decision on a finding, published to the owning inspector's device."""
    if user.is_inspector:
        raise ApiError(403, "forbidden", "只有科室负责人或管理员可以在服务器上更改问题状态")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT f.inspection_id, i.owner FROM findings f"
            " JOIN inspections i ON i.inspection_id = f.inspection_id WHERE f.finding_id = ?",
            (finding_id,),
        ).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "服务器上没有这个问题")
        conn.execute(
            "UPDATE findings SET status = ? WHERE finding_id = ?", (change.status, finding_id)
        )
        data = {
            "finding_id": finding_id,
            "inspection_id": row[0],
            "status": change.status,
            "reason": change.reason,
            "by": user.username,
        }
        return catalog.put(conn, "finding_status", finding_id, data, audience=[row[1]])


def stats(store: ServerStore) -> dict[str, int]:
    """Counts for ``inspector server stats``: only complete, live bundles count as inspections."""
    queries = {
        "inspections": "SELECT COUNT(DISTINCT b.inspection_id) FROM bundles b JOIN inspections i"
        " ON i.inspection_id = b.inspection_id WHERE b.complete = 1 AND i.deleted_at IS NULL",
        "incomplete_bundles": "SELECT COUNT(*) FROM bundles WHERE complete = 0",
        "findings": "SELECT COUNT(*) FROM findings",
        "attachments": "SELECT COUNT(*) FROM blobs",
        "bytes": "SELECT SUM(size) FROM blobs",
        "users": "SELECT COUNT(*) FROM users",
        "organizations": "SELECT COUNT(*) FROM entities WHERE entity = 'organization'",
        "tasks": "SELECT COUNT(*) FROM entities WHERE entity = 'task'",
    }
    with store.reading() as conn:
        return {name: int(conn.execute(sql).fetchone()[0] or 0) for name, sql in queries.items()}


def _check_owner(conn: sqlite3.Connection, user: User, inspection_id: str, *, create: bool) -> None:
    row = conn.execute(
        "SELECT owner, deleted_at FROM inspections WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    if row is None:
        if not create:
            raise ApiError(404, "not_found", "服务器上没有这条检查记录")
        conn.execute(
            "INSERT INTO inspections (inspection_id, owner) VALUES (?, ?)",
            (inspection_id, user.username),
        )
        return
    if user.is_inspector and row[0] != user.username:
        raise ApiError(403, "forbidden", "这条检查记录属于其他检查人员，无权查看或上传")
    if row[1] is not None and create:
        raise ApiError(
            409, "deleted", "这条检查记录已在服务器上删除，不能再上传（删除不可被重传撤销）"
        )


def _check_task(conn: sqlite3.Connection, user: User, bundle: Bundle) -> None:
    task_id = bundle.inspection.task_id
    if task_id and user.is_inspector and not catalog.task_assigned(conn, task_id, user.username):
        raise ApiError(403, "forbidden", "这条检查记录所属的任务没有分配给你")


def _check_manifest(conn: sqlite3.Connection, bundle: Bundle) -> None:
    sizes: dict[str, int] = {}
    for ref in bundle.attachments:
        if sizes.setdefault(ref.sha256, ref.size) != ref.size:
            raise ApiError(
                422, "bad_manifest", f"附件 {ref.file_name} 的大小与同一内容的其他附件不一致"
            )
        row = conn.execute("SELECT size FROM blobs WHERE sha256 = ?", (ref.sha256,)).fetchone()
        if row is not None and row[0] != ref.size:
            raise ApiError(
                422, "bad_manifest", f"附件 {ref.file_name} 的大小与服务器上同一内容不符"
            )


def _insert(
    conn: sqlite3.Connection, inspection_id: str, revision: int, bundle: Bundle, digest: str
) -> None:
    conn.execute(
        "INSERT INTO bundles (inspection_id, revision, content_hash, body, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (inspection_id, revision, digest, bundle.model_dump_json(), utc_now()),
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


def _refresh_complete(conn: sqlite3.Connection, inspection_id: str, revision: int) -> None:
    missing = conn.execute(
        "SELECT COUNT(*) FROM bundle_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
        " WHERE f.inspection_id = ? AND f.revision = ? AND b.sha256 IS NULL",
        (inspection_id, revision),
    ).fetchone()[0]
    if missing == 0:
        conn.execute(
            "UPDATE bundles SET complete = 1, completed_at = COALESCE(completed_at, ?)"
            " WHERE inspection_id = ? AND revision = ?",
            (utc_now(), inspection_id, revision),
        )


def _result(
    store: ServerStore, conn: sqlite3.Connection, inspection_id: str, revision: int
) -> PushResult:
    row = conn.execute(
        "SELECT content_hash, complete, received_at FROM bundles"
        " WHERE inspection_id = ? AND revision = ?",
        (inspection_id, revision),
    ).fetchone()
    missing = conn.execute(
        "SELECT f.sha256, f.size FROM bundle_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
        " WHERE f.inspection_id = ? AND f.revision = ? AND b.sha256 IS NULL ORDER BY f.sha256",
        (inspection_id, revision),
    ).fetchall()
    return PushResult(
        inspection_id=inspection_id,
        revision=revision,
        content_hash=row[0],
        complete=bool(row[1]),
        missing=[
            MissingBlob(sha256=sha, size=size, offset=_partial_size(store, sha))
            for sha, size in missing
        ],
        received_at=row[2],
    )


def _partial_size(store: ServerStore, sha256: str) -> int:
    path = store.partial_path(sha256)
    return path.stat().st_size if path.exists() else 0
