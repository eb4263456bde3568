"""The site policy where the device acts on it: exports, printing, demo data, passphrase strength and the KDF floor,
from the site profile and tightened by the policy the server sent."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from casedesk import config
from casedesk.config import Profile
from casedesk.errors import ValidationError
from casedesk.services import export, policy
from casedesk.services.collection import create_collection, open_collection
from casedesk.services.demo.load import seed_demo
from casedesk.services.policy import NotAllowed
from casedesk.store import keyfile
from casedesk.store.database import Database
from tests.factories import PASSPHRASE, add_child

BORN = date(2015, 3, 1)
STRONG = "seven orange kites drift over quiet harbours"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`site(policy)` writes a site profile with that policy and puts it in force through the environment."""

    def write(policy_doc: dict[str, Any]) -> Path:
        path = tmp_path / "site.json"
        path.write_text(json.dumps({"format": "casedesk-site-profile", "version": 1, "policy": policy_doc}))
        monkeypatch.setenv("CASEDESK_SITE_PROFILE", str(path))
        return path

    return write


def audit_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("select count(*) from audit_log").scalar_one())


def test_an_export_the_policy_leaves_out_is_refused_before_anything_is_written(
    db: Database, tmp_path: Path, site: Any
) -> None:
    child = add_child(db, "Ada", "Okafor", BORN)
    site({"exports": ["child_record"]})
    audited = audit_count(db)
    with pytest.raises(NotAllowed, match="Exporting the whole database is turned off by your organisation's policy"):
        export.write_export(db, tmp_path / "all.json", "ann")
    assert not (tmp_path / "all.json").exists() and audit_count(db) == audited
    assert export.write_export(db, tmp_path / "one.json", "ann", child) == 1  # the kind it allows still works


def test_printing_turned_off_refuses_every_pdf(db: Database, tmp_path: Path, site: Any) -> None:
    child = add_child(db, "Ada", "Okafor", BORN)
    site({"printing": False})
    with pytest.raises(NotAllowed, match=r"Printing reports \(PDF\) is turned off"):
        export.write_chronology_pdf(db, child, "ann", tmp_path / "c.pdf", datetime.now(UTC))
    assert not (tmp_path / "c.pdf").exists()


def test_the_server_policy_tightens_a_permissive_site_profile(db: Database, tmp_path: Path, site: Any) -> None:
    child = add_child(db, "Ada", "Okafor", BORN)
    site({"printing": True, "exports": ["child_record", "whole_database"]})
    export.write_chronology_pdf(db, child, "ann", tmp_path / "before.pdf", datetime.now(UTC))
    db.put(config.SERVER_POLICY, {"printing": False, "exports": ["whole_database", "directory"]})
    with pytest.raises(NotAllowed):
        export.write_chronology_pdf(db, child, "ann", tmp_path / "after.pdf", datetime.now(UTC))
    with pytest.raises(NotAllowed, match="a child's record"):
        export.write_export(db, tmp_path / "one.json", "ann", child)
    assert export.write_export(db, tmp_path / "all.json", "ann") == 1  # allowed by both


def test_the_server_cannot_loosen_the_site_profile(db: Database, tmp_path: Path, site: Any) -> None:
    child = add_child(db, "Ada", "Okafor", BORN)
    site({"printing": False})
    db.put(config.SERVER_POLICY, {"printing": True})
    with pytest.raises(NotAllowed):
        export.write_chronology_pdf(db, child, "ann", tmp_path / "c.pdf", datetime.now(UTC))


def test_demo_data_is_refused_where_the_policy_turns_it_off(db: Database, tmp_path: Path, site: Any) -> None:
    site({"demo_data": False})
    with pytest.raises(NotAllowed, match="Demo data cannot be loaded"):
        seed_demo(db, children=3)
    profile = Profile(name="Ann", role="DSL", organisation="Hillside")
    with pytest.raises(NotAllowed):
        create_collection(tmp_path / "new.db", STRONG, profile, demo_children=5)
    assert not (tmp_path / "new.db").exists()  # refused before the database was made


def test_a_new_database_needs_a_passphrase_as_strong_as_the_policy_asks(
    tmp_path: Path, site: Any, fast_kdf: keyfile.KdfParams
) -> None:
    site({"min_passphrase_strength": "strong"})
    with pytest.raises(ValidationError, match="policy asks for at least strong"):
        policy.create_database(tmp_path / "weak.db", "password12")
    assert not (tmp_path / "weak.db").exists()
    policy.create_database(tmp_path / "strong.db", STRONG).close()


def test_a_new_key_is_wrapped_at_least_at_the_kdf_floor(tmp_path: Path, site: Any, fast_kdf: keyfile.KdfParams) -> None:
    site({"kdf_floor": {"time_cost": 2, "memory_cost_kib": 16384}})
    path = tmp_path / "case.db"
    profile = Profile(name="Ann", role="DSL", organisation="Hillside")
    create_collection(path, STRONG, profile)[0].close()
    params = keyfile.kdf_params(keyfile.read_key_file(keyfile.key_file_path(path)))
    assert (params.time_cost, params.memory_cost_kib) == (2, 16384)  # above the (fast) default


def test_unlocking_rewraps_a_key_below_a_raised_floor_once(db_path: Path, db: Database, site: Any) -> None:
    db.close()
    key_path = keyfile.key_file_path(db_path)
    before = keyfile.kdf_params(keyfile.read_key_file(key_path))
    site({"kdf_floor": {"time_cost": before.time_cost + 1, "memory_cost_kib": 16384}})
    collection, _profile = open_collection(db_path, PASSPHRASE)
    collection.close()
    after = keyfile.kdf_params(keyfile.read_key_file(key_path))
    assert (after.time_cost, after.memory_cost_kib) == (before.time_cost + 1, 16384)
    with Database.open(db_path, PASSPHRASE) as reopened:  # the same passphrase opens it
        assert policy.raise_kdf_to_floor(reopened, PASSPHRASE) is False  # already at the floor: nothing to do


def test_changing_the_passphrase_follows_the_server_policy_too(db_path: Path, db: Database) -> None:
    db.put(config.SERVER_POLICY, {"min_passphrase_strength": "very strong"})
    db.close()
    with pytest.raises(ValidationError, match="at least very strong"):
        policy.change_passphrase(db_path, PASSPHRASE, "abcdabcdabcd")
    policy.change_passphrase(db_path, PASSPHRASE, STRONG + " and three more words")
    Database.open(db_path, STRONG + " and three more words").close()


def test_the_collection_holds_the_policy_and_refreshes_it(db: Database, site: Any) -> None:
    from casedesk.services.collection import Collection

    site({"idle_lock_minutes": 5})
    collection = Collection(db, "Ann")
    assert collection.policy.idle_lock_minutes == 5
    db.put(config.SERVER_POLICY, {"idle_lock_minutes": 2, "sync_interval_minutes": 3})
    refreshed = collection.refresh_policy()
    assert (refreshed.idle_lock_minutes, refreshed.sync_every_minutes) == (2, 3)


def test_the_cohort_exports_keep_to_the_policy_too(db: Database, tmp_path: Path, site: Any) -> None:
    from casedesk.services.cohort.model import CohortFilter
    from casedesk.services.cohort.service import CohortService

    service = CohortService(db, "Ann")
    cohort = service.load(date(2026, 3, 20))
    site({"exports": ["child_record"], "printing": False})
    with pytest.raises(NotAllowed, match=r"Exporting a spreadsheet \(CSV\) is turned off"):
        service.export(cohort, CohortFilter(), tmp_path / "cohort.csv")
    with pytest.raises(NotAllowed, match="Printing reports"):
        service.export(cohort, CohortFilter(), tmp_path / "cohort.pdf")
    assert not list(tmp_path.glob("cohort.*"))
    site({"exports": ["spreadsheet"]})
    service.export(cohort, CohortFilter(), tmp_path / "cohort.csv")
    assert (tmp_path / "cohort.csv").exists()
