"""What a device passes on follows the agreements for the receiving organisation: each pulled row names the
organisation that wrote it, and a referral pack, a panel pack, a chronology printed for another organisation and a
record exported for one show a row only as the agreements between its owner and that receiver allow — even
though the device itself was sent it under a wider agreement."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk import config
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.server.db import accounts as admin
from casedesk.server.db import agreement_admin
from casedesk.services.export import export_child, write_chronology_pdf
from casedesk.services.meetings.panel_pack import write_panel_pack
from casedesk.services.referrals.pack import write_pack_pdf
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.store import sharing_repo
from tests.factories import CONSENT, REFERRER
from tests.sync.harness import Device, Server, make_device


def _agreement(server: Server, a: str, b: str, a_to_b: str, b_to_a: str, title: str) -> None:
    agreement_admin.add(
        server.store,
        title=title,
        party_a=f"org:{a}",
        party_b=f"org:{b}",
        a_to_b=a_to_b,
        b_to_a=b_to_a,
        article_6="public_task",
        article_9="safeguarding",
        article_10="safeguarding",
        start="2025-01-01",
        review="2026-12-31",
        signed_by=["One", "Two"],
    )


def _entry(device: Device, child_id: str, category: str, summary: str) -> str:
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
                "significance": "significant",
            },
        )


def _involve(device: Device, child_id: str, org_id: str) -> None:
    with device.db.unit_of_work(device.username) as uow:
        uow.insert(
            "involvements",
            {"child_id": child_id, "organisation_id": org_id, "role": "social_worker", "start_date": date(2025, 1, 6)},
        )


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def area(server: Server, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A school, children's social care and the youth justice service; youth justice shares its entries with
    social care but not with the school; social care shares social-care entries with the school."""
    school = server.org("Riverside Academy")
    care = admin.create_org(server.store, "Children's Social Care", kind="social_care")
    yjs = admin.create_org(server.store, "Youth Justice Service", kind="youth_justice")
    for org, name in ((school, "ann"), (care, "cat"), (yjs, "yan")):
        server.user(org, name)
    _agreement(server, yjs, care, "identity,youth_justice,general", "social_care", "Youth justice and social care")
    _agreement(server, yjs, school, "identity,education", "education", "Youth justice and schools")
    _agreement(server, care, school, "social_care,general", "education,general", "Social care and schools")
    ann, cat, yan = (make_device(tmp_path, n, server, n) for n in ("ann", "cat", "yan"))
    child = ann.add_child("Ada", "Okafor", school)
    _involve(ann, child, care)
    _involve(ann, child, yjs)
    ann.sync()
    yan.sync()
    _entry(yan, child, "youth_justice", "Referral order made")
    yan.sync()
    cat.sync()
    _entry(cat, child, "social_care", "Strategy discussion held")
    yield {"school": school, "care": care, "yjs": yjs, "cat": cat, "child": child}
    for device in (ann, cat, yan):
        device.close()


def test_pulled_rows_keep_their_owner_on_the_device(area: dict) -> None:  # type: ignore[type-arg]
    cat: Device = area["cat"]
    with cat.db.session() as session:
        from casedesk.store import repositories as repo

        events = {e.summary: e.id for e in repo.events_for_child(session, area["child"])}
        owners = sharing_repo.owners(session, [*events.values(), area["child"]])
    assert owners[events["Referral order made"]] == area["yjs"]  # sent to social care under its agreement
    assert owners[area["child"]] == area["school"]
    assert events["Strategy discussion held"] not in owners  # this organisation's own


def test_a_referral_pack_to_the_school_leaves_out_what_youth_justice_does_not_share_with_it(
    area: dict,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    cat: Device = area["cat"]
    sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]
    document = {**sample, "organization": {"name": "Riverside Academy"}}  # the school's own service
    with cat.db.unit_of_work("cat") as uow:
        service = uow.insert("services", {"external_id": sample["id"], "name": "Nurture group", "document": document})
    referral = NewReferral(
        child_id=area["child"],
        service_id=service,
        service_name="Nurture group",
        reason="Needs a calm start to the school day.",
        sharing=CONSENT,
        referrer=REFERRER,
        sections=("identity", "chronology"),
    )
    referral_id, _ = ReferralService(cat.db, "cat").create(referral)
    write_pack_pdf(cat.db, referral_id, "service", tmp_path / "pack.pdf", "cat")
    pack = _pdf_text(tmp_path / "pack.pdf")
    assert "Strategy discussion held" in pack  # social care shares its own entries with the school
    assert "Referral order made" not in pack


def test_papers_and_printouts_for_another_organisation_follow_its_agreements(
    area: dict,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    cat: Device = area["cat"]
    child, now = area["child"], datetime.now(UTC)
    write_panel_pack(
        cat.db, [child], [area["care"], area["school"]], "Inclusion panel", now.date(), tmp_path / "p.pdf", "cat"
    )
    panel = _pdf_text(tmp_path / "p.pdf")
    assert "Strategy discussion held" in panel and "Referral order made" not in panel
    write_panel_pack(cat.db, [child], [area["care"], area["yjs"]], "Risk panel", now.date(), tmp_path / "r.pdf", "cat")
    assert "Referral order made" in _pdf_text(tmp_path / "r.pdf")  # youth justice shares it with social care
    write_chronology_pdf(cat.db, child, "cat", tmp_path / "own.pdf", now)
    assert "Referral order made" in _pdf_text(tmp_path / "own.pdf")  # the practitioner's own printout
    write_chronology_pdf(cat.db, child, "cat", tmp_path / "school.pdf", now, for_org=area["school"])
    printed = _pdf_text(tmp_path / "school.pdf")
    assert "Strategy discussion held" in printed and "Referral order made" not in printed
    exported = json.dumps(export_child(cat.db, child, "cat", for_org=area["school"]), default=str)
    assert "Strategy discussion held" in exported and "Referral order made" not in exported
    with pytest.raises(ValidationError):
        export_child(cat.db, child, "cat", for_org="no-such-organisation")


def test_the_areas_default_decides_for_a_service_no_agreement_names(
    server: Server,
    area: dict,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    cat: Device = area["cat"]
    sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]
    with cat.db.unit_of_work("cat") as uow:  # a voluntary service the directory lists, with no account here
        service = uow.insert("services", {"external_id": sample["id"], "name": sample["name"], "document": sample})
    referral = NewReferral(
        child_id=area["child"],
        service_id=service,
        service_name=sample["name"],
        reason="Needs a mentor after school.",
        sharing=CONSENT,
        referrer=REFERRER,
        sections=("identity", "chronology"),
    )
    referral_id, _ = ReferralService(cat.db, "cat").create(referral)
    write_pack_pdf(cat.db, referral_id, "service", tmp_path / "open.pdf", "cat")
    assert "Strategy discussion held" in _pdf_text(tmp_path / "open.pdf")  # the open default: as before
    agreement_admin.set_default(server.store, "closed")
    cat.sync()
    assert cat.db.get(config.SHARING_DEFAULT) == "closed"  # the server says so at each round
    write_pack_pdf(cat.db, referral_id, "service", tmp_path / "closed.pdf", "cat")
    closed = _pdf_text(tmp_path / "closed.pdf")
    assert "Ada" in closed and "Strategy discussion held" not in closed and "Referral order made" not in closed
