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

from dataclasses import dataclass, replace
from pathlib import Path

from inspector import (
    attempts,
    audit,
    crypto,
    current_user,
    keys,
    lost_device,
    office_accounts,
    roster,
    unlock,
)
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
    server_account: str | None = None  # an office server account that signed in here


@dataclass(frozen=True)
class Enrolment:
    """Where an enrolled device's office server is (from the key file: readable before
    sign-in, and not secret)."""

    server_url: str
    device_id: str
    ca_bundle: str  # "" for the system's certificate authorities


@dataclass(frozen=True)
class ServerGrant:
    """What the office server answered to an office account's sign-in on this device."""

    username: str
    role: str
    roster_id: str | None
    device_secret: bytes


def listed(db_path: Path) -> list[Account]:
    """The accounts that can open the store at ``db_path``, administrator last."""
    found = keys.load(db_path)
    accounts = [Account(w.holder, w.label, w.must_change, w.server_account) for w in found.wraps]
    return sorted(accounts, key=lambda a: (a.holder == keys.ADMIN, a.label))


def enrolment(db_path: Path) -> Enrolment | None:
    """The office server this device is enrolled with, or None (standalone, or plain)."""
    if not keys.exists(db_path):
        return None
    found = keys.load(db_path).enrolment
    if found is None:
        return None
    return Enrolment(found["server_url"], found["device_id"], found.get("ca_bundle", ""))


def enrol(store: Store, server_url: str, device_id: str, ca_bundle: str, secret: bytes) -> None:
    """Wrap the store's data key under the device secret the office server keeps for this
    device, so that an office account can sign in here for the first time (online)."""
    found = keys.load(store.path)
    enrolled = keys.with_enrolment(
        found, _data_key(store), secret, server_url, device_id, ca_bundle
    )
    keys.save(store.path, enrolled)
    if found.enrolment is None:  # the first enrolment; a new secret later is not news
        with store.transaction() as conn:
            audit.record(
                conn,
                actor=current_user.actor(store),
                entity="device",
                entity_id=device_id,
                action="enrol",
                new={"server": server_url},
            )


def sign_in_with_grant(db_path: Path, grant: ServerGrant, password: str) -> tuple[Store, Session]:
    """An office account's online sign-in: the device secret from the server opens the data
    key; it is wrapped again under this person's password (their slot, replacing an older
    one), and the role the server gave is kept with the time it was confirmed."""
    found = keys.load(db_path)
    data_key = keys.unwrap_enrolment(found, grant.device_secret)
    holder = office_accounts.holder_of(grant.username)
    keys.remember(db_path, data_key)
    store = open_store(db_path, data_key)
    try:
        office_accounts.confirm(store, grant.username, grant.role, grant.roster_id)
        label = _office_label(store, grant.username, grant.roster_id)
        wrap = keys.make_wrap(
            found, data_key, holder, label, password, server_account=grant.username
        )
        keys.save(db_path, keys.with_wrap(found, wrap))
        session = session_for(store, holder, label)
        with store.transaction() as conn:
            audit.record(
                conn,
                actor=session.actor,
                entity="account",
                entity_id=holder,
                action="office_sign_in",
                new={"role": grant.role},
            )
    except UserError:
        store.close()
        keys.forget(db_path)
        raise
    attempts.succeeded(db_path, holder)
    current_user.begin(store, session)
    return store, session


def forget_office_slot(db_path: Path, username: str, password: str, reason: str) -> bool:
    """Remove the local slot of office account ``username`` when the server refused it
    (``reason``: its password changed there, or it was disabled) and ``password`` opens it
    here. True when one was removed (audited)."""
    found = keys.load(db_path)
    holder = office_accounts.holder_of(username)
    wrap = found.wrap_of(holder)
    if wrap is None:
        return False
    try:
        data_key = keys.unwrap(found, wrap, password)
    except crypto.DecryptionFailed:
        return False
    keys.save(db_path, keys.without_holder(found, holder))
    store = open_store(db_path, data_key)
    try:
        _removed(store, holder, reason)
    finally:
        store.close()
    return True


@dataclass(frozen=True)
class OfficeAccountNow:
    """An office account as the server has it at this sync."""

    username: str
    role: str
    roster_id: str | None
    disabled: bool


def refresh_office_accounts(store: Store, now: list[OfficeAccountNow]) -> list[str]:
    """Each sync: an office account the server disabled, removed or gave a lower role loses
    its slot here (it must sign in online again); a role kept or raised is confirmed (a
    raised one takes effect at the next online sign-in), and the slot's label gets the
    person's name once the roster has them. When that is the signed-in person the app
    is asked to lock. Returns a Chinese note per slot removed."""
    by_name = {a.username: a for a in now}
    session = current_user.session(store)
    notes = []
    for wrap in keys.load(store.path).wraps:
        name = wrap.server_account
        if name is None:
            continue
        before, current = office_accounts.cached(store, name), by_name.get(name)
        if current is None or current.disabled:
            reason = "已被单位停用"
        elif before is None or office_accounts.lowered(before.role, current.role):
            reason = f"的角色已由单位改为{current_user.role_label(current.role)}"
        else:
            office_accounts.confirm(store, name, before.role, current.roster_id)
            _relabel(store, wrap, _office_label(store, name, current.roster_id))
            continue
        keys.save(store.path, keys.without_holder(keys.load(store.path), wrap.holder))
        _removed(store, wrap.holder, reason)
        notes.append(f"办公室账号“{wrap.label}”{reason}，已删除其在本机的登录")
        if session is not None and session.holder == wrap.holder:
            lost_device.request_lock(
                store,
                f"您的办公室账号{reason}：本机已删除此账号的登录。"
                "请退出登录，再联网用办公室账号重新登录。",
            )
    return notes


def _relabel(store: Store, wrap: keys.Wrap, label: str) -> None:
    """Show the person's name once the roster has them (the label is not part of the wrap's
    authenticated data, so no password is needed to change it)."""
    if label != wrap.label:
        keys.save(store.path, keys.with_wrap(keys.load(store.path), replace(wrap, label=label)))


def _removed(store: Store, holder: str, reason: str) -> None:
    username = office_accounts.username_of(holder) or holder
    office_accounts.forget(store, username)
    with store.transaction() as conn:
        audit.record(
            conn,
            actor="单位服务器",
            entity="account",
            entity_id=holder,
            action="office_removed",
            new={"reason": reason},
        )


def _office_label(store: Store, username: str, roster_id: str | None) -> str:
    person = next((p for p in roster.all_active(store) if p.id == roster_id), None)
    return f"{person.name}（{username}）" if person else username


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
    if wrap is None and office_accounts.username_of(session.holder) is not None:
        raise UserError(
            lost_device.lock_reason(store)
            or "此办公室账号在本机的登录已被删除：请退出登录，再联网重新登录。"
        )
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
    username = office_accounts.username_of(holder)
    if username is not None:
        return _office_session(store, holder, username, label)
    person = next((p for p in roster.all_active(store) if p.id == holder), None)
    if person is None:
        raise UserError(f"“{label}”已不在执法人员名录中（或已停用），不能登录；请联系管理员。")
    actor = current_user.actor_for(store, person)
    return Session(holder=holder, actor=actor, role=person.role, label=label)


def _office_session(store: Store, holder: str, username: str, label: str) -> Session:
    """An office account's session: the role the server gave, as last confirmed."""
    given = office_accounts.cached(store, username)
    if given is None:
        raise UserError(f"本机没有办公室账号“{username}”的角色记录：请联网重新登录。")
    person = next((p for p in roster.all_active(store) if p.id == given.roster_id), None)
    actor = current_user.actor_for(store, person) if person else username
    return Session(holder=holder, actor=actor, role=given.role, label=label)


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
