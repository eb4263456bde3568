"""ORUK import and export: every shipped example reads, every bad file says clearly what is wrong and where."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from casedesk.domain.directory.model import LEVELS, NeedDomain, Service
from casedesk.domain.directory.oruk import load_directory, parse_json, record_kind, sample_services
from casedesk.domain.directory.oruk_export import export_issues, to_oruk3, to_oruk3_page
from casedesk.domain.directory.oruk_schema import is_date_time, is_uri, is_uuid, oruk3_validator
from casedesk.paths import resource_path
from tests.factories import SHARED_DATA

DATA = SHARED_DATA
EXAMPLES = DATA / "oruk_uk_profile_3.0" / "examples"
MOCKS = DATA / "oruk_validator_mocks"
HSDS = DATA / "hsds_1.1_sample_datapackage"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- Official ORUK 3.0 examples ----------------------------------------------------------------------------------

# file: (kind, services, organizations, taxonomy terms, paged)
EXAMPLE_COUNTS = {
    "service_full.json": ("service", 1, 0, 0, False),
    "service_list.json": ("service", 1, 0, 0, True),
    "organization_full.json": ("organization", 1, 1, 0, False),
    "organization_list.json": ("organization", 0, 1, 0, True),
    "service_at_location_full.json": ("service_at_location", 1, 0, 0, False),
    "service_at_location_list.json": ("service_at_location", 1, 0, 0, True),
    "taxonomy.json": ("taxonomy", 0, 0, 1, False),
    "taxonomy_list.json": ("taxonomy", 0, 0, 0, True),
    "taxonomy_term.json": ("taxonomy_term", 0, 0, 1, False),
    "taxonomy_term_list.json": ("taxonomy_term", 0, 0, 1, True),
}


def test_every_example_is_covered() -> None:
    assert {p.name for p in EXAMPLES.glob("*.json")} == set(EXAMPLE_COUNTS)


@pytest.mark.parametrize("name", sorted(EXAMPLE_COUNTS))
def test_oruk3_examples_import(name: str) -> None:
    kind, services, organizations, terms, paged = EXAMPLE_COUNTS[name]
    result = load_directory(EXAMPLES / name)
    assert result.ok, [str(e) for e in result.errors]
    assert result.format == "oruk3"
    assert (len(result.services), len(result.organizations), len(result.taxonomy_terms)) == (
        services,
        organizations,
        terms,
    )
    assert (result.page is not None) == paged
    data = json.loads((EXAMPLES / name).read_text())
    assert record_kind(data["contents"][0] if paged else data) == kind
    for service in result.services:
        assert service.id == SERVICE_ID
        assert service.name == "Community Counselling"
        assert (service.minimum_age, service.maximum_age) == (12, 100)
        assert service.status == "active"


def test_service_full_fields() -> None:
    (service,) = load_directory(EXAMPLES / "service_full.json").services
    assert service.organization is not None and service.organization.name == "Example Organization Inc."
    assert service.url == "http://example.com/counselling" and service.email == "email@example.com"
    (location,) = service.locations
    assert (location.name, location.postal_code, location.city) == ("MyCity Civic Center", "ABC 1234", "MyCity")
    assert location.service_at_location_id == "e94c9f38-1e8f-4564-91d4-d53501ab1765"
    (schedule,) = service.schedules
    assert (schedule.byday, schedule.opens_at, schedule.closes_at, schedule.freq) == (
        "TH,FR",
        "10:00:00",
        "18:00:00",
        "WEEKLY",
    )
    (cost,) = service.cost_options
    assert (cost.option, cost.amount) == ("Under 18s and Over 60s", 35.0)
    assert service.contacts[0].name == "Ann Persona"
    assert service.service_areas[0].extent_type == "geojson"
    assert [t.id for t in service.taxonomy_terms] == ["3f7b145d-84af-42d7-8fae-eaca714b02b2"]
    assert service.last_modified == "2023-03-15T10:30:45.123Z"
    # plain ORUK: no CaseDesk fields, sensible defaults
    assert service.levels == () and service.need_domains == () and not service.sample


def test_page_info_read() -> None:
    page = load_directory(EXAMPLES / "service_list.json").page
    assert page is not None and (page.page_number, page.total_pages, page.total_items) == (1, 10, 10)
    assert not page.is_last


def test_oruk3_csv_example_matches_json() -> None:
    result = load_directory(EXAMPLES / "csv")
    assert result.ok, [str(e) for e in result.errors]
    assert result.format == "csv-oruk3"
    (service,) = result.services
    (from_json,) = load_directory(EXAMPLES / "service_full.json").services
    for attribute in ("id", "name", "status", "minimum_age", "maximum_age", "url", "email", "fees"):
        assert getattr(service, attribute) == getattr(from_json, attribute), attribute
    assert service.organization == from_json.organization
    assert service.locations[0].postal_code == "ABC 1234"
    assert service.contacts[0].phones[0].number == '"+44 1234 234567"'
    assert service.schedules[0].byday == "TH,FR"
    assert service.cost_options[0].amount == 35.0
    assert len(result.organizations) == 1


# --- HSDS 1.1 CSV package ----------------------------------------------------------------------------------------


def test_hsds_datapackage_imports() -> None:
    result = load_directory(HSDS)
    assert result.ok, [str(e) for e in result.errors]
    assert result.format == "csv-oruk1"
    with (HSDS / "services.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(result.services) == len(rows) == 13
    assert len(result.organizations) == 10
    by_name = {s.name: s for s in result.services}
    helpline = by_name["Never Homeless Helpline"]
    assert helpline.organization is not None and helpline.organization.name == "Sanctuary Example City"
    assert helpline.email == "neverhomeless@example.com"
    assert [s.byday for s in helpline.schedules] == ["MO", "TU", "WE"]
    assert helpline.locations[0].name == "Sanctuary on 5th Street"
    assert helpline.service_areas[0].name == "Sample service area"
    assert helpline.languages == ("English", "Spanish")
    assert helpline.contacts[0].name == "Contact 1"
    assert by_name["Bubbles at The Cross"].phones[0].number == "(223) 4567 12534"
    assert by_name["Food Safety Program"].status == "inactive"


def test_package_without_descriptor_is_checked_against_bundled_oruk1(tmp_path: Path) -> None:
    folder = tmp_path / "v1"
    shutil.copytree(HSDS, folder)
    (folder / "datapackage.json").unlink()
    result = load_directory(folder)
    assert result.format == "csv-oruk1"
    # ORUK 1.0 requires ages on eligibility rows and a contact on every phone; plain HSDS 1.1 has neither
    found = {(e.file, e.location, e.field) for e in result.errors}
    assert {("eligibility.csv", "header", "minimum_age"), ("phones.csv", "row 2", "contact_id")} <= found
    # a phone row's problem skips the service it belongs to; a missing column blocks no particular service
    assert len(result.services) == 11
    assert result.skipped == (
        "service Dear Teacher Skills Refresh (services.csv row 9)",
        "service Bubbles at The Cross (services.csv row 14)",
    )


# --- The ORUK validator's responses ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in (MOCKS / "pass").glob("*.json")))
def test_validator_pass_responses_are_valid(name: str) -> None:
    result = load_directory(MOCKS / "pass" / name)
    assert result.ok, [str(e) for e in result.errors]


# fail file: expected (location, field, words in the message)
FAILURES = {
    "service_full.json": [
        ("$.email", "email", "'email-example_com' is not a valid email address"),
        ("$.url", "url", "'example/counselling' is not a valid web address"),
    ],
    "service_list.json": [
        ("$.contents[0]", "name", "is required but missing"),
        ("$.contents[0].email", "email", "not a valid email address"),
        ("$.contents[0].url", "url", "not a valid web address"),
    ],
    "taxonomy_term.json": [
        ("$", "description", "is required but missing"),
        ("$.term_uri", "term_uri", "'example_com' is not a valid web address"),
    ],
    "taxonomy_term_list.json": [("$.contents[0].parent_id", "parent_id", "cannot be its own parent")],
    "service_at_location_full.json": [("$.location.id", "id", "is already used by the service_at_location at $")],
}
# These "failing" responses are byte-for-byte the passing ones or differ only in paging metadata: the validator
# fails them for behaviour of a live API (paging, filtering), which a file cannot show.
SAME_AS_PASS = {
    "organization_full.json",
    "organization_list.json",
    "taxonomy.json",
    "taxonomy_list.json",
    "service_at_location_list.json",
}


def test_every_fail_mock_is_covered() -> None:
    assert {p.name for p in (MOCKS / "fail").glob("*.json")} == set(FAILURES) | SAME_AS_PASS


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_validator_fail_responses_give_clear_errors(name: str) -> None:
    result = load_directory(MOCKS / "fail" / name)
    assert not result.ok
    assert result.services == ()
    assert result.skipped
    found = [(e.location, e.field, e.message) for e in result.errors]
    for location, field, words in FAILURES[name]:
        assert any(loc == location and fld == field and words in msg for loc, fld, msg in found), (found, words)
    for error in result.errors:
        assert str(error).startswith(f"{name}: ")


@pytest.mark.parametrize("name", sorted(SAME_AS_PASS))
def test_fail_mocks_that_only_a_live_api_can_fail(name: str) -> None:
    assert load_directory(MOCKS / "fail" / name).ok


def test_fail_service_list_reports_every_record() -> None:
    result = load_directory(MOCKS / "fail" / "service_list.json")
    records = {e.location.split(".")[1].split("]")[0] for e in result.errors if e.location.startswith("$.contents[")}
    assert records == {"contents[0", "contents[1", "contents[2", "contents[3"}
    assert len(result.skipped) == 4


# --- Malformed and invalid input ---------------------------------------------------------------------------------


def _service_full() -> dict[str, Any]:
    return json.loads((EXAMPLES / "service_full.json").read_text())


def test_malformed_identifier_is_an_error(tmp_path: Path) -> None:
    data = _service_full()
    data["id"] = "not-a-uuid"
    data["schedules"][0]["id"] = "48102e86-bb50-41c4-8f1e"
    result = load_directory(_write(tmp_path, "bad_id.json", data))
    assert result.services == ()
    messages = {(e.location, e.field): e.message for e in result.errors}
    assert messages[("$.id", "id")].startswith("'not-a-uuid' is not a valid identifier (a UUID")
    assert ("$.schedules[0].id", "id") in messages
    assert str(result.errors[0]).startswith("bad_id.json: $.id, field 'id': ")


def test_malformed_identifier_in_csv(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLES / "csv", folder)
    services = folder / "services.csv"
    services.write_text(services.read_text().replace(SERVICE_ID, "ac148810-XXXX", 1))
    result = load_directory(folder)
    assert result.services == ()
    assert any(
        (e.file, e.location, e.field) == ("services.csv", "row 2", "id") and "not a valid identifier" in e.message
        for e in result.errors
    ), [str(e) for e in result.errors]


def test_csv_row_errors_and_skip(tmp_path: Path) -> None:
    folder = tmp_path / "hsds"
    shutil.copytree(HSDS, folder)
    path = folder / "services.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows[0]["email"] = "not-an-email"
    rows[1]["name"] = ""
    rows[2]["organization_id"] = "00000000-0000-4000-8000-000000000000"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields or [])
        writer.writeheader()
        writer.writerows(rows)
    result = load_directory(folder)
    found = {(e.file, e.location, e.field) for e in result.errors}
    assert ("services.csv", "row 2", "email") in found
    assert ("services.csv", "row 3", "name") in found
    assert ("services.csv", "row 4", "organization_id") in found
    assert len(result.services) == 10 and len(result.skipped) == 3
    assert {rows[i]["id"] for i in range(3)}.isdisjoint(s.id for s in result.services)


def test_unreadable_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": ', encoding="utf-8")
    result = load_directory(path)
    assert result.services == () and len(result.errors) == 1
    assert "is not valid JSON" in str(result.errors[0])


def test_casedesk_extension_is_validated(tmp_path: Path) -> None:
    data = _service_full()
    data["x_casedesk"] = {"levels": [2, 5], "need_domains": ["semh", "cooking"], "referral_route": {"method": "fax"}}
    result = load_directory(_write(tmp_path, "ext.json", data))
    locations = {e.location for e in result.errors}
    assert {"$.x_casedesk.levels[1]", "$.x_casedesk.need_domains[1]", "$.x_casedesk.referral_route.method"} <= locations


def test_minimum_age_above_maximum(tmp_path: Path) -> None:
    data = _service_full()
    data["minimum_age"], data["maximum_age"] = 16, 11
    (error,) = load_directory(_write(tmp_path, "ages.json", data)).errors
    assert (error.location, error.field) == ("$.minimum_age", "minimum_age")
    assert "above the maximum" in error.message


# --- ORUK 1.0 JSON -----------------------------------------------------------------------------------------------


def _oruk1_page() -> dict[str, Any]:
    org = {"id": "1899600a-649c-11e6-8b77-86f30ca893d3", "name": "Sanctuary", "description": "Housing help"}
    good = {
        "id": "svc-1",
        "name": "Leeds Youth Counselling",
        "status": "active",
        "url": "https://example.org/youth",
        "attending_type": "venue",
        "organization": org,
        "eligibilitys": [{"id": "e1", "minimum_age": 11, "maximum_age": 18}],
        "regular_schedules": [{"id": "r1", "weekday": "Monday", "opens_at": "09:00", "closes_at": "17:00"}],
        "service_areas": [{"id": "a1", "service_area": "LS6, LS7"}],
        "service_at_locations": [
            {
                "id": "sal1",
                "location": {
                    "id": "l1",
                    "name": "Hub",
                    "physical_addresses": [
                        {"id": "p1", "address_1": "1 Road", "city": "Leeds", "postal_code": "LS6 1AA"}
                    ],
                },
            }
        ],
        "service_taxonomys": [
            {"id": "t1", "taxonomy": {"id": "tx1", "name": "Counselling", "vocabulary": "esdServiceTypes"}}
        ],
        "contacts": [{"id": "c1", "name": "Duty", "phones": [{"id": "ph1", "number": "0113 496 0000"}]}],
    }
    bad = {"id": "svc-2", "name": "No organization", "status": "open"}
    return {
        "totalElements": 2,
        "totalPages": 1,
        "number": 1,
        "size": 2,
        "first": True,
        "last": True,
        "empty": False,
        "content": [good, bad],
    }


def test_oruk1_page_imports_and_reports() -> None:
    result = parse_json(_oruk1_page(), "v1.json")
    assert result.format == "oruk1"
    (service,) = result.services
    assert (service.minimum_age, service.maximum_age) == (11, 18)
    assert service.schedules[0].byday == "MO" and service.schedules[0].attending_type == "venue"
    assert service.locations[0].postal_code == "LS6 1AA"
    assert service.postcode_districts == {"LS6", "LS7"}
    assert service.taxonomy_terms[0].name == "Counselling" and service.taxonomy_terms[0].taxonomy == "esdServiceTypes"
    assert service.phones[0].number == "0113 496 0000"
    assert service.organization is not None and service.organization.name == "Sanctuary"
    found = {(e.location, e.field) for e in result.errors}
    assert ("$.content[1]", "organization") in found
    assert ("$.content[1].status", "status") in found
    assert result.page is not None and result.page.is_last


def test_oruk1_reimport_ids_are_stable() -> None:
    first = parse_json(_oruk1_page(), "v1.json").services
    second = parse_json(copy.deepcopy(_oruk1_page()), "v1.json").services
    assert first == second


# --- Sample directory and export ---------------------------------------------------------------------------------


def test_sample_directory() -> None:
    services = sample_services()
    assert 35 <= len(services) <= 50
    assert all(s.sample and s.expectation_card.is_complete for s in services)
    assert all("sample" in s.description.lower() for s in services)
    assert {level for s in services for level in s.levels} == set(LEVELS)
    assert {d for s in services for d in s.need_domains} == {d.value for d in NeedDomain}
    leeds = {f"LS{n}" for n in range(1, 30)}
    assert all(s.postcode_districts and s.postcode_districts <= leeds for s in services)
    assert all(s.minimum_age is not None and s.maximum_age is not None for s in services)
    assert all(s.referral_route and s.referral_route.address for s in services)
    assert len({s.id for s in services}) == len(services)


def _round_trip(services: tuple[Service, ...]) -> tuple[Service, ...]:
    result = parse_json(to_oruk3_page(services), "export.json")
    assert result.ok, [str(e) for e in result.errors]
    return result.services


def test_export_validates_against_oruk3_schema() -> None:
    services = (
        sample_services() + load_directory(EXAMPLES / "service_full.json").services + load_directory(HSDS).services
    )
    exported = to_oruk3(services)
    assert export_issues(exported) == []
    validator = oruk3_validator("service")
    assert all(validator.is_valid(obj) for obj in exported)
    assert all("x_casedesk" in obj for obj in exported[: len(sample_services())])


def test_export_round_trips() -> None:
    for services in (
        sample_services(),
        load_directory(EXAMPLES / "service_full.json").services,
        load_directory(HSDS).services,
    ):
        assert _round_trip(services) == services


def test_schemas_are_bundled() -> None:
    for name in ("service", "service_list", "organization", "taxonomy_term"):
        assert resource_path("directory", "schemas", "oruk3", f"{name}.json").exists()
    assert resource_path("directory", "schemas", "x_casedesk.schema.json").exists()


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (is_uri, "https://example.org/x", True),
        (is_uri, "mailto:a@example.org", True),
        (is_uri, "example/counselling", False),
        (is_uri, "example_com", False),
        (is_uri, "http://exa mple.com", False),
        (is_uuid, SERVICE_ID, True),
        (is_uuid, SERVICE_ID.replace("-", ""), False),
        (is_uuid, "not-a-uuid", False),
        (is_date_time, "2023-03-15T10:30:45.123Z", True),
        (is_date_time, "2023-03-15T10:30:45+01:00", True),
        (is_date_time, "2023-03-15", False),
        (is_date_time, "2023-13-15T10:30:45Z", False),
    ],
)
def test_format_checks(check: Any, value: str, ok: bool) -> None:
    assert check(value) is ok
