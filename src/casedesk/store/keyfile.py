"""The key file: the database's random 256-bit key, wrapped by the user's passphrase.

The database itself is keyed with a raw random key, so opening a connection costs nothing and changing the
passphrase only rewraps 32 bytes. The wrapping is Argon2id(passphrase, salt) → AES-256-GCM; the KDF parameters
and the database id are bound into the GCM associated data, so editing them breaks the unwrap instead of
weakening it. Before any key derivation the parameters are bounded and a checksum over the whole file is
compared, so accidental damage is reported at once as a damaged key file (never as a wrong passphrase, never
as a derivation that runs for hours). Deleting the key file makes the database unreadable for good
(crypto-erase).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casedesk.domain.passphrase import LABELS, MIN_PASSPHRASE_LENGTH, estimate_strength
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
# What a key file may ask for: CaseDesk never writes more (the default is 4 passes over 128 MiB), and anything
# beyond would let a damaged file make every unlock hang or exhaust memory.
KDF_BOUNDS = {"time_cost": (1, 16), "memory_cost_kib": (8192, 1048576), "parallelism": (1, 8)}
CHECKSUM_FIELD = "checksum"


def key_file_path(db_path: Path) -> Path:
    """The key file lives beside the database: `casedesk.db` → `casedesk.db.key`."""
    return db_path.with_name(db_path.name + ".key")


def check_new_passphrase(passphrase: str, min_strength: int = 0) -> None:
    """The length rule always; `min_strength` (a score of the strength meter, 0..4) where a policy sets one."""
    from casedesk.errors import ValidationError

    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.")
    strength = estimate_strength(passphrase)
    if strength.score < min_strength:
        raise ValidationError(
            f"The passphrase is {strength.label.lower()}: your organisation's policy asks for at least "
            f"{LABELS[min_strength].lower()}. {strength.advice}"
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _associated_data(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _checksum(content: dict[str, Any]) -> str:
    """SHA-256 over every other field: detects accidental damage without the passphrase (GCM catches tampering)."""
    fields = {k: v for k, v in content.items() if k != CHECKSUM_FIELD}
    return hashlib.sha256(_associated_data(fields)).hexdigest()


def kdf_params(content: dict[str, Any]) -> KdfParams:
    """The key file's KDF parameters, each an integer within `KDF_BOUNDS`, else `KeyFileError`."""
    fields = content.get("kdf")
    if not isinstance(fields, dict):
        raise KeyFileError("The key file is damaged: its key-derivation settings are missing.")
    values: dict[str, int] = {}
    for name, (low, high) in KDF_BOUNDS.items():
        value = fields.get(name)
        if type(value) is not int or not low <= value <= high:
            raise KeyFileError(f"The key file is damaged: its key-derivation setting {name} is out of range.")
        values[name] = value
    if values["memory_cost_kib"] < 8 * values["parallelism"]:
        raise KeyFileError("The key file is damaged: its key-derivation settings are inconsistent.")
    return KdfParams(**values)


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
    content = {**header, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}
    return {**content, CHECKSUM_FIELD: _checksum(content)}


def unwrap_key(content: dict[str, Any], passphrase: str) -> bytes:
    """The database key, or `WrongPassphrase`. A malformed file is a `KeyFileError`."""
    try:
        if content.get("format") != FORMAT or content.get("version") != FORMAT_VERSION:
            raise KeyFileError("The key file is not a CaseDesk key file (unknown format or version).")
        # Files written before the checksum existed have none; every file written since must match it.
        if CHECKSUM_FIELD in content and content[CHECKSUM_FIELD] != _checksum(content):
            raise KeyFileError("The key file is damaged: its checksum does not match its content.")
        kdf_fields = content["kdf"]
        if kdf_fields.get("algorithm") != "argon2id" or content.get("cipher") != "AES-256-GCM":
            raise KeyFileError("The key file names an algorithm CaseDesk does not use.")
        kdf = kdf_params(content)
        salt = _unb64(kdf_fields["salt"])
        nonce = _unb64(content["nonce"])
        wrapped = _unb64(content["wrapped_key"])
        header = {k: content[k] for k in ("format", "version", "database_id", "kdf", "cipher")}
    except KeyFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KeyFileError("The key file is damaged: a required part is missing or malformed.") from exc
    if len(salt) < 8 or len(nonce) != 12:
        raise KeyFileError("The key file is damaged: its salt or nonce has the wrong length.")
    try:
        key = AESGCM(kdf.derive(passphrase, salt)).decrypt(nonce, wrapped, _associated_data(header))
    except HashingError as exc:
        raise KeyFileError("The key file is damaged: its key-derivation settings cannot be used.") from exc
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
    """Write atomically (temp file, fsync, rename, fsync of the folder) so a crash never leaves half a key file;
    readable by its owner only."""
    tmp = path.with_name(path.name + ".tmp")
    data = json.dumps(content, indent=2).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)  # an existing temp file keeps its mode through O_CREAT
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
