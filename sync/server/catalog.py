"""What the office publishes for devices to pull: register, checklists, roster, tasks, finding
status. Each record keeps only its latest version, stamped with a server sequence number;
a pull asks for everything after a cursor (Kinto's model), so device clocks never order anything.
"""

import json
from collections.abc import Callable
from typing import Any

from inspector.registry import name_initials, name_pinyin
from sync.protocol import Change, ChangesPage, EntityKind
from sync.server.errors import ApiError
from sync.server.storage import Conn, Cursor, ServerStore, User, admin_actor, audit, next_seq

MAX_PAGE = 1000
PUBLISH_BATCH = 500  # records per transaction: a big import never holds the writer lock long
PUBLIC_ENTITIES = ("organization", "checklist", "roster")


def put(
    conn: Conn,
    entity: EntityKind,
    entity_id: str,
    data: dict[str, Any] | None,
    *,
    deleted: bool = False,
    audience: list[str] | None = None,
) -> int:
    """Publish a new version of a record (inside the caller's transaction); returns its seq.

    ``audience`` names the inspectors allowed to see it (tasks, findings); public entities
    leave it out.
    """
    seq = next_seq(conn)
    conn.execute(
        "INSERT INTO entities (entity, entity_id, seq, deleted, data) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq,"
        " deleted = excluded.deleted, data = excluded.data",
        (entity, entity_id, seq, int(deleted), json.dumps(data, ensure_ascii=False)),
    )
    for username in audience or []:
        conn.execute(
            "INSERT INTO entity_access (entity, entity_id, username) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (entity, entity_id, username),
        )
    return seq


def publish_many(
    store: ServerStore,
    entity: EntityKind,
    records: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], str] | None = None,
) -> int:
    """Publish many public records in one transaction.

    Records go in batches of ``PUBLISH_BATCH``, one transaction each, so sync requests are not
    held up behind a 180,000-record register; loading it again is harmless (same keys).
    ``key`` gives each record's identity; organizations are identified by credit code, so a
    register loaded again updates rather than duplicates.
    """
    key = key or _DEFAULT_KEYS.get(entity, lambda record: str(record["id"]))
    if entity == "organization":  # computed once here rather than on every device
        records = [
            {"name_initials": name_initials(r["name"]), "name_pinyin": name_pinyin(r["name"]), **r}
            for r in records
        ]
    for start in range(0, len(records), PUBLISH_BATCH):
        batch = records[start : start + PUBLISH_BATCH]
        with store.transaction() as conn:
            for record in batch:
                put(conn, entity, key(record), record)
            audit(conn, admin_actor(), "publish", entity, str(len(batch)))
    return len(records)


_DEFAULT_KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "organization": lambda record: str(record["credit_code"]),
}


def changes(store: ServerStore, user: User, cursor: int, limit: int) -> ChangesPage:
    """The records changed after ``cursor`` that ``user`` may see, oldest change first."""
    if cursor < 0 or not 1 <= limit <= MAX_PAGE:
        raise ApiError(422, "bad_page", f"游标不能为负数，每页条数须在 1 到 {MAX_PAGE} 之间")
    visible = "1 = 1"
    params: list[Any] = [cursor]
    if user.is_inspector:
        visible = (
            f"(e.entity IN {PUBLIC_ENTITIES!r} OR EXISTS (SELECT 1 FROM entity_access a"
            " WHERE a.entity = e.entity AND a.entity_id = e.entity_id AND a.username = ?))"
        )
        params.append(user.username)
    with store.reading() as conn:
        high = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM entities").fetchone()[0]
        rows = conn.execute(
            "SELECT seq, entity, entity_id, deleted, data FROM entities e"
            f" WHERE e.seq > ? AND e.seq <= ? AND {visible} ORDER BY e.seq LIMIT ?",
            [params[0], high, *params[1:], limit + 1],
        ).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][0] if more else max(high, cursor)
    return ChangesPage(
        changes=[
            Change(seq=r[0], entity=r[1], entity_id=r[2], deleted=bool(r[3]), data=json.loads(r[4]))
            for r in rows
        ],
        next_cursor=next_cursor,
        more=more,
    )


def set_registration(store: ServerStore, credit_code: str, status: str) -> int:
    """Publish a new 登记状态 for an organization (e.g. 已注销); devices get it on their pull."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT data FROM entities WHERE entity = 'organization' AND entity_id = ?"
            " AND deleted = 0",
            (credit_code,),
        ).fetchone()
        if row is None:
            raise ApiError(404, "unknown_organization", f"服务器登记库中没有社会组织 {credit_code}")
        record = {**json.loads(row[0]), "registration_status": status}
        audit(conn, admin_actor(), "registration", credit_code, status)
        return put(conn, "organization", credit_code, record)


def remove_organization(store: ServerStore, credit_code: str, reason: str) -> int:
    """Take an organization out of the published register (entered by mistake): a tombstone in
    the feed, so devices drop it too unless they hold inspections or tasks of it."""
    with store.transaction() as conn:
        known = conn.execute(
            "SELECT 1 FROM entities WHERE entity = 'organization' AND entity_id = ?"
            " AND deleted = 0",
            (credit_code,),
        ).fetchone()
        if known is None:
            raise ApiError(404, "unknown_organization", f"服务器登记库中没有社会组织 {credit_code}")
        audit(conn, admin_actor(), "remove_organization", credit_code, reason)
        data = {"credit_code": credit_code, "reason": reason}
        return put(conn, "organization", credit_code, data, deleted=True)


def add_task(store: ServerStore, task: dict[str, Any], assignees: list[str]) -> None:
    """Publish a task to its assigned inspectors (user names), with their roster ids."""
    with store.transaction() as conn:
        roster_ids = []
        for name in assignees:
            row = conn.execute("SELECT roster_id FROM users WHERE username = ?", (name,)).fetchone()
            if row is None:
                raise ApiError(422, "unknown_user", f"没有用户 {name}")
            roster_ids.append(row[0] or name)
        known = conn.execute(
            "SELECT 1 FROM entities WHERE entity = 'organization' AND entity_id = ?",
            (task["organization_credit_code"],),
        ).fetchone()
        if known is None:
            raise ApiError(422, "unknown_organization", "任务引用的社会组织不在服务器登记库中")
        put(conn, "task", task["id"], {**task, "inspector_ids": roster_ids}, audience=assignees)
        audit(conn, admin_actor(), "task", task["id"], ",".join(assignees))


def task_team_query(conn: Conn, task_id: str) -> Cursor:
    """The user names a task is assigned to (rows of one column), not yet fetched."""
    return conn.execute(
        "SELECT username FROM entity_access WHERE entity = 'task' AND entity_id = ?", (task_id,)
    )
