"""Referrals: who refers to which services (flows), how fast services acknowledge, how referrals end, and the
inappropriate-referral rate month by month (referrals declined as not fitting the service, out of those the
service decided on), counted from the day each was sent. Acknowledgement is timed in working days (weekends and
England's bank holidays left out: `holidays`).

The flows, where referrals stand and the acknowledgement times each count every referral sent in the period, so
they print the same total: they are protected together (`disclosure_joint`), a total withheld in one withheld in
all, or the one printing it would give back what another withholds."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import Connection

from casedesk.domain.disclosure_joint import Part
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.server.reports import holidays
from casedesk.server.reports.model import (
    Audience,
    Dashboard,
    Period,
    Spec,
    linked,
    month_label,
    section,
    with_rate,
)
from casedesk.server.reports.query import fact, facts_in, ordered_labels, organisation_names

TITLE = "Referrals"
TOP_SERVICES = 8
OTHER = "Other services"
DECIDED = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CLOSED)
STATUSES = tuple(s for s in ReferralStatus if s != ReferralStatus.DRAFT)
ACK_BUCKETS = ("Same day", "1–2 days", "3–5 days", "6–10 days", "Over 10 days", "Not acknowledged")  # working days
OTHER_STATUS = "Another status"


def _ack_bucket(days: int | None) -> str:
    if days is None or days < 0:
        return ACK_BUCKETS[-1]
    for limit, label in ((0, 0), (2, 1), (5, 2), (10, 3)):
        if days <= limit:
            return ACK_BUCKETS[label]
    return ACK_BUCKETS[4]


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    stmt = facts_in(
        "referrals",
        period,
        audience,
        fact.c.on_day,
        fact.c.org_id,
        fact.c.detail,
        fact.c.kind,
        fact.c.flag,
        fact.c.until_day,
        school="recorder",
    )
    working, source = holidays.in_effect(conn)
    names = organisation_names(conn)
    flows: dict[str, Counter[str]] = defaultdict(Counter)
    services: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    ack: Counter[str] = Counter()
    months = period.months
    decided: dict[str, Counter[bool]] = {m: Counter() for m in months}
    known = {s.value for s in STATUSES}
    for on_day, org_id, service, status, inappropriate, acknowledged in conn.execute(stmt):
        referrer = names.get(org_id or "", "An organisation not in the directory")
        flows[referrer][service] += 1
        services[service] += 1
        statuses[status if status in known else OTHER_STATUS] += 1
        days = None
        if acknowledged:
            days = working.between(date.fromisoformat(on_day), date.fromisoformat(acknowledged))
        ack[_ack_bucket(days)] += 1
        if status in DECIDED:
            decided[on_day[:7]][bool(inappropriate)] += 1
    top = [name for name, _ in sorted(services.items(), key=lambda item: (-item[1], item[0]))[:TOP_SERVICES]]
    columns = [*top, OTHER] if len(services) > len(top) else top
    referrers = ordered_labels(flows)
    flow_rows = [
        [flows[r][s] for s in top] + ([sum(n for s, n in flows[r].items() if s not in top)] if OTHER in columns else [])
        for r in referrers
    ]
    rate = with_rate(
        section(
            "inappropriate_by_month",
            "Inappropriate referrals, month by month",
            "rate_line",
            [[decided[m][True], decided[m][False]] for m in months],
            [month_label(m) for m in months],
            ["Inappropriate", "Fitted the service"],
            note="Of the referrals a service decided on (accepted, declined or closed), those marked inappropriate: "
            "declined as not meeting the service's threshold, area or age range. Counted in the month sent.",
        ),
        0,
        2,
        "Inappropriate rate",
    )
    outcome_rows = [s.label for s in STATUSES] + ([OTHER_STATUS] if statuses[OTHER_STATUS] else [])
    outcome_keys = [s.value for s in STATUSES] + ([OTHER_STATUS] if statuses[OTHER_STATUS] else [])
    flows_section, outcomes, acknowledgement = linked(
        [
            Spec(
                "flows", "Referrals from each organisation to each service", "bar", Part(flow_rows, referrers, columns)
            ),
            Spec(
                "outcomes",
                "Where referrals stand now",
                "bar",
                Part([[statuses[k]] for k in outcome_keys], outcome_rows, ["Referrals"], row_totals=False),
            ),
            Spec(
                "acknowledgement",
                "Working days from sending to the service's acknowledgement",
                "bar",
                Part([[ack[b]] for b in ACK_BUCKETS], list(ACK_BUCKETS), ["Referrals"], row_totals=False),
                note=f"Working days from sending: weekends and {source} not counted (sent on a Friday and "
                'acknowledged on the Monday is one). "Not acknowledged": no acknowledgement recorded (some services '
                "answer at once).",
            ),
        ],
        [[("flows", (-1, -1)), ("outcomes", (-1, 0)), ("acknowledgement", (-1, 0))]],
    )
    sections = [flows_section, rate, outcomes, acknowledgement]
    return Dashboard("referrals", TITLE, period, audience, tuple(sections))
