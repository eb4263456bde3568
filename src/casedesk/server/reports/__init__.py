"""The local authority's dashboards, computed on the server from every device's synced records.

`run(store, name, period, audience)` catches the derived facts up with the records (`facts`), builds one
dashboard's tables with SQL over them and protects every count (`casedesk.domain.disclosure`) before anything is
returned: the API, the command line and the PDF pack all print what comes back from here, never records.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from sqlalchemy import Connection, select

from casedesk.domain import roles
from casedesk.domain.vocab import OrgKind
from casedesk.server.db import ServerDB, orgs
from casedesk.server.reports import cliff_edge, directory, education, facts, needs, referrals
from casedesk.server.reports.model import AREA, OWN, SCHOOL, Audience, Dashboard, Period, ReportError

Builder = Callable[[Connection, Period, Audience], Dashboard]
REPORTS: MappingProxyType[str, tuple[str, Builder]] = MappingProxyType(
    {
        "needs": (needs.TITLE, needs.build),
        "directory": (directory.TITLE, directory.build),
        "referrals": (referrals.TITLE, referrals.build),
        "education": (education.TITLE, education.build),
        "cliff_edge": (cliff_edge.TITLE, cliff_edge.build),
    }
)
# Organisations that are part of the local authority see the whole area; a school its own figures; any other
# organisation what it recorded itself.
AREA_KINDS = frozenset({OrgKind.EARLY_HELP, OrgKind.CHILDRENS_SOCIAL_CARE, OrgKind.VIRTUAL_SCHOOL})

__all__ = ["REPORTS", "Audience", "Dashboard", "Period", "ReportError", "audience_of", "run"]


def check_name(name: str) -> Builder:
    try:
        return REPORTS[name][1]
    except KeyError:
        raise ReportError(f"There is no report {name!r}; the reports are: {', '.join(REPORTS)}.") from None


def audience_of(store: ServerDB, org_id: str, role: str | None) -> Audience:
    """Whose figures a user of this organisation and role may see; ReportError when their role has no reports."""
    if not roles.may(role, roles.Action.VIEW_REPORTS):
        raise ReportError("Your role does not include the organisation's reports; ask your administrator.")
    with store.read() as conn:
        found = conn.execute(select(orgs.c.name, orgs.c.kind).where(orgs.c.id == org_id)).first()
    if found is None:
        raise ReportError(f"No organisation {org_id} on this server.")
    name, kind = found
    if kind in AREA_KINDS:
        return Audience(AREA, None, "the whole area")
    return Audience(SCHOOL if kind == OrgKind.SCHOOL else OWN, org_id, name)


def run(store: ServerDB, name: str, period: Period, audience: Audience) -> Dashboard:
    build = check_name(name)
    facts.catch_up(store)
    with store.read() as conn:
        return build(conn, period, audience)
