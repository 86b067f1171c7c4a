"""A lost device: when the office server refuses this device's token (revoked, or expired), the
token is forgotten at once and the app is asked to lock, so a laptop left signed in stops
syncing and is covered until its own user types their password. See docs/security.md."""

from inspector import audit, sync_state
from inspector.clock import utc_now
from inspector.store import Store

REFUSED_KEY = "token_refused_at"
REASON_KEY = "lock_reason"  # why the app must lock now, other than a refused token


def token_refused(store: Store, token_key: str) -> None:
    """Forget the device token (``sync_state`` key ``token_key``) and remember, until the app
    has locked and been unlocked, that the server refused it."""
    with store.transaction() as conn:
        had = conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (token_key,)).fetchone()
        conn.execute("DELETE FROM sync_state WHERE key = ?", (token_key,))
        sync_state.put(conn, REFUSED_KEY, utc_now())
        if had is not None:
            audit.record(
                conn, actor="单位服务器", entity="device", entity_id=token_key, action="refused"
            )


def request_lock(store: Store, reason: str) -> None:
    """Ask the app to lock now, saying ``reason`` (the office changed the signed-in account)."""
    sync_state.set_values(store, **{REASON_KEY: reason})


def lock_requested(store: Store) -> bool:
    return sync_state.get(store, REFUSED_KEY) is not None or lock_reason(store) is not None


def lock_reason(store: Store) -> str | None:
    return sync_state.get(store, REASON_KEY)


def lock_done(store: Store) -> None:
    """The app locked and its user unlocked it again: nothing more to ask."""
    sync_state.forget(store, REFUSED_KEY)
    sync_state.forget(store, REASON_KEY)
