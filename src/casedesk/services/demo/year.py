"""A year of the area's activity on top of the demo's first checks and referrals, so the dashboards show patterns:
hundreds of needs checks and referrals across the demo's schools, month by month, by default (200 children).

About `CHECKS_PER_CHILD` more needs checks and `REFERRALS_PER_CHILD` more referrals a child over the last year
(capped, so a large demo stays quick). Checks are drawn and evaluated by the questionnaire exactly as the first
ones (`triage`), each with its chronology entry. Referrals follow the workflow's steps with the fields the
referral service writes and a chronology entry for each step, a hundred to a unit of work, to the services that
fit the child's latest check; declines as not fitting the service grow rarer over the year, so the
inappropriate-referral rate falls, as the area hopes it will.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casedesk.domain.referrals.workflow import (
    DECLINE_REASONS,
    DEFAULT_ACK_WORKING_DAYS,
    INAPPROPRIATE_REASONS,
    ReferralStatus,
    SharingDecision,
    check_transition,
    chosen_sections,
    step_summary,
)
from casedesk.domain.triage.engine import evaluate
from casedesk.domain.vocab import Significance
from casedesk.services.demo.referrals import OVERRIDE, PATHS, REASONS, _fitting
from casedesk.services.demo.triage import INTENSITIES, _answers, _id, _working_moment, write_completed_check
from casedesk.services.directory.service import DirectoryService
from casedesk.services.referrals.service import _record
from casedesk.services.triage.questionnaires import bundled_questionnaires
from casedesk.store import directory_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork

CHECKS_PER_CHILD = 1.2
REFERRALS_PER_CHILD = 1.4
MAX_CHECKS = 1_500
MAX_REFERRALS = 600
DAYS = 365
BATCH = 100
CLOSED_AFTER_DAYS = 28  # a referral closes as "support completed" after weeks of support, not minutes


def seed_demo_year(db: Database, seed: int, today: date, author: str = "casedesk-demo") -> tuple[int, int]:
    """Write the year's further checks, then its referrals; returns (checks, referrals)."""
    rng = random.Random(seed * 611_953)
    with db.session() as session:
        children = sorted((c for c in repo.list_children(session) if c.current_school_id), key=lambda c: c.id)
        people = sorted(repo.workers(session).values(), key=lambda w: w.id)
    if not children:
        return 0, 0
    checks = _checks(db, rng, children, people, today, author)
    return checks, _referrals(db, rng, children, today, author)


def _checks(db: Database, rng: random.Random, children: list[Any], people: list[Any], today: date, author: str) -> int:
    q = bundled_questionnaires()[0]
    by_org: dict[str, list[str]] = {}
    for worker in people:
        by_org.setdefault(worker.organisation_id, []).append(worker.name)
    wanted = min(MAX_CHECKS, round(len(children) * CHECKS_PER_CHILD))
    written = 0
    chosen = [rng.choice(children) for _ in range(wanted)]
    for start in range(0, len(chosen), 250):
        with db.unit_of_work(author) as uow:
            for child in chosen[start : start + 250]:
                intensity = rng.choices([i for i, _ in INTENSITIES], [w for _, w in INTENSITIES])[0]
                done_at = _working_moment(rng, today - timedelta(days=rng.randint(1, DAYS - 1)))
                outcome = evaluate(q, _answers(q, rng, intensity, allow_stop=False))
                if not outcome.complete:
                    continue
                result_id = _id(rng, done_at)
                who = rng.choice(by_org.get(child.current_school_id or "") or [author])
                write_completed_check(uow, rng, q, outcome, child.id, result_id, done_at, who)
                written += 1
    return written


def _referrals(db: Database, rng: random.Random, children: list[Any], today: date, author: str) -> int:
    """Referrals written a batch per unit of work (a year of them one step at a time took a minute): each walks a
    path the workflow allows (`check_transition`), keeps the fields the referral service writes at each step and
    has the chronology entry of every step."""
    with db.session() as session:
        services = {s.id: s.name for s in directory_repo.list_services(session)}
        triage = triage_repo.latest_completed_by_child(session)
    if not services:
        return 0
    service_ids = sorted(services)
    directory = DirectoryService(db, author).services()
    paths, weights = zip(*PATHS[1:], strict=True)  # sent, at least: a year of referrals made
    wanted = min(MAX_REFERRALS, round(len(children) * REFERRALS_PER_CHILD))
    fitting: dict[str, list[str]] = {}
    until = min(datetime.now(UTC), datetime.combine(today, time(17, 0), UTC))  # nothing happens after "today"
    for start in range(0, wanted, BATCH):
        with db.unit_of_work(author) as uow:
            for _ in range(min(BATCH, wanted - start)):
                child = rng.choice(children)
                if child.id not in fitting:
                    fitting[child.id] = _fitting(db, directory, triage.get(child.id), today)
                service_id = rng.choice(fitting[child.id] or service_ids)
                sent = datetime.combine(today - timedelta(days=rng.randint(2, DAYS)), time(9, rng.randint(0, 59)), UTC)
                age = (today - sent.date()).days / DAYS  # 1 a year ago, 0 now: fewer declined as unfit lately
                chances = [
                    w * (1 + 2 * age if "declined" in path else 1) for path, w in zip(paths, weights, strict=True)
                ]
                _refer(
                    uow,
                    rng,
                    child.id,
                    service_id,
                    services[service_id],
                    triage.get(child.id),
                    sent,
                    age,
                    rng.choices(paths, chances)[0],
                    service_id not in fitting[child.id],
                    author,
                    until,
                )
    return wanted


def _refer(
    uow: UnitOfWork,
    rng: random.Random,
    child_id: str,
    service_id: str,
    service_name: str,
    triage_id: str | None,
    drafted: datetime,
    age: float,
    path: tuple[str, ...],
    unfitting: bool,
    author: str,
    until: datetime,
) -> None:
    """One referral along `path`, as far as it has got by `until`: a step that would fall later has not happened
    yet, so a recent referral is still waiting where a year-old one has closed (support runs for weeks first)."""
    reason = rng.choice(REASONS)
    sharing = SharingDecision(
        consent=True,
        consent_given_by=rng.choice(("Mother", "Father", "Carer", "The young person")),
        consent_given_on=drafted.date(),
        consent_scope="referral to this service and sharing the chosen sections",
        decided_by="Demo DSL",
    )
    fields: dict[str, Any] = {
        "child_id": child_id,
        "service_id": service_id,
        "service_name": service_name,
        "triage_result_id": triage_id,
        "reason": reason,
        "urgency": rng.choice(("routine", "routine", "soon", "urgent")),
        "shared_sections": chosen_sections(("identity", "school", "triage") if triage_id else ("identity", "school")),
        "sharing": sharing.to_dict(),
        "referrer": {"name": "Demo DSL", "role": "Designated safeguarding lead", "email": "dsl@demo.casedesk.example"},
        "status": ReferralStatus.DRAFT.value,
        "status_changed_at": drafted,
        "ack_within_days": DEFAULT_ACK_WORKING_DAYS,
        "inappropriate": False,
        "fit_override": OVERRIDE if unfitting else None,
    }
    steps: list[tuple[str, datetime, str]] = [(ReferralStatus.DRAFT.value, drafted, f"Reason: {reason}")]
    when = drafted
    for step in path:
        check_transition(fields["status"], step)
        gap = timedelta(days=rng.choice((0, 1, 1, 2, 3, 4, 6, 9, 14)), hours=rng.randint(0, 5))
        if step == ReferralStatus.CLOSED:
            gap += timedelta(days=rng.randint(CLOSED_AFTER_DAYS, 4 * CLOSED_AFTER_DAYS))
        if when + gap > until:
            if step != ReferralStatus.SENT:
                break  # the rest of its path is still to come
            gap = timedelta(0)  # every referral of the year was at least sent
        when += gap
        fields.update(status=step, status_changed_at=when)
        detail = ""
        if step == ReferralStatus.SENT:
            fields["sent_at"] = when
        if step == ReferralStatus.ACKNOWLEDGED or (
            step == ReferralStatus.ACCEPTED and not fields.get("acknowledged_at")
        ):
            fields["acknowledged_at"] = when
        if step in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN):
            unfit = step == ReferralStatus.DECLINED and rng.random() < 0.2 + 0.6 * age
            detail = (
                rng.choice(sorted(INAPPROPRIATE_REASONS) if unfit else DECLINE_REASONS)
                if step == ReferralStatus.DECLINED
                else "Family moved out of the area"
            )
            fields["decline_reason"] = detail
            fields["inappropriate"] = detail in INAPPROPRIATE_REASONS
        if step == ReferralStatus.CLOSED:
            detail = fields["outcome"] = "Support completed; plan closed"
        steps.append((step, when, detail))
    referral_id = uow.insert("referrals", fields)
    for step, at, detail in steps:
        summary = step_summary(service_name, step)
        significance = Significance.SIGNIFICANT if step == ReferralStatus.DECLINED else Significance.NOTABLE
        _record(uow, child_id, referral_id, summary, detail or summary, author, at, significance)
