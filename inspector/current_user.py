"""Who is signed in on this device: the session ``inspector.accounts.sign_in`` began.

It lives in this process only (never in the store, where anyone could set it): a session is
begun by a password that opened the store, and ends with sign-out. Its actor is what audit
entries carry: the person's name, or their certificate number when two active people share
the name (a shared name resolves to no role, see ``inspector.roles.role_of``).
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from inspector import office_accounts, roster
from inspector.errors import UserError
from inspector.model import Inspector
from inspector.store import Store

NOBODY = "本机用户"  # nobody signed in: on no roster, so it has no supervisor rights
ROLE_LABELS = {"inspector": "检查人员", "supervisor": "审核人员", "admin": "管理员"}
_sessions: dict[str, "Session"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Session:
    holder: str  # the account: a roster id, or the store administrator's
    actor: str
    role: str | None
    label: str


def begin(store: Store, session: Session) -> None:
    with _lock:
        _sessions[_ident(store.path)] = session


def end(store: Store) -> None:
    with _lock:
        _sessions.pop(_ident(store.path), None)


def session(store: Store) -> Session | None:
    with _lock:
        return _sessions.get(_ident(store.path))


def require(store: Store) -> Session:
    found = session(store)
    if found is None:
        raise UserError("请先登录。")
    return found


def actor(store: Store) -> str:
    """The actor new work is recorded under."""
    found = session(store)
    return found.actor if found is not None else NOBODY


def person(store: Store) -> Inspector | None:
    """The roster entry of the signed-in person (None for the administrator account, and for
    an office account the server links to nobody on this device's roster)."""
    found = session(store)
    if found is None:
        return None
    person_id = found.holder
    username = office_accounts.username_of(found.holder)
    if username is not None:  # an office account: the roster entry the server links it to
        given = office_accounts.cached(store, username)
        person_id = given.roster_id or "" if given is not None else ""
    return next((p for p in roster.all_active(store) if p.id == person_id), None)


def actor_for(store: Store, chosen: Inspector) -> str:
    """The name, unless another active person has it too: then the certificate number."""
    namesakes = [p for p in roster.all_active(store) if p.name == chosen.name]
    return chosen.name if len(namesakes) <= 1 else chosen.certificate_no


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "无角色")


def _ident(path: Path) -> str:
    return str(Path(path).resolve())
