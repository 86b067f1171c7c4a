"""Inspection workflows: start, answer, complete, approve, return, amend.

Each function is one transaction that changes the data and writes the audit log together.
"""

import json
import sqlite3
import uuid
from dataclasses import dataclass, fields, replace
from typing import Any

from inspector import answer_values, audit, fee_checks, roles
from inspector.clock import utc_now
from inspector.errors import TransitionError, UserError
from inspector.lifecycle import EDITABLE_INSPECTION, inspection_step
from inspector.model import InspectionStatus, NewInspection, RegistrationStatus
from inspector.roles import require_supervisor
from inspector.store import Store

MIN_INSPECTORS = 2
TASK_CLOSED = "closed"


@dataclass(frozen=True)
class Inspection:
    """One stored inspection as the documents and the sync bundle need it."""

    id: str
    organization_id: str
    task_id: str | None
    checklist_id: str
    checklist_version: int
    status: InspectionStatus
    method: str
    started_at: str  # UTC ISO
    place: str
    representative: str
    completed_at: str | None
    approved_at: str | None
    return_reason: str
    revision: int
    approved_by: str | None = None


@dataclass(frozen=True)
class StoredAnswer:
    value: Any  # decoded JSON, None when cleared
    note: str


def start(store: Store, new: NewInspection, *, actor: str) -> str:
    """Create a draft inspection and return its id (a UUID made here, on the device)."""
    if len(set(new.inspector_ids)) < MIN_INSPECTORS:
        raise UserError(
            "现场检查的执法人员不得少于两人（《行政处罚法》第四十二条），请至少选择两名检查人员"
        )
    inspection_id = str(uuid.uuid4())
    now = utc_now()
    row: dict[str, Any] = {
        "id": inspection_id,
        "organization_id": new.organization_id,
        "task_id": new.task_id,
        "checklist_id": new.checklist_id,
        "checklist_version": new.checklist_version,
        "status": InspectionStatus.DRAFT.value,
        "method": new.method,
        "started_at": new.started_at,
        "place": new.place,
        "representative": new.representative,
        "created_at": now,
        "updated_at": now,
    }
    with store.transaction() as conn:
        _refuse_gone_without_reason(conn, new)
        drawn = drawn_team(conn, new.task_id)
        _refuse_team_change_without_reason(drawn, new)
        _insert(conn, "inspections", row)
        for position, roster_id in enumerate(dict.fromkeys(new.inspector_ids)):
            _insert(
                conn,
                "inspection_inspectors",
                {"inspection_id": inspection_id, "roster_id": roster_id, "position": position},
            )
        row["inspector_ids"] = list(dict.fromkeys(new.inspector_ids))
        if new.gone_reason.strip():
            row["gone_reason"] = new.gone_reason.strip()
        if drawn and set(drawn) != set(new.inspector_ids):
            row["drawn_team"] = drawn
            row["team_change_reason"] = new.team_change_reason.strip()
        audit.record(
            conn, actor=actor, entity="inspection", entity_id=inspection_id, action="start", new=row
        )
    return inspection_id


def team_of_task(store: Store, task_id: str | None) -> list[str]:
    """The roster ids drawn (双随机) or assigned for a task; empty when none were."""
    return drawn_team(store.db.conn, task_id)


def drawn_team(conn: sqlite3.Connection, task_id: str | None) -> list[str]:
    """The roster ids drawn (双随机) or assigned for a task; empty when none were."""
    row = conn.execute("SELECT inspector_ids FROM tasks WHERE id = ?", (task_id,)).fetchone()
    team = json.loads(row[0]) if row and row[0] else []
    return [str(roster_id) for roster_id in team]


def _refuse_team_change_without_reason(drawn: list[str], new: NewInspection) -> None:
    if drawn and set(drawn) != set(new.inspector_ids) and not new.team_change_reason.strip():
        raise UserError(
            "检查人员与任务抽取的检查组不同；更换检查人员须说明理由（如回避、因病），"
            "理由记入执法全过程记录"
        )


def _refuse_gone_without_reason(conn: sqlite3.Connection, new: NewInspection) -> None:
    found = conn.execute(
        "SELECT name, registration_status FROM organizations WHERE id = ?",
        (new.organization_id,),
    ).fetchone()
    if found is None or new.gone_reason.strip():
        return
    status = RegistrationStatus(found[1])
    if status.is_gone:
        raise UserError(
            f"“{found[0]}”的登记状态为{status.label}，不能新建检查；"
            "如确需检查（如注销前的核查），请填写检查理由"
        )


def status_of(conn: sqlite3.Connection, inspection_id: str) -> InspectionStatus:
    row = conn.execute("SELECT status FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
    if row is None:
        raise UserError(f"找不到检查记录：{inspection_id}")
    return InspectionStatus(row[0])


def set_answer(
    store: Store,
    inspection_id: str,
    item_id: str,
    value: Any,
    *,
    note: str | None = None,
    actor: str,
    amendment_reason: str = "",
) -> list[fee_checks.Problem]:
    """Save one answer (and optionally its note) at once; return what it leaves implausible.

    The value must fit the item it is stored against (``answer_values``): else nothing is saved.
    Fee-audit data that does not add up (``fee_checks``: a refund above the amount collected,
    say) is saved and returned, naming the row and column, for the editor to show at the cell.
    A completed or approved inspection is read-only: a change needs ``amendment_reason`` and
    is recorded as an amendment, raising the inspection's revision.
    """
    with store.transaction() as conn:
        write_answer(
            conn,
            inspection_id,
            item_id,
            value,
            note=note,
            actor=actor,
            amendment_reason=amendment_reason,
        )
        return _fee_problems(conn, inspection_id, item_id)


def _fee_problems(
    conn: sqlite3.Connection, inspection_id: str, item_id: str
) -> list[fee_checks.Problem]:
    if item_id not in fee_checks.ITEMS:
        return []
    rows = conn.execute(
        "SELECT item_id, value FROM answers WHERE inspection_id = ? AND item_id IN (?, ?, ?)",
        (inspection_id, *sorted(fee_checks.ITEMS)),
    ).fetchall()
    return fee_checks.about({key: _loads(value) for key, value in rows}, item_id)


def write_answer(
    conn: sqlite3.Connection,
    inspection_id: str,
    item_id: str,
    value: Any,
    *,
    note: str | None,
    actor: str,
    amendment_reason: str,
) -> None:
    """``set_answer`` inside a transaction the caller holds (with a finding, say)."""
    status = status_of(conn, inspection_id)
    action = _edit_action(status, amendment_reason)
    item = answer_values.item_of(conn, inspection_id, item_id)
    answer_values.check(item, value)
    answer_values.check_note(item, note or "")
    old_row = conn.execute(
        "SELECT value, note FROM answers WHERE inspection_id = ? AND item_id = ?",
        (inspection_id, item_id),
    ).fetchone()
    old = {"value": _loads(old_row[0]), "note": old_row[1]} if old_row else None
    new = {"value": value, "note": old["note"] if note is None and old else (note or "")}
    if old == new:
        return
    conn.execute(
        "INSERT INTO answers (inspection_id, item_id, value, note, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (inspection_id, item_id) DO UPDATE SET"
        " value = excluded.value, note = excluded.note, updated_at = excluded.updated_at",
        (inspection_id, item_id, json.dumps(value, ensure_ascii=False), new["note"], utc_now()),
    )
    _touch(conn, inspection_id, bump_revision=action == "amend_answer")
    if amendment_reason:
        new = {**new, "reason": amendment_reason}
    audit.record(
        conn,
        actor=actor,
        entity="answer",
        entity_id=f"{inspection_id}/{item_id}",
        action=action,
        old=old,
        new=new,
    )


def complete(store: Store, inspection_id: str, *, actor: str) -> None:
    """Mark an inspection completed; it becomes read-only.

    Checks what the core can know without the checklist: enough inspectors and a deadline on
    every finding. Checklist-level checks (required items) are made by the caller first.
    """
    with store.transaction() as conn:
        complete_in(conn, inspection_id, actor=actor)


def complete_in(conn: sqlite3.Connection, inspection_id: str, *, actor: str) -> None:
    """``complete`` inside a transaction the caller holds (with the on-site confirmation)."""
    _require_team_member(conn, inspection_id, actor)
    problems = _completion_blockers(conn, inspection_id)
    if problems:
        raise UserError("无法完成检查：" + "；".join(problems))
    _move(
        conn,
        inspection_id,
        InspectionStatus.COMPLETED,
        actor=actor,
        extra={"completed_at": utc_now()},
    )


def approve(store: Store, inspection_id: str, *, actor: str) -> None:
    """A supervisor approves a completed inspection; anyone else is refused (``roles``)."""
    require_supervisor(store, actor)
    _decide(store, inspection_id, approved=True, reason="", actor=actor)


def _close_task(conn: sqlite3.Connection, inspection_id: str, *, actor: str) -> None:
    """The task an approved inspection was made for is done: off every to-do list."""
    row = conn.execute(
        "SELECT t.id, t.status FROM inspections i JOIN tasks t ON t.id = i.task_id WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None or row[1] == TASK_CLOSED:
        return
    conn.execute("UPDATE tasks SET status = ? WHERE id = ?", (TASK_CLOSED, row[0]))
    audit.record(
        conn,
        actor=actor,
        entity="task",
        entity_id=row[0],
        action="close",
        old={"status": row[1]},
        new={"status": TASK_CLOSED, "inspection_id": inspection_id},
    )


def return_to_inspector(store: Store, inspection_id: str, *, reason: str, actor: str) -> None:
    """A supervisor sends a completed inspection back for changes, saying why."""
    require_supervisor(store, actor)
    _decide(store, inspection_id, approved=False, reason=reason, actor=actor)


def apply_office_review(
    store: Store, inspection_id: str, *, approved: bool, reason: str, reviewer: str
) -> None:
    """A review decision recorded by the office's server, where the reviewer's role was checked.

    The reviewer need not be on this device's roster (an inspector's device holds only its own
    people); the lifecycle and the audit log apply exactly as for ``approve`` and
    ``return_to_inspector``, in the reviewer's name.
    """
    _decide(store, inspection_id, approved=approved, reason=reason, actor=reviewer)


def _decide(store: Store, inspection_id: str, *, approved: bool, reason: str, actor: str) -> None:
    if approved:
        target = InspectionStatus.APPROVED
        extra: dict[str, Any] = {"approved_at": utc_now(), "approved_by": actor}
    else:
        if not reason.strip():
            raise UserError("退回检查记录必须填写退回理由")
        target, extra = InspectionStatus.RETURNED, {"return_reason": reason.strip()}
    with store.transaction() as conn:
        _move(conn, inspection_id, target, actor=actor, extra=extra)
        if approved:
            _close_task(conn, inspection_id, actor=actor)


def _completion_blockers(conn: sqlite3.Connection, inspection_id: str) -> list[str]:
    problems = []
    count = conn.execute(
        "SELECT COUNT(*) FROM inspection_inspectors WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()[0]
    if count < MIN_INSPECTORS:
        problems.append(f"检查人员只有{count}名，不得少于两名")
    missing = conn.execute(
        "SELECT COUNT(*) FROM findings WHERE inspection_id = ? AND coalesce(deadline, '') = ''",
        (inspection_id,),
    ).fetchone()[0]
    if missing:
        problems.append(f"有{missing}个问题未设定整改期限")
    if not _onsite_settled(conn, inspection_id):
        problems.append("现场检查记录尚未经被检查单位确认，也未记录无法确认的原因")
    unrecorded = unrecorded_noncompliance(conn, inspection_id)
    if unrecorded:
        problems.append(f"有{len(unrecorded)}个检查项判为不符合，但未记录发现的问题")
    return problems


def is_team_member(store: Store, inspection_id: str, actor: str) -> bool:
    """Whether ``actor`` (roster id, certificate number or name) is on the inspection's team."""
    return _team_member(store.db.conn, inspection_id, actor)


def _team_member(conn: sqlite3.Connection, inspection_id: str, actor: str) -> bool:
    member = conn.execute(
        "SELECT 1 FROM inspection_inspectors t JOIN roster r ON r.id = t.roster_id"
        " WHERE t.inspection_id = ? AND (r.id = ? OR r.certificate_no = ? OR r.name = ?)",
        (inspection_id, actor, actor, actor),
    ).fetchone()
    return member is not None


def _require_team_member(conn: sqlite3.Connection, inspection_id: str, actor: str) -> None:
    """Only the inspection's team completes it (a supervisor joins it through ``take_over``)."""
    if not _team_member(conn, inspection_id, actor):
        raise TransitionError(
            f"“{actor}”不是这份检查的检查组成员，不能完成检查；"
            "审核人员可先“接手检查”并说明理由（记入执法全过程记录）"
        )


def take_over(store: Store, inspection_id: str, *, reason: str, actor: str) -> None:
    """A supervisor joins another team's draft to finish it, saying why (audited)."""
    if not reason.strip():
        raise UserError("接手检查必须说明理由")
    if not roles.is_supervisor(store, actor):
        raise UserError("只有审核人员可以接手其他检查组的检查")
    with store.transaction() as conn:
        if status_of(conn, inspection_id) not in EDITABLE_INSPECTION:
            raise TransitionError("只有未完成的检查可以接手")
        person = conn.execute(
            "SELECT id FROM roster WHERE active = 1 AND (id = ? OR certificate_no = ? OR name = ?)"
            " ORDER BY id = ? DESC, certificate_no = ? DESC LIMIT 1",
            (actor, actor, actor, actor, actor),
        ).fetchone()
        position = conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM inspection_inspectors"
            " WHERE inspection_id = ?",
            (inspection_id,),
        ).fetchone()[0]
        conn.execute(
            "INSERT OR IGNORE INTO inspection_inspectors (inspection_id, roster_id, position)"
            " VALUES (?, ?, ?)",
            (inspection_id, person[0], position),
        )
        audit.record(
            conn,
            actor=actor,
            entity="inspection",
            entity_id=inspection_id,
            action="take_over",
            new={"roster_id": person[0], "reason": reason.strip()},
        )


def _onsite_settled(conn: sqlite3.Connection, inspection_id: str) -> bool:
    """An on-site inspection has its confirmation, or the recorded reason it could not be had."""
    row = conn.execute(
        "SELECT i.method != 'on_site' OR EXISTS (SELECT 1 FROM onsite_confirmations c"
        " WHERE c.inspection_id = i.id) FROM inspections i WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    return bool(row and row[0])


def unrecorded_noncompliance(conn: sqlite3.Connection, inspection_id: str) -> list[str]:
    """Items answered 不符合 that have no finding: such a record cannot be completed."""
    rows = conn.execute(
        "SELECT a.item_id FROM answers a WHERE a.inspection_id = ? AND a.value = ?"
        " AND NOT EXISTS (SELECT 1 FROM findings f"
        " WHERE f.inspection_id = a.inspection_id AND f.item_id = a.item_id) ORDER BY a.rowid",
        (inspection_id, json.dumps(answer_values.NOT_COMPLIANT)),
    ).fetchall()
    return [row[0] for row in rows]


def _edit_action(status: InspectionStatus, amendment_reason: str) -> str:
    if status in EDITABLE_INSPECTION:
        return "set_answer"
    if status is InspectionStatus.COMPLETED or status is InspectionStatus.APPROVED:
        if not amendment_reason.strip():
            raise TransitionError(f"检查记录{status.label}，为只读；如需更正，请填写更正理由")
        return "amend_answer"
    raise TransitionError(f"检查记录状态为“{status.label}”，不能修改")


def _move(
    conn: sqlite3.Connection,
    inspection_id: str,
    target: InspectionStatus,
    *,
    actor: str,
    extra: dict[str, Any],
) -> None:
    current = status_of(conn, inspection_id)
    action = inspection_step(current, target)
    changes = {"status": target.value, **extra, "updated_at": utc_now()}
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    conn.execute(
        f"UPDATE inspections SET {assignments} WHERE id = :id", {**changes, "id": inspection_id}
    )
    audit.record(
        conn,
        actor=actor,
        entity="inspection",
        entity_id=inspection_id,
        action=action,
        old={"status": current.value},
        new=changes,
    )


def _touch(conn: sqlite3.Connection, inspection_id: str, *, bump_revision: bool) -> None:
    conn.execute(
        "UPDATE inspections SET updated_at = ?, revision = revision + ? WHERE id = ?",
        (utc_now(), 1 if bump_revision else 0, inspection_id),
    )


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    placeholders = ", ".join(f":{column}" for column in row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", row)


_INSPECTION_COLUMNS = ", ".join(f.name for f in fields(Inspection))


def get(store: Store, inspection_id: str) -> Inspection | None:
    """The stored inspection, or ``None`` if there is no such id."""
    row = store.db.execute(
        f"SELECT {_INSPECTION_COLUMNS} FROM inspections WHERE id = ?", (inspection_id,)
    ).fetchone()
    if row is None:
        return None
    inspection = Inspection(*row)
    return replace(inspection, status=InspectionStatus(inspection.status))


def answers(store: Store, inspection_id: str) -> dict[str, StoredAnswer]:
    """The stored answers of an inspection by item id."""
    rows = store.db.execute(
        "SELECT item_id, value, note FROM answers WHERE inspection_id = ?", (inspection_id,)
    ).fetchall()
    return {item_id: StoredAnswer(_loads(value), note) for item_id, value, note in rows}


def ids_starting_with(store: Store, prefix: str, *, limit: int) -> list[str]:
    """Ids of inspections that start with ``prefix`` (a prefix typed by a person), at most
    ``limit`` of them."""
    rows = store.db.execute(
        "SELECT id FROM inspections WHERE id LIKE ? || '%' LIMIT ?", (prefix, limit)
    ).fetchall()
    return [str(row[0]) for row in rows]


def _loads(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value  # not JSON at all: left for ``answer_values.unreadable`` to name


def clear_answers(store: Store, inspection_id: str, reasons: dict[str, str], *, actor: str) -> None:
    """Repair a draft: clear answers that do not fit their items (``item id → why``).

    The old value goes into the audit log, so nothing is lost, only taken off the record.
    """
    with store.transaction() as conn:
        status = status_of(conn, inspection_id)
        if status not in EDITABLE_INSPECTION:
            raise TransitionError(f"检查记录{status.label}，不能修复；请联系管理员")
        for item_id, reason in reasons.items():
            row = conn.execute(
                "SELECT value, note FROM answers WHERE inspection_id = ? AND item_id = ?",
                (inspection_id, item_id),
            ).fetchone()
            if row is None:
                continue
            conn.execute(
                "UPDATE answers SET value = 'null', updated_at = ?"
                " WHERE inspection_id = ? AND item_id = ?",
                (utc_now(), inspection_id, item_id),
            )
            audit.record(
                conn,
                actor=actor,
                entity="answer",
                entity_id=f"{inspection_id}/{item_id}",
                action="repair_answer",
                old={"value": _loads(row[0]), "note": row[1]},
                new={"value": None, "note": row[1], "reason": reason},
            )
        _touch(conn, inspection_id, bump_revision=False)


_DRAFT_PARTS = ("attachments", "answers", "findings", "inspection_inspectors")
_BLOCKING_PARTS = (
    "notices",
    "onsite_confirmations",
    "sync_outbox",
    "sync_imports",
    "sync_reviews",
)


def discard_draft(store: Store, inspection_id: str, *, reason: str, actor: str) -> None:
    """Throw away a draft that was never completed; everything it held goes to the audit log.

    Only a draft: a completed record has been shown to the organization and stays.
    """
    if not reason.strip():
        raise UserError("放弃草稿必须填写理由")
    with store.transaction() as conn:
        if status_of(conn, inspection_id) is not InspectionStatus.DRAFT:
            raise TransitionError("只有未完成的草稿可以放弃")
        for table in _BLOCKING_PARTS:
            if conn.execute(
                f"SELECT 1 FROM {table} WHERE inspection_id = ? LIMIT 1", (inspection_id,)
            ).fetchone():
                raise TransitionError("该检查已有文书或同步记录，不能放弃")
        old: dict[str, Any] = {"inspection": _rows(conn, "inspections", "id", inspection_id)[0]}
        for table in _DRAFT_PARTS:
            old[table] = _rows(conn, table, "inspection_id", inspection_id)
            conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
        conn.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
        audit.record(
            conn,
            actor=actor,
            entity="inspection",
            entity_id=inspection_id,
            action="discard",
            old=old,
            new={"reason": reason.strip()},
        )


def _rows(conn: sqlite3.Connection, table: str, key: str, value: str) -> list[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (value,))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
