"""Sign-in: a person opens the store with their own password, and their role comes with them.

An account is a wrap of the store's data key in the key file (``inspector.keys``): the password
is checked by unwrapping it (Argon2id, then AES-GCM's tag), so no separate password hash is
kept. The role is the account's, never a choice on screen: the store's administrator account
(``keys.ADMIN``, made with the store) manages accounts; a person on the roster has the roster's
role — granted by that administrator on a standalone device, pulled from the office server on an
enrolled one (``grant_role`` refuses there).

A person's first password is a one-time password an administrator gives them (or the recovery
procedure sets); they must choose their own at that first sign-in. Wrong passwords slow down
(``attempts``), they never wipe anything.
"""

from dataclasses import dataclass
from pathlib import Path

from inspector import attempts, audit, crypto, current_user, keys, roster, unlock
from inspector.current_user import Session
from inspector.errors import StoreError, UserError
from inspector.store import Store, open_store

ROLES = ("inspector", "supervisor", "admin")


@dataclass(frozen=True)
class Account:
    """What the sign-in screen lists (read from the key file, before anything is unlocked)."""

    holder: str
    label: str
    must_change: bool


def listed(db_path: Path) -> list[Account]:
    """The accounts that can open the store at ``db_path``, administrator last."""
    found = keys.load(db_path)
    accounts = [Account(w.holder, w.label, w.must_change) for w in found.wraps]
    return sorted(accounts, key=lambda a: (a.holder == keys.ADMIN, a.label))


def sign_in(db_path: Path, holder: str, password: str) -> tuple[Store, Session]:
    """Open the store as ``holder``; the data key stays known to this process until sign-out."""
    attempts.check(db_path, holder)
    found = keys.load(db_path)
    wrap = found.wrap_of(holder)
    if wrap is None:
        raise UserError("本机没有这个账号，请重新选择。")
    try:
        data_key = keys.unwrap(found, wrap, password)
    except crypto.DecryptionFailed as exc:
        wait = attempts.failed(db_path, holder)
        raise UserError(f"密码不正确。{attempts.advice(wait)}") from exc
    attempts.succeeded(db_path, holder)
    return _open_as(db_path, wrap, data_key)


def sign_in_as(db_path: Path, name: str | None, password: str) -> tuple[Store, Session]:
    """The command line's sign-in: as the account ``name`` names (a roster id, certificate
    number or name, ``admin`` or 管理员), or, when ``name`` is None, as the first account
    ``password`` opens. The password must open that very account: naming a person is not
    enough to act as them."""
    if name is not None:
        return sign_in(db_path, holder_named(db_path, name), password)
    wrap, data_key = keys.unwrap_any(keys.load(db_path), password)
    return _open_as(db_path, wrap, data_key)


def holder_named(db_path: Path, name: str) -> str:
    """The account (holder) that ``name`` names in the key file; refused unless exactly one."""
    wanted = name.strip()
    found = [
        w.holder
        for w in keys.load(db_path).wraps
        if wanted in (w.holder, w.label, *_label_parts(w.label))
    ]
    if not found:
        raise UserError(f"本机没有“{wanted}”的账号（账号由本机管理员开通）。")
    if len(found) > 1:
        raise UserError(f"本机有多个账号名为“{wanted}”，请改用执法证号。")
    return found[0]


def _label_parts(label: str) -> tuple[str, ...]:
    """``周科长（京民执19999）`` → (周科长, 京民执19999)."""
    name, _, rest = label.partition("（")
    return (name, rest.rstrip("）")) if rest else (name,)


def _open_as(db_path: Path, wrap: keys.Wrap, data_key: bytes) -> tuple[Store, Session]:
    holder = wrap.holder
    keys.remember(db_path, data_key)
    store = open_store(db_path, data_key)
    try:
        session = session_for(store, holder, wrap.label)
    except UserError:
        store.close()
        keys.forget(db_path)
        raise
    current_user.begin(store, session)
    return store, session


def create_store(db_path: Path, password: str) -> tuple[Store, Session]:
    """A new encrypted store whose administrator account has ``password``; signed in."""
    keys.check_password(password)
    if not db_path.parent.is_dir():
        raise StoreError(f"数据库所在的文件夹不存在：{db_path.parent}。请先创建该文件夹。")
    unlock.create(db_path, keys.ADMIN, keys.ADMIN_LABEL, password)
    store = open_store(db_path)
    session = session_for(store, keys.ADMIN, keys.ADMIN_LABEL)
    current_user.begin(store, session)
    return store, session


def unlock_again(store: Store, password: str) -> None:
    """The idle lock: the signed-in person's password opens the same session again."""
    session = current_user.require(store)
    attempts.check(store.path, session.holder)
    found = keys.load(store.path)
    wrap = found.wrap_of(session.holder)
    try:
        if wrap is None:
            raise crypto.DecryptionFailed
        keys.remember(store.path, keys.unwrap(found, wrap, password))
    except crypto.DecryptionFailed as exc:
        wait = attempts.failed(store.path, session.holder)
        raise UserError(f"密码不正确。{attempts.advice(wait)}") from exc
    attempts.succeeded(store.path, session.holder)


def sign_out(store: Store) -> None:
    current_user.end(store)
    keys.forget(store.path)
    store.close()


def session_for(store: Store, holder: str, label: str) -> Session:
    if holder == keys.ADMIN:
        return Session(holder=holder, actor=label, role="admin", label=label)
    person = next((p for p in roster.all_active(store) if p.id == holder), None)
    if person is None:
        raise UserError(f"“{label}”已不在执法人员名录中（或已停用），不能登录；请联系管理员。")
    actor = current_user.actor_for(store, person)
    return Session(holder=holder, actor=actor, role=person.role, label=label)


def act_as(store: Store, actor: str) -> Session:
    """Begin a session for the roster person ``actor`` names (id, certificate number or name).

    No password is asked: only code that already holds the open store — and so its data key —
    can call this (screenshots, tests, the CLI after ``INSPECTOR_PASSWORD`` opened the store).
    The app's screens never do: they sign in through ``sign_in``."""
    people = roster.all_active(store)
    exact = [p for p in people if actor in (p.id, p.certificate_no)]
    found = exact or [p for p in people if p.name == actor]
    if len(found) != 1:
        raise UserError(f"执法人员名录中没有唯一的“{actor}”。")
    session = session_for(store, found[0].id, f"{found[0].name}（{found[0].certificate_no}）")
    current_user.begin(store, session)
    return session


def change_password(store: Store, new_password: str) -> None:
    """The signed-in person's own new password (required after a one-time one)."""
    session = current_user.require(store)
    data_key = _data_key(store)
    found = keys.load(store.path)
    wrap = keys.make_wrap(found, data_key, session.holder, session.label, new_password)
    keys.save(store.path, keys.with_wrap(found, wrap))
    with store.transaction() as conn:
        audit.record(
            conn,
            actor=session.actor,
            entity="account",
            entity_id=session.holder,
            action="change_password",
        )


def grant_access(store: Store, person_id: str, one_time_password: str) -> str:
    """An administrator lets a roster person sign in on this device with a one-time password
    (changed at their first sign-in). Returns the account's label."""
    session = require_admin(store)
    person = next((p for p in roster.all_active(store) if p.id == person_id), None)
    if person is None:
        raise UserError("执法人员名录中没有这个人（或已停用）。")
    label = f"{person.name}（{person.certificate_no}）"
    found = keys.load(store.path)
    wrap = keys.make_wrap(
        found, _data_key(store), person_id, label, one_time_password, must_change=True
    )
    keys.save(store.path, keys.with_wrap(found, wrap))
    with store.transaction() as conn:
        audit.record(
            conn, actor=session.actor, entity="account", entity_id=person_id, action="grant"
        )
    return label


def add_demo_accounts(store: Store, password: str) -> int:
    """Every active roster person without an account gets one with ``password`` (the demo's
    documented password; no change required). Returns how many were added."""
    found = keys.load(store.path)
    people = [p for p in roster.all_active(store) if found.wrap_of(p.id) is None]
    for person in people:
        label = f"{person.name}（{person.certificate_no}）"
        found = keys.with_wrap(
            found, keys.make_wrap(found, _data_key(store), person.id, label, password)
        )
    keys.save(store.path, found)
    return len(people)


def revoke_access(store: Store, holder: str) -> None:
    session = require_admin(store)
    if holder == keys.ADMIN:
        raise UserError("不能删除管理员账号。")
    keys.save(store.path, keys.without_holder(keys.load(store.path), holder))
    with store.transaction() as conn:
        audit.record(conn, actor=session.actor, entity="account", entity_id=holder, action="revoke")


def grant_role(store: Store, person_id: str, role: str) -> None:
    """A standalone device's administrator sets a roster person's role."""
    session = require_admin(store)
    if role not in ROLES:
        raise UserError(f"角色必须是 {'、'.join(ROLES)} 之一。")
    if enrolled(store):
        raise UserError("本机已登记到单位服务器：角色由服务器的账号决定，不能在本机更改。")
    with store.transaction() as conn:
        old = conn.execute("SELECT role FROM roster WHERE id = ?", (person_id,)).fetchone()
        if old is None:
            raise UserError("执法人员名录中没有这个人。")
        conn.execute("UPDATE roster SET role = ? WHERE id = ?", (role, person_id))
        audit.record(
            conn,
            actor=session.actor,
            entity="roster",
            entity_id=person_id,
            action="grant_role",
            old={"role": old[0]},
            new={"role": role},
        )


def enrolled(store: Store) -> bool:
    row = store.db.execute("SELECT 1 FROM sync_state WHERE key = 'token'").fetchone()
    return row is not None


def require_admin(store: Store) -> Session:
    session = current_user.require(store)
    if session.role != "admin":
        raise UserError("此项操作仅限本机管理员。")
    return session


def _data_key(store: Store) -> bytes:
    if store.data_key is None:
        raise UserError("数据库尚未加密：请先加密（inspector store encrypt）。")
    return store.data_key
