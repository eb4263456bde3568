"""Demo referrals in every state, so the Referrals page, reminders and analytics have something real to show.

Written through the referral service (each step a unit of work with its chronology entry), with past dates:
drafted up to a year ago, sent a day later, then acknowledged, accepted, declined, withdrawn or closed — and
some sent and never acknowledged, so the overdue reminder shows. A step that would fall after "today" has not
happened yet: a referral drafted last week is still waiting where a year-old one has closed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from casedesk.domain.directory.match import match_services
from casedesk.domain.directory.model import Service
from casedesk.domain.referrals.workflow import DECLINE_REASONS, INAPPROPRIATE_REASONS, SharingDecision
from casedesk.services.directory.service import DirectoryService
from casedesk.services.referrals.service import NewReferral, ReferralService
from casedesk.services.triage.service import TriageService
from casedesk.store import directory_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

SHARE_OF_CHILDREN = 0.06
MAX_REFERRALS = 400
DAYS = 365  # a year of referrals, declined as not fitting the service less often as the year goes on
REASONS = (
    "Attendance has fallen below 85% this term; mornings are difficult at home and the family asked for support.",
    "Repeated suspensions for disruptive behaviour; school believes unmet needs sit behind it.",
    "Low mood and anxiety reported by the child and parent; school support has not been enough.",
    "Parent caring for a sibling with a disability; the child is often late and tired.",
    "Concerns about older peers and unexplained money; the child is at risk of exploitation.",
)
# path of statuses after "draft", and how likely each is
PATHS = (
    ((), 1),
    (("sent",), 2),
    (("sent", "acknowledged"), 2),
    (("sent", "acknowledged", "accepted"), 3),
    (("sent", "accepted", "closed"), 2),
    (("sent", "declined"), 2),
    (("sent", "acknowledged", "declined", "closed"), 1),
    (("withdrawn",), 1),
)


WHOLE_PATH_DAYS = 4 * 10  # the longest path's steps, each at most nine days and five hours after the last

OVERRIDE = "The family asked for this service by name after using it before."


def _fitting(db: Database, directory: list[Service], triage_id: str | None, today: date) -> list[str]:
    """The services that fit the child's latest needs check, as a practitioner would choose among (sorted ids)."""
    if triage_id is None:
        return []
    r = TriageService(db, "").match_request(triage_id, today)
    matches = match_services(
        directory,
        r["outcome_level"],
        r["outcome_domains"],
        r["child_age"],
        r["postcode_district"],
        r["child_needs"],
        r["need_labels"],
    )
    return sorted(m.service.id for m in matches if m.fits)


def seed_demo_referrals(db: Database, seed: int, today: date, author: str = "casedesk-demo") -> int:
    rng = random.Random(seed * 7919)
    with db.session() as session:
        children = {c.id: c for c in repo.list_children(session)}
        services = {s.id: s.name for s in directory_repo.list_services(session)}
        triage = triage_repo.latest_completed_by_child(session)
    service_ids = sorted(services)
    if not service_ids or not children:
        return 0
    chosen = sorted(children)[:: max(1, round(1 / SHARE_OF_CHILDREN))][:MAX_REFERRALS]
    paths, weights = zip(*PATHS, strict=True)
    directory = DirectoryService(db, author).services()
    until = min(datetime.now(UTC), datetime.combine(today, time(17, 0), UTC))  # nothing happens after "today"
    for number, child_id in enumerate(chosen):
        service_id = rng.choice(_fitting(db, directory, triage.get(child_id), today) or service_ids)
        days_ago = rng.randint(2, DAYS)
        if number < len(PATHS):
            days_ago = max(days_ago, WHOLE_PATH_DAYS)  # old enough for its whole path to have happened
        start = datetime.combine(today - timedelta(days=days_ago), time(10), UTC)
        age = (today - start.date()).days / DAYS  # 1 a year ago, 0 now: referrals fitted services better lately
        consent = rng.random() < 0.85
        sharing = SharingDecision(
            consent=consent,
            consent_given_by=rng.choice(("Mother", "Father", "Carer", "The young person")) if consent else "",
            consent_given_on=start.date() if consent else None,
            consent_scope="referral to this service and sharing the chosen sections" if consent else "",
            lawful_basis="" if consent else "public_task",
            reason_without_consent="" if consent else "Seeking consent would place the child at increased risk.",
            decided_by="Demo DSL",
        )
        new = NewReferral(
            child_id=child_id,
            service_id=service_id,
            service_name=services[service_id],
            reason=rng.choice(REASONS),
            sharing=sharing,
            referrer={"name": "Demo DSL", "role": "Designated safeguarding lead", "email": "dsl@demo.casedesk.example"},
            sections=("identity", "school", "triage") if child_id in triage else ("identity", "school", "statuses"),
            urgency=rng.choice(("routine", "routine", "soon", "urgent")),
            triage_result_id=triage.get(child_id),
            fit_override=OVERRIDE,  # kept only where the service does not fit (a child nothing fits)
        )
        referral_id, _ = ReferralService(db, author).create(new, now=start)
        when = start
        # the first few walk every path, so even a small demo has a referral in every state
        chances = [w * (1 + 2 * age if "declined" in path else 1) for path, w in zip(paths, weights, strict=True)]
        for step in paths[number] if number < len(paths) else rng.choices(paths, chances)[0]:
            when += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 5))
            if when > until:
                break  # the rest of its path is still to come
            unfit = rng.random() < 0.3 + 0.5 * age
            reason = (
                rng.choice(sorted(INAPPROPRIATE_REASONS) if unfit else DECLINE_REASONS)
                if step == "declined"
                else "Family moved out of the area"
            )
            ReferralService(db, author).transition(
                referral_id,
                step,
                now=when,
                reason=reason if step in ("declined", "withdrawn") else None,
                outcome="Support completed; plan closed" if step == "closed" else None,
            )
    return len(chosen)
