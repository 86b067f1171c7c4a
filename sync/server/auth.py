"""Passwords under scrypt (stdlib) and per-device bearer tokens stored only as hashes.

A token lives ``TOKEN_LIFETIME`` after its last use (sliding), so it outlasts a 30-day trip
offline; an admin revokes it per device.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOKEN_LIFETIME = timedelta(days=180)
ROLES = ("inspector", "supervisor", "admin")


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``, parameters kept with the hash so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Only this is stored: a leaked database does not leak usable tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiry_from(now: datetime | None = None) -> str:
    return ((now or datetime.now(UTC)) + TOKEN_LIFETIME).isoformat(timespec="seconds")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
