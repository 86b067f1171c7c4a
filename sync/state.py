"""What the device remembers about sync (server, token, device id, pull cursor), kept by the
core in the local ``sync_state`` table (``inspector.sync_state``) so it survives restarts and
moves with the database file.
"""

import uuid

from inspector.store import Store
from inspector.sync_state import forget, get, put, set_values

__all__ = ["device_id", "forget", "get", "put", "set_values"]

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


def device_id(store: Store) -> str:
    """This installation's id, made once."""
    existing = get(store, DEVICE_ID)
    if existing:
        return existing
    made = str(uuid.uuid4())
    set_values(store, **{DEVICE_ID: made})
    return made
