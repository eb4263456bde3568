"""What a device pulls of a child passes the sharing policy: a category an agreement does not share with the
receiving organisation never reaches its devices — by pull, snapshot or digest — and a change of agreement takes
effect at the next round, after the device has pushed what it was holding."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.server.db import agreement_admin
from casedesk.server.db.accounts import AdminError
from casedesk.services.export import export_child, write_chronology_pdf
from casedesk.services.referrals.pack import write_pack_pdf
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.services.sharing import SharingService
from casedesk.store import repositories as repo
from tests.factories import CONSENT, REFERRER
from tests.sync.harness import Device, Server, make_device

START = "2025-01-01"


def _agreement(server: Server, school: str, care: str, to_care: str, to_school: str = "social_care") -> str:
    agreement, _ = agreement_admin.add(
        server.store,
        title="Riverside and children's social care",
        party_a=f"org:{school}",
        party_b=f"org:{care}",
        a_to_b=to_care,
        b_to_a=to_school,
        article_6="public_task",
        article_9="safeguarding",
        article_10="safeguarding",
        start=START,
        review="2026-12-31",
        signed_by=["Head of Riverside Academy", "Director of Children's Services"],
    )
    return agreement.id


def _entry(device: Device, child_id: str, category: str, summary: str, significance: str = "routine") -> str:
    now = datetime.now(UTC)
    with device.db.unit_of_work(device.username) as uow:
        return uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": device.username,
                "summary": summary,
                "category": category,
                "significance": significance,
            },
        )


def _summaries(device: Device, child_id: str) -> set[str]:
    with device.db.session() as session:
        return {e.summary for e in repo.events_for_child(session, child_id)}


def _two_orgs(server: Server, tmp_path: Path) -> tuple[str, str, Device, Device, str]:
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    server.user(school, "ann")
    server.user(care, "cat")
    ann, cat = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "cat", server, "cat")
    child = ann.add_child("Ada", "Okafor", school, postcode="LS6 3AB", address_line1="12 Elm Road")
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": care, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )
    return school, care, ann, cat, child


def test_pulled_rows_and_fields_are_withheld_by_the_agreement(server: Server, tmp_path: Path) -> None:
    school, care, ann, cat, child = _two_orgs(server, tmp_path)
    _agreement(server, school, care, "identity,education,attendance")
    ann.edit("children", child, town="Leeds")  # an edit travels as its own feed item
    _entry(ann, child, "behaviour", "Shouting in class")
    _entry(ann, child, "education", "Moved to set 2")
    ann.sync()
    report = cat.sync()
    with cat.db.session() as session:
        seen = repo.get_child(session, child)
    assert seen.given_name == "Ada" and seen.postcode is None and seen.address_line1 is None and seen.town is None
    assert _summaries(cat, child) == {"Moved to set 2"}
    assert report.digest_ok and not report.resynced  # what it holds is what the server counts for it
    with ann.db.session() as session:
        assert repo.get_child(session, child).postcode == "LS6 3AB"
    assert _summaries(ann, child) == {"Shouting in class", "Moved to set 2"}
    ann.close()
    cat.close()


def test_no_agreement_keeps_everything_shared_under_the_open_default(server: Server, tmp_path: Path) -> None:
    _, _, ann, cat, child = _two_orgs(server, tmp_path)
    _entry(ann, child, "youth_justice", "Referral order")
    ann.sync()
    cat.sync()
    assert _summaries(cat, child) == {"Referral order"}
    agreement_admin.set_default(server.store, "closed")
    report = cat.sync()
    assert child in report.purged and _summaries(cat, child) == set()
    with cat.db.session() as session:
        assert repo.get_child(session, child).postcode is None  # identity stays, contact goes
    assert report.digest_ok and not report.resynced
    ann.close()
    cat.close()


def test_a_changed_agreement_purges_at_the_next_round_after_pushing_what_waits(server: Server, tmp_path: Path) -> None:
    school, care, ann, cat, child = _two_orgs(server, tmp_path)
    first = _agreement(server, school, care, "identity,contact,youth_justice,general")
    _entry(ann, child, "youth_justice", "Referral order")
    ann.sync()
    cat.sync()
    assert _summaries(cat, child) == {"Referral order"}
    visit = _entry(cat, child, "social_care", "Home visit")  # waiting on cat's device when the agreement changes
    agreement_admin.end(server.store, first, "replaced")
    _agreement(server, school, care, "identity,general")
    report = cat.sync()
    assert report.pushed >= 1 and child in report.purged
    assert _summaries(cat, child) == {"Home visit"}  # its own entry came back; the youth-justice one did not
    assert report.digest_ok and not report.resynced
    ann.sync()
    assert "Home visit" in _summaries(ann, child)  # pushed before the purge, shared back under social_care
    assert visit
    ann.close()
    cat.close()


@pytest.mark.parametrize(
    "change",
    [
        {"party_a": "kind:nowhere"},
        {"a_to_b": "identity,gossip"},
        {"a_to_b": "health", "article_9": None},
        {"a_to_b": "youth_justice", "article_10": None},
        {"start": "2025-13-01"},
        {"end": "2024-01-01"},
        {"signed_by": []},
        {"article_6": "because"},
        {"party_b": "org:00000000-0000-7000-8000-000000000000"},
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_changes(server: Server, change: dict[str, Any]) -> None:
    school, care = server.org("Riverside Academy"), server.org("Children's Social Care")
    fields: dict[str, Any] = {
        "title": "T",
        "party_a": f"org:{school}",
        "party_b": f"org:{care}",
        "a_to_b": "identity",
        "b_to_a": "",
        "article_6": "public_task",
        "article_9": "safeguarding",
        "article_10": "safeguarding",
        "start": START,
        "review": "2026-01-01",
        "signed_by": ["Someone"],
    }
    with pytest.raises(AdminError, match="Agreement not recorded"):
        agreement_admin.add(server.store, **{**fields, **change})
    assert agreement_admin.list_all(server.store) == []


def test_the_device_is_told_what_is_withheld_and_under_which_agreement(server: Server, tmp_path: Path) -> None:
    school, care, ann, cat, child = _two_orgs(server, tmp_path)
    _agreement(server, school, care, "identity,education")
    _entry(ann, child, "youth_justice", "Referral order")
    _entry(ann, child, "youth_justice", "Police contact")
    _entry(ann, child, "behaviour", "Detention")
    ann.sync()
    cat.sync()
    shown = SharingService(cat.db, "cat").for_child(child)
    assert shown.notices == [
        "1 behaviour entry from Riverside Academy is not shared with Children's Social Care: under the agreement "
        "“Riverside and children's social care”.",
        "2 youth-justice entries from Riverside Academy are not shared with Children's Social Care: under the "
        "agreement “Riverside and children's social care”.",
    ]
    assert [view.agreement.title for view in shown.agreements] == ["Riverside and children's social care"]
    assert not SharingService(ann.db, "ann").for_child(child).notices  # the school holds all of its own
    with cat.db.engine.connect() as conn:  # the notice holds the category and owner, never the content
        stored = " ".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM withheld_rows"))
    assert "Referral order" not in stored and "Police contact" not in stored
    ann.close()
    cat.close()


def test_a_restricted_entry_stays_within_its_organisation_unannounced(server: Server, tmp_path: Path) -> None:
    _, _, ann, cat, child = _two_orgs(server, tmp_path)
    now = datetime.now(UTC)
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "ann",
                "summary": "What the neighbour said",
                "category": "safeguarding",
                "restricted": True,
            },
        )
    _entry(ann, child, "safeguarding", "Concern logged")
    ann.sync()
    report = cat.sync()
    assert _summaries(cat, child) == {"Concern logged"}
    assert SharingService(cat.db, "cat").for_child(child).notices == []
    assert report.digest_ok and not report.resynced
    ann.close()
    cat.close()


def test_withdrawn_consent_narrows_sharing_until_it_is_given_again(server: Server, tmp_path: Path) -> None:
    _, _, ann, cat, child = _two_orgs(server, tmp_path)
    _entry(ann, child, "health", "Asthma plan")
    ann.sync()
    cat.sync()
    assert _summaries(cat, child) == {"Asthma plan"}
    service = SharingService(ann.db, "ann")
    consent_id, _ = service.record_consent(child, "health", "Mother", date(2025, 3, 1), note="by phone")
    ann.sync()
    report = cat.sync()
    assert child in report.purged and _summaries(cat, child) == set()
    assert report.digest_ok and not report.resynced
    assert "consent to share it was withdrawn" in SharingService(cat.db, "cat").for_child(child).notices[0]
    [consent] = SharingService(cat.db, "cat").for_child(child).consents  # everyone involved sees the record
    assert consent.given_by == "Mother" and consent.recorded_by == "ann"
    service.end_consent(consent_id, date.today())
    ann.sync()
    cat.sync()
    assert _summaries(cat, child) == {"Asthma plan"}
    ann.close()
    cat.close()


def test_a_bad_consent_record_is_refused_and_nothing_is_written(server: Server, tmp_path: Path) -> None:
    _, _, ann, _, child = _two_orgs(server, tmp_path)
    service = SharingService(ann.db, "ann")
    with pytest.raises(ValidationError) as refused:
        service.record_consent(child, "identity", " ", date(2999, 1, 1), organisation_id="nope")
    assert {f for f, _ in refused.value.problems} == {"category", "given_by", "decided_on", "organisation_id"}
    assert service.for_child(child).consents == []
    ann.close()


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_withheld_category_or_restricted_entry_never_appears_in_packs_or_exports(
    server: Server, tmp_path: Path
) -> None:
    school, care, ann, cat, child = _two_orgs(server, tmp_path)
    _agreement(server, school, care, "identity,education,general")
    _entry(ann, child, "youth_justice", "Referral order made", "significant")
    _entry(ann, child, "education", "Reading support agreed", "significant")  # packs show significant entries
    now = datetime.now(UTC)
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "ann",
                "summary": "What the neighbour said",
                "category": "general",
                "significance": "significant",
                "restricted": True,
            },
        )
    ann.sync()
    cat.sync()
    # the receiving organisation's printed chronology and JSON export hold only what it was sent
    write_chronology_pdf(cat.db, child, "cat", tmp_path / "care.pdf", now)
    printed = _pdf_text(tmp_path / "care.pdf")
    assert "Reading support agreed" in printed
    assert "Referral order made" not in printed and "What the neighbour said" not in printed
    exported = json.dumps(export_child(cat.db, child, "cat"), default=str)
    assert "Reading support agreed" in exported and "Referral order made" not in exported
    assert "neighbour" not in exported and "LS6 3AB" not in exported
    # the school's own referral pack for a service never carries its restricted entry
    sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]
    with ann.db.unit_of_work("ann") as uow:
        service = uow.insert("services", {"external_id": sample["id"], "name": sample["name"], "document": sample})
    referral = NewReferral(
        child_id=child,
        service_id=service,
        service_name=sample["name"],
        reason="Needs support with reading and at home.",
        sharing=CONSENT,
        referrer=REFERRER,
        sections=("identity", "chronology"),
    )
    referral_id, _ = ReferralService(ann.db, "ann").create(referral)
    write_pack_pdf(ann.db, referral_id, "service", tmp_path / "pack.pdf", "ann")
    pack = _pdf_text(tmp_path / "pack.pdf")
    assert "Reading support agreed" in pack and "What the neighbour said" not in pack
    ann.close()
    cat.close()
