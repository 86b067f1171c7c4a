"""Who may do what: supervisor actions (approve, return, campaigns, re-checks) need a person on
the roster with the supervisor (or admin) role. The server enforces the same on its side."""

from inspector.errors import UserError
from inspector.store import Store

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})


def role_of(store: Store, actor: str) -> str | None:
    """The roster role of ``actor`` (a roster id, name or certificate number); None if unknown."""
    row = store.db.execute(
        "SELECT role FROM roster WHERE active = 1 AND (id = ? OR name = ? OR certificate_no = ?)"
        " ORDER BY role = 'inspector' LIMIT 1",
        (actor, actor, actor),
    ).fetchone()
    return row[0] if row else None


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
