"""Small per-device values kept in the store's ``settings`` table (e.g. where work stopped).

They live in the database rather than in a config file so that they are committed together
with the work they point at: after a crash the editor reopens on the item last touched.
"""

import json
from typing import Any

from inspector.store import Store


def get(store: Store, key: str, default: Any = None) -> Any:
    """The stored value for ``key``, or ``default``."""
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else default


def put(store: Store, key: str, value: Any) -> None:
    """Store ``value`` (JSON-serialisable) under ``key`` at once."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
