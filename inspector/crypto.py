"""Cryptographic primitives for encryption at rest, and nothing else.

- a store's data key: 32 random bytes; SQLCipher uses it raw (no second key derivation);
- a person's key-encryption key: Argon2id of their password with a per-wrap salt;
- wrapping: AES-256-GCM of the data key under a key-encryption key, bound by associated data
  to the store and the holder, so a wrap cannot be moved to another store or person;
- the office's recovery key: an X25519 pair; a wrap for it uses an ephemeral X25519 key,
  HKDF-SHA256 and AES-256-GCM (an ECIES "sealed box");
- attachment files: one AES-256-GCM message per file, its name (the plaintext SHA-256) bound
  as associated data so files cannot be swapped.

Signing in needs only Argon2id and AES-GCM; the recovery key's functions import X25519, PEM
serialization and HKDF when called (about 10 ms of the app's start-up otherwise).
"""

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
FILE_MAGIC = b"SOI-ENC1"  # an encrypted attachment starts with this, then nonce, then GCM
RECOVERY_INFO = b"social-org-inspector recovery wrap v1"


class DecryptionFailed(Exception):
    """A wrong key or password, or bytes that were changed: GCM's tag did not verify."""


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost; stored with each wrap so it can be raised later without breaking old ones.
    The default is OWASP's first recommendation (m = 19 MiB, t = 2, p = 1): ~40 ms here."""

    time_cost: int = 2
    memory_kib: int = 19456
    parallelism: int = 1


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive_key(password: str, salt: bytes, params: Argon2Params) -> bytes:
    """The key-encryption key for ``password`` (Argon2id)."""
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce || AES-256-GCM(plaintext) with its tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionFailed from exc


def encrypt_file_bytes(key: bytes, data: bytes, name: str) -> bytes:
    return FILE_MAGIC + seal(key, data, name.encode("ascii"))


def decrypt_file_bytes(key: bytes, blob: bytes, name: str) -> bytes:
    if not is_encrypted_file(blob):
        raise DecryptionFailed("not an encrypted attachment")
    return open_sealed(key, blob[len(FILE_MAGIC) :], name.encode("ascii"))


def is_encrypted_file(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def private_pem(private: "X25519PrivateKey", passphrase: str | None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    protection: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection
    )


def public_pem(public: "X25519PublicKey") -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public(pem: bytes) -> "X25519PublicKey":
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, X25519PublicKey):
        raise ValueError("not an X25519 public key")
    return key


def load_private(pem: bytes, passphrase: str | None) -> "X25519PrivateKey":
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    secret = passphrase.encode("utf-8") if passphrase else None
    key = serialization.load_pem_private_key(pem, password=secret)
    if not isinstance(key, X25519PrivateKey):
        raise ValueError("not an X25519 private key")
    return key


def fingerprint(public: "X25519PublicKey") -> str:
    from cryptography.hazmat.primitives import hashes, serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(raw)
    return digest.finalize().hex()[:16]


def wrap_for_public(public: "X25519PublicKey", data_key: bytes, associated: bytes) -> bytes:
    """ephemeral public key (32 bytes) || sealed data key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(public)
    raw = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return raw + seal(_hkdf(shared, raw), data_key, associated)


def unwrap_with_private(private: "X25519PrivateKey", wrapped: bytes, associated: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    raw, sealed = wrapped[:32], wrapped[32:]
    shared = private.exchange(X25519PublicKey.from_public_bytes(raw))
    return open_sealed(_hkdf(shared, raw), sealed, associated)


def _hkdf(shared: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), KEY_BYTES, salt=salt, info=RECOVERY_INFO).derive(shared)
