"""Referrals: the workflow (allowed and refused steps), the sharing decision, and packs that share only what was
chosen (checked in the PDF's own text with pdftotext)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.domain.referrals.workflow import SharingDecision, acknowledgement_due
from casedesk.domain.working_days import WEEKDAYS
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.services.referrals.pack import build_pack, write_pack_pdf
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.store import calendar
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from tests.factories import CONSENT, REFERRER


@pytest.fixture
def child(db: Database) -> dict[str, str]:
    sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]
    now = datetime.now(UTC)
    with db.unit_of_work("tester") as uow:
        school = uow.insert("organisations", {"name": "Oakwood Primary School", "kind": "school"})
        child_id = uow.insert(
            "children",
            {
                "given_name": "Ada",
                "family_name": "Okafor",
                "date_of_birth": date(2014, 3, 2),
                "upn": "B801200005001",
                "address_line1": "12 Elm Road",
                "postcode": "LS6 3AB",
                "current_school_id": school,
            },
        )
        uow.insert("status_periods", {"child_id": child_id, "kind": "child_in_need", "start_date": date(2025, 1, 6)})
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "safeguarding_concern",
                "occurred_at": now,
                "recorded_at": now,
                "author": "tester",
                "significance": "significant",
                "summary": "Disclosure to class teacher",
            },
        )
        service_id = uow.insert("services", {"external_id": sample["id"], "name": sample["name"], "document": sample})
    return {"child": child_id, "service": service_id, "service_name": sample["name"]}


def _new(child: dict[str, str], **changes: object) -> NewReferral:
    values: dict[str, object] = dict(
        child_id=child["child"],
        service_id=child["service"],
        service_name=child["service_name"],
        reason="Attendance has fallen to 82% this term and mornings are hard at home.",
        sharing=CONSENT,
        referrer=REFERRER,
        sections=("identity", "school"),
    )
    values.update(changes)
    return NewReferral(**values)  # type: ignore[arg-type]


def test_workflow_allows_its_steps_records_each_in_the_chronology_and_refuses_others(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child))
    with pytest.raises(ValidationError, match="draft referral cannot become accepted"):
        ReferralService(db, "Sam Patel").transition(referral_id, "accepted")
    ReferralService(db, "Sam Patel").transition(referral_id, "sent")
    ReferralService(db, "Sam Patel").transition(referral_id, "acknowledged")
    with pytest.raises(ValidationError, match="reason"):
        ReferralService(db, "Sam Patel").transition(referral_id, "declined")
    declined, _ = ReferralService(db, "Sam Patel").transition(
        referral_id, "declined", reason="does not meet the service's threshold"
    )
    assert declined.inappropriate and declined.status == "declined"
    with pytest.raises(ValidationError, match="outcome"):
        ReferralService(db, "Sam Patel").transition(referral_id, "closed")
    closed, _ = ReferralService(db, "Sam Patel").transition(
        referral_id, "closed", outcome="Signposted to early help instead"
    )
    with pytest.raises(ValidationError, match="cannot become sent"):
        ReferralService(db, "Sam Patel").transition(referral_id, "sent")
    timeline = ReferralService(db, "tester").timeline(referral_id)
    assert [e.summary.rsplit(" ", 1)[-1] for e in timeline] == ["drafted", "sent", "acknowledged", "declined", "closed"]
    with db.session() as session:
        chronology = {e.id for e in repo.events_for_child(session, child["child"])}
    assert {e.id for e in timeline} <= chronology and closed.outcome == "Signposted to early help instead"


def test_an_incomplete_referral_or_sharing_decision_is_refused_with_every_problem(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    no_basis = SharingDecision(consent=False, decided_by="Sam Patel")
    with pytest.raises(ValidationError) as caught:
        ReferralService(db, "Sam Patel").create(_new(child, reason="x", sharing=no_basis, referrer={}))
    fields = {f for f, _ in caught.value.problems}
    assert {"reason", "lawful_basis", "reason_without_consent", "referrer"} <= fields
    assert ReferralService(db, "tester").all() == []
    justified = SharingDecision(
        consent=False,
        lawful_basis="public_task",
        decided_by="Sam Patel",
        reason_without_consent="Asking would put the child at greater risk of harm.",
    )
    assert ReferralService(db, "Sam Patel").create(_new(child, sharing=justified))


def test_overdue_when_not_acknowledged_in_working_days(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    assert WEEKDAYS.after(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday + 5 working days
    sent = datetime(2026, 11, 2, 10, tzinfo=UTC)
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child), now=sent)
    ReferralService(db, "Sam Patel").transition(referral_id, "sent", now=sent)
    assert acknowledgement_due(sent, 5, WEEKDAYS) == date(2026, 11, 9)
    assert ReferralService(db, "tester").overdue(today=date(2026, 11, 9)) == []
    assert [r.id for r in ReferralService(db, "tester").overdue(today=date(2026, 11, 10))] == [referral_id]
    ReferralService(db, "Sam Patel").transition(referral_id, "acknowledged", now=sent + timedelta(days=9))
    assert ReferralService(db, "tester").overdue(today=date(2026, 11, 10)) == []


def test_bank_holidays_the_server_gave_are_not_working_days(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    """Sent on Tuesday 22 December 2026 with five working days: Christmas Day and the substitute Boxing Day
    (Monday 28th) do not count, so it is due on the 31st, not the 29th, and is not overdue on the 30th."""
    sent = datetime(2026, 12, 22, 10, tzinfo=UTC)
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child), now=sent)
    ReferralService(db, "Sam Patel").transition(referral_id, "sent", now=sent)
    assert [item.due for item in ReferralService(db, "tester").listing(today=date(2026, 12, 30))] == [
        date(2026, 12, 29)
    ]
    calendar.keep(db, [date(2026, 12, 25), date(2026, 12, 28)], "test list", date(2026, 12, 1))
    assert [item.due for item in ReferralService(db, "tester").listing(today=date(2026, 12, 30))] == [
        date(2026, 12, 31)
    ]
    assert ReferralService(db, "tester").overdue(today=date(2026, 12, 30)) == []
    assert [r.id for r in ReferralService(db, "tester").overdue(today=date(2027, 1, 1))] == [referral_id]
    calendar.keep(db, [], "an empty list", date(2026, 12, 2))  # never loses a list held to an empty answer
    assert calendar.working_days(db).holidays == {date(2026, 12, 25), date(2026, 12, 28)}


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_service_pack_holds_the_chosen_sections_and_none_of_the_others(db: Database, child, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child, sections=("identity", "school")))
    pack = build_pack(db, referral_id)
    assert pack.school == "Oakwood Primary School" and pack.address is None and pack.statuses == ()
    write_pack_pdf(db, referral_id, "service", tmp_path / "service.pdf", "Sam Patel")
    text = _pdf_text(tmp_path / "service.pdf")
    assert "Ada Okafor" in text and "Oakwood Primary School" in text and "B801200005001" in text
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text and "Consent given by Mother" in text
    for withheld in ("12 Elm Road", "LS6 3AB", "Child in need", "Disclosure to class teacher"):
        assert withheld not in text
    wider, _ = ReferralService(db, "Sam Patel").create(
        _new(child, sections=("identity", "contact", "statuses", "chronology"))
    )
    write_pack_pdf(db, wider, "service", tmp_path / "wider.pdf", "Sam Patel")
    text = _pdf_text(tmp_path / "wider.pdf")
    assert "12 Elm Road" in text and "Child in need" in text and "Disclosure to class teacher" in text
    assert "Oakwood Primary School" not in text


def test_family_pack_is_plain_and_complete(db: Database, child, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child))
    ReferralService(db, "Sam Patel").transition(referral_id, "sent")
    write_pack_pdf(db, referral_id, "family", tmp_path / "family.pdf", "Sam Patel")
    text = " ".join(_pdf_text(tmp_path / "family.pdf").split())
    assert child["service_name"] in text and "What happens next" in text and "working days" in text
    assert "Who to contact" in text and "sam@oakwood.example" in text and "How they can help" in text
    assert "B801200005001" not in text and "Ada Okafor" not in text  # no case detail: first name only
    # What is shared, in plain words, and how to reach the service itself: where, when and how.
    assert "With the agreement Mother (Grace Okafor) gave us on 20 November 2026" in text
    assert "Ada's name, date of birth and school reference numbers" in text and "Which school Ada goes to" in text
    assert "sections ticked" not in text and "Consent given by" not in text
    assert f"How to contact {child['service_name']}" in text and "10 Sample Street, Leeds, LS2 1AA" in text
    assert "Weekdays 9am to 5pm, term time and holidays (by phone)" in text and "0113 496 0200" in text
    with db.session() as session:
        assert any(e.action == "print" for e in repo.audit_entries_for(session, [referral_id]))


def test_cli_exports_either_pack_as_pdf_or_eml_and_refuses_bad_input(  # type: ignore[no-untyped-def]
    db: Database, child, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from email import message_from_bytes

    from casedesk.cli.main import main
    from tests.factories import PASSPHRASE

    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child))
    base = ["export", "referral", "--db", str(db.path), "--referral", referral_id]
    assert main([*base, "--audience", "family", "--out", str(tmp_path / "f.pdf")]) == 0
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
    assert main([*base, "--out", str(tmp_path / "r.eml"), "--to", "intake@service.example"]) == 0
    message = message_from_bytes((tmp_path / "r.eml").read_bytes())
    assert message["To"] == "intake@service.example"
    assert any(p.get_content_type() == "application/pdf" for p in message.walk())
    capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "x.eml")]) != 0
    assert "--to" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "y.eml"), "--to", "not-an-address"]) != 0
    assert "not an email address" in capsys.readouterr().err
    assert main(["export", "referral", "--db", str(db.path), "--referral", "nope", "--out", str(tmp_path / "z.pdf")])
    assert "No referral with id nope" in capsys.readouterr().err and not (tmp_path / "z.pdf").exists()


def test_analytics_count_by_service_status_and_outcome_with_small_numbers_suppressed(  # type: ignore[no-untyped-def]
    db: Database, child, tmp_path: Path
) -> None:
    from casedesk.services.referrals.analytics import referral_analytics, write_analytics_pdf

    ids = [ReferralService(db, "Sam Patel").create(_new(child))[0] for _ in range(12)]
    for referral_id in ids:
        ReferralService(db, "Sam Patel").transition(referral_id, "sent")
    for referral_id in ids[:6]:
        ReferralService(db, "Sam Patel").transition(referral_id, "accepted")
    for referral_id in ids[6:11]:
        ReferralService(db, "Sam Patel").transition(
            referral_id, "declined", reason="does not meet the service's threshold"
        )
    ReferralService(db, "Sam Patel").transition(ids[0], "closed", outcome="Attendance back above 95%")
    result = referral_analytics(db)
    tables = {t.title: dict(t.display()) for t in result.tables}
    assert result.total == 12 and tables["Referrals by service"] == {child["service_name"]: "12", "Total": "12"}
    # one sent and one closed are withheld, and a third count with them, so the total cannot give them away
    assert tables["Referrals by status"] == {
        "Accepted": "c",
        "Declined": "5",
        "Sent": "c",
        "Closed": "c",
        "Total": "12",
    }
    assert tables["Referrals by outcome"]["Accepted"] == "6"  # the closed one keeps its decision
    assert tables["Referrals by outcome"]["Declined: does not meet the service's threshold"] == "c"
    assert tables["Referrals by outcome"]["Awaiting a decision"] == "c"
    assert result.inappropriate_rate == "45% (5 of 11)"
    write_analytics_pdf(db, tmp_path / "a.pdf", "Sam Patel")
    text = _pdf_text(tmp_path / "a.pdf")
    assert "Referral analytics" in text and "c: withheld" in text and "45% (5 of 11)" in text
    ReferralService(db, "Sam Patel").transition(ids[11], "declined", reason="family declined the service")
    assert referral_analytics(db).inappropriate_rate == "42% (5 of 12)"


def test_small_numbers_withhold_the_rate(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    from casedesk.services.referrals.analytics import referral_analytics

    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child))
    ReferralService(db, "Sam Patel").transition(referral_id, "sent")
    ReferralService(db, "Sam Patel").transition(referral_id, "declined", reason="does not meet the service's threshold")
    assert referral_analytics(db).inappropriate_rate == "withheld (too few referrals to show safely)"


def test_subject_access_export_holds_referrals_and_the_emails_sent_about_them(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    from casedesk.services.export import export_child

    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child))
    ReferralService(db, "Sam Patel").queue_via_server(referral_id, "service", "intake@service.example")
    (bundle,) = export_child(db, child["child"], "Sam Patel")["children"]
    assert [r["id"] for r in bundle["referrals"]] == [referral_id]
    assert bundle["referrals"][0]["sharing"]["consent_given_by"] == "Mother (Grace Okafor)"
    (email,) = bundle["referral_emails"]
    assert email["recipient"] == "intake@service.example" and "attachment_base64" not in str(email)
    assert bundle["needs_checks"] == [] and any(a["row_id"] == referral_id for a in bundle["audit"])


def test_service_card_reads_address_and_opening_times_from_the_directory_record() -> None:
    from casedesk.domain.referrals.pack import ServiceCard

    document = {
        "name": "Drop-in",
        "url": "https://example.org/drop-in",
        "service_at_locations": [{"location": {"addresses": [{"address_1": "1 High St", "postal_code": "LS1 1AA"}]}}],
        "schedules": [
            {"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00:00", "closes_at": "17:30:00"},
            {"byday": "SA", "opens_at": "10:00:00", "closes_at": "13:00:00", "attending_type": "In person"},
            {"byday": "MO,WE", "opens_at": "15:30:00"},
        ],
    }
    card = ServiceCard.from_document("Drop-in", document)
    assert card.address == "1 High St, LS1 1AA" and card.website == "https://example.org/drop-in"
    assert card.opening_times == (
        "Monday to Friday, 9am to 5:30pm",
        "Saturday, 10am to 1pm (in person)",
        "Monday and Wednesday, 3:30pm",
    )
    assert ServiceCard.from_document("Bare", {}).opening_times == ()


def test_packs_exports_and_printouts_decide_disclosure_through_sharing_redact(  # type: ignore[no-untyped-def]
    db: Database, child, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casedesk.domain import sharing
    from casedesk.services.export import export_child, write_chronology_pdf

    seen: list[str] = []
    real = sharing.redact

    def spy(record: object, allowed: sharing.Allowed) -> object:
        seen.append(record.entity if isinstance(record, sharing.Shared) else sharing.ENTITY_OF[type(record)])
        return real(record, allowed)

    monkeypatch.setattr(sharing, "redact", spy)
    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child, sections=("identity", "chronology")))
    build_pack(db, referral_id)
    assert {"children", "status_periods", "events", "organisations"} <= set(seen)
    seen.clear()
    export_child(db, child["child"], "Sam Patel")
    assert {"children", "status_periods", "events", "referrals", "organisations"} <= set(seen)
    seen.clear()
    write_chronology_pdf(db, child["child"], "Sam Patel", tmp_path / "c.pdf", datetime.now(UTC))
    assert {"children", "events", "status_periods"} <= set(seen)


def test_a_pack_withholds_what_its_sections_do_not_grant(db: Database, child, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from casedesk.domain import sharing
    from casedesk.domain.schema import Category

    referral_id, _ = ReferralService(db, "Sam Patel").create(_new(child, sections=("identity", "chronology")))
    assert [c[2] for c in build_pack(db, referral_id).chronology] == ["Disclosure to class teacher"]
    # a (future) rule withholding general entries is one grant less, decided in sharing alone
    narrower = sharing.SECTION_GRANTS["chronology"].grants - {("events", Category.GENERAL)}
    monkeypatch.setitem(sharing.SECTION_GRANTS, "chronology", sharing.Allowed(narrower))
    assert build_pack(db, referral_id).chronology == ()


def test_the_export_holds_every_catalogued_field_of_each_record(db: Database, child) -> None:  # type: ignore[no-untyped-def]
    from casedesk.domain.schema import CATALOGUE
    from casedesk.services.export import export_child

    ReferralService(db, "Sam Patel").create(_new(child))
    (bundle,) = export_child(db, child["child"], "Sam Patel")["children"]
    for key, entity in (
        ("child", "children"),
        ("status_periods", "status_periods"),
        ("events", "events"),
        ("referrals", "referrals"),
        ("organisations", "organisations"),
    ):
        rows = [bundle[key]] if key == "child" else bundle[key]
        assert rows, key
        for row in rows:  # a field added to the catalogue but not to the record an export reads fails here
            assert CATALOGUE[entity].names | {"id"} <= set(row), entity
