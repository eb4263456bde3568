"""The rules a child's details must meet, shared by the form, the CSV import and the service layer.

One function decides, so the form's inline messages, an import's row-by-row report and the service's refusal
can never disagree. Errors block saving; warnings are shown but let a practitioner go on, because real
children sometimes have unusual but true details (a new LA's code, a temporary UPN, no UPN yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from casedesk.domain import identifiers as ids
from casedesk.domain import schema
from casedesk.domain.records import age_on
from casedesk.domain.vocab import Sex

CHILD = schema.record("children")
NAME_MAX = CHILD.by_name["given_name"].max_length or 0
_NAMES = ("given_name", "family_name", "preferred_name")
OLDEST_AGE = 25  # care leavers are supported up to 25
_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "gender",
    "address_line1",
    "address_line2",
    "town",
)
_IDENTIFIER_FIELDS = ("upn", "uln", "nhs_number", "la_code")
_OWN_CHECKS = frozenset({*_NAMES, *_IDENTIFIER_FIELDS, "postcode"})  # fields whose format check says more

Problem = tuple[str, str]


@dataclass(frozen=True)
class ValidationReport:
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages_for(self, field_name: str) -> list[str]:
        return [m for f, m in (*self.errors, *self.warnings) if f == field_name]


def normalise_child(values: dict[str, Any]) -> dict[str, Any]:
    """Tidy what was typed: trim and collapse spaces, blank → None, identifiers squashed, postcode spaced."""
    out = dict(values)
    for name in _TEXT_FIELDS:
        if name in out:
            text = re.sub(r"\s+", " ", str(out[name] or "")).strip()
            out[name] = text or None
    for name in _IDENTIFIER_FIELDS:
        if name in out:
            out[name] = ids.normalise_identifier(out[name])
    if out.get("nhs_number"):
        out["nhs_number"] = out["nhs_number"].replace(" ", "")
    if "postcode" in out:
        out["postcode"] = ids.normalise_postcode(out["postcode"]) or None
    if "upn_unknown_reason" in out:
        out["upn_unknown_reason"] = ids.normalise_identifier(out["upn_unknown_reason"])
    if "sex" in out:
        out["sex"] = ids.normalise_identifier(out["sex"]) or Sex.UNKNOWN.value
    return out


def _check_names(values: dict[str, Any], errors: list[Problem]) -> None:
    for name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        if not values.get(name):
            errors.append((name, f"{label} is required."))
    for name in _NAMES:
        if len(values.get(name) or "") > NAME_MAX:
            errors.append((name, f"Names are at most {NAME_MAX} characters."))


def _check_lengths(values: dict[str, Any], errors: list[Problem]) -> None:
    """Every other free-text field within the length the record catalogue declares (what a device can sync)."""
    for spec in CHILD.fields:
        if spec.type is not schema.FieldType.TEXT or spec.choices or spec.name in _OWN_CHECKS:
            continue
        value = values.get(spec.name)
        if isinstance(value, str) and spec.max_length is not None and len(value) > spec.max_length:
            label = spec.name.replace("_", " ").capitalize()
            errors.append((spec.name, f"{label} is at most {spec.max_length} characters."))


def _check_birth(values: dict[str, Any], today: date, errors: list[Problem], warnings: list[Problem]) -> None:
    born = values.get("date_of_birth")
    if born is None:
        errors.append(("date_of_birth", "Date of birth is required."))
    elif not isinstance(born, date):
        errors.append(("date_of_birth", "Date of birth is not a date (use YYYY-MM-DD)."))
    elif born > today:
        errors.append(("date_of_birth", "Date of birth cannot be in the future."))
    elif age_on(born, today) > OLDEST_AGE:
        warnings.append(("date_of_birth", f"This child would be over {OLDEST_AGE}; check the year of birth."))


def _check_upn(values: dict[str, Any], today: date, errors: list[Problem], warnings: list[Problem]) -> None:
    upn, reason = values.get("upn"), values.get("upn_unknown_reason")
    if reason and reason not in (CHILD.by_name["upn_unknown_reason"].choices or ()):
        errors.append(("upn", f"{reason} is not a reason code (UN1–UN7)."))
    if upn:
        if reason:
            errors.append(("upn", "Give either a UPN or a reason it is not known, not both."))
        check = ids.check_upn(upn)
        errors.extend(("upn", m) for m in check.errors)
        warnings.extend(("upn", m) for m in check.warnings)
    elif not reason:
        born = values.get("date_of_birth")
        if isinstance(born, date) and 5 <= age_on(born, today) <= 16:
            warnings.append(("upn", "No UPN: add it, or choose why it is not known (UN1–UN7)."))


def validate_child(values: dict[str, Any], today: date) -> ValidationReport:
    """Check normalised child details; each problem is (field, message in plain words)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    _check_names(values, errors)
    _check_lengths(values, errors)
    _check_birth(values, today, errors, warnings)
    _check_upn(values, today, errors, warnings)
    for name, check in (("uln", ids.check_uln), ("nhs_number", ids.check_nhs_number)):
        if values.get(name):
            result = check(values[name])
            errors.extend((name, m) for m in result.errors)
            warnings.extend((name, m) for m in result.warnings)
    if values.get("postcode"):
        errors.extend(("postcode", m) for m in ids.check_postcode(values["postcode"]).errors)
    la_code = values.get("la_code")
    if la_code and not re.fullmatch(r"\d{3}", la_code):
        errors.append(("la_code", "An LA code is three digits (for example 383 for Leeds)."))
    sex = values.get("sex")
    if sex and sex not in (CHILD.by_name["sex"].choices or ()):
        errors.append(("sex", "Sex is F, M or U (not known)."))
    return ValidationReport(tuple(errors), tuple(warnings))
