"""A lost device: when the office server refuses this device's token (revoked, or expired), the
token is forgotten at once and the app is asked to lock, so a laptop left signed in stops
syncing and is covered until its own user types their password. See docs/security.md."""

from inspector import audit, sync_state
from inspector.clock import utc_now
from inspector.store import Store

REFUSED_KEY = "token_refused_at"


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


def lock_requested(store: Store) -> bool:
    return sync_state.get(store, REFUSED_KEY) is not None


def lock_done(store: Store) -> None:
    """The app locked and its user unlocked it again: nothing more to ask."""
    sync_state.forget(store, REFUSED_KEY)
