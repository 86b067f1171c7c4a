"""What the device remembers about sync (server, token, device id, pull cursor), in the local
``sync_state`` table so it survives restarts and moves with the database file.
"""

import sqlite3
import uuid

from inspector.store import Store

SERVER_URL, TOKEN, USERNAME, DEVICE_ID, PULL_CURSOR, CA_BUNDLE = (
    "server_url",
    "token",
    "username",
    "device_id",
    "pull_cursor",
    "ca_bundle",
)
ROLE = "role"  # the server role at the last login: a supervisor's pull imports inspections
LAST_SYNC = "last_sync_at"  # UTC; stamped after a push or pull that ran to its end


def get(store: Store, key: str) -> str | None:
    row = store.db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def put(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Inside the caller's transaction (the pull cursor moves with the data it covers)."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def set_values(store: Store, **values: str) -> None:
    with store.transaction() as conn:
        for key, value in values.items():
            put(conn, key, value)


def forget(store: Store, key: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))


def device_id(store: Store) -> str:
    """This installation's id, made once."""
    existing = get(store, DEVICE_ID)
    if existing:
        return existing
    made = str(uuid.uuid4())
    set_values(store, **{DEVICE_ID: made})
    return made
