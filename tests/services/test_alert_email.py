"""The opt-in email for urgent alerts: none unless this device opted in; then one request per person told with an
address, saying nothing about the child or the alert, never asked for twice. An open alert shows on the child's
Overview; what people do about it is journaled and audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from casedesk.services.alerts import mail
from casedesk.services.alerts.service import AlertsService
from casedesk.services.children import ChildrenService
from casedesk.services.overview.service import build_cards
from casedesk.store.database import Database
from casedesk.store.models import MailRequestRow
from tests.factories import add_child, journal_of

TODAY = date(2025, 11, 28)


def _arrested_child(db: Database, name: str, org: str, worker: str) -> str:
    child = add_child(db, name, "Brightwater", date(2011, 1, 1))
    at = datetime(2025, 11, 26, 22, tzinfo=UTC)
    with db.unit_of_work("tester") as uow:
        uow.insert(
            "involvements",
            {
                "child_id": child,
                "organisation_id": org,
                "worker_id": worker,
                "role": "social_worker",
                "start_date": date(2025, 1, 1),
            },
        )
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "arrest",
                "occurred_at": at,
                "recorded_at": at,
                "author": "PC 9",
                "category": "youth_justice",
                "summary": f"{name} arrested for robbery",
            },
        )
    return child


def test_urgent_alerts_email_the_people_told_only_when_opted_in(db: Database) -> None:
    with db.unit_of_work("tester") as uow:
        org = uow.insert("organisations", {"name": "Children's Social Care", "kind": "childrens_social_care"})
        sam = uow.insert("workers", {"organisation_id": org, "name": "Sam Social", "email": "sam@csc.example"})
    alerts = AlertsService(db, "Sam Social")
    _arrested_child(db, "Tallulah", org, sam)
    first, _ = alerts.evaluate(TODAY)
    assert len(first.urgent) == 1
    with db.session() as session:
        assert session.scalars(select(MailRequestRow)).all() == []  # not opted in: no email

    alerts.set_emails(True)
    _arrested_child(db, "Kofi", org, sam)
    second, _ = alerts.evaluate(TODAY)
    [alert_id] = second.urgent
    with db.session() as session:
        [request] = session.scalars(select(MailRequestRow)).all()
    assert request.id == mail.request_id(alert_id, "sam@csc.example") and request.recipient == "sam@csc.example"
    assert request.subject == mail.SUBJECT and request.message == {"body": mail.BODY}
    words = f"{request.subject} {request.message}"
    for private in ("Kofi", "Brightwater", "robbery", "arrest", "Police", "Social Care"):
        assert private.casefold() not in words.casefold()
    alerts.evaluate(TODAY, full=True)  # held already: nothing raised, nothing asked for again
    with db.session() as session:
        assert len(session.scalars(select(MailRequestRow)).all()) == 1
    assert journal_of(db, "mail_requests", request.id) == (["append"], ["create"])


def test_acting_on_an_alert_is_journaled_and_audited(db: Database) -> None:
    with db.unit_of_work("tester") as uow:
        org = uow.insert("organisations", {"name": "Youth Justice Service", "kind": "youth_justice"})
        case_manager = uow.insert("workers", {"organisation_id": org, "name": "Yan Case"})
    _arrested_child(db, "Ola", org, case_manager)
    alerts = AlertsService(db, "Yan Case")
    evaluation, _ = alerts.evaluate(TODAY)
    [alert_id] = evaluation.raised
    child = AlertsService(db, "Yan Case").get(alert_id).alert.child_id
    [card] = [c for c in build_cards(db, ChildrenService(db, "Yan Case").view(child), TODAY) if c.key == "alerts"]
    assert card.title == "Open alerts (1)" and card.tab == "youth_justice" and card.flags == ("1 urgent",)
    assert card.lines == ("Urgent: Police contact or arrest — met 26 Nov 2025; told Yan Case (social worker)",)
    view, changes = alerts.act(alert_id, "Visited at home the next morning")
    assert "alerts" not in [c.key for c in build_cards(db, ChildrenService(db, "Yan Case").view(child), TODAY)]
    assert changes.touches("alert_actions") and not view.open
    [action] = view.actions
    assert journal_of(db, "alert_actions", action.id) == (["append"], ["create"])
    assert journal_of(db, "alerts", alert_id) == (["insert"], ["create"])
    assert TODAY - timedelta(days=2) <= view.alert.met_on <= TODAY
