"""Evaluating the rules on the device, offline: from scratch once a day (or when the rule set changes), otherwise
only for the children whose records changed since (`alert_dirty`, kept by triggers whoever wrote: a use case, an
import, a pulled page). Runs where all database work runs (the app's database thread), in one transaction.

Each rule is one set-based query over the children in scope (`casedesk.store.alert_conditions` and
`alert_records`); only new hits cost any Python, and most evaluations find none. A hit becomes an alert whose id
follows from rule, child and period (`casedesk.domain.alerts.model.alert_id`): one already held — raised here or
by another device and synced — is not raised again, and two devices raising it before they sync send the same
row, which the server takes as one (merging the two when their evidence differs: `casedesk.domain.alerts.merge`).

An alert is raised once: it is journaled (so every device holding the child receives it) and audited like any other
write, and the people told judge it (acknowledge, act, dismiss). An open alert whose records changed so that its
rule no longer finds it is withdrawn, with the reason (`casedesk.services.alerts.withdraw`); one that merely fell
out of its rule's window of days stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from casedesk import config
from casedesk.domain.alerts.model import Hit, Rule, alert_id
from casedesk.domain.alerts.recipients import resolve
from casedesk.domain.records import Changes
from casedesk.services.alerts import mail
from casedesk.services.alerts.rules import RulesInEffect, in_effect
from casedesk.services.alerts.withdraw import withdraw_gone
from casedesk.store import alert_conditions as attendance
from casedesk.store import alerts_repo as repo
from casedesk.store import settings
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation did: the alerts it raised (urgent ones apart, for the notification) and its scope."""

    raised: tuple[str, ...] = ()
    urgent: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()
    full: bool = False
    children: int = 0  # children evaluated incrementally (0 for a full evaluation, which reads every child)
    rules: str = ""

    def __str__(self) -> str:
        scope = "every child" if self.full else f"{self.children} child(ren) whose records changed"
        gone = f", {len(self.withdrawn)} withdrawn" if self.withdrawn else ""
        return f"{len(self.raised)} alert(s) raised ({len(self.urgent)} urgent){gone} after evaluating {scope}."


def _row(rule: Rule, hit: Hit, tell: list[dict[str, str]], effect: RulesInEffect) -> dict[str, Any]:
    return {
        "id": alert_id(rule.id, hit.child_id, hit.period),
        "child_id": hit.child_id,
        "rule_id": rule.id,
        "rule_title": rule.title,
        "urgency": rule.urgency,
        "category": rule.category,
        "period": hit.period,
        "met_on": hit.met_on,
        "summary": hit.summary[:300],
        "evidence": [e.to_dict() for e in hit.evidence],
        "tell": tell,
        "rule_set": f"{effect.rules.title} ({effect.rules.version})"[:250],
    }


def _ask_for_emails(
    uow: UnitOfWork, urgent: dict[str, tuple[Rule, Hit]], told: dict[str, list[dict[str, str]]]
) -> None:
    """One email (no personal data) per urgent alert and person told with an address; none asked for twice."""
    workers = {t["worker_id"] for key in urgent for t in told[key] if t.get("worker_id")}
    emails = repo.worker_emails(uow.session, workers)
    wanted = {
        key: [emails[t["worker_id"]] for t in told[key] if t.get("worker_id") in emails] for key in sorted(urgent)
    }
    held = repo.mail_requests_held(uow.session, [mail.request_id(k, r) for k, rs in wanted.items() for r in rs])
    for key, recipients in wanted.items():
        _, hit = urgent[key]
        fresh = [r for r in recipients if mail.request_id(key, r) not in held]
        mail.queue(uow, key, hit.child_id, hit.met_on, fresh)


def evaluate(
    db: Database, actor: str, today: date | None = None, *, full: bool | None = None
) -> tuple[Evaluation, Changes]:
    """Raise the alerts the rules find. `full` None decides by itself: from scratch on a new day or rule set,
    otherwise only the children marked since the last evaluation (nothing at all when none are)."""
    today = today or date.today()
    with db.unit_of_work(actor) as uow:
        session = uow.session
        conn = session.connection()
        effect = in_effect(uow)
        stamp = settings.read(conn, config.ALERTS_EVALUATED)
        if full is None:
            full = stamp.get("on") != today.isoformat() or stamp.get("rules") != effect.fingerprint
        marked = 0 if full else repo.dirty_count(session)
        if not full and not marked:
            return Evaluation(rules=effect.describe), Changes()
        held = repo.alert_keys(session, dirty_only=not full)  # of the alerts held, raised here or pulled
        attendance.remember_held(session, held)
        found: dict[tuple[str, str, str], tuple[Rule, Hit]] = {}
        repo.warm(session, effect.rules.active, today, dirty_only=not full)
        for rule in effect.rules.active:
            for hit in repo.find(session, rule, today, dirty_only=not full):
                found.setdefault((rule.id, hit.child_id, hit.period), (rule, hit))
        new = {alert_id(*key): value for key, value in found.items() if key not in held}
        people = repo.contacts(session, {hit.child_id for _, hit in new.values()}, today)
        told: dict[str, list[dict[str, str]]] = {}
        for key in sorted(new):
            rule, hit = new[key]
            told[key] = resolve(rule.tell, people[hit.child_id])
            uow.insert("alerts", _row(rule, hit, told[key], effect))
        if settings.read(conn, config.ALERT_EMAILS):
            _ask_for_emails(uow, {k: v for k, v in new.items() if v[0].urgency == "urgent"}, told)
        withdrawn = withdraw_gone(uow, effect.rules.active, set(found), today)
        repo.clear_dirty(session)
        if full:
            settings.write(conn, config.ALERTS_EVALUATED, {"on": today.isoformat(), "rules": effect.fingerprint})
    urgent = tuple(sorted(k for k, (rule, _) in new.items() if rule.urgency == "urgent"))
    result = Evaluation(tuple(sorted(new)), urgent, tuple(withdrawn), full, marked, effect.describe)
    return result, uow.changes
