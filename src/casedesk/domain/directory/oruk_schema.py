"""The shipped ORUK schemas, the format checks, and import problems worded for a person.

Schemas are bundled in `resources/directory/schemas/` (copied from the ORUK 3.0 UK profile and the ORUK 1.0
OpenAPI description) so validation never needs the network and always uses the version CaseDesk was tested with.

Format checks are on: the ORUK validator's failing examples only fail with them (an email without "@", a web
address without a scheme). jsonschema checks `uri` and `date-time` only with optional extra packages, so CaseDesk
supplies small checkers of its own rather than silently skipping those formats.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from casedesk.paths import resource_path


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an import: which file, where in it (row or JSON path), which field, and what is wrong."""

    file: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.location, f"field '{self.field}'" if self.field else "") if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


# --- Formats -----------------------------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

FORMAT_WORDS = {
    "uuid": "identifier (a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)",
    "email": "email address",
    "uri": "web address (it must start with a scheme such as https://)",
    "url": "web address (it must start with a scheme such as https://)",
    "date": "date (YYYY-MM-DD)",
    "date-time": "date and time (such as 2024-03-15T10:30:00Z)",
    "time": "time (HH:MM:SS)",
}


def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not value or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return bool(_SCHEME.match(parts.scheme or "")) and bool(parts.netloc or parts.path)


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def format_checker() -> FormatChecker:
    """jsonschema's checker plus `uri`, `date-time`, a strict `uuid` and an email that needs a domain."""
    checker = FormatChecker()
    for name, check in (("uri", is_uri), ("date-time", is_date_time), ("uuid", is_uuid), ("email", is_email)):
        checker.checks(name)(check)
    return checker


# --- Schemas -----------------------------------------------------------------------------------------------------

ORUK3_SCHEMAS = (
    "service",
    "service_list",
    "organization",
    "organization_list",
    "service_at_location",
    "service_at_location_list",
    "taxonomy",
    "taxonomy_term",
)


def _read_json(*parts: str) -> Any:
    with resource_path("directory", "schemas", *parts).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _oruk3_registry() -> Registry:
    resources = [
        (f"{name}.json", DRAFT202012.create_resource(_read_json("oruk3", f"{name}.json"))) for name in ORUK3_SCHEMAS
    ]
    return Registry().with_resources(resources)


@cache
def oruk3_validator(kind: str) -> Draft202012Validator:
    """A validator for an ORUK 3.0 object kind (`service`, `service_list` for page items, `taxonomy_term`…)."""
    if kind not in ORUK3_SCHEMAS:
        raise KeyError(kind)
    schema = _read_json("oruk3", f"{kind}.json")
    return Draft202012Validator(schema, registry=_oruk3_registry(), format_checker=format_checker())


@cache
def oruk1_validator() -> Draft7Validator:
    """The ORUK 1.0 `/services` item schema from its OpenAPI description (OpenAPI 3.0 schemas are draft-7-like)."""
    schema = _read_json("oruk1", "openapi.json")["components"]["schemas"]["service"]
    return Draft7Validator(schema, format_checker=format_checker())


@cache
def bundled_datapackage(version: str) -> dict[str, Any]:
    """The table schemas for CSV packages: `oruk3` (the UK profile) or `oruk1` (ORUK 1.0 extended HSDS 1.1)."""
    return _read_json(version, "datapackage.json")


# --- Turning jsonschema errors into issues -----------------------------------------------------------------------


def json_path(path: Iterable[str | int]) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        return missing[1] if missing else ""
    names = [part for part in error.absolute_path if isinstance(part, str)]
    return names[-1] if names else ""


def describe(error: ValidationError) -> str:
    """A plain sentence for a schema error, naming the value and what was expected."""
    value = error.instance
    if error.validator == "format":
        words = FORMAT_WORDS.get(str(error.validator_value), f"'{error.validator_value}'")
        return f"{value!r} is not a valid {words}"
    if error.validator == "required":
        return "is required but missing"
    if error.validator == "enum":
        options = error.validator_value if isinstance(error.validator_value, list) else []
        allowed = ", ".join(repr(option) for option in options)
        return f"{value!r} is not one of the allowed values: {allowed}"
    if error.validator == "type":
        return f"{value!r} should be of type {error.validator_value}"
    if error.validator == "pattern":
        return f"{value!r} does not have the expected form"
    return error.message


def schema_issues(
    validator: Draft202012Validator | Draft7Validator, instance: Any, file: str, prefix: tuple[str | int, ...] = ()
) -> list[ImportIssue]:
    """Every schema error for one object, in document order, as issues located by JSON path."""
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [
        ImportIssue(file, json_path((*prefix, *error.absolute_path)), _field_of(error), describe(error))
        for error in errors
    ]
