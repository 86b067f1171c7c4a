"""Finding workflows: record, edit, report-back, re-check, escalate. Each writes the audit log."""

import sqlite3
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from inspector import audit
from inspector.answer_values import NOT_COMPLIANT
from inspector.clock import today, utc_now
from inspector.deadlines import require_not_past
from inspector.errors import UserError
from inspector.inspections import status_of, write_answer
from inspector.lifecycle import EDITABLE_INSPECTION, finding_step
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


def report_back(store: Store, finding_id: str, *, reported_on: str, text: str, actor: str) -> None:
    """The organization reported its rectification (date and what it did)."""
    if not text.strip():
        raise UserError("请填写整改报告内容")
    _step(
        store,
        finding_id,
        FindingStatus.REPORTED,
        actor=actor,
        detail={"reported_on": reported_on, "text": text},
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
) -> None:
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
