"""Who is working on this device: a person on the roster, kept in the ``user.actor`` setting.

The stored value is what audit entries carry as the actor: the person's name, or their
certificate number when two active people share the name (a shared name resolves to no role,
see ``inspector.roles.role_of``).
"""

from inspector import preferences, roster
from inspector.model import Inspector
from inspector.store import Store

KEY = "user.actor"
NOBODY = "本机用户"  # before anyone is chosen; on no roster, so it has no supervisor rights
ROLE_LABELS = {"inspector": "检查人员", "supervisor": "审核人员", "admin": "管理员"}


def actor(store: Store) -> str:
    """The actor new work is recorded under."""
    return str(preferences.get(store, KEY, NOBODY))


def person(store: Store) -> Inspector | None:
    """The active roster entry the stored actor names (id, certificate number or name)."""
    stored = actor(store)
    people = roster.all_active(store)
    exact = [p for p in people if stored in (p.id, p.certificate_no)]
    named = [p for p in people if p.name == stored]
    found = exact or named
    return found[0] if len(found) == 1 else None


def actor_for(store: Store, chosen: Inspector) -> str:
    """The name, unless another active person has it too: then the certificate number."""
    namesakes = [p for p in roster.all_active(store) if p.name == chosen.name]
    return chosen.name if len(namesakes) <= 1 else chosen.certificate_no


def choose(store: Store, chosen: Inspector) -> str:
    """Make ``chosen`` the current user; returns the actor stored."""
    value = actor_for(store, chosen)
    preferences.put(store, KEY, value)
    return value


def stay_unnamed(store: Store) -> None:
    """The user declined to choose: work goes on as ``NOBODY`` and nobody asks again."""
    preferences.put(store, KEY, NOBODY)


def needs_choice(store: Store) -> bool:
    """True when there is a roster to choose from and nobody has been chosen yet."""
    return preferences.get(store, KEY) is None and bool(roster.all_active(store))


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
