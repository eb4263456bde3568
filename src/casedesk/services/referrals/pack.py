"""Assemble a referral pack from the record: only the sections the referrer chose, nothing else.

Reading, not writing: but a pack is a disclosure, so producing one is audited (who, when, which audience).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

from casedesk.domain import sharing
from casedesk.domain.referrals.pack import ReferralPack, ServiceCard
from casedesk.domain.referrals.workflow import acknowledgement_due
from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, InvolvementRole, StatusKind, label_of
from casedesk.errors import NotFound
from casedesk.services import onward, policy
from casedesk.store import calendar, directory_repo, referral_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

AUDIENCES = ("service", "family")
CHRONOLOGY_MONTHS = 12


class _Shared(TypedDict, total=False):
    """The parts of a pack only some sections share: filled in as the referrer's sections allow."""

    address: str
    school: str
    statuses: tuple[str, ...]
    involvements: tuple[tuple[str, str, str], ...]
    triage: dict[str, Any] | None
    chronology: tuple[tuple[date, str, str], ...]


def build_pack(db: Database, referral_id: str, today: date | None = None) -> ReferralPack:
    """The pack as the service may see it: every part of the record passes `sharing.redact` with the grants of
    the sections the referrer chose and, row by row, the agreements between the organisation that wrote it and
    the service's (`services.onward`), so what a pack discloses is decided where everything else's is."""
    today = today or date.today()
    with db.session() as session:
        referral = referral_repo.get_referral(session, referral_id)
        allowed = sharing.for_sections(referral.shared_sections)
        document = None  # a service since removed from the directory leaves only its name on the pack
        if referral.service_id:
            with suppress(NotFound):
                document = directory_repo.get_service(session, referral.service_id).document
        receiver = onward.receiver_of_service(session, document, referral.service_name)
        rules = onward.onward_for(db, session, [receiver], referral.child_id, allowed)
        child = rules.redact(repo.get_child(session, referral.child_id))
        if child is None:
            raise NotFound("The child's identity is always shared with a referral; it could not be read.")
        of_child = rules.allowed(rules.owner_of(child.id))
        orgs = {o.id: o for o in sharing.redact_all(repo.organisations(session).values(), allowed)}
        people = {w.id: w for w in sharing.redact_all(repo.workers(session).values(), allowed)}
        extra: _Shared = {}
        if allowed.permits("children", Category.CONTACT) and of_child.permits("children", Category.CONTACT):
            parts = (child.address_line1, child.address_line2, child.town, child.postcode)
            extra["address"] = ", ".join(p for p in parts if p) or "Not recorded"
        if allowed.permits("children", Category.EDUCATION) and of_child.permits("children", Category.EDUCATION):
            school = repo.organisations(session).get(child.current_school_id or "")
            extra["school"] = school.name if school else "No current school"
        statuses = rules.redact_all(repo.statuses_for_child(session, child.id))
        extra["statuses"] = tuple(
            label_of(StatusKind, p.kind) + (f" ({p.detail})" if p.detail else "")
            for p in statuses
            if p.is_current(today)
        )
        extra["involvements"] = tuple(
            (
                orgs[i.organisation_id].name if i.organisation_id in orgs else "",
                people[i.worker_id].name if i.worker_id in people else "",
                label_of(InvolvementRole, i.role),
            )
            for i in rules.redact_all(repo.involvements_for_child(session, child.id))
            if i.is_current(today)
        )
        if referral.triage_result_id:
            outcome = triage_repo.outcomes(session, [referral.triage_result_id]).get(referral.triage_result_id)
            shown = rules.redact(sharing.Shared("triage_results", {"outcome": outcome}), referral.triage_result_id)
            extra["triage"] = shown.values["outcome"] if shown else None
        since = datetime.combine(today - timedelta(days=CHRONOLOGY_MONTHS * 31), datetime.min.time(), UTC)
        events = rules.redact_all(repo.events_for_child(session, child.id))
        replaced = {e.amends_id for e in events if e.amends_id}
        extra["chronology"] = tuple(
            (e.occurred_at.date(), label_of(EventKind, e.kind), e.summary)
            for e in events
            if e.occurred_at >= since and e.significance in ("significant", "critical") and e.id not in replaced
        )
    identifiers = {"UPN": child.upn or child.upn_unknown_reason or "", "NHS number": child.nhs_number or ""}
    return ReferralPack(
        referral=referral,
        service=ServiceCard.from_document(referral.service_name, document),
        given_name=child.preferred_name or child.given_name,
        full_name=child.full_name,
        date_of_birth=child.date_of_birth,
        age=child.age_on(today),
        acknowledgement_due=acknowledgement_due(referral.sent_at, referral.ack_within_days, calendar.working_days(db))
        if referral.sent_at
        else None,
        sections=tuple(s for s in referral.shared_sections),
        identifiers={k: v for k, v in identifiers.items() if v},
        **extra,
    )


def write_pack_pdf(
    db: Database, referral_id: str, audience: str, out: Path, actor: str, pack: ReferralPack | None = None
) -> None:
    """Render the service's or the family's pack (from `pack` when the caller built it) and audit the disclosure."""
    from casedesk.reports.referral_pack import render_family_pack, render_service_pack

    if audience not in AUDIENCES:
        raise ValueError(f"audience is one of {', '.join(AUDIENCES)}")
    policy.require_printing(db)
    pack = pack or build_pack(db, referral_id)
    now = datetime.now(UTC)
    (render_service_pack if audience == "service" else render_family_pack)(out, pack, actor, now)
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("print", "referrals", referral_id, reason=f"referral pack for the {audience}")
