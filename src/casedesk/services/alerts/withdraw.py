"""Withdrawing an alert whose condition no longer holds because the records changed (a mark corrected, an entry
removed, a review recorded) — never because time passed or a new period began.

An evaluation finds, for the children whose records changed since the last one (`alert_dirty`), the rules' hits
now. An open alert of such a child that its rule (still in effect) no longer finds is withdrawn when the change is
what made it go:

- for a condition that, once met, stays met until someone records something (a PEP or EHC review overdue, a
  part-time timetable past its end, a referral not acknowledged), not finding it means the records changed;
- for a count over the school year (persistent absence, suspensions), only while the alert's year is this one (a
  past year's alert is history, not corrected);
- for a condition over a window of days (recent attendance, a run of absences, a removal from roll, police
  contact), only when a record of its evidence was corrected or removed after the alert was raised: otherwise it
  merely fell out of the window and still stands for the people told to judge.

A withdrawal is an `alert_actions` row (action `withdrawn`, with the reason; journaled, audited and synced like
any action), so the alert's history — who acknowledged it, when — is kept and every device shows why it closed.
Alerts already acted on or dismissed are closed and left alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from casedesk.domain.alerts.model import Rule
from casedesk.domain.attendance.summary import academic_year_of, year_label
from casedesk.store import alerts_repo as repo
from casedesk.store.uow import UnitOfWork

SETTLED = {  # the conditions that stay met until someone records something, and what that was
    "pep_overdue": "a PEP has since been recorded, or the child is no longer looked after",
    "ehc_review_overdue": "the plan's annual review has since been recorded, or the plan has ceased",
    "part_time_past_end": "the part-time timetable has since ended, or its planned end moved",
    "referral_not_acknowledged": "the referral has since been acknowledged or closed",
}
THIS_YEAR = {
    "persistent_absence": "this school year's attendance is no longer below the rule's line",
    "suspensions": "the exclusions recorded this school year no longer reach the rule's number",
}


def withdraw_gone(uow: UnitOfWork, rules: tuple[Rule, ...], found: set[tuple[str, str, str]], today: date) -> list[str]:
    """Withdraw the open alerts of the changed children that the rules no longer find (`found`: rule, child and
    period of every hit; see the module); returns their ids. Runs inside the evaluation's unit of work, before
    `alert_dirty` is emptied."""
    active = {rule.id: rule for rule in rules}
    candidates = [
        a
        for a in repo.open_alerts_of_changed(uow.session)
        if a.rule_id in active and (a.rule_id, a.child_id, a.period) not in found
    ]
    if not candidates:
        return []
    year = year_label(academic_year_of(today))
    windowed = [a for a in candidates if active[a.rule_id].kind not in SETTLED | THIS_YEAR.keys()]
    changed = repo.evidence_changed(uow.session, windowed)
    now = datetime.now(UTC)
    withdrawn = []
    for alert in candidates:
        kind = active[alert.rule_id].kind
        if kind in SETTLED:
            why = SETTLED[kind]
        elif kind in THIS_YEAR:
            if not alert.period.startswith(year):
                continue
            why = THIS_YEAR[kind]
        elif alert.id in changed:
            why = f"{changed[alert.id]} of the records it was raised on have since been corrected or removed"
        else:
            continue
        uow.insert(
            "alert_actions",
            {
                "alert_id": alert.id,
                "child_id": alert.child_id,
                "action": "withdrawn",
                "note": f"The records no longer meet the rule: {why}.",
                "author": uow.author,
                "done_at": now,
                "category": alert.category,
            },
        )
        withdrawn.append(alert.id)
    return withdrawn
