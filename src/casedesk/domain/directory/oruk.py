"""Reading Open Referral UK directories into `Service` records, with every problem reported.

Accepted: ORUK 3.0 JSON (a service, organization, service-at-location, taxonomy or taxonomy term, or an API page
of them under `contents`), ORUK 1.0 JSON (a service or a `/services` page under `content`) and CSV data packages
(`oruk_csv`). Everything is validated against the bundled schemas with format checks on, plus a few rules the
schemas cannot express (an identifier reused by a different record, a term that is its own parent, a minimum age
above the maximum). Each problem names the file, the JSON path or CSV row, and the field.

Parsing never writes anything: the result lists the valid services, the problems, and which records were
skipped, so the importer can refuse the whole file (the default) or import the rest (`--skip-invalid`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from casedesk.domain.directory.model import Organization, Service, TaxonomyTerm
from casedesk.domain.directory.oruk_csv import load_csv_package
from casedesk.domain.directory.oruk_map import organization_from, services_from_record, term_from
from casedesk.domain.directory.oruk_result import PageInfo, ParseResult
from casedesk.domain.directory.oruk_schema import (
    ImportIssue,
    json_path,
    oruk1_validator,
    oruk3_validator,
    schema_issues,
)
from casedesk.domain.directory.oruk_v1 import ORUK1_ONLY_KEYS, oruk1_to_oruk3
from casedesk.domain.directory.oruk_x import EXTENSION_KEY, extension_issues
from casedesk.paths import resource_path

Path_ = tuple[str | int, ...]


# --- Entry points ------------------------------------------------------------------------------------------------


def load_directory(path: Path) -> ParseResult:
    """A file or a CSV data-package folder, whichever `path` is."""
    if path.is_dir():
        return load_csv_package(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        return _failed(path.name, f"cannot be read: {error}")
    except json.JSONDecodeError as error:
        return _failed(path.name, f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    return parse_json(data, path.name)


def sample_services() -> tuple[Service, ...]:
    """The bundled fictional Leeds directory (`resources/directory/sample_services.json`) for demos and tests."""
    result = load_directory(resource_path("directory", "sample_services.json"))
    if result.errors:
        raise ValueError("the bundled sample directory is invalid: " + "; ".join(map(str, result.errors[:3])))
    return result.services


def _failed(file: str, message: str, fmt: str = "unknown") -> ParseResult:
    return ParseResult(file, fmt, errors=(ImportIssue(file, "", "", message),), skipped=(f"the whole of {file}",))


def parse_json(data: Any, file: str) -> ParseResult:
    """Parse an already-decoded ORUK document (a file's contents or an API response)."""
    if isinstance(data, dict) and isinstance(data.get("content"), list) and "contents" not in data:
        items, page, version = data["content"], _page(data, "number", "totalPages", "totalElements"), "oruk1"
        prefix: Path_ = ("content",)
    elif isinstance(data, dict) and "contents" in data:
        if not isinstance(data["contents"], list):
            return _failed(file, "'contents' must be a list of records", "oruk3")
        items, page, version, prefix = (
            data["contents"],
            _page(data, "page_number", "total_pages", "total_items"),
            "oruk3",
            ("contents",),
        )
    elif isinstance(data, list):
        items, page, version, prefix = data, None, "oruk3", ()
    elif isinstance(data, dict):
        version = "oruk1" if ORUK1_ONLY_KEYS & data.keys() else "oruk3"
        return _parse_items([data], file, version, None, None)
    else:
        return _failed(file, "is not an ORUK record or page (expected a JSON object)")
    return _parse_items(items, file, version, page, prefix)


def _page(data: dict[str, Any], number: str, pages: str, total: str) -> PageInfo | None:
    try:
        return PageInfo(int(data[number]), int(data[pages]), int(data[total]) if total in data else None)
    except (KeyError, TypeError, ValueError):
        return None


# --- Kinds of record ---------------------------------------------------------------------------------------------


def record_kind(obj: dict[str, Any]) -> str:
    """Which ORUK 3.0 object a JSON object is; files rarely say, so it is read from the properties present."""
    keys = obj.keys()
    if "service" in keys and "location" in keys:
        return "service_at_location"
    if "status" in keys or "service_areas" in keys or "schedules" in keys:
        return "service"
    if "taxonomy_terms" in keys or {"version", "uri"} <= keys:
        return "taxonomy"
    if "term" in keys or "term_uri" in keys or isinstance(obj.get("taxonomy"), str):
        return "taxonomy_term"
    if keys & {"services", "website", "logo", "organization_identifiers", "parent_organization_id"}:
        return "organization"
    return "service"


_LIST_SCHEMA = {
    "service": "service_list",
    "organization": "organization_list",
    "service_at_location": "service_at_location_list",
}

# Parent property → the kind of object found under it, for the identifier-reuse check.
_CHILD_KIND = {
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "location": "location",
    "addresses": "address",
    "accessibility": "accessibility",
    "languages": "language",
    "organization": "organization",
    "organization_identifiers": "organization_identifier",
    "funding": "funding",
    "cost_options": "cost_option",
    "contacts": "contact",
    "phones": "phone",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_terms": "taxonomy_term",
    "services": "service",
    "service": "service",
}


def _objects(obj: Any, kind: str, path: Path_) -> Iterator[tuple[str, Path_, dict[str, Any]]]:
    """Every nested object with its kind and path."""
    if isinstance(obj, dict):
        yield kind, path, obj
        for key, value in obj.items():
            child = _CHILD_KIND.get(key)
            if child and isinstance(value, list):
                for index, item in enumerate(value):
                    yield from _objects(item, child, (*path, key, index))
            elif child:
                yield from _objects(value, child, (*path, key))


def _rule_issues(
    obj: dict[str, Any], kind: str, file: str, path: Path_, seen: dict[str, tuple[str, Path_]]
) -> list[ImportIssue]:
    """Rules beyond the schema. `seen` carries identifiers across the whole document."""
    issues: list[ImportIssue] = []
    for sub_kind, sub_path, sub in _objects(obj, kind, path):
        ident = sub.get("id")
        if isinstance(ident, str) and ident:
            first = seen.setdefault(ident, (sub_kind, sub_path))
            if first[0] != sub_kind:
                message = f"identifier {ident} is already used by the {first[0]} at {json_path(first[1])}"
                issues.append(ImportIssue(file, json_path((*sub_path, "id")), "id", message))
        parent_key = {"taxonomy_term": "parent_id", "organization": "parent_organization_id"}.get(sub_kind)
        if parent_key and ident and sub.get(parent_key) == ident:
            issues.append(
                ImportIssue(
                    file, json_path((*sub_path, parent_key)), parent_key, f"a {sub_kind} cannot be its own parent"
                )
            )
        low, high = sub.get("minimum_age"), sub.get("maximum_age")
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            issues.append(
                ImportIssue(
                    file,
                    json_path((*sub_path, "minimum_age")),
                    "minimum_age",
                    f"minimum age {low} is above the maximum age {high}",
                )
            )
        if sub_kind == "service" and EXTENSION_KEY in sub:
            issues += extension_issues(sub[EXTENSION_KEY], file, (*sub_path, EXTENSION_KEY))
    return issues


# --- Parsing -----------------------------------------------------------------------------------------------------


def _parse_items(items: list[Any], file: str, version: str, page: PageInfo | None, prefix: Path_ | None) -> ParseResult:
    errors: list[ImportIssue] = []
    skipped: list[str] = []
    services: list[Service] = []
    organizations: list[Organization] = []
    terms: list[TaxonomyTerm] = []
    seen: dict[str, tuple[str, Path_]] = {}
    for index, item in enumerate(items):
        path: Path_ = () if prefix is None else (*prefix, index)
        if not isinstance(item, dict):
            errors.append(ImportIssue(file, json_path(path), "", "is not a JSON object"))
            skipped.append(f"record at {json_path(path)}")
            continue
        if version == "oruk1":
            issues = schema_issues(oruk1_validator(), item, file, path)
            record, kind = oruk1_to_oruk3(item), "service"
        else:
            kind = record_kind(item)
            schema = _LIST_SCHEMA.get(kind, kind) if prefix is not None else kind
            issues = schema_issues(oruk3_validator(schema), item, file, path)
            record = item
        issues += _rule_issues(record, kind, file, path, seen)
        if issues:
            errors += issues
            skipped.append(
                f"{kind.replace('_', ' ')} {item.get('name') or item.get('id') or ''} at {json_path(path)}".strip()
            )
            continue
        found = services_from_record(record, kind)
        services += found
        if kind == "organization":
            organizations.append(organization_from(record))
        elif kind == "taxonomy_term":
            terms.append(term_from(record))
        elif kind == "taxonomy":
            terms += [term_from({"taxonomy": record.get("name", ""), **t}) for t in record.get("taxonomy_terms") or ()]
    return ParseResult(
        file, version, tuple(services), tuple(errors), tuple(skipped), tuple(organizations), tuple(terms), page
    )
