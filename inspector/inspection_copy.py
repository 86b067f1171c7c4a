"""One revision of an inspection as a whole record: what leaves the device and what arrives.

``snapshot`` reads an inspection with its inspectors, answers, findings and attachment manifest
as it is now (the sync engine freezes it into an upload bundle). ``import_copy`` is the workflow
that stores a completed inspection of another inspector, copied from the server onto a
supervisor's desk for review: one transaction, checked against the lifecycle, recorded in the
audit log, and marked in ``sync_imports`` before its status is set, so the outbox triggers never
queue it for upload (migration ``M_SYNC_REVIEWS``).
"""

import json
import sqlite3
from dataclasses import asdict, dataclass, fields
from typing import Any

from inspector import audit
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.lifecycle import office_copy_step
from inspector.model import InspectionStatus
from inspector.store import Store


@dataclass(frozen=True)
class CopyAnswer:
    item_id: str
    value: Any  # decoded JSON
    note: str


@dataclass(frozen=True)
class CopyFinding:
    """A finding's recorded content; its status is the office's and travels separately."""

    id: str
    item_id: str | None
    description: str
    legal_basis: str
    severity: str
    requirement: str
    rectification_days: int | None
    deadline: str | None
    follow_up: str
    refund_due: str


@dataclass(frozen=True)
class CopyAttachment:
    id: str
    sha256: str
    size: int
    file_name: str
    mime_type: str
    item_id: str | None
    finding_id: str | None


@dataclass(frozen=True)
class InspectionCopy:
    organization_id: str
    organization_credit_code: str
    task_id: str | None
    checklist_id: str
    checklist_version: int
    method: str
    started_at: str
    completed_at: str | None
    place: str
    representative: str
    inspector_ids: tuple[str, ...]
    answers: tuple[CopyAnswer, ...]
    findings: tuple[CopyFinding, ...]
    attachments: tuple[CopyAttachment, ...]


def snapshot(store: Store, inspection_id: str) -> InspectionCopy:
    """The inspection as it is now; children in a stable order (the bundle's hash needs it)."""
    conn = store.db.conn
    row = conn.execute(
        "SELECT i.organization_id, COALESCE(g.credit_code, ''), i.task_id, i.checklist_id,"
        " i.checklist_version, i.method, i.started_at, i.completed_at, i.place,"
        " i.representative FROM inspections i"
        " LEFT JOIN organizations g ON g.id = i.organization_id WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None:
        raise UserError(f"找不到检查记录：{inspection_id}")
    inspector_ids = tuple(
        r[0]
        for r in conn.execute(
            "SELECT roster_id FROM inspection_inspectors WHERE inspection_id = ? ORDER BY position",
            (inspection_id,),
        )
    )
    answers = tuple(
        CopyAnswer(item_id, json.loads(value) if value is not None else None, note)
        for item_id, value, note in conn.execute(
            "SELECT item_id, value, note FROM answers WHERE inspection_id = ? ORDER BY item_id",
            (inspection_id,),
        )
    )
    org_id, code, task_id, checklist_id, version, method, started, completed, place, rep = row
    return InspectionCopy(
        organization_id=org_id,
        organization_credit_code=code,
        task_id=task_id,
        checklist_id=checklist_id,
        checklist_version=version,
        method=method,
        started_at=started,
        completed_at=completed,
        place=place,
        representative=rep,
        inspector_ids=inspector_ids,
        answers=answers,
        findings=tuple(
            CopyFinding(*r) for r in _children(conn, CopyFinding, "findings", inspection_id, "")
        ),
        attachments=tuple(
            CopyAttachment(*r)
            for r in _children(
                conn, CopyAttachment, "attachments", inspection_id, " AND deleted_at IS NULL"
            )
        ),
    )


def _children(
    conn: sqlite3.Connection, record: type, table: str, inspection_id: str, extra_where: str
) -> list[tuple[Any, ...]]:
    columns = ", ".join(f.name for f in fields(record))
    return conn.execute(
        f"SELECT {columns} FROM {table} WHERE inspection_id = ?{extra_where}"
        " ORDER BY created_at, id",
        (inspection_id,),
    ).fetchall()


def local_revision(store: Store, inspection_id: str) -> int:
    """The revision held here, 0 when the inspection is not on this device."""
    row = store.db.execute(
        "SELECT revision FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def import_copy(
    store: Store, inspection_id: str, revision: int, owner: str, copy: InspectionCopy
) -> None:
    """Store ``copy`` (revision ``revision`` of ``owner``'s inspection) as waiting for review.

    Raises ``UserError`` (Chinese) when the register, checklist or roster it refers to is not on
    this device, or ``TransitionError`` when a local draft holds that id; nothing is written then.
    """
    with store.transaction() as conn:
        organization_id = _organization_id(conn, copy)
        problem = _missing_reference(conn, copy, organization_id)
        if problem:
            raise UserError(problem)
        before = conn.execute(
            "SELECT status, revision FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        action = office_copy_step(InspectionStatus(before[0]) if before else None)
        now = utc_now()
        _store_copy(conn, inspection_id, revision, owner, copy, organization_id or "", now)
        audit.record(
            conn,
            actor=f"server:{owner}",
            entity="inspection",
            entity_id=inspection_id,
            action=action,
            old={"status": before[0], "revision": before[1]} if before else None,
            new={"status": "completed", "revision": revision, "owner": owner},
        )


def _organization_id(conn: sqlite3.Connection, copy: InspectionCopy) -> str | None:
    """The local organization: by credit code (ids differ between devices), else by id."""
    row = conn.execute(
        "SELECT id FROM organizations WHERE credit_code = ? AND credit_code != ''"
        " UNION ALL SELECT id FROM organizations WHERE id = ? LIMIT 1",
        (copy.organization_credit_code, copy.organization_id),
    ).fetchone()
    return str(row[0]) if row else None


def _missing_reference(
    conn: sqlite3.Connection, copy: InspectionCopy, organization_id: str | None
) -> str:
    """Why the copy cannot be stored here (register, checklist or roster not pulled), or ''."""
    if organization_id is None:
        code = copy.organization_credit_code or copy.organization_id
        return f"社会组织 {code} 不在本机登记库中，请先同步登记库"
    checklist = conn.execute(
        "SELECT 1 FROM checklists WHERE id = ? AND version = ?",
        (copy.checklist_id, copy.checklist_version),
    ).fetchone()
    if checklist is None:
        return f"本机没有检查表 {copy.checklist_id} 第 {copy.checklist_version} 版"
    for roster_id in copy.inspector_ids:
        if conn.execute("SELECT 1 FROM roster WHERE id = ?", (roster_id,)).fetchone() is None:
            return f"本机执法人员名单中没有 {roster_id}"
    return ""


def _store_copy(
    conn: sqlite3.Connection,
    inspection_id: str,
    revision: int,
    owner: str,
    copy: InspectionCopy,
    organization_id: str,
    now: str,
) -> None:
    task = conn.execute("SELECT id FROM tasks WHERE id = ?", (copy.task_id,)).fetchone()
    values = {
        "organization_id": organization_id,
        "task_id": task[0] if task else None,
        "checklist_id": copy.checklist_id,
        "checklist_version": copy.checklist_version,
        "status": InspectionStatus.COMPLETED.value,
        "method": copy.method,
        "started_at": copy.started_at,
        "completed_at": copy.completed_at,
        "place": copy.place,
        "representative": copy.representative,
        "return_reason": "",
        "revision": revision,
        "updated_at": now,
    }
    conn.execute(
        "INSERT INTO inspections (id, organization_id, checklist_id, checklist_version,"
        " started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (
            inspection_id,
            organization_id,
            copy.checklist_id,
            copy.checklist_version,
            copy.started_at,
            now,
            now,
        ),
    )
    # Marked as imported before the status is set: the outbox triggers look for this row.
    conn.execute(
        "INSERT INTO sync_imports (inspection_id, revision, owner, imported_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (inspection_id) DO UPDATE SET"
        " revision = excluded.revision, imported_at = excluded.imported_at",
        (inspection_id, revision, owner, now),
    )
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    conn.execute(
        f"UPDATE inspections SET {assignments} WHERE id = :id", {**values, "id": inspection_id}
    )
    _replace_children(conn, inspection_id, copy, now)


def _replace_children(
    conn: sqlite3.Connection, inspection_id: str, copy: InspectionCopy, now: str
) -> None:
    conn.execute("DELETE FROM inspection_inspectors WHERE inspection_id = ?", (inspection_id,))
    conn.executemany(
        "INSERT INTO inspection_inspectors (inspection_id, roster_id, position) VALUES (?, ?, ?)",
        [(inspection_id, r, i) for i, r in enumerate(copy.inspector_ids)],
    )
    conn.execute("DELETE FROM answers WHERE inspection_id = ?", (inspection_id,))
    conn.executemany(
        "INSERT INTO answers (inspection_id, item_id, value, note, updated_at) VALUES (?, ?, ?, ?, ?)",
        [
            (inspection_id, a.item_id, json.dumps(a.value, ensure_ascii=False), a.note, now)
            for a in copy.answers
        ],
    )
    names = [f.name for f in fields(CopyFinding)]
    columns = [*names, "inspection_id", "created_at", "updated_at"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in names if c != "id")
    for finding in copy.findings:
        conn.execute(
            f"INSERT INTO findings ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            [*asdict(finding).values(), inspection_id, now, now],
        )
    conn.execute(
        "UPDATE attachments SET deleted_at = ? WHERE inspection_id = ? AND deleted_at IS NULL",
        (now, inspection_id),
    )
    for ref in copy.attachments:
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
