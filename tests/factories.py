"""Shared test data and builders: what more than one test module needs, so test modules never import each other.

`new_database` is the `db` fixture's engine (and the sync harness's): building a database runs every migration and
fsyncs (about 0.2–0.4 s), so one is built per test run and each test gets a byte copy of it, re-identified (its own
device and database ids, its own key file) before it is opened through `Database.open` like any other. The model is
Anki's test helper that copies one empty collection per test.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.config import Profile
from casedesk.domain.ids import new_id
from casedesk.domain.referrals.workflow import SharingDecision
from casedesk.services.collection import Collection
from casedesk.store import directory_repo, keyfile
from casedesk.store.database import Database
from casedesk.store.engine import make_engine
from casedesk.store.models import AuditRow, OutboxRow, SettingRow

FAST_KDF = keyfile.KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)
PASSPHRASE = "correct horse battery"
REPO_ROOT = Path(__file__).resolve().parent.parent
# Public reference data the tests read (ORUK examples, an HSDS package, validator responses), vendored with their
# licences and sources (tests/data/SOURCES.md) so a fresh clone tests the same files everywhere.
SHARED_DATA = REPO_ROOT / "tests" / "data"


# -- databases ---------------------------------------------------------------------------------------------------
@cache
def _template() -> tuple[Path, bytes]:
    """One migrated, empty database for the whole run (removed at exit), and its key."""
    folder = Path(tempfile.mkdtemp(prefix="casedesk-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.db"
    Database.create(path, PASSPHRASE, kdf=FAST_KDF).close()
    return path, keyfile.unwrap_key(keyfile.read_key_file(keyfile.key_file_path(path)), PASSPHRASE)


def new_database(path: Path) -> Database:
    """What `Database.create(path, PASSPHRASE)` makes, opened, at a fraction of the cost (see the module's note)."""
    template, key = _template()
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    database_id = new_id()
    engine = make_engine(path, key)
    try:
        with Session(engine) as session:
            session.merge(SettingRow(key="device_id", value=new_id()))
            session.merge(SettingRow(key="database_id", value=database_id))
            session.commit()
    finally:
        engine.dispose()
    keyfile.write_key_file(keyfile.key_file_path(path), keyfile.wrap_key(key, PASSPHRASE, database_id, FAST_KDF))
    return Database.open(path, PASSPHRASE)


def file_digests(folder: Path) -> dict[str, bytes]:
    """Every file's bytes in a folder, to prove an operation changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def mount_tmpfs(folder: Path, megabytes: int) -> bool:
    """Make `folder` a small real tmpfs (a nearly full disk) where this process may mount one (root); else False."""
    folder.mkdir()
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(folder)], capture_output=True
    )
    return result.returncode == 0


def service_count(db: Database) -> int:
    """How many directory services the database holds."""
    with db.session() as session:
        return directory_repo.service_count(session)


# -- records -----------------------------------------------------------------------------------------------------
def add_child(db: Database, given: str, family: str, born: date, **extra: object) -> str:
    """A child recorded straight through the unit of work (as a synced or imported one would arrive)."""
    with db.unit_of_work("tester") as uow:
        return uow.insert("children", {"given_name": given, "family_name": family, "date_of_birth": born, **extra})


def journal_of(db: Database, entity: str, row_id: str) -> tuple[list[str], list[str]]:
    """A row's journaled operations (waiting to sync) and its audit trail's write actions, oldest first (opening
    a child's record is audited too, as a "view": not a write)."""
    with db.session() as s:
        ops = list(s.scalars(select(OutboxRow.op).where(OutboxRow.entity == entity, OutboxRow.row_id == row_id)))
        query = select(AuditRow.action).where(AuditRow.entity == entity, AuditRow.row_id == row_id)
        audit = list(s.scalars(query.where(AuditRow.action != "view")))
    return ops, audit


def opened(db: Database, profile: Profile) -> tuple[Collection, Profile]:
    """What unlocking returns, for a database a test opened itself."""
    return Collection(db, profile.name), profile


# -- needs checks ------------------------------------------------------------------------------------------------
Q_ID, Q_VERSION = "risk-of-exclusion", "1.0"

# Every required question answered, no stop rule: a level 3 outcome across attendance and behaviour.
LEVEL3: dict[str, Any] = {
    "att_rate": "from_50_to_90",
    "att_pattern": ["unexplained", "particular_days"],
    "att_missing": False,
    "beh_suspensions": "several",
    "beh_concerns": ["disruption", "verbal"],
    "beh_frequency": 4,
    "beh_alternative": False,
    "send_provision": "none",
    "learn_progress": "well_below",
    "semh_wellbeing": 4,
    "semh_signs": ["anxiety_low_mood"],
    "semh_self_harm": "none",
    "semh_service": False,
    "fam_circumstances": ["separation"],
    "fam_engagement": "limited",
    "fam_home": [],
    "sg_immediate_harm": False,
    "sg_exploitation": [],
    "sg_social_care": "no",
    "health_condition": False,
    "health_neglect": False,
    "health_substance": False,
    "yj_involvement": "none",
    "yj_violence": False,
}

# -- referrals ---------------------------------------------------------------------------------------------------
CONSENT = SharingDecision(
    consent=True,
    consent_given_by="Mother (Grace Okafor)",
    consent_given_on=date(2026, 11, 20),
    consent_scope="referral to the service and sharing the reason and school details",
    decided_by="Sam Patel",
)
REFERRER = {"name": "Sam Patel", "role": "DSL", "organisation": "Oakwood Primary", "email": "sam@oakwood.example"}
