"""The caseload's education columns and the "My children" filter, over a real encrypted database: year group from
the date of birth, suspensions this academic year, the last contact (kept by the database from the chronology),
open referrals, and the children where the user is a named worker."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime

from casedesk.config import PROFILE, Profile
from casedesk.paths import migrations_dir
from casedesk.services.caseload import CONTACT_KINDS, CaseloadFilter, load_caseload_data
from casedesk.services.collection import Collection
from casedesk.services.referrals.service import NewReferral
from casedesk.store.database import Database
from tests.factories import CONSENT, REFERRER, add_child

TODAY = date(2026, 11, 23)


def _contact(db: Database, child_id: str, kind: str, when: datetime) -> None:
    with db.unit_of_work("tester") as uow:
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": kind,
                "occurred_at": when,
                "recorded_at": when,
                "author": "t",
                "summary": kind,
            },
        )


def test_the_columns_and_the_my_children_filter(db: Database) -> None:
    col = Collection(db, "Sam Patel")
    with db.unit_of_work("tester") as uow:
        oak = uow.insert("organisations", {"name": "Oak Academy", "kind": "school", "urn": "100001"})
        sam = uow.insert("workers", {"organisation_id": oak, "name": "Sam Patel"})
        other = uow.insert("workers", {"organisation_id": oak, "name": "Kim Lowe"})
    db.put(PROFILE, Profile(name="Sam Patel", role="DSL", organisation="Oak Academy"))
    ada = add_child(db, "Ada", "Okafor", date(2013, 10, 2))
    ben = add_child(db, "Ben", "Ito", date(2011, 8, 31))
    for child, worker in ((ada, sam), (ben, other)):
        col.children.add_involvement(child, oak, "designated_safeguarding_lead", date(2024, 9, 1), worker)
        col.education.enrol(child, oak, date(2024, 9, 1))
    for day in (date(2026, 2, 2), date(2026, 9, 14), date(2026, 11, 2)):
        col.education.add_exclusion(ada, oak, "suspension", day, ["PD"], sessions=2)
    _contact(db, ada, "home_visit", datetime(2026, 10, 1, 10, tzinfo=UTC))
    _contact(db, ada, "phone_call", datetime(2026, 11, 12, 15, tzinfo=UTC))
    _contact(db, ada, "phone_call", datetime(2026, 9, 12, 15, tzinfo=UTC))  # older, recorded later
    _contact(db, ada, "note", datetime(2026, 11, 20, 9, tzinfo=UTC))  # a note is not a contact
    for reason in ("Attendance has fallen this term.", "Low mood reported by the family."):
        col.referrals.create(
            NewReferral(child_id=ada, service_name="Mentoring", reason=reason, sharing=CONSENT, referrer=REFERRER)
        )

    data = load_caseload_data(db, TODAY)
    rows = {r.child_id: r for r in data.rows}
    assert (rows[ada].year_group, rows[ben].year_group) == ("Year 8", "Year 11")
    assert (rows[ada].suspensions_year, rows[ben].suspensions_year) == (2, 0)
    assert (rows[ada].last_contact, rows[ben].last_contact) == (date(2026, 11, 12), None)
    assert (rows[ada].open_referrals, rows[ben].open_referrals) == (2, 0)
    assert data.my_worker_ids == {sam}
    assert [r.child_id for r in CaseloadFilter(mine=data.my_worker_ids).apply(data.rows)] == [ada]
    assert len(CaseloadFilter().apply(data.rows)) == 2


def test_the_trigger_names_the_same_contact_kinds_as_the_caseload() -> None:
    path = next(migrations_dir("local").joinpath("versions").glob("0009_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert ", ".join(f"'{k.value}'" for k in CONTACT_KINDS) == module.CONTACT_KINDS
