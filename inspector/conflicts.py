"""Conflicts of interest 回避: an inspector who must never be drawn for an organization."""

import sqlite3
from dataclasses import dataclass

from inspector import audit
from inspector.clock import utc_now
from inspector.errors import UserError
from inspector.roles import require_supervisor
from inspector.store import Store


@dataclass(frozen=True)
class Conflict:
    roster_id: str
    organization_id: str
    reason: str
    recorded_at: str
    recorded_by: str


def add(store: Store, roster_id: str, organization_id: str, *, reason: str, actor: str) -> None:
    """Mark ``roster_id`` as conflicted with ``organization_id`` (a supervisor, with a reason)."""
    if not reason.strip():
        raise UserError("登记回避必须填写理由（如亲属关系、曾在该组织任职）")
    require_supervisor(store, actor)
    row = {
        "roster_id": roster_id,
        "organization_id": organization_id,
        "reason": reason.strip(),
        "recorded_at": utc_now(),
        "recorded_by": actor,
    }
    with store.transaction() as conn:
        _require_exists(conn, "roster", roster_id, "执法人员")
        _require_exists(conn, "organizations", organization_id, "检查对象")
        conn.execute(
            "INSERT INTO conflicts (roster_id, organization_id, reason, recorded_at, recorded_by)"
            " VALUES (:roster_id, :organization_id, :reason, :recorded_at, :recorded_by)"
            " ON CONFLICT (roster_id, organization_id) DO UPDATE SET reason = excluded.reason,"
            " recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
            row,
        )
        audit.record(
            conn,
            actor=actor,
            entity="conflict",
            entity_id=f"{roster_id}/{organization_id}",
            action="add",
            new=row,
        )


def remove(store: Store, roster_id: str, organization_id: str, *, reason: str, actor: str) -> None:
    """Lift a conflict; the reason goes to the audit log."""
    if not reason.strip():
        raise UserError("解除回避必须填写理由")
    require_supervisor(store, actor)
    with store.transaction() as conn:
        gone = conn.execute(
            "DELETE FROM conflicts WHERE roster_id = ? AND organization_id = ? RETURNING reason",
            (roster_id, organization_id),
        ).fetchone()
        if gone is None:
            raise UserError("没有这条回避记录")
        audit.record(
            conn,
            actor=actor,
            entity="conflict",
            entity_id=f"{roster_id}/{organization_id}",
            action="remove",
            old={"reason": gone[0]},
            new={"reason": reason.strip()},
        )


def all_pairs(store: Store) -> set[tuple[str, str]]:
    """Every (roster id, organization id) that must not be drawn together."""
    rows = store.db.execute("SELECT roster_id, organization_id FROM conflicts").fetchall()
    return {(r[0], r[1]) for r in rows}


def of_organization(store: Store, organization_id: str) -> list[Conflict]:
    rows = store.db.execute(
        "SELECT roster_id, organization_id, reason, recorded_at, recorded_by FROM conflicts"
        " WHERE organization_id = ? ORDER BY recorded_at",
        (organization_id,),
    ).fetchall()
    return [Conflict(*row) for row in rows]


def _require_exists(conn: sqlite3.Connection, table: str, row_id: str, what: str) -> None:
    found = conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if found is None:
        raise UserError(f"找不到{what}：{row_id}")
