"""Referral analytics for the local authority: by service, need domain, status and outcome, and how many
referrals were inappropriate — with small numbers suppressed by the shared disclosure control
(`casedesk.domain.disclosure`): counts from 1 to 4 withheld, more withheld where a table's total would give them
away, and the rate withheld over a tiny denominator, because in a small area a count of one or two can identify a
child.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.domain import disclosure
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.services import policy
from casedesk.store import referral_repo, triage_repo
from casedesk.store.database import Database


@dataclass(frozen=True)
class CountTable:
    title: str
    rows: tuple[tuple[str, int], ...]
    additive: bool = True  # each referral counted once, so the rows add up to a total shown beneath them

    def display(self) -> list[tuple[str, str]]:
        """The rows (and their total when additive) as shown outside the database: suppressed."""
        table = disclosure.protect_list(self.rows, "Referrals", additive=self.additive)
        return [(label, count) for label, count in table.display()]


@dataclass(frozen=True)
class ReferralAnalytics:
    total: int
    tables: tuple[CountTable, ...]
    decided: int
    inappropriate: int

    @property
    def inappropriate_rate(self) -> str:
        """Share of decided referrals (accepted or declined) declined as not fitting the service."""
        if self.decided == 0:
            return "no decided referrals yet"
        share = disclosure.rate(self.inappropriate, self.decided)
        if share is None:
            return "withheld (too few referrals to show safely)"
        return f"{share:.0f}% ({self.inappropriate:,} of {self.decided:,})"


def _decision(steps: list[ReferralStatus]) -> str:
    """What the service decided, from the referral's own history (a closed referral keeps its decision)."""
    for step in reversed(steps):
        if step in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN):
            return step.label
    return "Awaiting a decision"


def _table(title: str, counter: Counter[str], additive: bool = True) -> CountTable:
    return CountTable(title, tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0]))), additive)


def referral_analytics(db: Database, since: date | None = None) -> ReferralAnalytics:
    with db.session() as session:
        found = [r for r in referral_repo.list_referrals(session) if since is None or r.created_at.date() >= since]
        outcomes = triage_repo.outcomes(session, [r.triage_result_id for r in found if r.triage_result_id])
        steps = referral_repo.referral_steps(session)
    services, domains, statuses, decisions = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    decided = inappropriate = 0
    for referral in found:
        services[referral.service_name] += 1
        statuses[ReferralStatus(referral.status).label] += 1
        outcome = outcomes.get(referral.triage_result_id) if referral.triage_result_id else None
        named = [d.get("name", d.get("id", "")) for d in (outcome or {}).get("domains", ()) if d.get("score")]
        for name in named or ["No needs check linked"]:
            domains[name] += 1
        decision = _decision(steps.get(referral.id, []))
        if decision == "Declined" and referral.decline_reason:
            decision = f"Declined: {referral.decline_reason}"
        decisions[decision] += 1
        if decision == "Accepted" or decision.startswith("Declined"):
            decided += 1
            inappropriate += referral.inappropriate
    return ReferralAnalytics(
        total=len(found),
        tables=(
            _table("Referrals by service", services),
            _table("Referrals by need domain", domains, additive=False),  # a referral may name several
            _table("Referrals by status", statuses),
            _table("Referrals by outcome", decisions),
        ),
        decided=decided,
        inappropriate=inappropriate,
    )


def write_analytics_pdf(db: Database, out: Path, actor: str, since: date | None = None) -> ReferralAnalytics:
    from casedesk.reports.referral_analytics import render_analytics_pdf

    policy.require_printing(db)
    result = referral_analytics(db, since)
    period = f"since {since:%d %B %Y}" if since else "all referrals recorded"
    tables = [(t.title, t.display()) for t in result.tables]
    render_analytics_pdf(out, result.total, tables, result.inappropriate_rate, actor, datetime.now(UTC), period)
    return result
