"""Users, their roles, and the per-device tokens they log in with."""

from datetime import UTC, datetime, timedelta

from inspector.clock import utc_now
from sync.protocol import LoginRequest, LoginResponse
from sync.server import auth
from sync.server.errors import ApiError
from sync.server.storage import ServerStore, User

BAD_LOGIN = "用户名或密码不正确"
TOUCH_INTERVAL = timedelta(hours=1)
LOGIN_AGAIN = "登录已失效（令牌过期、被吊销或无效），请重新登录"


def add_user(
    store: ServerStore, username: str, role: str, password: str, roster_id: str | None = None
) -> None:
    """Create a user, or reset the role, password and roster link of an existing one."""
    if role not in auth.ROLES:
        raise ValueError(f"角色必须是 {'、'.join(auth.ROLES)} 之一")
    if not username.strip() or len(password) < 8:
        raise ValueError("用户名不能为空，密码至少 8 位")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO users (username, role, password_hash, roster_id, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET role = excluded.role,"
            " password_hash = excluded.password_hash, roster_id = excluded.roster_id",
            (username.strip(), role, auth.hash_password(password), roster_id, utc_now()),
        )


def login(store: ServerStore, request: LoginRequest) -> LoginResponse:
    """Check the password and issue a new token for this device (older ones stay valid)."""
    with store.reading() as conn:
        row = conn.execute(
            "SELECT role, password_hash, roster_id FROM users WHERE username = ?",
            (request.username,),
        ).fetchone()
    if row is None or not auth.verify_password(request.password, row[1]):
        raise ApiError(401, "bad_login", BAD_LOGIN)
    token, now = auth.new_token(), utc_now()
    expires = auth.expiry_from()
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
    return LoginResponse(
        token=token, username=request.username, role=row[0], roster_id=row[2], expires_at=expires
    )


def user_for_token(store: ServerStore, token: str) -> User:
    """The user behind a bearer token. Use pushes the expiry forward, written at most hourly
    so that a burst of uploads does not cost a write per request."""
    digest = auth.token_hash(token)
    with store.reading() as conn:
        row = conn.execute(
            "SELECT u.username, u.role, u.roster_id, d.expires_at, d.revoked_at, d.last_seen_at"
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
    return User(username=row[0], role=row[1], roster_id=row[2])


def revoke_token(store: ServerStore, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE devices SET revoked_at = ? WHERE token_hash = ?",
            (utc_now(), auth.token_hash(token)),
        )


def revoke_device(store: ServerStore, device_id: str) -> int:
    """Revoke every token issued to a device; returns how many were still active."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
            (utc_now(), device_id),
        )
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
