"""Each enrolled device's unlock secret, kept encrypted under the server's own key.

A device's key file holds its store's data key wrapped under a random secret the server keeps
(``secret_for``); an office account signing in on that device for the first time gets the
secret from the server (after its password, the account and the device are checked) and so
opens the store, then wraps the data key under its own password. The server never sees a data
key, and its database alone opens nothing: the secrets in it are sealed (AES-256-GCM) under
``device-secrets.key`` in the data folder, which database backups do not contain. Revoking a
device forgets its secret for good.
"""

import base64
import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from inspector import crypto
from inspector.clock import utc_now
from sync.server.errors import ApiError
from sync.server.storage import Conn, ServerStore

KEY_FILE = "device-secrets.key"
DEVICE_REVOKED = "本设备已被单位吊销，不能再用办公室账号登录；请把设备交回单位处理"
NOT_ENROLLED = "本设备尚未在单位服务器登记：请先由本机已有的账号在“同步”中登录一次"


def secret_for(store: ServerStore, device_id: str) -> str:
    """The device's secret (base64), made on first request; refused for a revoked device. A
    secret sealed under another server key (a server restored without its key file) is
    replaced: the device re-wraps its data key with the new one."""
    key = server_key(store.data_dir)
    with store.transaction() as conn:
        row = _row(conn, device_id)
        if row is not None and row[1] is not None:
            raise ApiError(403, "device_revoked", DEVICE_REVOKED)
        if row is not None and row[0] is not None:
            opened = _open(key, device_id, row[0])
            if opened is not None:
                return opened
        made = base64.b64encode(secrets.token_bytes(crypto.KEY_BYTES)).decode("ascii")
        conn.execute(
            "INSERT INTO device_secrets (device_id, sealed, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (device_id) DO UPDATE SET sealed = excluded.sealed",
            (device_id, _seal(key, device_id, made), utc_now()),
        )
        return made


def existing_secret(store: ServerStore, conn: Conn, device_id: str) -> str:
    """The secret of an enrolled, not revoked device, for a sign-in; refused otherwise."""
    row = _row(conn, device_id)
    if row is not None and row[1] is not None:
        raise ApiError(403, "device_revoked", DEVICE_REVOKED)
    opened = _open(server_key(store.data_dir), device_id, row[0]) if row and row[0] else None
    if opened is None:
        raise ApiError(409, "device_not_enrolled", NOT_ENROLLED)
    return opened


def revoke(conn: Conn, device_id: str) -> None:
    """Forget the device's secret: no office account can open its store for the first time."""
    conn.execute(
        "INSERT INTO device_secrets (device_id, sealed, created_at, revoked_at) VALUES (?, NULL, ?, ?)"
        " ON CONFLICT (device_id) DO UPDATE SET sealed = NULL, revoked_at = excluded.revoked_at",
        (device_id, utc_now(), utc_now()),
    )


def server_key(data_dir: Path) -> bytes:
    """The server's key, made on first use: an owner-only file, put in place by one link so
    that workers starting together all read the same whole key."""
    path = data_dir / KEY_FILE
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".device-secrets-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(crypto.KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    key = path.read_bytes()
    if len(key) != crypto.KEY_BYTES:
        raise RuntimeError(f"{path} is damaged: it must hold {crypto.KEY_BYTES} bytes")
    return key


def _row(conn: Conn, device_id: str) -> tuple[str | None, str | None] | None:
    row = conn.execute(
        "SELECT sealed, revoked_at FROM device_secrets WHERE device_id = ?", (device_id,)
    ).fetchone()
    return None if row is None else (row[0], row[1])


def _seal(key: bytes, device_id: str, secret: str) -> str:
    sealed = crypto.seal(key, secret.encode("ascii"), device_id.encode("ascii"))
    return base64.b64encode(sealed).decode("ascii")


def _open(key: bytes, device_id: str, sealed: str) -> str | None:
    try:
        raw = crypto.open_sealed(key, base64.b64decode(sealed), device_id.encode("ascii"))
    except crypto.DecryptionFailed:
        return None
    return raw.decode("ascii")
