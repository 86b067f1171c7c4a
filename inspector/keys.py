"""A store's data key and who can unwrap it: the key file ``<db>.keys.json`` beside the store.

The data key (32 random bytes) encrypts the database (SQLCipher) and every attachment file. It is
never written down in the clear: the key file holds one wrap of it per account (AES-256-GCM under
the account's Argon2id-derived key) and one for the office's recovery public key. The key file is
not secret — it holds account labels (staff names shown on the sign-in screen), salts and
ciphertext — but it must stay beside the store: without it the store cannot be opened.

An unwrapped data key is remembered in this process only (``remember``/``forget``) so that the
worker threads' own connections can open the store; signing out or the idle lock forgets it.
"""

import base64
import json
import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from inspector import crypto
from inspector.errors import UserError

FORMAT = 1
ADMIN = "admin"  # the holder id of the account that created the store (its local administrator)
ADMIN_LABEL = "管理员"
_unlocked: dict[str, bytes] = {}
_lock = threading.Lock()


class KeyFileError(UserError):
    """The key file is missing, damaged, or does not open with what was given."""


@dataclass(frozen=True)
class Wrap:
    """The data key wrapped for one account."""

    holder: str  # roster id, or ADMIN
    label: str  # what the sign-in screen shows
    salt: str
    sealed: str
    params: dict[str, int]
    must_change: bool = False  # a one-time password an administrator set: change at sign-in
    server_account: str | None = None  # made by this office server account's first sign-in


@dataclass(frozen=True)
class KeyFile:
    store_id: str
    wraps: tuple[Wrap, ...] = ()
    recovery: dict[str, str] | None = None  # fingerprint, wrapped
    enrolment: dict[str, str] | None = None  # server_url, device_id, ca_bundle, sealed
    format: int = FORMAT

    def wrap_of(self, holder: str) -> Wrap | None:
        return next((w for w in self.wraps if w.holder == holder), None)


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys.json")


def exists(db_path: Path) -> bool:
    return key_path(db_path).exists()


def copy_store_file(source: Path, target: Path) -> None:
    """Copy a (closed or checkpointed) store file and, when it has one, its key file."""
    shutil.copy(source, target)
    if exists(source):
        shutil.copy(key_path(source), key_path(target))


def load(db_path: Path) -> KeyFile:
    path = key_path(db_path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        wraps = tuple(Wrap(**w) for w in raw["wraps"])
        return KeyFile(
            store_id=raw["store_id"],
            wraps=wraps,
            recovery=raw.get("recovery"),
            enrolment=raw.get("enrolment"),
            format=raw["format"],
        )
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"找不到密钥文件 {path}：加密的数据库离开它无法打开。"
            "请把它与数据库文件放回同一文件夹；数据库文件未作任何改动。"
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"密钥文件 {path} 已损坏，无法读取；数据库文件未作任何改动。") from exc


def save(db_path: Path, keys: KeyFile) -> None:
    """Write the key file atomically (temporary file, fsync, rename)."""
    path = key_path(db_path)
    body = asdict(keys)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_key_file() -> KeyFile:
    return KeyFile(store_id=str(uuid.uuid4()))


def make_wrap(
    keys: KeyFile,
    data_key: bytes,
    holder: str,
    label: str,
    password: str,
    *,
    must_change: bool = False,
    params: crypto.Argon2Params | None = None,
    server_account: str | None = None,
) -> Wrap:
    """The data key wrapped under ``password`` for ``holder`` in this store."""
    check_password(password)
    chosen = params or crypto.Argon2Params()
    salt = crypto.new_salt()
    kek = crypto.derive_key(password, salt, chosen)
    sealed = crypto.seal(kek, data_key, _associated(keys, holder))
    return Wrap(
        holder, label, _b64(salt), _b64(sealed), asdict(chosen), must_change, server_account
    )


def with_wrap(keys: KeyFile, wrap: Wrap) -> KeyFile:
    """``keys`` with ``wrap`` added, replacing the holder's previous one."""
    others = tuple(w for w in keys.wraps if w.holder != wrap.holder)
    return replace(keys, wraps=(*others, wrap))


def without_holder(keys: KeyFile, holder: str) -> KeyFile:
    return replace(keys, wraps=tuple(w for w in keys.wraps if w.holder != holder))


def unwrap(keys: KeyFile, wrap: Wrap, password: str) -> bytes:
    """The data key, or ``crypto.DecryptionFailed`` for a wrong password."""
    params = crypto.Argon2Params(**wrap.params)
    kek = crypto.derive_key(password, _unb64(wrap.salt), params)
    return crypto.open_sealed(kek, _unb64(wrap.sealed), _associated(keys, wrap.holder))


def unwrap_any(keys: KeyFile, password: str, holder: str | None = None) -> tuple[Wrap, bytes]:
    """The first wrap (of ``holder`` if given) that ``password`` opens, and the data key."""
    for wrap in keys.wraps:
        if holder is not None and wrap.holder != holder:
            continue
        try:
            return wrap, unwrap(keys, wrap, password)
        except crypto.DecryptionFailed:
            continue
    raise KeyFileError("密码不正确。")


def with_recovery(keys: KeyFile, data_key: bytes, public_pem: bytes) -> KeyFile:
    """``keys`` with the data key also wrapped for the office's recovery public key."""
    try:
        public = crypto.load_public(public_pem)
    except ValueError as exc:
        raise KeyFileError("单位恢复公钥文件无效：应为 X25519 公钥（PEM 格式）。") from exc
    wrapped = crypto.wrap_for_public(public, data_key, _associated(keys, "recovery"))
    recovery = {"fingerprint": crypto.fingerprint(public), "wrapped": _b64(wrapped)}
    return replace(keys, recovery=recovery)


def unwrap_recovery(keys: KeyFile, private_pem: bytes, passphrase: str | None) -> bytes:
    """The data key, opened with the office's recovery private key."""
    if keys.recovery is None:
        raise KeyFileError(
            "此数据库没有登记单位恢复公钥，无法用恢复密钥打开；只能用已登记人员的密码打开。"
        )
    try:
        private = crypto.load_private(private_pem, passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyFileError("恢复私钥文件无效，或其保护口令不正确。") from exc
    if crypto.fingerprint(private.public_key()) != keys.recovery["fingerprint"]:
        raise KeyFileError(
            "这把恢复私钥不是本数据库登记的单位恢复密钥"
            f"（本库登记的指纹为 {keys.recovery['fingerprint']}）。"
        )
    wrapped = _unb64(keys.recovery["wrapped"])
    try:
        return crypto.unwrap_with_private(private, wrapped, _associated(keys, "recovery"))
    except crypto.DecryptionFailed as exc:
        raise KeyFileError("恢复密钥无法解开本数据库的密钥：密钥文件可能被改动过。") from exc


def with_enrolment(
    keys: KeyFile, data_key: bytes, secret: bytes, server_url: str, device_id: str, ca: str
) -> KeyFile:
    """``keys`` with the data key also wrapped under the device's unlock secret, which the
    office server keeps and gives only to an office account signing in here (AES-256-GCM;
    the device id is bound as associated data)."""
    sealed = crypto.seal(secret, data_key, _associated(keys, f"device:{device_id}"))
    enrolment = {
        "server_url": server_url,
        "device_id": device_id,
        "ca_bundle": ca,
        "sealed": _b64(sealed),
    }
    return replace(keys, enrolment=enrolment)


def unwrap_enrolment(keys: KeyFile, secret: bytes) -> bytes:
    """The data key, opened with the device secret the office server gave."""
    if keys.enrolment is None:
        raise KeyFileError("本机没有登记到单位服务器，不能用办公室账号登录。")
    device = keys.enrolment["device_id"]
    try:
        sealed = _unb64(keys.enrolment["sealed"])
        return crypto.open_sealed(secret, sealed, _associated(keys, f"device:{device}"))
    except (crypto.DecryptionFailed, ValueError) as exc:
        raise KeyFileError(
            "单位服务器给出的设备密钥打不开本机的数据库（设备可能已在服务器上重新登记）："
            "请用本机已登录过的账号登录，并在“同步”中重新登录一次。"
        ) from exc


def check_password(password: str) -> None:
    if len(password) < 8:
        raise UserError("密码至少 8 位。")


def remember(db_path: Path, data_key: bytes) -> None:
    with _lock:
        _unlocked[_ident(db_path)] = data_key


def forget(db_path: Path) -> None:
    with _lock:
        _unlocked.pop(_ident(db_path), None)


def remembered(db_path: Path) -> bytes | None:
    with _lock:
        return _unlocked.get(_ident(db_path))


def _ident(db_path: Path) -> str:
    return str(Path(db_path).resolve())


def _associated(keys: KeyFile, holder: str) -> bytes:
    return f"{keys.store_id}|{holder}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))
