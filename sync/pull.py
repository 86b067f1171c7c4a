"""Applying pulled changes to the local store, one page per transaction with its cursor.

Finding status rule (documented in docs/sync.md): the office is the record of truth for a
finding's status once the inspection is uploaded. A pulled status replaces the local one; if they
differ, the local value stays in the audit log (actor ``office:<user>``) and the change is listed
in the pull report, so nothing is overwritten silently.
"""

import json
import sqlite3
from typing import Any

from inspector import audit
from inspector.clock import utc_now
from inspector.model import FindingStatus
from inspector.registry import name_initials
from sync.protocol import Change

_ORG_COLUMNS = [
    "id",
    "credit_code",
    "name",
    "kind",
    "legal_rep",
    "address",
    "district",
    "registration_authority",
    "authority_level",
    "supervising_unit",
    "founded_on",
    "registered_capital",
    "credit_status",
    "registration_number",
    "name_initials",
]
_CHECKLIST_COLUMNS = [
    "id",
    "version",
    "title",
    "kind",
    "applies_to",
    "effective_date",
    "definition",
    "content_hash",
]
_ROSTER_COLUMNS = ["id", "name", "certificate_no", "unit", "role", "active"]
_TASK_COLUMNS = [
    "id",
    "organization_id",
    "checklist_id",
    "due_date",
    "inspector_ids",
    "status",
    "campaign_id",
]


def apply_page(conn: sqlite3.Connection, changes: list[Change]) -> list[str]:
    """Apply a page inside the caller's transaction; returns notes (Chinese) for the report.

    Fast path: the whole page at once. If any change clashes with local data, the page is
    rolled back and applied change by change, skipping (and reporting) the ones that clash.
    """
    conn.execute("SAVEPOINT page")
    try:
        notes = [note for change in changes if (note := _apply(conn, change))]
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO page")
        notes = [note for change in changes if (note := _apply_alone(conn, change))]
    conn.execute("RELEASE page")
    return notes


def _apply(conn: sqlite3.Connection, change: Change) -> str | None:
    return _APPLY[change.entity](conn, change.data) if change.data is not None else None


def _apply_alone(conn: sqlite3.Connection, change: Change) -> str | None:
    conn.execute("SAVEPOINT change")
    try:
        note = _apply(conn, change)
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK TO change")
        note = f"服务器下发的{_NAMES[change.entity]} {change.entity_id} 与本机数据不相容，已跳过（{exc}）"
    conn.execute("RELEASE change")
    return note


def _organization(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Matched by credit code: a local id (referenced by inspections) is kept."""
    row = {c: data[c] for c in _ORG_COLUMNS if c in data}
    if not row.get("name_initials"):  # the server usually sends them
        row["name_initials"] = name_initials(row["name"])
    row["updated_at"] = utc_now()
    columns = list(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    conn.execute(
        f"INSERT INTO organizations ({', '.join(columns)})"
        f" VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT (credit_code) DO UPDATE SET {updates}",
        list(row.values()),
    )


def _checklist(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    row = {c: data[c] for c in _CHECKLIST_COLUMNS}
    row["applies_to"] = _as_json(row["applies_to"])
    row["definition"] = _as_json(row["definition"])
    columns = [*row, "imported_at"]
    conn.execute(
        f"INSERT INTO checklists ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        " ON CONFLICT (id, version) DO NOTHING",
        [*row.values(), utc_now()],
    )


def _roster(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    _upsert(conn, "roster", {c: data[c] for c in _ROSTER_COLUMNS if c in data}, "id")


def _task(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    row = {c: data[c] for c in _TASK_COLUMNS if c in data}
    local = conn.execute(
        "SELECT id FROM organizations WHERE credit_code = ?",
        (data.get("organization_credit_code", ""),),
    ).fetchone()
    if local is not None:
        row["organization_id"] = local[0]
    row["inspector_ids"] = _as_json(row.get("inspector_ids", []))
    _upsert(conn, "tasks", {**row, "created_at": data.get("created_at") or utc_now()}, "id")


def _finding_status(conn: sqlite3.Connection, data: dict[str, Any]) -> str | None:
    finding_id, status = data["finding_id"], data["status"]
    row = conn.execute("SELECT status FROM findings WHERE id = ?", (finding_id,)).fetchone()
    if row is None or row[0] == status:
        return None
    conn.execute(
        "UPDATE findings SET status = ?, updated_at = ? WHERE id = ?",
        (status, utc_now(), finding_id),
    )
    audit.record(
        conn,
        actor=f"office:{data.get('by', '')}",
        entity="finding",
        entity_id=finding_id,
        action="office_status",
        old={"status": row[0]},
        new={"status": status, "reason": data.get("reason", "")},
    )
    old, new = FindingStatus(row[0]).label, FindingStatus(status).label
    return f"问题状态已按科室记录更新：{old} → {new}（{data.get('reason', '')}）；本机原状态保留在执法记录中"


def _review(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Applied before the page through the workflows (``sync.reviews``), not here."""


def _upsert(conn: sqlite3.Connection, table: str, row: dict[str, Any], key: str) -> None:
    columns = list(row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT ({key}) DO UPDATE SET {updates}",
        list(row.values()),
    )


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_APPLY = {
    "organization": _organization,
    "checklist": _checklist,
    "roster": _roster,
    "task": _task,
    "finding_status": _finding_status,
    "review": _review,
}
_NAMES = {
    "organization": "社会组织",
    "checklist": "检查表",
    "roster": "执法人员",
    "task": "检查任务",
    "finding_status": "问题状态",
    "review": "审核意见",
}
