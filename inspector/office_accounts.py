"""The roles the office server gave the office accounts that signed in on this device.

Kept inside the encrypted store (``sync_state``, one key per account), so nobody edits them
without the data key; each entry says when the server last confirmed it. The sign-in of such
an account takes its role from here (``inspector.accounts``), and the core's role checks read
it for the signed-in person (``inspector.roles``), so a role the server lowered stops at once.
"""

import json
from dataclasses import dataclass

from inspector import sync_state
from inspector.clock import utc_now
from inspector.store import Store

HOLDER_PREFIX = "server:"  # the key-file holder of an office account's local slot
_CACHE_PREFIX = "office_account:"
RANK = {"inspector": 0, "supervisor": 1, "admin": 2}


@dataclass(frozen=True)
class OfficeRole:
    role: str
    roster_id: str | None
    confirmed_at: str  # UTC: when the office server last said so


def holder_of(username: str) -> str:
    return HOLDER_PREFIX + username


def username_of(holder: str) -> str | None:
    """The office account behind a key-file holder, or None for a local account."""
    return holder[len(HOLDER_PREFIX) :] if holder.startswith(HOLDER_PREFIX) else None


def cached(store: Store, username: str) -> OfficeRole | None:
    raw = sync_state.get(store, _CACHE_PREFIX + username)
    if raw is None:
        return None
    value = json.loads(raw)
    return OfficeRole(value["role"], value.get("roster_id"), value["confirmed_at"])


def confirm(store: Store, username: str, role: str, roster_id: str | None) -> None:
    """Remember what the office server just said of ``username`` (now confirmed)."""
    value = {"role": role, "roster_id": roster_id, "confirmed_at": utc_now()}
    sync_state.set_values(store, **{_CACHE_PREFIX + username: json.dumps(value)})


def forget(store: Store, username: str) -> None:
    sync_state.forget(store, _CACHE_PREFIX + username)


def lowered(before: str, now: str) -> bool:
    return RANK.get(now, -1) < RANK.get(before, -1)
