"""England's child identifiers: UPN, NHS number, ULN and UK postcodes.

Each identifier has a quick `*_is_valid(s) -> bool` and a `check_*(s) -> IdentifierCheck` that says in plain
words what is wrong (for a practitioner typing it in, not a programmer). The rules are those of DOMAIN.md:
a mistyped identifier is the commonest way two records of one child fail to meet, so the check digit is always
verified. An LA code missing from the DfE list is only a *warning*, because the list predates LAs created
since 2023 and rejecting a real child's UPN would be worse than letting an unusual one through.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from casedesk.paths import resource_path

# The 23 check letters, values 0..22. I, O and S are never used.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_TEN_DIGITS = re.compile(r"^\d{10}$")
TEMPORARY_ULN = "9999999999"
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d[ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True)
class IdentifierCheck:
    """The outcome of checking one identifier: the normalised value, blocking errors and advisory warnings."""

    value: str
    errors: tuple[str, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def _squash(text: str | None) -> str:
    """Remove spaces and hyphens people type inside identifiers, and upper-case letters."""
    return re.sub(r"[\s-]", "", text or "").upper()


# --- UPN ---------------------------------------------------------------------------------------------------------


@cache
def known_la_codes() -> frozenset[str]:
    """The DfE's list of LA codes valid in a UPN (CIN 1530), shipped under resources/reference/."""
    data = json.loads(resource_path("reference", "upn_valid_la_codes_cin1530.json").read_text(encoding="utf-8"))
    return frozenset(data["codes"])


def _upn_char_value(char: str) -> int:
    return int(char) if char.isdigit() else UPN_LETTERS.index(char)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (positions 2–13 weighted 2..13, sum mod 23)."""
    if len(body) != 12:
        raise ValueError("a UPN body is 12 characters")
    total = sum(_upn_char_value(char) * weight for weight, char in enumerate(body, start=2))
    return UPN_LETTERS[total % 23]


def make_upn(la_code: str, establishment: str, year: int, serial: int) -> str:
    """Build a valid permanent UPN (for demo data and tests): check letter + LA + DfE number + year + serial."""
    body = f"{la_code:0>3}{establishment:0>4}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


def check_upn(text: str | None) -> IdentifierCheck:
    value = _squash(text)
    if not value:
        return IdentifierCheck(value, ("Enter the UPN, or choose why it is not known.",))
    if len(value) != 13:
        return IdentifierCheck(value, (f"A UPN has 13 characters; this has {len(value)}.",))
    if not _UPN_SHAPE.match(value):
        return IdentifierCheck(
            value, ("A UPN is a letter, then 11 digits, then a digit (or a letter for a temporary UPN).",)
        )
    if value[0] not in UPN_LETTERS or (value[-1].isalpha() and value[-1] not in UPN_LETTERS):
        return IdentifierCheck(value, ("UPNs never use the letters I, O or S.",))
    expected = upn_check_letter(value[1:])
    if value[0] != expected:
        return IdentifierCheck(
            value, (f"The check letter does not match (expected {expected}): a character may be mistyped.",)
        )
    warnings: list[str] = []
    if value[1:4] not in known_la_codes():
        warnings.append(f"LA code {value[1:4]} is not on the DfE list; check it if the LA is not a new one.")
    if value[-1].isalpha():
        warnings.append("This is a temporary UPN; record the permanent one when the school has it.")
    return IdentifierCheck(value, (), tuple(warnings))


def upn_is_valid(text: str | None) -> bool:
    """True for a well-formed UPN with the right check letter (an unknown LA code is still valid)."""
    return check_upn(text).ok


# --- NHS number and ULN: modulus 11 ------------------------------------------------------------------------------


def _weighted_sum(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS number check digit, or None when these nine digits cannot begin a valid number."""
    check = 11 - _weighted_sum(first_nine) % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def make_nhs_number(first_nine: str) -> str | None:
    """A valid NHS number from nine digits (e.g. a 999 test prefix), or None if none exists for them."""
    check = nhs_check_digit(first_nine)
    return None if check is None else f"{first_nine}{check}"


def check_nhs_number(text: str | None) -> IdentifierCheck:
    value = _squash(text)
    if not _TEN_DIGITS.match(value):
        return IdentifierCheck(value, ("An NHS number has 10 digits (spaces are fine).",))
    expected = nhs_check_digit(value[:9])
    if expected is None or expected != int(value[9]):
        return IdentifierCheck(value, ("The last digit (check digit) does not match: a digit may be mistyped.",))
    warnings = ("This is an NHS test number (starts 999).",) if value.startswith("999") else ()
    return IdentifierCheck(value, (), warnings)


def nhs_number_is_valid(text: str | None) -> bool:
    return check_nhs_number(text).ok


def format_nhs_number(value: str) -> str:
    """The NHS's own 3-3-4 display format."""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value


def uln_check_digit(first_nine: str) -> int | None:
    remainder = _weighted_sum(first_nine) % 11
    return None if remainder == 0 else 10 - remainder


def check_uln(text: str | None) -> IdentifierCheck:
    value = _squash(text)
    if not _TEN_DIGITS.match(value):
        return IdentifierCheck(value, ("A ULN has 10 digits.",))
    if value == TEMPORARY_ULN:
        return IdentifierCheck(value, (), ("9999999999 is the temporary ULN; record the real one when known.",))
    expected = uln_check_digit(value[:9])
    if expected is None or expected != int(value[9]):
        return IdentifierCheck(value, ("The last digit (check digit) does not match: a digit may be mistyped.",))
    return IdentifierCheck(value)


def uln_is_valid(text: str | None) -> bool:
    return check_uln(text).ok


def make_uln(first_nine: str) -> str | None:
    check = uln_check_digit(first_nine)
    return None if check is None else f"{first_nine}{check}"


# --- Postcodes ---------------------------------------------------------------------------------------------------


def normalise_postcode(text: str | None) -> str:
    """Upper case with one space before the inward code (`sw1a1aa` → `SW1A 1AA`)."""
    value = _squash(text)
    return f"{value[:-3]} {value[-3:]}" if len(value) > 3 else value


def check_postcode(text: str | None) -> IdentifierCheck:
    value = normalise_postcode(text)
    if not _POSTCODE.match(value):
        return IdentifierCheck(value, ("This is not a UK postcode (for example SW1A 1AA).",))
    return IdentifierCheck(value)


def postcode_is_valid(text: str | None) -> bool:
    return check_postcode(text).ok


def postcode_district(text: str | None) -> str | None:
    """The outward code (`LS6 3AB` → `LS6`), used to match services by area without the full address."""
    check = check_postcode(text)
    return check.value.split(" ")[0] if check.ok else None


def normalise_identifier(text: str | None) -> str | None:
    """Squashed upper-case form for storage and lookup, or None for blank."""
    value = _squash(text)
    return value or None
