"""A case-transfer package: one child's record, encrypted for the receiving area and signed by the sending one.

Each area holds two key pairs (`AreaKeys`): Ed25519 to sign what it sends, X25519 to receive. A package is

    {"header": {format, from_area, to_area, package_id, created_at, ephemeral, nonce, signer},
     "ciphertext": base64, "signature": base64}

The payload (JSON) is encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from an X25519 exchange
between a fresh ephemeral key and the receiver's public key (salted with both public keys); the header is the
AEAD's associated data, so it cannot be altered without the decryption failing. The sender signs the header and
ciphertext together with Ed25519, so the receiver checks who sent it before decrypting anything.

`open_package` refuses, with a `PackageRefused` naming why, a package that is malformed, not addressed to this
area, signed by a key other than the sender's known one, altered in any byte, or encrypted for another key.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT = "casedesk-transfer/1"
INFO = b"casedesk case transfer v1"
MAX_PACKAGE = 64 * 1024 * 1024


class PackageRefused(ValueError):
    """The package cannot be accepted; the message says why in plain words."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except (ValueError, TypeError) as exc:
        raise PackageRefused(f"the package's {what} is not valid base64") from exc


def _raw(key: Any) -> bytes:
    return bytes(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


@dataclass(frozen=True)
class AreaPublic:
    """What an area publishes for others: its name and two public keys."""

    area: str
    sign_public: bytes
    box_public: bytes

    def to_json(self) -> dict[str, str]:
        return {"area": self.area, "sign_public": _b64(self.sign_public), "box_public": _b64(self.box_public)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AreaPublic:
        try:
            return cls(str(data["area"]), _unb64(data["sign_public"], "key"), _unb64(data["box_public"], "key"))
        except (KeyError, TypeError) as exc:
            raise PackageRefused("not an area's public key file (area, sign_public, box_public)") from exc


@dataclass(frozen=True)
class AreaKeys:
    """An area's private keys (kept on its server only) and the public half it gives other areas."""

    area: str
    sign_private: bytes
    box_private: bytes

    @classmethod
    def generate(cls, area: str) -> AreaKeys:
        sign = Ed25519PrivateKey.generate().private_bytes_raw()
        box = X25519PrivateKey.generate().private_bytes_raw()
        return cls(area, sign, box)

    @property
    def public(self) -> AreaPublic:
        sign = _raw(Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key())
        box = _raw(X25519PrivateKey.from_private_bytes(self.box_private).public_key())
        return AreaPublic(self.area, sign, box)

    def to_json(self) -> dict[str, str]:
        return {"area": self.area, "sign_private": _b64(self.sign_private), "box_private": _b64(self.box_private)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AreaKeys:
        try:
            return cls(str(data["area"]), _unb64(data["sign_private"], "key"), _unb64(data["box_private"], "key"))
        except (KeyError, TypeError) as exc:
            raise PackageRefused("not an area's private key file (area, sign_private, box_private)") from exc


def _key(shared: bytes, ephemeral: bytes, receiver: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + receiver, info=INFO).derive(shared)


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal(payload: dict[str, Any], sender: AreaKeys, receiver: AreaPublic, now: datetime | None = None) -> bytes:
    """The package bytes: `payload` encrypted for `receiver` and signed by `sender`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(receiver.box_public))
    nonce = uuid.uuid4().bytes[:12]
    header = {
        "format": FORMAT,
        "from_area": sender.area,
        "to_area": receiver.area,
        "package_id": str(uuid.uuid4()),
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "ephemeral": _b64(ephemeral_public),
        "nonce": _b64(nonce),
        "signer": _b64(sender.public.sign_public),
    }
    aad = _header_bytes(header)
    plaintext = json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ciphertext = AESGCM(_key(shared, ephemeral_public, receiver.box_public)).encrypt(nonce, plaintext, aad)
    signature = Ed25519PrivateKey.from_private_bytes(sender.sign_private).sign(aad + ciphertext)
    document = {"header": header, "ciphertext": _b64(ciphertext), "signature": _b64(signature)}
    return json.dumps(document, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class Opened:
    header: dict[str, Any]
    payload: dict[str, Any]


def open_package(data: bytes, receiver: AreaKeys, sender: AreaPublic) -> Opened:
    """Check and decrypt a package from `sender` for `receiver`; `PackageRefused` says why one is not accepted."""
    if len(data) > MAX_PACKAGE:
        raise PackageRefused("the package is larger than any transfer this server accepts")
    try:
        document = json.loads(data)
        header, ciphertext_text, signature_text = document["header"], document["ciphertext"], document["signature"]
        if not isinstance(header, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise PackageRefused("not a case-transfer package") from exc
    if header.get("format") != FORMAT:
        raise PackageRefused(f"unknown package format {header.get('format')!r}")
    if header.get("to_area") != receiver.area:
        raise PackageRefused(f"the package is addressed to {header.get('to_area')!r}, not {receiver.area!r}")
    if header.get("from_area") != sender.area or _unb64(header.get("signer"), "signer") != sender.sign_public:
        raise PackageRefused(f"the package was not signed by {sender.area!r}'s key")
    aad, ciphertext = _header_bytes(header), _unb64(ciphertext_text, "ciphertext")
    try:
        Ed25519PublicKey.from_public_bytes(sender.sign_public).verify(
            _unb64(signature_text, "signature"), aad + ciphertext
        )
    except InvalidSignature as exc:
        raise PackageRefused("the signature does not match: the package was altered or not sent by that area") from exc
    ephemeral, nonce = _unb64(header.get("ephemeral"), "key"), _unb64(header.get("nonce"), "nonce")
    try:
        shared = X25519PrivateKey.from_private_bytes(receiver.box_private).exchange(
            X25519PublicKey.from_public_bytes(ephemeral)
        )
        plaintext = AESGCM(_key(shared, ephemeral, receiver.public.box_public)).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError) as exc:
        raise PackageRefused("the package cannot be decrypted with this area's key: it was sealed for another") from exc
    try:
        payload = json.loads(plaintext)
    except ValueError as exc:
        raise PackageRefused("the package's content is not readable") from exc
    if not isinstance(payload, dict):
        raise PackageRefused("the package's content is not readable")
    return Opened(header, payload)
