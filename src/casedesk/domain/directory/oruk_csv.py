"""HSDS / ORUK CSV data packages: a folder of CSV tables described by `datapackage.json`.

Each table is checked row by row against its Table Schema (required values, types, formats such as uuid, email
and uri, allowed values, unique keys) and against the links between tables (a service's organization must exist),
with problems reported as file, row (numbered as a spreadsheet shows it: the header is row 1) and field.

The package's own `datapackage.json` describes its tables and is used when present; a folder without one (such as
the ORUK 3.0 example CSVs) is read with the bundled ORUK 3.0 descriptor. Rows are assembled into ORUK-shaped
services — 3.0 packages directly, HSDS 1.1 / ORUK 1.0 packages through the 1.0 → 3.0 conversion — so CSV and
JSON imports produce identical records.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casedesk.domain.directory.oruk_map import organization_from, service_from_oruk3
from casedesk.domain.directory.oruk_result import ParseResult
from casedesk.domain.directory.oruk_schema import (
    FORMAT_WORDS,
    ImportIssue,
    bundled_datapackage,
    is_date_time,
    is_email,
    is_uri,
    is_uuid,
)
from casedesk.domain.directory.oruk_v1 import oruk1_to_oruk3

_ORUK1_TABLES = {"physical_address", "regular_schedule", "eligibility", "services_at_location", "service_taxonomy"}
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


@dataclass(frozen=True)
class Row:
    table: str
    file: str
    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def _type_problem(value: str, field: dict[str, Any]) -> str | None:
    """Why `value` does not fit the field's Table Schema type or format, or None if it does."""
    kind, fmt = field.get("type", "string"), field.get("format")
    try:
        if kind == "integer":
            int(value)
        elif kind == "number":
            float(value.replace(",", "").lstrip("£$€") if fmt == "currency" else value)
        elif kind == "boolean" and value.lower() not in _TRUE | _FALSE:
            return f"{value!r} is not true or false"
        elif kind == "date":
            datetime.strptime(value, fmt) if fmt and "%" in fmt else date.fromisoformat(value)
        elif kind == "datetime" and not (is_date_time(value) or _iso_datetime(value)):
            return f"{value!r} is not a valid {FORMAT_WORDS['date-time']}"
        elif kind == "time" and not _TIME.match(value):
            return f"{value!r} is not a valid {FORMAT_WORDS['time']}"
    except ValueError:
        words = {"integer": "whole number", "number": "number", "date": FORMAT_WORDS["date"]}.get(kind, kind)
        return f"{value!r} is not a valid {words}"
    checks = {"uuid": is_uuid, "email": is_email, "uri": is_uri, "url": is_uri}
    if kind == "string" and fmt in checks and not checks[fmt](value):
        return f"{value!r} is not a valid {FORMAT_WORDS[fmt]}"
    allowed = (field.get("constraints") or {}).get("enum")
    if allowed and value not in allowed:
        return f"{value!r} is not one of the allowed values: {', '.join(map(repr, allowed))}"
    return None


def _iso_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _read_table(folder: Path, resource: dict[str, Any], errors: list[ImportIssue]) -> list[Row]:
    file = str(resource["path"])
    fields = (resource.get("schema") or {}).get("fields") or []
    try:
        with (folder / file).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = [Row(resource["name"], file, index + 2, dict(values)) for index, values in enumerate(reader)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        errors.append(ImportIssue(file, "", "", f"cannot be read: {error}"))
        return []
    for field in fields:
        if (field.get("constraints") or {}).get("required") and field["name"] not in header:
            errors.append(ImportIssue(file, "header", field["name"], "required column is missing"))
    seen: dict[str, dict[str, int]] = defaultdict(dict)
    primary = (resource.get("schema") or {}).get("primaryKey")
    for row in rows:
        for field in fields:
            name, constraints = field["name"], field.get("constraints") or {}
            if name not in header:
                continue
            value = row.get(name)
            if not value:
                if constraints.get("required"):
                    errors.append(ImportIssue(file, f"row {row.number}", name, "is required but empty"))
                continue
            problem = _type_problem(value, field)
            if problem:
                errors.append(ImportIssue(file, f"row {row.number}", name, problem))
            if constraints.get("unique") or name == primary:
                first = seen[name].setdefault(value, row.number)
                if first != row.number:
                    errors.append(
                        ImportIssue(file, f"row {row.number}", name, f"{value!r} is already used in row {first}")
                    )
    return rows


def _by(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key)].append(row)
    return grouped


def _clean(row: Row) -> dict[str, Any]:
    return {key: value.strip() for key, value in row.values.items() if key and value and value.strip()}


def load_csv_package(folder: Path) -> ParseResult:
    """Read and check every table in the package, then assemble the services that have no problems."""
    own = folder / "datapackage.json"
    errors: list[ImportIssue] = []
    if own.exists():
        try:
            descriptor = json.loads(own.read_text(encoding="utf-8-sig"))
        except (OSError, json.JSONDecodeError) as error:
            issue = ImportIssue("datapackage.json", "", "", f"is not valid JSON: {error}")
            return ParseResult(folder.name, "csv", errors=(issue,), skipped=(f"the whole of {folder.name}",))
    else:  # no descriptor: ORUK 1.0 if its table names are there, else the UK 3.0 profile
        oruk1_files = ("services_at_location.csv", "physical_addresses.csv", "regular_schedules.csv")
        descriptor = bundled_datapackage("oruk1" if any((folder / n).exists() for n in oruk1_files) else "oruk3")
    resources = [
        r for r in descriptor.get("resources") or () if isinstance(r, dict) and r.get("path") and r.get("name")
    ]
    names = {str(r["name"]) for r in resources}
    version = "oruk1" if names & _ORUK1_TABLES else "oruk3"
    tables: dict[str, list[Row]] = {}
    for resource in resources:
        if (folder / str(resource["path"])).exists():
            tables[str(resource["name"])] = _read_table(folder, resource, errors)
    if "service" not in tables:
        errors.append(ImportIssue(folder.name, "", "", "has no services table (services.csv)"))
    services_rows = tables.get("service", [])
    orgs = {row.get("id"): row for row in tables.get("organization", [])}
    for row in services_rows:
        org_id = row.get("organization_id")
        if org_id and "organization" in tables and org_id not in orgs:
            errors.append(
                ImportIssue(
                    row.file,
                    f"row {row.number}",
                    "organization_id",
                    f"refers to organization {org_id}, which is not in the organizations table",
                )
            )
    bad = _affected_services(tables, errors)
    build = _build_v1 if version == "oruk1" else _build_v3
    services, skipped = [], []
    for row in services_rows:
        if row.get("id") in bad or not row.get("id"):
            skipped.append(f"service {row.get('name') or row.get('id')} ({row.file} row {row.number})")
            continue
        services.append(service_from_oruk3(build(row, tables)))
    organizations = tuple(organization_from(_clean(row)) for row in orgs.values() if row.get("id"))
    return ParseResult(folder.name, f"csv-{version}", tuple(services), tuple(errors), tuple(skipped), organizations)


def _affected_services(tables: dict[str, list[Row]], errors: list[ImportIssue]) -> set[str]:
    """Services touched by a problem row (directly, or through their organization, location, contact or address)."""
    by_file_row = {(row.file, f"row {row.number}"): row for rows in tables.values() for row in rows}
    services = tables.get("service", [])
    sal_rows = tables.get("service_at_location", []) + tables.get("services_at_location", [])
    contacts = {row.get("id"): row.get("service_id") for row in tables.get("contact", [])}
    bad: set[str] = set()
    for issue in errors:
        row = by_file_row.get((issue.file, issue.location))
        if row is None:
            continue
        if row.table == "service":
            bad.add(row.get("id"))
        elif row.get("service_id"):
            bad.add(row.get("service_id"))
        elif row.table == "organization":
            bad |= {s.get("id") for s in services if s.get("organization_id") == row.get("id")}
        elif row.get("contact_id") in contacts:
            bad.add(contacts[row.get("contact_id")])
        location = row.get("id") if row.table == "location" else row.get("location_id")
        if location:
            bad |= {s.get("service_id") for s in sal_rows if s.get("location_id") == location}
    return bad


def _locations(
    service_id: str, tables: dict[str, list[Row]], address_tables: tuple[str, ...], key: str
) -> list[dict[str, Any]]:
    locations = {row.get("id"): row for row in tables.get("location", [])}
    addresses = _by([row for name in address_tables for row in tables.get(name, [])], "location_id")
    result = []
    for sal in tables.get("service_at_location", []) + tables.get("services_at_location", []):
        if sal.get("service_id") != service_id or sal.get("location_id") not in locations:
            continue
        location = _clean(locations[sal.get("location_id")])
        location[key] = [_clean(a) for a in addresses.get(sal.get("location_id"), [])]
        result.append({"id": sal.get("id"), "location": location})
    return result


def _build_v3(row: Row, tables: dict[str, list[Row]]) -> dict[str, Any]:
    """An ORUK 3.0 service object from a 3.0 package's rows."""
    service_id = row.get("id")
    related = {name: _by(rows, "service_id").get(service_id, []) for name, rows in tables.items()}
    phones = _by(tables.get("phone", []), "contact_id")
    terms = {t.get("id"): t for t in tables.get("taxonomy_term", [])}
    obj: dict[str, Any] = _clean(row)
    org = next((o for o in tables.get("organization", []) if o.get("id") == row.get("organization_id")), None)
    if org:
        obj["organization"] = _clean(org)
    obj["service_at_locations"] = _locations(service_id, tables, ("address",), "addresses")
    obj["contacts"] = [
        {**_clean(c), "phones": [_clean(p) for p in phones.get(c.get("id"), [])]} for c in related.get("contact", [])
    ]
    obj["schedules"] = [_clean(s) for s in related.get("schedule", [])]
    obj["service_areas"] = [_clean(a) for a in related.get("service_area", [])]
    obj["cost_options"] = [_clean(c) for c in related.get("cost_option", [])]
    obj["attributes"] = [
        {**_clean(a), "taxonomy_term": _clean(terms[a.get("taxonomy_term_id")])}
        for a in tables.get("attribute", [])
        if a.get("link_id") == service_id and a.get("taxonomy_term_id") in terms
    ]
    return obj


def _build_v1(row: Row, tables: dict[str, list[Row]]) -> dict[str, Any]:
    """An ORUK 3.0 service object from an HSDS 1.1 / ORUK 1.0 package's rows, via the 1.0 shape."""
    service_id = row.get("id")
    related = {name: _by(rows, "service_id").get(service_id, []) for name, rows in tables.items()}
    phones = _by(tables.get("phone", []), "contact_id")
    taxonomy = {t.get("id"): t for t in tables.get("taxonomy", [])}
    item: dict[str, Any] = _clean(row)
    org = next((o for o in tables.get("organization", []) if o.get("id") == row.get("organization_id")), None)
    if org:
        item["organization"] = _clean(org)
    item["eligibilitys"] = [_clean(e) for e in related.get("eligibility", [])]
    item["service_areas"] = [_clean(a) for a in related.get("service_area", [])]
    item["regular_schedules"] = [_clean(s) for s in related.get("regular_schedule", [])]
    item["service_at_locations"] = _locations(service_id, tables, ("physical_address",), "physical_addresses")
    item["contacts"] = [
        {**_clean(c), "phones": [_clean(p) for p in phones.get(c.get("id"), [])]} for c in related.get("contact", [])
    ]
    item["phones"] = [_clean(p) for p in related.get("phone", []) if not p.get("contact_id")]
    item["cost_options"] = [_clean(c) for c in related.get("cost_option", [])]
    item["languages"] = [_clean(lang) for lang in related.get("language", [])]
    item["service_taxonomys"] = [
        {"id": link.get("id"), "taxonomy": _clean(taxonomy[link.get("taxonomy_id")])}
        for link in related.get("service_taxonomy", [])
        if link.get("taxonomy_id") in taxonomy
    ]
    return oruk1_to_oruk3(item)
