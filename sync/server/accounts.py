"""Users, their roles, and the per-device tokens they log in with.

Login is throttled per user name and per address (failures are counted in the database, so
every worker process sees them), and an unknown user name costs the same scrypt as a known one.
"""

from datetime import UTC, datetime, timedelta

from inspector.clock import utc_now
from sync.protocol import LoginRequest, LoginResponse
from sync.server import auth
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


def add_user(
    store: ServerStore,
    username: str,
    role: str,
    password: str,
    roster_id: str | None = None,
    quota_bytes: int | None = None,
) -> None:
    """Create a user, or reset the role, password and roster link of an existing one."""
    if role not in auth.ROLES:
        raise ValueError(f"角色必须是 {'、'.join(auth.ROLES)} 之一")
    if not username.strip() or len(password) < 8:
        raise ValueError("用户名不能为空，密码至少 8 位")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO users (username, role, password_hash, roster_id, created_at, quota_bytes)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
            " password_hash = excluded.password_hash, roster_id = excluded.roster_id,"
            " quota_bytes = excluded.quota_bytes",
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
    _check_throttle(store, request.username, address)
    with store.reading() as conn:
        row = conn.execute(
            "SELECT role, password_hash, roster_id FROM users WHERE username = ?",
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
    token, now = auth.new_token(), utc_now()
    expires = auth.expiry_from()
    user = User(request.username, row[0], row[2], request.device_id, address)
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
        audit(conn, user, "login", request.device_id, request.device_name)
    return LoginResponse(
        token=token, username=request.username, role=row[0], roster_id=row[2], expires_at=expires
    )


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


def user_for_token(store: ServerStore, token: str, address: str = "") -> User:
    """The user behind a bearer token. Use pushes the expiry forward, written at most hourly
    so that a burst of uploads does not cost a write per request."""
    digest = auth.token_hash(token)
    with store.reading() as conn:
        row = conn.execute(
            "SELECT u.username, u.role, u.roster_id, d.expires_at, d.revoked_at, d.last_seen_at,"
            " d.device_id"
            " FROM devices d JOIN users u ON u.username = d.username WHERE d.token_hash = ?",
            (digest,),
        ).fetchone()
    if row is None or row[4] is not None or row[3] < _now_seconds():
        raise ApiError(401, "login_required", LOGIN_AGAIN)
    if row[5] < (datetime.now(UTC) - TOUCH_INTERVAL).isoformat():
        with store.transaction() as conn:
            conn.execute(
                "UPDATE devices SET last_seen_at = ?, expires_at = ?"
                " WHERE token_hash = ? AND revoked_at IS NULL",
                (utc_now(), auth.expiry_from(), digest),
            )
    return User(row[0], row[1], row[2], device_id=row[6], address=address)


def revoke_token(store: ServerStore, user: User, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE devices SET revoked_at = ?, revoked_by = ? WHERE token_hash = ?",
            (utc_now(), user.username, auth.token_hash(token)),
        )
        audit(conn, user, "logout", user.device_id)


def revoke_device(store: ServerStore, device_id: str) -> int:
    """Revoke every token issued to a device; returns how many were still active."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE devices SET revoked_at = ?, revoked_by = 'admin-cli'"
            " WHERE device_id = ? AND revoked_at IS NULL",
            (utc_now(), device_id),
        )
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
