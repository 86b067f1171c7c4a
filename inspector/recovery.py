"""The office's recovery key: opens any store made while its public key was configured, so a
forgotten password or a returned laptop loses nothing. See docs/security.md for who holds it."""

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from inspector import crypto, keys

PASSPHRASE_ENV = "INSPECTOR_RECOVERY_PASSPHRASE"
PRIVATE_NAME = "office-recovery-private.pem"
PUBLIC_NAME = "office-recovery-public.pem"


def write_pair(folder: Path, passphrase: str) -> tuple[Path, Path]:
    """A new recovery pair in ``folder``: the private key protected by ``passphrase``."""
    keys.check_password(passphrase)
    folder.mkdir(parents=True, exist_ok=True)
    private = X25519PrivateKey.generate()
    private_path, public_path = folder / PRIVATE_NAME, folder / PUBLIC_NAME
    for target in (private_path, public_path):
        if target.exists():
            raise keys.KeyFileError(f"{target} 已存在，未覆盖：恢复密钥一旦分发就不应被替换。")
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(crypto.private_pem(private, passphrase))
    public_path.write_bytes(crypto.public_pem(private.public_key()))
    return private_path, public_path


def register(db_path: Path, password: str, public_pem: bytes) -> str:
    """Wrap the store's data key for the office's recovery key; returns its fingerprint."""
    found = keys.load(db_path)
    _, data_key = keys.unwrap_any(found, password)
    updated = keys.with_recovery(found, data_key, public_pem)
    keys.save(db_path, updated)
    assert updated.recovery is not None
    return updated.recovery["fingerprint"]


def reset_password(
    db_path: Path, private_pem: bytes, passphrase: str, holder: str, new_password: str
) -> str:
    """Open the data key with the recovery key and give ``holder`` a new password (which they
    must change at their next sign-in). Returns the account's label."""
    found = keys.load(db_path)
    data_key = keys.unwrap_recovery(found, private_pem, passphrase)
    old = found.wrap_of(holder)
    if old is None:
        known = "、".join(f"{w.label}（{w.holder}）" for w in found.wraps) or "无"
        raise keys.KeyFileError(f"本数据库没有账号 {holder}；已登记的账号：{known}。")
    wrap = keys.make_wrap(found, data_key, holder, old.label, new_password, must_change=True)
    keys.save(db_path, keys.with_wrap(found, wrap))
    return old.label
