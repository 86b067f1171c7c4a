"""Who may do what: supervisor actions (approve, return, campaigns, re-checks) need a person on
the roster with the supervisor (or admin) role — or, signed in with an office server account,
that account's role from the server. The server enforces the same on its side."""

from inspector import current_user, office_accounts
from inspector.errors import UserError
from inspector.store import Store

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})


def role_of(store: Store, actor: str) -> str | None:
    """The role of ``actor``. For the person signed in with an office server account, the
    role the server gave (as last confirmed; None once the server removed it). Otherwise the
    roster role: of a roster id or certificate number, or of a name that only one active
    person has (two people of the same name could otherwise borrow a role). None when
    unknown or ambiguous."""
    session = current_user.session(store)
    username = office_accounts.username_of(session.holder) if session else None
    if session is not None and username is not None and session.actor == actor:
        found_role = office_accounts.cached(store, username)
        return found_role.role if found_role is not None else None
    exact = store.db.execute(
        "SELECT role FROM roster WHERE active = 1 AND (id = ? OR certificate_no = ?)",
        (actor, actor),
    ).fetchall()
    named = store.db.execute(
        "SELECT role FROM roster WHERE active = 1 AND name = ?", (actor,)
    ).fetchall()
    found = exact or named
    return str(found[0][0]) if len(found) == 1 else None


def is_supervisor(store: Store, actor: str) -> bool:
    return role_of(store, actor) in SUPERVISOR_ROLES


def require_supervisor(store: Store, actor: str) -> None:
    """Refuse, in Chinese, an actor who is not a supervisor on the roster."""
    role = role_of(store, actor)
    if role is None:
        raise UserError(
            f"执法人员名录中没有“{actor}”，无法确认审核权限；请先在名录中登记并设为审核人员"
        )
    if role not in SUPERVISOR_ROLES:
        raise UserError(f"“{actor}”是检查人员，此项操作仅限审核人员（科室负责人）")
