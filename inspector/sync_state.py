"""What the device remembers about sync: the ``sync_state`` key/value table.

The keys and what they mean belong to the sync engine (``sync.state``); the core only keeps
them, so they survive restarts and move with the database file.
"""

import sqlite3

from inspector.store import Store


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
