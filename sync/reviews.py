"""Review decisions on the device: applied from the pull feed, and (on a supervisor's desk)
queued for upload.

Rule: the server's decision on a revision is final. A decision reaching the owner's device is
applied through the core workflows (``inspections.approve`` / ``return_to_inspector``), so the
audit log names the reviewing supervisor, and a returned inspection becomes editable with its
reason. A decision on an older revision than the device holds is not applied and is reported;
decisions on inspections the device does not hold are skipped quietly.
"""

import sqlite3
from typing import Any

from inspector import inspections
from inspector.errors import UserError
from inspector.model import InspectionStatus
from inspector.store import Store
from sync.protocol import Change

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
    local = _local(store.db.conn, inspection_id)
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
        if target is InspectionStatus.APPROVED:
            inspections.approve(store, inspection_id, actor=reviewer)
        else:
            inspections.return_to_inspector(
                store, inspection_id, reason=data.get("reason", ""), actor=reviewer
            )
    except UserError as exc:
        return f"{label}第 {revision} 版的审核意见（{reviewer}）未能采用：{exc}"
    if target is InspectionStatus.APPROVED:
        return f"{label}第 {revision} 版已由 {reviewer} 审核通过"
    return f"{label}第 {revision} 版已被 {reviewer} 退回：{data.get('reason', '')}"


def _local(
    conn: sqlite3.Connection, inspection_id: str
) -> tuple[InspectionStatus, int, str] | None:
    row = conn.execute(
        "SELECT i.status, i.revision, COALESCE(g.name, '') FROM inspections i"
        " LEFT JOIN organizations g ON g.id = i.organization_id WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None:
        return None
    return InspectionStatus(row[0]), int(row[1]), f"检查记录「{row[2] or inspection_id[:8]}」"
