"""Roles within an organisation: what categories of other organisations' data and which actions each may use.

A user has one role, set on the server (`casedesk-server admin user role`) and enforced there. A role decides two
things: the *view* its devices receive — the full view of what the organisation is shared, a limited one, or no
case records at all — and the actions it may take. A role narrows only what comes from *other* organisations: a
school's own records are the school's, whoever at the school wrote them (narrowing those would leave a device
holding rows its own digest does not count).

Beside the role, the server can give any user the directory-manager permission (`admin user directory-manager`):
the directory, its needs taxonomy and the guidance (`DIRECTORY_RECORDS`) are written only by administrators and
users with that permission (`casedesk.server.auth.may_manage_directory`); the server refuses anyone else's change.

- practitioner: reads and records; at a school (or a voluntary service) other organisations' social-care,
  safeguarding and youth-justice detail stays with the safeguarding lead;
- safeguarding lead: everything the organisation is shared; approves break-glass requests; views and exports the
  risk-of-exclusion cohort; sets the area's alert rules and risk indicators;
- manager: as a practitioner, plus the organisation's reports, the cohort, and the alert rules and indicators;
- administrator: manages devices and users, sets the alert rules and indicators (configuration, not records), and
  may edit and publish the area's directory and guidance;
  receives no case records and may not write them;
- auditor: reads the access log and audit; receives no case records and may not write them.
"""

from __future__ import annotations

from enum import StrEnum

from casedesk.domain.schema import Category
from casedesk.domain.vocab import OrgKind


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Action(StrEnum):
    READ_RECORDS = "read_records"
    WRITE_RECORDS = "write_records"
    REQUEST_OVERRIDE = "request_override"  # break-glass: ask for what is withheld for one child
    APPROVE_OVERRIDE = "approve_override"
    VIEW_REPORTS = "view_reports"
    MANAGE_DEVICES = "manage_devices"
    READ_AUDIT = "read_audit"
    VIEW_COHORT = "view_cohort"  # the risk-of-exclusion cohort: view and export
    CONFIGURE_ALERTS = "configure_alerts"  # import the area's alert rules and risk indicators
    MANAGE_DIRECTORY = "manage_directory"  # edit and publish the area's directory, needs taxonomy and guidance


ACTIONS: dict[Role, frozenset[Action]] = {
    Role.PRACTITIONER: frozenset({Action.READ_RECORDS, Action.WRITE_RECORDS, Action.REQUEST_OVERRIDE}),
    Role.SAFEGUARDING_LEAD: frozenset(
        {
            Action.READ_RECORDS,
            Action.WRITE_RECORDS,
            Action.REQUEST_OVERRIDE,
            Action.APPROVE_OVERRIDE,
            Action.VIEW_COHORT,
            Action.CONFIGURE_ALERTS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Action.READ_RECORDS,
            Action.WRITE_RECORDS,
            Action.REQUEST_OVERRIDE,
            Action.VIEW_REPORTS,
            Action.READ_AUDIT,
            Action.VIEW_COHORT,
            Action.CONFIGURE_ALERTS,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {Action.MANAGE_DEVICES, Action.VIEW_REPORTS, Action.CONFIGURE_ALERTS, Action.MANAGE_DIRECTORY}
    ),
    Role.AUDITOR: frozenset({Action.READ_AUDIT, Action.VIEW_REPORTS}),
}

# The records only a directory manager writes: every device receives them, so one careless edit reaches everyone.
DIRECTORY_RECORDS: frozenset[str] = frozenset({"services", "need_terms", "guidance_entries"})

# Users made before roles existed, and users created without one, keep what they had: everything their
# organisation is shared (so an upgrade never silently takes data away from anyone).
DEFAULT_ROLE = Role.SAFEGUARDING_LEAD

# The views kept on the server (each with its own digest): "" is everything the organisation is shared.
FULL = ""
LIMITED = "limited"
VIEW_WITHHOLDS: dict[str, frozenset[Category]] = {
    FULL: frozenset(),
    LIMITED: frozenset({Category.SOCIAL_CARE, Category.SAFEGUARDING, Category.YOUTH_JUSTICE}),
}
LIMITED_AT: frozenset[str] = frozenset({OrgKind.SCHOOL, OrgKind.VOLUNTARY})
_LIMITED_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})
_NO_RECORDS = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})


def parse(text: str | None) -> Role:
    """A stored or typed role; an empty one is the default. Unknown text is a ValueError naming the choices."""
    if not text:
        return DEFAULT_ROLE
    try:
        return Role(text)
    except ValueError:
        raise ValueError(f"unknown role {text!r} (one of {', '.join(Role)})") from None


def may(role: Role | str | None, action: Action) -> bool:
    return action in ACTIONS[parse(role) if not isinstance(role, Role) else role]


def view_of(role: Role | str | None, org_kind: str) -> str | None:
    """The view a user's devices receive, or None for no case records at all."""
    role = parse(role) if not isinstance(role, Role) else role
    if role in _NO_RECORDS:
        return None
    if role in _LIMITED_ROLES and org_kind in LIMITED_AT:
        return LIMITED
    return FULL


def views_of(org_kind: str) -> tuple[str, ...]:
    """Every view an organisation of this kind can have (the server keeps a digest for each)."""
    return (FULL, LIMITED) if org_kind in LIMITED_AT else (FULL,)
