"""How ``open_store`` gets a store's data key, and how a new store gets its first one.

In order: the key this process already unwrapped (the sign-in screen or the idle lock put it
there); else the password in ``INSPECTOR_PASSWORD`` (scripts and the CLI; ``--password-stdin``
puts what it read there too), tried against the key file's wraps (``INSPECTOR_ACCOUNT`` names
one); a new store is made with that password for its administrator. A plain store (a file with
the SQLite header) opens without a key, as before encryption: ``inspector.encrypt`` migrates it.
"""

import os
from pathlib import Path

from inspector import crypto, keys
from inspector.errors import StoreError, UserError

PASSWORD_ENV = "INSPECTOR_PASSWORD"
ACCOUNT_ENV = "INSPECTOR_ACCOUNT"
RECOVERY_ENV = "INSPECTOR_RECOVERY_PUBLIC_KEY"  # path of the office's recovery public key (PEM)
SQLITE_MAGIC = b"SQLite format 3\x00"


def is_plain(path: Path) -> bool:
    """True for an existing, non-empty file that starts with the SQLite header."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def is_new(path: Path) -> bool:
    return not path.exists()


def key_for(path: Path) -> bytes | None:
    """The data key to open ``path`` with, or None for a plain store."""
    known = keys.remembered(path)
    if known is not None:
        return known
    if is_plain(path) or (path.exists() and path.stat().st_size == 0):
        return None  # plain, or empty: the store's own checks say what it is
    password = os.environ.get(PASSWORD_ENV)
    if not is_new(path) and not keys.exists(path):
        raise StoreError(
            f"文件 {path} 不是本程序的数据库文件，或是加密的数据库但缺少密钥文件 "
            f"{keys.key_path(path).name}；已拒绝打开，文件未作任何改动。"
        )
    if is_new(path) and not keys.exists(path):
        if not password:
            raise StoreError(
                f"新建数据库 {path} 需要设置密码：请登录界面上建库，"
                f"或设置环境变量 {PASSWORD_ENV}，或用 --password-stdin 从标准输入提供。"
            )
        return create(path, keys.ADMIN, keys.ADMIN_LABEL, password)
    if not password:
        raise StoreError(
            f"数据库 {path} 已加密：请先登录，或设置环境变量 {PASSWORD_ENV}，"
            "或用 --password-stdin 从标准输入提供密码。"
        )
    _, data_key = keys.unwrap_any(keys.load(path), password, os.environ.get(ACCOUNT_ENV))
    keys.remember(path, data_key)
    return data_key


def create(path: Path, holder: str, label: str, password: str) -> bytes:
    """A new data key for the store at ``path``, wrapped for ``holder`` and, where configured,
    for the office's recovery key; remembered in this process."""
    data_key = crypto.new_key()
    made = keys.new_key_file()
    made = keys.with_wrap(made, keys.make_wrap(made, data_key, holder, label, password))
    public = recovery_public_key()
    if public is not None:
        made = keys.with_recovery(made, data_key, public)
    keys.save(path, made)
    keys.remember(path, data_key)
    return data_key


def recovery_public_key() -> bytes | None:
    """The office's recovery public key named by ``INSPECTOR_RECOVERY_PUBLIC_KEY``, if set."""
    named = os.environ.get(RECOVERY_ENV)
    if not named:
        return None
    try:
        return Path(named).read_bytes()
    except OSError as exc:
        raise UserError(f"找不到单位恢复公钥文件：{named}（环境变量 {RECOVERY_ENV}）。") from exc
