"""The key file: the database's random 256-bit key, wrapped by the user's passphrase.

The database itself is keyed with a raw random key, so opening a connection costs nothing and changing the
passphrase only rewraps 32 bytes. The wrapping is Argon2id(passphrase, salt) → AES-256-GCM; the KDF parameters
and the database id are bound into the GCM associated data, so editing them breaks the unwrap instead of
weakening it. Deleting the key file makes the database unreadable for good (crypto-erase).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casedesk.errors import KeyFileError, WrongPassphrase

FORMAT = "casedesk-keyfile"
FORMAT_VERSION = 1
KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The defaults cost 0.25–0.5 s per guess on a 2-core machine (see benchmarks/unlock.py)."""

    time_cost: int = 4
    memory_cost_kib: int = 131072
    parallelism: int = 2

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"), salt, self.time_cost, self.memory_cost_kib, self.parallelism, KEY_BYTES, Type.ID
        )


DEFAULT_KDF = KdfParams()
MIN_PASSPHRASE_LENGTH = 8


def key_file_path(db_path: Path) -> Path:
    """The key file lives beside the database: `casedesk.db` → `casedesk.db.key`."""
    return db_path.with_name(db_path.name + ".key")


def check_new_passphrase(passphrase: str) -> None:
    from casedesk.errors import ValidationError

    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _associated_data(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def wrap_key(db_key: bytes, passphrase: str, database_id: str, kdf: KdfParams | None = None) -> dict[str, Any]:
    """Return the key file's content for `db_key` under `passphrase`."""
    kdf = kdf or DEFAULT_KDF
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "database_id": database_id,
        "kdf": {"algorithm": "argon2id", **asdict(kdf), "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
    }
    wrapped = AESGCM(kdf.derive(passphrase, salt)).encrypt(nonce, db_key, _associated_data(header))
    return {**header, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}


def unwrap_key(content: dict[str, Any], passphrase: str) -> bytes:
    """The database key, or `WrongPassphrase`. A malformed file is a `KeyFileError`."""
    try:
        if content.get("format") != FORMAT or content.get("version") != FORMAT_VERSION:
            raise KeyFileError("The key file is not a CaseDesk key file (unknown format or version).")
        kdf_fields = content["kdf"]
        if kdf_fields.get("algorithm") != "argon2id" or content.get("cipher") != "AES-256-GCM":
            raise KeyFileError("The key file names an algorithm CaseDesk does not use.")
        kdf = KdfParams(
            time_cost=int(kdf_fields["time_cost"]),
            memory_cost_kib=int(kdf_fields["memory_cost_kib"]),
            parallelism=int(kdf_fields["parallelism"]),
        )
        salt = _unb64(kdf_fields["salt"])
        nonce = _unb64(content["nonce"])
        wrapped = _unb64(content["wrapped_key"])
        header = {k: content[k] for k in ("format", "version", "database_id", "kdf", "cipher")}
    except KeyFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError("The key file is damaged: a required part is missing or malformed.") from exc
    try:
        key = AESGCM(kdf.derive(passphrase, salt)).decrypt(nonce, wrapped, _associated_data(header))
    except InvalidTag:
        raise WrongPassphrase() from None
    if len(key) != KEY_BYTES:
        raise KeyFileError("The key file is damaged: the key has the wrong length.")
    return key


def read_key_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise KeyFileError(
            f"No key file at {path}. Without it the database cannot be opened "
            "(it was wiped, or the database was copied without it)."
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"The key file {path} is damaged and cannot be read.") from exc
    if not isinstance(content, dict):
        raise KeyFileError(f"The key file {path} is damaged and cannot be read.")
    return content


def write_key_file(path: Path, content: dict[str, Any]) -> None:
    """Write atomically (temp file, fsync, rename) so a crash never leaves half a key file."""
    tmp = path.with_name(path.name + ".tmp")
    data = json.dumps(content, indent=2).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def destroy_key_file(path: Path) -> None:
    """Overwrite the key file with random bytes, then delete it: the database becomes unreadable."""
    if not path.exists():
        return
    size = max(path.stat().st_size, 512)
    with open(path, "r+b") as handle:
        handle.write(secrets.token_bytes(size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
