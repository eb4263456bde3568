"""Directory import into a real encrypted database: every shipped example, bad files, re-imports, export, CLI."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casedesk.domain.directory.oruk import load_directory, sample_services
from casedesk.domain.directory.oruk_export import export_issues
from casedesk.errors import ValidationError
from casedesk.services.demo.load import seed_demo
from casedesk.services.directory.service import (
    SAMPLE_SOURCE,
    DirectoryService,
)
from casedesk.store import directory_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, SHARED_DATA, file_digests

EXAMPLES = SHARED_DATA / "oruk_uk_profile_3.0" / "examples"
HSDS = SHARED_DATA / "hsds_1.1_sample_datapackage"
FAIL = SHARED_DATA / "oruk_validator_mocks" / "fail"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


# example file → services it holds
EXAMPLE_SERVICES = {
    "service_full.json": 1,
    "service_list.json": 1,
    "organization_full.json": 1,
    "organization_list.json": 0,
    "service_at_location_full.json": 1,
    "service_at_location_list.json": 1,
    "taxonomy.json": 0,
    "taxonomy_list.json": 0,
    "taxonomy_term.json": 0,
    "taxonomy_term_list.json": 0,
    "csv": 1,
}
FAILING = ["service_full.json", "service_list.json", "taxonomy_term.json", "service_at_location_full.json"]


def stored(db: Database) -> list[directory_repo.StoredService]:
    with db.session() as session:
        return directory_repo.list_services(session)


def pending(db: Database) -> int:
    with db.session() as session:
        return repo.pending_change_count(session)


def test_every_example_is_covered() -> None:
    assert {p.name for p in EXAMPLES.iterdir()} == set(EXAMPLE_SERVICES)


@pytest.mark.parametrize("name", sorted(EXAMPLE_SERVICES))
def test_oruk3_examples_import(db: Database, name: str) -> None:
    report, _ = DirectoryService(db, "tester").import_directory(EXAMPLES / name)
    count = EXAMPLE_SERVICES[name]
    assert (len(report.added), report.updated, report.skipped) == (count, (), ())
    rows = stored(db)
    assert len(rows) == count
    for row in rows:
        assert (row.id, row.external_id, row.name) == (SERVICE_ID, SERVICE_ID, "Community Counselling")
        assert row.source == name and row.document["status"] == "active"
    if count:
        (service,) = DirectoryService(db, "tester").services()
        assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert pending(db) == count  # each insert is journaled for sync


def test_full_service_fields_survive_the_database(db: Database) -> None:
    DirectoryService(db, "tester").import_directory(EXAMPLES / "service_full.json")
    (row,) = stored(db)
    assert row.organisation_name == "Example Organization Inc."
    (service,) = DirectoryService(db, "tester").services()
    assert service == load_directory(EXAMPLES / "service_full.json").services[0]


def test_hsds_package_imports(db: Database) -> None:
    report, _ = DirectoryService(db, "tester").import_directory(HSDS)
    assert len(report.added) == 13 and report.format == "csv-oruk1" and report.organizations == 10
    by_name = {s.name: s for s in DirectoryService(db, "tester").services()}
    assert len(by_name) == 13
    helpline = by_name["Never Homeless Helpline"]
    assert helpline.organization is not None and helpline.organization.name == "Sanctuary Example City"
    assert helpline.languages == ("English", "Spanish")
    assert by_name["Food Safety Program"].status == "inactive"
    assert {r.organisation_name for r in stored(db) if r.name == "Never Homeless Helpline"} == {
        "Sanctuary Example City"
    }


@pytest.mark.parametrize("name", FAILING)
def test_failing_validator_responses_change_nothing(db: Database, name: str) -> None:
    DirectoryService(db, "tester").load_sample()
    before, queued = stored(db), pending(db)
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(FAIL / name)
    assert "nothing was imported" in str(caught.value.args[0])
    assert caught.value.problems and all(where.startswith(f"{name}: ") for where, _ in caught.value.problems)
    assert stored(db) == before and pending(db) == queued


def test_malformed_identifier_is_refused(db: Database, tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "service_full.json").read_text())
    data["id"] = "not-a-uuid"
    path = tmp_path / "bad_id.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as caught:
        DirectoryService(db, "tester").import_directory(path)
    problems = dict(caught.value.problems)
    assert problems["bad_id.json: $.id"].startswith("'not-a-uuid' is not a valid identifier")
    assert stored(db) == []


def _hsds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "hsds"
    shutil.copytree(HSDS, folder)
    return folder


def _edit_services_csv(folder: Path, name: str, **changes: str) -> None:
    path = folder / "services.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    for row in rows:
        if row["name"] == name:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_reimport_updates_instead_of_duplicating(db: Database, tmp_path: Path) -> None:
    folder = _hsds_copy(tmp_path)
    DirectoryService(db, "tester").import_directory(folder)
    ids = {r.external_id: r.id for r in stored(db)}
    again, _ = DirectoryService(db, "tester").import_directory(folder)
    assert (again.added, again.updated, len(again.unchanged)) == ((), (), 13)
    queued = pending(db)
    _edit_services_csv(folder, "Never Homeless Helpline", description="Now open at weekends too.")
    changed, _ = DirectoryService(db, "tester").import_directory(folder)
    assert (changed.added, changed.updated, len(changed.unchanged)) == ((), ("Never Homeless Helpline",), 12)
    rows = stored(db)
    assert len(rows) == 13 and {r.external_id: r.id for r in rows} == ids
    (service,) = [s for s in DirectoryService(db, "tester").services() if s.name == "Never Homeless Helpline"]
    assert service.description == "Now open at weekends too."
    assert pending(db) == queued + 1  # one change, naming only the field that changed
    with db.session() as session:
        (change,) = [c for c in _outbox(session) if c["op"] == "update"]
    assert set(change["fields"]) == {"document"}


def _outbox(session: Any) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from casedesk.store.models import OutboxRow

    return [dict(row._mapping) for row in session.execute(select(OutboxRow.__table__))]


def test_skip_invalid_imports_the_rest_and_lists_what_was_skipped(db: Database, tmp_path: Path) -> None:
    page = json.loads((EXAMPLES / "service_list.json").read_text())
    bad = json.loads(json.dumps(page["contents"][0]))
    bad["id"], bad["name"], bad["email"] = "0f4f2a36-0b0e-4b66-9d1d-3a1c9d2c7e11", "Broken", "not-an-email"
    page["contents"].append(bad)
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(page))
    with pytest.raises(ValidationError):
        DirectoryService(db, "tester").import_directory(path)
    assert stored(db) == []
    report, _ = DirectoryService(db, "tester").import_directory(path, skip_invalid=True)
    assert report.added == ("Community Counselling",)
    assert report.skipped == ("service Broken at $.contents[1]",)
    assert [(p.location, p.field) for p in report.problems] == [("$.contents[1].email", "email")]
    assert [r.name for r in stored(db)] == ["Community Counselling"]


def test_export_validates_and_reads_back(db: Database, tmp_path: Path, fast_kdf: Any) -> None:
    DirectoryService(db, "tester").load_sample()
    DirectoryService(db, "tester").import_directory(HSDS)
    DirectoryService(db, "tester").import_directory(EXAMPLES / "service_full.json")
    page = DirectoryService(db, "tester").export()
    assert page["total_items"] == len(page["contents"]) == 43 + 13 + 1
    assert export_issues(page["contents"]) == []
    out = tmp_path / "export.json"
    out.write_text(json.dumps(page))
    other = Database.create(tmp_path / "other.db", PASSPHRASE)
    with other:
        report, _ = DirectoryService(other, "tester").import_directory(out)
        assert len(report.added) == 57
        assert sorted(DirectoryService(other, "tester").services(), key=lambda s: s.id) == sorted(
            DirectoryService(db, "tester").services(), key=lambda s: s.id
        )


def test_sample_directory_is_marked_and_loaded_once(db: Database) -> None:
    assert DirectoryService(db, "tester").load_sample()[0] == len(sample_services()) == 43
    assert DirectoryService(db, "tester").load_sample()[0] == 0
    services = DirectoryService(db, "tester").services()
    assert len(services) == 43 and all(s.sample for s in services)
    assert {r.source for r in stored(db)} == {SAMPLE_SOURCE}


def test_demo_loads_the_sample_directory(db: Database) -> None:
    summary = seed_demo(db, children=3, seed=5)
    assert summary.services == 43 and "43 sample directory services" in str(summary)
    assert seed_demo(db, children=3, seed=6).services == 0
    assert len(stored(db)) == 43


# --- The command line --------------------------------------------------------------------------------------------


def _cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**env, "CASEDESK_PASSPHRASE": PASSPHRASE}
    return subprocess.run([sys.executable, "-m", "casedesk", *argv], env=env, capture_output=True, text=True)


def test_cli_invalid_file_prints_every_error_and_changes_nothing(
    db: Database, db_path: Path, cli_env: dict[str, str]
) -> None:
    db.close()
    before = file_digests(db_path.parent)
    result = _cli(cli_env, "import", "directory", str(FAIL / "service_full.json"), "--db", str(db_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert "nothing was imported" in lines[0]
    assert "  service_full.json: $.email: 'email-example_com' is not a valid email address" in lines
    assert any(line.startswith("  service_full.json: $.url: 'example/counselling'") for line in lines)
    assert file_digests(db_path.parent) == before


def test_cli_import_then_export(db: Database, db_path: Path, cli_env: dict[str, str], tmp_path: Path) -> None:
    db.close()
    result = _cli(cli_env, "import", "directory", str(HSDS), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "13 service(s) added, 0 updated, 0 unchanged" in result.stdout
    out = tmp_path / "directory.json"
    result = _cli(cli_env, "export", "directory", "--format", "oruk3", "--out", str(out), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "Exported 13 service(s)" in result.stdout
    assert load_directory(out).ok and len(load_directory(out).services) == 13


def test_cli_skip_invalid_lists_the_skipped(db: Database, db_path: Path, cli_env: dict[str, str]) -> None:
    db.close()
    result = _cli(
        cli_env, "import", "directory", str(FAIL / "service_list.json"), "--skip-invalid", "--db", str(db_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("skipped record: service") == 4
    assert "skipped: service_list.json: $.contents[0].email:" in result.stdout
