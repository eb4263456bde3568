"""What this device's user may do with the alert rules, the risk indicators and the cohort, by their role.

The role is the one the server last gave the account (`config.ROLE`, refreshed at every sync); a device never
enrolled, or enrolled before roles existed, has none and keeps what it had (`roles.DEFAULT_ROLE`). The services
refuse here, before anything is read or written; the UI asks the same questions only to hide or disable what would
be refused (and the server refuses a rule set or indicator set pushed by a role that may not set them).
"""

from __future__ import annotations

from casedesk import config
from casedesk.domain import roles
from casedesk.services.policy import NotAllowed
from casedesk.store.database import Database

WHAT = {
    roles.Action.CONFIGURE_ALERTS: "Setting the area's alert rules and risk indicators",
    roles.Action.VIEW_COHORT: "The risk-of-exclusion cohort (viewing and exporting it)",
}


def role_of(db: Database) -> roles.Role:
    return roles.parse(db.get(config.ROLE))


def may(db: Database, action: roles.Action) -> bool:
    return roles.may(role_of(db), action)


def require(db: Database, action: roles.Action) -> None:
    """Refuse, naming the roles that may, unless this user's role may take the action."""
    role = role_of(db)
    if roles.may(role, action):
        return
    allowed = [r.label.lower() for r in roles.Role if roles.may(r, action)]
    who = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
    raise NotAllowed(
        f"{WHAT[action]} is for a {who}; your role is {role.label.lower()}. "
        "Ask your organisation's administrator if you need it."
    )
