"""Users, their roles, and the per-device tokens they log in with.

Login is throttled per user name and per address (failures are counted in the database, so
every worker process sees them), and an unknown user name costs the same scrypt as a known one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from inspector.clock import utc_now
from sync.protocol import DeviceAccount, DeviceKey, DeviceSignIn, LoginRequest, LoginResponse, Role
from sync.server import auth, device_secrets
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User, admin_actor, audit

BAD_LOGIN = "用户名或密码不正确"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 10
MAX_FAILURES_PER_ADDRESS = 30
DEFAULT_QUOTA_BYTES = 50 * 2**30
_DUMMY_HASH = auth.hash_password("not-a-real-password, only for constant time")
TOUCH_INTERVAL = timedelta(hours=1)
LOGIN_AGAIN = "登录已失效（令牌过期、被吊销或无效），请重新登录"
ACCOUNT_DISABLED = "该办公室账号已被单位停用，不能登录或同步；如有疑问请联系单位管理员"


def add_user(
    store: ServerStore,
    username: str,
    role: str,
    password: str,
    roster_id: str | None = None,
    quota_bytes: int | None = None,
) -> None:
    """Create a user, or reset the role, password and roster link of an existing one (and
    enable it again if it was disabled)."""
    if role not in auth.ROLES:
        raise ValueError(f"角色必须是 {'、'.join(auth.ROLES)} 之一")
    if not username.strip() or len(password) < 8:
        raise ValueError("用户名不能为空，密码至少 8 位")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO users (username, role, password_hash, roster_id, created_at, quota_bytes)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
            " password_hash = excluded.password_hash, roster_id = excluded.roster_id,"
            " quota_bytes = excluded.quota_bytes, disabled_at = NULL",
            (
                username.strip(),
                role,
                auth.hash_password(password),
                roster_id,
                utc_now(),
                quota_bytes,
            ),
        )
        audit(conn, admin_actor(), "user", username.strip(), role)


def link_roster(store: ServerStore, username: str, roster_id: str) -> None:
    """Link a user to a roster entry: inspections naming that entry are the user's."""
    with store.transaction() as conn:
        changed = conn.execute(
            "UPDATE users SET roster_id = ? WHERE username = ?", (roster_id, username)
        ).rowcount
        if not changed:
            raise ValueError(f"没有用户 {username}")
        audit(conn, admin_actor(), "link_roster", username, roster_id)


def login(store: ServerStore, request: LoginRequest, address: str = "") -> LoginResponse:
    """Check the password and issue a new token for this device (older ones stay valid)."""
    role, roster_id = _authenticate(store, request, address)
    token, expires = _issue_token(store, request, role, roster_id, address, "login")
    return LoginResponse(
        token=token, username=request.username, role=role, roster_id=roster_id, expires_at=expires
    )


def device_sign_in(store: ServerStore, request: LoginRequest, address: str = "") -> DeviceSignIn:
    """An office account signs in on an enrolled device: its password, that it is not
    disabled and that the device is enrolled and not revoked are checked; the answer carries
    the account's role, a token, and the device's unlock secret (``device_secrets``)."""
    role, roster_id = _authenticate(store, request, address)
    with store.transaction() as conn:
        secret = device_secrets.existing_secret(store, conn, request.device_id)
        conn.execute(
            "INSERT INTO device_accounts (device_id, username, first_at) VALUES (?, ?, ?)"
            " ON CONFLICT (device_id, username) DO NOTHING",
            (request.device_id, request.username, utc_now()),
        )
    token, expires = _issue_token(store, request, role, roster_id, address, "device_sign_in")
    return DeviceSignIn(
        token=token,
        username=request.username,
        role=role,
        roster_id=roster_id,
        expires_at=expires,
        device_secret=secret,
    )


def device_key(store: ServerStore, me: User) -> DeviceKey:
    """The unlock secret of the device ``me`` calls from (its enrolment, see
    ``device_secrets``); audited without the secret."""
    secret = device_secrets.secret_for(store, me.device_id)
    with store.transaction() as conn:
        audit(conn, me, "device_key", me.device_id)
    return DeviceKey(secret=secret)


def device_accounts(store: ServerStore, me: User) -> list[DeviceAccount]:
    """The office accounts that have signed in on ``me``'s device, as they are now: each
    sync refreshes the roles the device keeps for them."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT u.username, u.role, u.roster_id, u.disabled_at FROM device_accounts a"
            " JOIN users u ON u.username = a.username WHERE a.device_id = ? ORDER BY u.username",
            (me.device_id,),
        ).fetchall()
    return [DeviceAccount(username=r[0], role=r[1], roster_id=r[2], disabled=r[3] is not None)
            for r in rows]  # fmt: skip


def disable_user(store: ServerStore, username: str) -> None:
    """The account can no longer log in or sync; devices remove it at their next contact.
    ``add_user`` enables it again."""
    with store.transaction() as conn:
        changed = conn.execute(
            "UPDATE users SET disabled_at = ? WHERE username = ?", (utc_now(), username)
        ).rowcount
        if not changed:
            raise ValueError(f"没有用户 {username}")
        audit(conn, admin_actor(), "disable_user", username)


def _authenticate(
    store: ServerStore, request: LoginRequest, address: str
) -> tuple[Role, str | None]:
    """The account's role and roster id, once its password is checked (throttled, the same
    scrypt work for an unknown name) and it is not disabled."""
    _check_throttle(store, request.username, address)
    with store.reading() as conn:
        row = conn.execute(
            "SELECT role, password_hash, roster_id, disabled_at FROM users WHERE username = ?",
            (request.username,),
        ).fetchone()
    # The same scrypt work for an unknown user: timing must not tell which names exist.
    valid = auth.verify_password(request.password, row[1] if row else _DUMMY_HASH)
    if row is None or not valid:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO login_failures (username, address, at) VALUES (?, ?, ?)",
                (request.username, address, utc_now()),
            )
            conn.execute("DELETE FROM login_failures WHERE at < ?", (_window_start(),))
        raise ApiError(401, "bad_login", BAD_LOGIN)
    if row[3] is not None:
        raise ApiError(403, "account_disabled", ACCOUNT_DISABLED)
    return row[0], row[2]


def _issue_token(
    store: ServerStore,
    request: LoginRequest,
    role: str,
    roster_id: str | None,
    address: str,
    action: str,
) -> tuple[str, str]:
    """A new token for this account on this device, and its expiry."""
    token, now = auth.new_token(), utc_now()
    expires = auth.expiry_from()
    user = User(request.username, role, roster_id, request.device_id, address)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO devices (token_hash, device_id, device_name, username, created_at,"
            " last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                auth.token_hash(token),
                request.device_id,
                request.device_name,
                request.username,
                now,
                now,
                expires,
            ),
        )
        conn.execute("DELETE FROM login_failures WHERE username = ?", (request.username,))
        audit(conn, user, action, request.device_id, request.device_name)
    return token, expires


def _check_throttle(store: ServerStore, username: str, address: str) -> None:
    """429 once a user name or an address has failed too often within the window."""
    since = _window_start()
    with store.reading() as conn:
        by_user = conn.execute(
            "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?", (username, since)
        ).fetchone()[0]
        by_address = conn.execute(
            "SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?", (address, since)
        ).fetchone()[0]
    if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise ApiError(
            429,
            "too_many_attempts",
            f"登录失败次数过多，请 {minutes} 分钟后再试（或请管理员重设密码）",
            {"Retry-After": str(int(THROTTLE_WINDOW.total_seconds()))},
        )


@dataclass(frozen=True)
class Credentials:
    """A request's bearer token and the address it came from, not yet checked."""

    token: str
    address: str = ""


@dataclass(frozen=True)
class Columns:
    """SQL expressions read beside the caller's token, in the same statement (``read_as``):
    scalar subqueries that name the caller's ``users`` row ``u``, and their parameters in
    order."""

    sql: Sequence[str] = ()
    params: Sequence[Any] = ()


def user_for_token(store: ServerStore, credentials: Credentials) -> User:
    """The user behind a bearer token (see ``read_as``)."""
    return read_as(store, credentials, Columns())[0]


def read_as(
    store: ServerStore, credentials: Credentials, columns: Columns
) -> tuple[User, tuple[Any, ...]]:
    """The user behind a bearer token, and ``columns`` read for them: one statement (one round
    trip, one snapshot) for a request's login check and its first reads. Use pushes the token's
    expiry forward, written at most hourly so that a burst of uploads does not cost a write per
    request, and written before the caller looks at what was read (so even when it refuses)."""
    digest = auth.token_hash(credentials.token)
    row = store.read_row(
        f"SELECT {', '.join([*_TOKEN_USER, *columns.sql])}"
        " FROM devices d JOIN users u ON u.username = d.username WHERE d.token_hash = ?",
        [*columns.params, digest],
    )
    user, stale = _token_user(row, credentials.address)
    if stale:
        _touch(store, digest)
    return user, tuple(row[len(_TOKEN_USER) :])


_TOKEN_USER = (
    "u.username",
    "u.role",
    "u.roster_id",
    "d.expires_at",
    "d.revoked_at",
    "d.last_seen_at",
    "d.device_id",
    "u.disabled_at",
)


def _token_user(row: Any, address: str) -> tuple[User, bool]:
    """The token's user, and whether its last use is older than ``TOUCH_INTERVAL``."""
    if row is None or row[4] is not None or row[3] < _now_seconds():
        raise ApiError(401, "login_required", LOGIN_AGAIN)
    if row[7] is not None:
        raise ApiError(401, "account_disabled", ACCOUNT_DISABLED)
    user = User(row[0], row[1], row[2], device_id=row[6], address=address)
    return user, row[5] < (datetime.now(UTC) - TOUCH_INTERVAL).isoformat()


def _touch(store: ServerStore, digest: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE devices SET last_seen_at = ?, expires_at = ?"
            " WHERE token_hash = ? AND revoked_at IS NULL",
            (utc_now(), auth.expiry_from(), digest),
        )


def revoke_token(store: ServerStore, user: User, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE devices SET revoked_at = ?, revoked_by = ? WHERE token_hash = ?",
            (utc_now(), user.username, auth.token_hash(token)),
        )
        audit(conn, user, "logout", user.device_id)


def revoke_device(store: ServerStore, device_id: str) -> int:
    """Revoke every token issued to a device, and forget its unlock secret; returns how many
    tokens were still active."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE devices SET revoked_at = ?, revoked_by = 'admin-cli'"
            " WHERE device_id = ? AND revoked_at IS NULL",
            (utc_now(), device_id),
        )
        device_secrets.revoke(conn, device_id)
        audit(conn, admin_actor(), "revoke_device", device_id, str(cursor.rowcount))
        return cursor.rowcount


def expire_device_now(store: ServerStore, device_id: str) -> None:
    """Make a device's tokens expired (used by admins and by tests of expiry mid-run)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE devices SET expires_at = '2000-01-01T00:00:00+00:00' WHERE device_id = ?",
            (device_id,),
        )


def _now_seconds() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _window_start() -> str:
    return (datetime.now(UTC) - THROTTLE_WINDOW).isoformat(timespec="seconds")
