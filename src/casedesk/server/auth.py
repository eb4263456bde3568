"""Passwords, enrolment codes and device tokens.

- Passwords are hashed with Argon2id (argon2-cffi's defaults): slow on purpose, because people reuse them.
- Enrolment codes and device tokens are random (≥ 50 bits and 256 bits), so a fast SHA-256 is enough to store
  them: the server keeps only hashes, and a stolen server database gives no usable token.
- Login attempts are limited (see `casedesk.server.db.ratelimits`), so a password cannot be guessed online.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from casedesk.domain import roles
from casedesk.sync.wire import ErrorBody

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed


class AuthFailure(Exception):
    """Credentials, a code or a token were refused. `code` is the stable error code sent to the device."""

    def __init__(self, code: str, detail: str, status: int = 401) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """These refusals declared as an endpoint's answers (`responses=`), each with the error body every refusal
    has: a client, and the API's own fuzz test, may rely on every status a call can answer with being listed."""
    return {status: {"model": ErrorBody} for status in statuses}


def is_administrator(user: Any) -> bool:
    """Whether a user (a `users` row) administers their organisation: may list its users and devices, revoke a
    device and issue enrolment codes over the API. The one place this is decided: the administrator role
    (`admin user role NAME administrator`, see `casedesk.domain.roles`) or the per-user flag that came before
    roles (`admin set-administrator`), still honoured so an administrator made then keeps the page."""
    if bool(getattr(user, "is_admin", False)):
        return True
    role = getattr(user, "role", None)
    return bool(role) and roles.may(role, roles.Action.MANAGE_DEVICES)


def may_manage_directory(user: Any) -> bool:
    """Whether a user (a `users` row, or a device row with its user's columns) may change the area's directory,
    needs taxonomy and guidance: an administrator, or a user given the directory-manager permission
    (`admin user directory-manager`). The one place this is decided; the push refuses anyone else's change."""
    return bool(getattr(user, "manages_directory", False)) or (
        is_administrator(user) or roles.may(getattr(user, "role", None), roles.Action.MANAGE_DIRECTORY)
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")
