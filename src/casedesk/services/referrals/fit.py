"""Whether a service fits the child a referral is for, and what it takes to refer anyway.

Matching already tells a practitioner that a service does not fit ("serves levels 3–4; this child is level 2").
A referral to such a service, or to a service that has already declined this child as inappropriate, is not
forbidden (the practitioner may know something the check does not) but it must say why: `fit_problems` names
what stands against it, and `create_referral` refuses without an override reason of a sentence or so. The reason
travels with the referral (`fit_override`) and into the chronology, so the decision can be reviewed.
"""

from __future__ import annotations

from datetime import date

from casedesk.domain.directory.match import judge
from casedesk.errors import NotFound
from casedesk.services.directory.service import DirectoryService
from casedesk.services.triage.service import TriageService
from casedesk.store import referral_repo
from casedesk.store.database import Database

MIN_OVERRIDE = 10  # characters: a reason, not a tick


def fit_problems(
    db: Database, child_id: str, service_id: str | None, triage_result_id: str | None, today: date | None = None
) -> list[str]:
    """Why this service is not right for this child, in words; empty when nothing stands against it."""
    if not service_id:
        return []
    problems: list[str] = []
    if triage_result_id:
        try:
            request = TriageService(db, "").match_request(triage_result_id, today)  # reads only
            service = DirectoryService(db, "").get(service_id)
        except NotFound:
            return []
        match = judge(
            service,
            request["outcome_level"],
            request["outcome_domains"],
            request["child_age"],
            request["postcode_district"],
            request["child_needs"],
            request["need_labels"],
        )
        problems += list(match.problems)
    with db.session() as session:
        earlier = referral_repo.list_referrals(session, child_id)
    if any(r.service_id == service_id and r.inappropriate for r in earlier):
        problems.append("this service has already declined this child as an inappropriate referral")
    return problems


def override_problem(problems: list[str], service_name: str, override: str) -> tuple[str, str] | None:
    """The form problem when a referral needs an override reason and has none."""
    if problems and len(override.strip()) < MIN_OVERRIDE:
        return (
            "fit_override",
            f"{service_name} does not fit this child ({'; '.join(problems)}). Say why you are referring anyway.",
        )
    return None
