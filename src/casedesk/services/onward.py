"""The device's sharing rules for what leaves it: `domain.sharing_onward.Onward` built from the agreements this
device holds, its directory of organisations, the child's consent records and each row's owner as pulled.

    onward_for(db, session, receivers, child_id, base=EVERYTHING) -> Onward
    receiver_of_service(session, document, name) -> str   # the organisation a directory service belongs to
    known_org(session, org_id) -> str                      # an organisation the directory holds, or an error

The area's default for two organisations no agreement names is the open one unless this device was told
otherwise (`config.SHARING_DEFAULT`, which the server's policy sets).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from casedesk import config
from casedesk.domain import sharing
from casedesk.domain.agreements import OrgInfo
from casedesk.domain.schema import Category
from casedesk.domain.sharing_onward import Onward
from casedesk.errors import ValidationError
from casedesk.store import repositories as repo
from casedesk.store import sharing_repo
from casedesk.store.database import Database

UNKNOWN_RECEIVER = "unknown:"  # a service whose organisation is not in the directory: only the default decides


def own_organisation(db: Database, session: Any) -> str:
    """This device's organisation: as enrolled, else the one named in the profile (an unenrolled device)."""
    own = db.get(config.ORGANISATION_ID)
    if own:
        return own
    named = db.get(config.PROFILE).organisation
    return next((o.id for o in repo.organisations(session).values() if named and o.name == named), "")


def device_policy(db: Database, session: Any, child_id: str) -> sharing.Policy:
    """The rules the device holds, for one child (its consent records)."""
    orgs = repo.organisations(session)
    infos = {o.id: OrgInfo(o.id, o.name, o.kind, o.la_code) for o in orgs.values()}
    consents = [
        sharing.Consent(Category(c.category), c.decided_on, c.organisation_id, c.ended_on)
        for c in sharing_repo.consents_for_child(session, child_id)
        if c.decision == "withdrawn" and c.category in Category._value2member_map_
    ]
    default = db.get(config.SHARING_DEFAULT)
    return sharing.Policy(
        agreements=sharing_repo.agreements(session),
        orgs=infos.get,
        default=default if default in sharing.DEFAULTS else sharing.OPEN,
        consents=lambda c: consents if c == child_id else [],
    )


def onward_for(
    db: Database,
    session: Any,
    receivers: Sequence[str],
    child_id: str,
    base: sharing.Allowed = sharing.EVERYTHING,
) -> Onward:
    """What may go from this device to `receivers` of this child's record."""

    @cache
    def owner_of(row_id: str) -> str | None:
        return sharing_repo.owners(session, [row_id]).get(row_id)

    own = own_organisation(db, session)
    return Onward(device_policy(db, session, child_id), tuple(receivers), child_id, own, owner_of, base)


def known_org(session: Any, org_id: str) -> str:
    """`org_id` when the directory holds it, else a clear error (nothing is made or audited)."""
    if org_id not in repo.organisations(session, [org_id]):
        raise ValidationError(f"No organisation {org_id} in the directory: choose whom it is for.")
    return org_id


def receiver_of_service(session: Any, document: dict[str, Any] | None, name: str) -> str:
    """The organisation a referral goes to: the directory record of the service's organisation (by id, else by
    name), or an unknown receiver named after the service, which no agreement names."""
    organisation = (document or {}).get("organization") or {}
    orgs = repo.organisations(session)
    org_id = str(organisation.get("id") or "")
    if org_id in orgs:
        return org_id
    wanted = " ".join(str(organisation.get("name") or name or "").split()).casefold()
    found = next((o.id for o in orgs.values() if wanted and " ".join(o.name.split()).casefold() == wanted), None)
    return found or UNKNOWN_RECEIVER + (org_id or wanted)
