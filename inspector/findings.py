"""Finding workflows: record, edit, report-back, re-check, escalate. Each writes the audit log.

A status step (report-back, 复查, escalation) is also queued for the office in its transaction
(``inspector.outbox.queue_field_change``); steps made elsewhere reach this device through
``apply_field_change`` (the same lifecycle and audit log) and conflicts the office recorded
through ``record_field_conflict``.
"""

import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from inspector import audit, outbox
from inspector.answer_values import NOT_COMPLIANT
from inspector.clock import today, utc_now
from inspector.deadlines import require_not_past
from inspector.errors import UserError
from inspector.inspections import status_of, write_answer
from inspector.lifecycle import EDITABLE_INSPECTION, FINDING_STEPS, finding_step
from inspector.model import Escalation, FindingDraft, FindingStatus
from inspector.roles import require_supervisor
from inspector.store import Store

EDITABLE_FIELDS = frozenset(
    {
        "description",
        "legal_basis",
        "severity",
        "requirement",
        "rectification_days",
        "deadline",
        "follow_up",
        "refund_due",
    }
)


@dataclass(frozen=True)
class Finding:
    """One stored finding, every column."""

    id: str
    inspection_id: str
    item_id: str | None
    description: str
    legal_basis: str
    severity: str
    requirement: str
    rectification_days: int | None
    deadline: str | None  # ISO date
    follow_up: str
    refund_due: str  # yuan, decimal string; '' when none
    status: FindingStatus
    escalation: str
    created_at: str
    updated_at: str


_FINDING_COLUMNS = ", ".join(f.name for f in fields(Finding))


def of_inspection(store: Store, inspection_id: str) -> list[Finding]:
    """The findings of an inspection in the order they were recorded."""
    rows = store.db.execute(
        f"SELECT {_FINDING_COLUMNS} FROM findings WHERE inspection_id = ?"
        " ORDER BY created_at, rowid",
        (inspection_id,),
    ).fetchall()
    return [_finding(row) for row in rows]


def exists(store: Store, finding_id: str) -> bool:
    row = store.db.execute("SELECT 1 FROM findings WHERE id = ?", (finding_id,)).fetchone()
    return row is not None


def description_of(store: Store, finding_id: str) -> str:
    row = store.db.execute(
        "SELECT description FROM findings WHERE id = ?", (finding_id,)
    ).fetchone()
    return str(row[0]) if row else ""


def id_for_item(store: Store, inspection_id: str, item_id: str) -> str | None:
    """The id of a finding recorded on that item of the inspection, if there is one."""
    row = store.db.execute(
        "SELECT id FROM findings WHERE inspection_id = ? AND item_id = ? LIMIT 1",
        (inspection_id, item_id),
    ).fetchone()
    return str(row[0]) if row else None


def _finding(row: tuple[Any, ...]) -> Finding:
    finding = Finding(*row)
    return replace(finding, status=FindingStatus(finding.status))


def add(store: Store, inspection_id: str, draft: FindingDraft, *, actor: str) -> str:
    """Record a finding on an inspection that is still being worked on; returns its id."""
    with store.transaction() as conn:
        return _insert(conn, inspection_id, draft, actor=actor)


def record_not_compliant(
    store: Store,
    inspection_id: str,
    item_id: str,
    draft: FindingDraft,
    *,
    actor: str,
    amendment_reason: str = "",
) -> str:
    """Answer an item 不符合 and record its finding together, or neither; returns the finding id.

    A 不符合 without the finding that says what is wrong would put 「本次检查未发现问题」 on a
    record served on the organization, so the two are one transaction.
    """
    with store.transaction() as conn:
        write_answer(
            conn,
            inspection_id,
            item_id,
            NOT_COMPLIANT,
            note=None,
            actor=actor,
            amendment_reason=amendment_reason,
        )
        return _insert(conn, inspection_id, replace(draft, item_id=item_id), actor=actor)


def _insert(
    conn: sqlite3.Connection, inspection_id: str, draft: FindingDraft, *, actor: str
) -> str:
    if not draft.description.strip():
        raise UserError("问题描述不能为空")
    finding_id = str(uuid.uuid4())
    now = utc_now()
    row = {k: v for k, v in asdict(draft).items() if k != "extra"}
    row.update(
        id=finding_id,
        inspection_id=inspection_id,
        status=FindingStatus.OPEN.value,
        severity=draft.severity.value,
        created_at=now,
        updated_at=now,
    )
    _require_editable(conn, inspection_id)
    columns = ", ".join(row)
    conn.execute(
        f"INSERT INTO findings ({columns}) VALUES ({', '.join(':' + c for c in row)})", row
    )
    audit.record(conn, actor=actor, entity="finding", entity_id=finding_id, action="add", new=row)
    return finding_id


def update(store: Store, finding_id: str, changes: dict[str, Any], *, actor: str) -> None:
    """Edit a finding's text, basis, severity or deadline while its inspection is editable."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with store.transaction() as conn:
        old = _row(conn, finding_id)
        _require_editable(conn, old["inspection_id"])
        _write(conn, finding_id, old, changes, actor=actor, action="update")


@dataclass(frozen=True)
class Evidence:
    """A report-back file whose content is already in the store's files (by SHA-256)."""

    sha256: str
    file_name: str
    mime_type: str
    size: int
    id: str = ""  # made here when empty; a file received from the office keeps its id


def report_back(
    store: Store,
    finding_id: str,
    *,
    reported_on: str,
    text: str,
    actor: str,
    evidence: Sequence[Evidence] = (),
) -> list[str]:
    """The organization reported its rectification (date, what it did, its files); returns the
    files' attachment ids. Status, files and the queued change are one transaction."""
    if not text.strip():
        raise UserError("请填写整改报告内容")
    return _step(
        store,
        finding_id,
        FindingStatus.REPORTED,
        actor=actor,
        detail={"reported_on": reported_on, "text": text},
        evidence=evidence,
    )


def recheck(
    store: Store,
    finding_id: str,
    *,
    passed: bool,
    reason: str,
    actor: str,
    new_deadline: str | None = None,
) -> None:
    """A supervisor's re-check 复查: passed closes the finding; failed marks it not rectified
    (with a new deadline, when given). Anyone but a supervisor is refused (``roles``)."""
    require_supervisor(store, actor)
    if not reason.strip():
        raise UserError("复查结论必须填写理由")
    target = FindingStatus.CLOSED if passed else FindingStatus.NOT_RECTIFIED
    if new_deadline and not passed:
        require_not_past(date.fromisoformat(new_deadline), "复查后的新整改期限", today())
    changes = {"deadline": new_deadline} if new_deadline and not passed else {}
    _step(store, finding_id, target, actor=actor, detail={"reason": reason}, changes=changes)


def escalate(
    store: Store, finding_id: str, measure: Escalation, *, reason: str, actor: str
) -> None:
    """A supervisor escalates a finding not rectified: 约谈, abnormal list or penalty referral."""
    require_supervisor(store, actor)
    if not reason.strip():
        raise UserError("升级处理必须填写理由")
    _step(
        store,
        finding_id,
        FindingStatus.ESCALATED,
        actor=actor,
        detail={"reason": reason},
        changes={"escalation": measure.value},
    )


def _step(
    store: Store,
    finding_id: str,
    target: FindingStatus,
    *,
    actor: str,
    detail: dict[str, str],
    changes: dict[str, Any] | None = None,
    evidence: Sequence[Evidence] = (),
) -> list[str]:
    with store.transaction() as conn:
        old = _row(conn, finding_id)
        action = finding_step(FindingStatus(old["status"]), target)
        _write(
            conn,
            finding_id,
            old,
            {**(changes or {}), "status": target.value},
            actor=actor,
            action=action,
            detail=detail,
        )
        files = [_add_evidence(conn, old, item, actor=actor) for item in evidence]
        outbox.queue_field_change(
            conn,
            finding_id=finding_id,
            inspection_id=old["inspection_id"],
            kind=action,
            actor=actor,
            detail={**detail, **(changes or {}), "evidence": [asdict(f) for f in files]},
        )
        return [f.id for f in files]


def _add_evidence(
    conn: sqlite3.Connection, finding: dict[str, Any], item: Evidence, *, actor: str
) -> Evidence:
    """An attachment row for a report-back file (its content is already stored)."""
    kept = replace(item, id=item.id or str(uuid.uuid4()))
    row = {
        "id": kept.id,
        "inspection_id": finding["inspection_id"],
        "item_id": None,
        "finding_id": finding["id"],
        "sha256": kept.sha256,
        "file_name": kept.file_name,
        "mime_type": kept.mime_type,
        "size": kept.size,
        "created_at": utc_now(),
    }
    conn.execute(
        f"INSERT INTO attachments ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"
        " ON CONFLICT (id) DO NOTHING",  # a file received again (an office copy lists it too)
        row,
    )
    audit.record(
        conn,
        actor=actor,
        entity="attachment",
        entity_id=kept.id,
        action="add_report_evidence",
        new=row,
    )
    return kept


def _write(
    conn: sqlite3.Connection,
    finding_id: str,
    old: dict[str, Any],
    changes: dict[str, Any],
    *,
    actor: str,
    action: str,
    detail: dict[str, str] | None = None,
) -> None:
    changed = {k: v for k, v in changes.items() if old.get(k) != v}
    if not changed and not detail:
        return
    stamped = {**changed, "updated_at": utc_now()}
    assignments = ", ".join(f"{column} = :{column}" for column in stamped)
    conn.execute(f"UPDATE findings SET {assignments} WHERE id = :id", {**stamped, "id": finding_id})
    audit.record(
        conn,
        actor=actor,
        entity="finding",
        entity_id=finding_id,
        action=action,
        old={k: old.get(k) for k in changed},
        new={**changed, **(detail or {})},
    )


def _row(conn: sqlite3.Connection, finding_id: str) -> dict[str, Any]:
    cursor = conn.execute("SELECT * FROM findings WHERE id = ?", (finding_id,))
    values = cursor.fetchone()
    if values is None:
        raise UserError(f"找不到问题记录：{finding_id}")
    return dict(zip([c[0] for c in cursor.description], values, strict=True))


def _require_editable(conn: sqlite3.Connection, inspection_id: str) -> None:
    status = status_of(conn, inspection_id)
    if status not in EDITABLE_INSPECTION:
        raise UserError(f"检查记录{status.label}，问题内容为只读；如需更正请走更正流程")


def apply_office_status(
    store: Store, finding_id: str, status: FindingStatus, *, by: str, reason: str
) -> FindingStatus | None:
    """The office's status of a finding, inside the caller's transaction (the pull's page).

    Once an inspection is uploaded the office is the record of truth for its findings' status:
    the office's value replaces the local one whatever the local lifecycle step would be, and
    the audit log keeps the local value (actor ``office:<by>``). Returns the replaced status,
    or ``None`` when the finding is not on this device or already has that status.
    """
    conn = store.db.conn
    row = conn.execute("SELECT status FROM findings WHERE id = ?", (finding_id,)).fetchone()
    if row is None or row[0] == status.value:
        return None
    conn.execute(
        "UPDATE findings SET status = ?, updated_at = ? WHERE id = ?",
        (status.value, utc_now(), finding_id),
    )
    audit.record(
        conn,
        actor=f"office:{by}",
        entity="finding",
        entity_id=finding_id,
        action="office_status",
        old={"status": row[0]},
        new={"status": status.value, "reason": reason},
    )
    return FindingStatus(row[0])


@dataclass(frozen=True)
class FieldChange:
    """A status step recorded on another device (or desk) and accepted by the office."""

    change_id: str
    finding_id: str
    kind: str  # the lifecycle action: report_back, recheck_passed, recheck_failed, escalate
    made_by: str  # the person, as recorded on the device that made it
    made_at: str
    via: str  # the server account that sent it
    revision: int  # the finding's server revision after it
    detail: dict[str, Any]  # reported_on/text, reason, new_deadline, escalation
    evidence: tuple[Evidence, ...] = ()  # contents already in this store's files


FIELD_CHANGE_LABELS = {
    "report_back": "整改情况报告",
    "recheck_passed": "复查结论（合格）",
    "recheck_failed": "复查结论（不合格）",
    "escalate": "升级处理",
}
_KIND_TARGET = {
    "report_back": FindingStatus.REPORTED,
    "recheck_passed": FindingStatus.CLOSED,
    "recheck_failed": FindingStatus.NOT_RECTIFIED,
    "escalate": FindingStatus.ESCALATED,
}


def apply_field_change(store: Store, change: FieldChange) -> str | None:
    """Apply a change the office accepted from another device, in one transaction.

    Through the lifecycle, with an audit entry in the name of the person who made it (the
    office checked the sender's role); the files of a report-back are attached. When this
    device's status does not allow the step (it changed here meanwhile), the office's status
    replaces it as for ``apply_office_status`` and the local value stays in the audit log.
    Returns a note for the pull report, or None when nothing changed here (not on this device,
    already applied, already in that status).
    """
    target = _KIND_TARGET[change.kind]
    with store.transaction() as conn:
        if outbox.knows_change(conn, change.change_id):
            return None
        row = conn.execute("SELECT * FROM findings WHERE id = ?", (change.finding_id,)).fetchone()
        if row is None:
            outbox.put_known_revision(conn, change.finding_id, change.revision, target.value)
            return None
        old = _row(conn, change.finding_id)
        current = FindingStatus(old["status"])
        note = _step_from_office(conn, old, change, current, target)
        for item in change.evidence:
            _add_evidence(conn, old, item, actor=change.made_by)
        outbox.record_received_change(
            conn,
            change_id=change.change_id,
            finding_id=change.finding_id,
            inspection_id=old["inspection_id"],
            kind=change.kind,
            actor=change.made_by,
            made_at=change.made_at,
            detail=change.detail,
            state="done",
            message=note or "",
        )
        outbox.put_known_revision(conn, change.finding_id, change.revision, target.value)
        return note


def _step_from_office(
    conn: sqlite3.Connection,
    old: dict[str, Any],
    change: FieldChange,
    current: FindingStatus,
    target: FindingStatus,
) -> str | None:
    changes: dict[str, Any] = {"status": target.value}
    if change.kind == "recheck_failed" and change.detail.get("new_deadline"):
        changes["deadline"] = change.detail["new_deadline"]
    if change.kind == "escalate":
        changes["escalation"] = Escalation(change.detail["escalation"]).value
    detail = {
        **{k: str(v) for k, v in change.detail.items() if k in ("reported_on", "text", "reason")},
        "via": f"server:{change.via}",
        "change_id": change.change_id,
    }
    if current is target:
        return None
    allowed = (current, target) in FINDING_STEPS and FINDING_STEPS[current, target] == change.kind
    action = change.kind if allowed else "office_status"
    _write(conn, old["id"], old, changes, actor=change.made_by, action=action, detail=detail)
    if allowed:
        return f"已采用 {change.made_by} 的{FIELD_CHANGE_LABELS[change.kind]}"
    return (
        f"问题状态已按科室记录更新：{current.label} → {target.label}"
        f"（{change.made_by}）；本机原状态保留在执法记录中"
    )


def record_field_conflict(
    store: Store, change: FieldChange, *, office_status: str, why: str
) -> bool:
    """Keep a change the office recorded but did not apply (both sides changed the finding):
    an audit entry on the finding (when it is on this device) with what was sent and why, so
    the supervisor sees both. Returns False when it was already recorded here."""
    with store.transaction() as conn:
        if outbox.knows_change(conn, change.change_id):
            return False
        row = conn.execute(
            "SELECT inspection_id FROM findings WHERE id = ?", (change.finding_id,)
        ).fetchone()
        outbox.record_received_change(
            conn,
            change_id=change.change_id,
            finding_id=change.finding_id,
            inspection_id=row[0] if row else "",
            kind=change.kind,
            actor=change.made_by,
            made_at=change.made_at,
            detail=change.detail,
            state="conflict",
            message=why,
        )
        if row is not None:
            audit.record(
                conn,
                actor=f"server:{change.via}",
                entity="finding",
                entity_id=change.finding_id,
                action="field_conflict",
                new={
                    "kind": change.kind,
                    "made_by": change.made_by,
                    "made_at": change.made_at,
                    **change.detail,
                    "office_status": office_status,
                    "why": why,
                    "change_id": change.change_id,
                },
            )
        return True


def field_conflicts(store: Store, finding_id: str) -> list[dict[str, Any]]:
    """The conflicts the office recorded on a finding, oldest first (for the supervisor)."""
    rows = store.db.execute(
        "SELECT new FROM audit_log WHERE entity = 'finding' AND entity_id = ?"
        " AND action = 'field_conflict' ORDER BY seq",
        (finding_id,),
    ).fetchall()
    return [dict(json.loads(r[0])) for r in rows]
