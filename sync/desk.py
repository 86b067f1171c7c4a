"""A supervisor's desk: completed inspections imported from the server for review.

After the change feed (register, checklists and roster come first), a supervisor's pull lists the
complete inspections on the server and imports each one not yet decided whose revision is newer
than the device's copy: the inspection, its inspectors, answers, findings, and its files,
downloaded by SHA-256 and verified before they are kept. Imported rows are marked in
``sync_imports``: they are never uploaded as bundles from this device, and a decision taken on
one is queued for the review endpoint (migration ``M_SYNC_REVIEWS``).
"""

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from inspector import audit
from inspector.attachments import file_path
from inspector.clock import utc_now
from inspector.store import Store
from sync.protocol import Bundle, Finding, InspectionSummary
from sync.transport import NETWORK_ERRORS, SyncError, Transport, decode

REVIEWER_ROLES = ("supervisor", "admin")
_CHUNK = 1 << 20
_FINDING_FIELDS = list(Finding.model_fields)


def import_completed(
    store: Store, transport: Transport, is_cancelled: Callable[[], bool]
) -> tuple[int, list[str]]:
    """Import what waits for review; returns how many were imported and notes (Chinese).

    Each inspection is one transaction; a cancel stops between two, and the next pull goes on.
    """
    summaries = [InspectionSummary(**s) for s in transport.call("GET", "/inspections")]
    imported, notes = 0, []
    for summary in summaries:
        if is_cancelled():
            break
        if summary.deleted or not summary.complete or summary.reviewed:
            continue
        if _local_revision(store, summary.inspection_id) >= summary.revision:
            continue
        path = f"/inspections/{summary.inspection_id}/revisions/{summary.revision}"
        bundle = Bundle(**transport.call("GET", path))
        for ref in bundle.attachments:
            download(store, transport, ref.sha256, ref.size)
        with store.transaction() as conn:
            problem = _missing_references(conn, bundle)
            if problem:
                notes.append(f"检查记录 {summary.inspection_id[:8]} 未导入：{problem}")
                continue
            _import(conn, summary, bundle)
        imported += 1
    if imported:
        notes.append(f"已从服务器取回 {imported} 条待审核的检查记录")
    return imported, notes


def download(store: Store, transport: Transport, sha256: str, size: int) -> None:
    """Fetch one file into the local file store unless it is already there; verified by hash."""
    target = file_path(store, sha256)
    if target.is_file() and target.stat().st_size == size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    for attempt in range(transport.retry.attempts):
        try:
            digest = _fetch(transport, sha256, part)
        except NETWORK_ERRORS:
            transport.retry.sleep(transport.retry.delay(attempt))
            continue
        if digest != sha256 or part.stat().st_size != size:
            part.unlink(missing_ok=True)
            raise SyncError(f"从服务器下载的文件 {sha256[:12]} 校验不符，已丢弃，请稍后重试")
        part.replace(target)
        return
    raise SyncError(f"文件 {sha256[:12]} 多次下载失败，请检查网络后重试")


def _fetch(transport: Transport, sha256: str, part: Path) -> str:
    digest = hashlib.sha256()
    with transport.send_once("GET", f"/blobs/{sha256}/content", stream=True) as response:
        if response.status_code != 200:
            decode(response)  # raises with the server's message
            raise SyncError(f"服务器未返回文件 {sha256[:12]}")
        with part.open("wb") as out:
            for chunk in response.iter_content(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()


def _local_revision(store: Store, inspection_id: str) -> int:
    row = store.db.execute(
        "SELECT revision FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def _missing_references(conn: sqlite3.Connection, bundle: Bundle) -> str:
    """Why the bundle cannot be stored here (register, checklist or roster not pulled), or ''."""
    record = bundle.inspection
    if _organization_id(conn, bundle) is None:
        code = record.organization_credit_code or record.organization_id
        return f"社会组织 {code} 不在本机登记库中，请先同步登记库"
    checklist = conn.execute(
        "SELECT 1 FROM checklists WHERE id = ? AND version = ?",
        (record.checklist_id, record.checklist_version),
    ).fetchone()
    if checklist is None:
        return f"本机没有检查表 {record.checklist_id} 第 {record.checklist_version} 版"
    for roster_id in record.inspector_ids:
        if conn.execute("SELECT 1 FROM roster WHERE id = ?", (roster_id,)).fetchone() is None:
            return f"本机执法人员名单中没有 {roster_id}"
    return ""


def _organization_id(conn: sqlite3.Connection, bundle: Bundle) -> str | None:
    record = bundle.inspection
    row = conn.execute(
        "SELECT id FROM organizations WHERE credit_code = ? AND credit_code != ''"
        " UNION ALL SELECT id FROM organizations WHERE id = ? LIMIT 1",
        (record.organization_credit_code, record.organization_id),
    ).fetchone()
    return str(row[0]) if row else None


def _import(conn: sqlite3.Connection, summary: InspectionSummary, bundle: Bundle) -> None:
    inspection_id, record, now = summary.inspection_id, bundle.inspection, utc_now()
    task = conn.execute("SELECT id FROM tasks WHERE id = ?", (record.task_id,)).fetchone()
    fields = {
        "organization_id": _organization_id(conn, bundle),
        "task_id": task[0] if task else None,
        "checklist_id": record.checklist_id,
        "checklist_version": record.checklist_version,
        "status": "completed",
        "method": record.method,
        "started_at": record.started_at,
        "completed_at": record.completed_at,
        "place": record.place,
        "representative": record.representative,
        "return_reason": "",
        "revision": summary.revision,
        "updated_at": now,
    }
    old = conn.execute("SELECT status, revision FROM inspections WHERE id = ?", (inspection_id,))
    before = old.fetchone()
    conn.execute(
        "INSERT INTO inspections (id, organization_id, checklist_id, checklist_version,"
        " started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (
            inspection_id,
            fields["organization_id"],
            record.checklist_id,
            record.checklist_version,
            record.started_at,
            now,
            now,
        ),
    )
    conn.execute(
        "INSERT INTO sync_imports (inspection_id, revision, owner, imported_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (inspection_id) DO UPDATE SET"
        " revision = excluded.revision, imported_at = excluded.imported_at",
        (inspection_id, summary.revision, summary.owner, now),
    )
    assignments = ", ".join(f"{column} = :{column}" for column in fields)
    conn.execute(
        f"UPDATE inspections SET {assignments} WHERE id = :id", {**fields, "id": inspection_id}
    )
    _replace_children(conn, inspection_id, bundle, now)
    audit.record(
        conn,
        actor=f"server:{summary.owner}",
        entity="inspection",
        entity_id=inspection_id,
        action="import",
        old={"status": before[0], "revision": before[1]} if before else None,
        new={"status": "completed", "revision": summary.revision, "owner": summary.owner},
    )


def _replace_children(
    conn: sqlite3.Connection, inspection_id: str, bundle: Bundle, now: str
) -> None:
    conn.execute("DELETE FROM inspection_inspectors WHERE inspection_id = ?", (inspection_id,))
    conn.executemany(
        "INSERT INTO inspection_inspectors (inspection_id, roster_id, position) VALUES (?, ?, ?)",
        [(inspection_id, r, i) for i, r in enumerate(bundle.inspection.inspector_ids)],
    )
    conn.execute("DELETE FROM answers WHERE inspection_id = ?", (inspection_id,))
    conn.executemany(
        "INSERT INTO answers (inspection_id, item_id, value, note, updated_at) VALUES (?, ?, ?, ?, ?)",
        [
            (inspection_id, a.item_id, json.dumps(a.value, ensure_ascii=False), a.note, now)
            for a in bundle.answers
        ],
    )
    columns = [*_FINDING_FIELDS, "inspection_id", "created_at", "updated_at"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in _FINDING_FIELDS if c != "id")
    for finding in bundle.findings:
        conn.execute(
            f"INSERT INTO findings ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            [*finding.model_dump().values(), inspection_id, now, now],
        )
    conn.execute(
        "UPDATE attachments SET deleted_at = ? WHERE inspection_id = ? AND deleted_at IS NULL",
        (now, inspection_id),
    )
    for ref in bundle.attachments:
        conn.execute(
            "INSERT INTO attachments (id, inspection_id, item_id, finding_id, sha256, file_name,"
            " mime_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET deleted_at = NULL",
            (
                ref.id,
                inspection_id,
                ref.item_id,
                ref.finding_id,
                ref.sha256,
                ref.file_name,
                ref.mime_type,
                ref.size,
                now,
            ),
        )
