"""The sharing policy in force, read from the server database: agreements, the area's default, grants.

`load` builds a `casedesk.domain.sharing.Policy` for one request or transaction; organisations are looked up
lazily (an area may hold thousands), each once. `view_values` is what one view of one organisation receives of a
stored row — the one function the pull, the snapshot, the digest and the kept tallies all use, so what a device
holds and what its digest counts cannot drift apart.

Other features add grants (a break-glass override is a time-limited grant of categories for one child) by
registering a loader in `GRANT_LOADERS`; the policy asks each at every load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain import roles, sharing
from casedesk.domain.agreements import Agreement, OrgInfo
from casedesk.domain.schema import Category
from casedesk.server.db import agreements, meta, orgs, records

DEFAULT_KEY = "sharing.default"
GRANT_LOADERS: list[Callable[[Connection], list[sharing.Grant]]] = []


def default(conn: Connection) -> str:
    value = conn.execute(select(meta.c.value).where(meta.c.key == DEFAULT_KEY)).scalar()
    return str(value) if value in sharing.DEFAULTS else sharing.OPEN


def set_default(conn: Connection, value: str) -> None:
    if value not in sharing.DEFAULTS:
        raise ValueError(f"the default must be one of {', '.join(sharing.DEFAULTS)}")
    conn.execute(delete(meta).where(meta.c.key == DEFAULT_KEY))
    conn.execute(insert(meta).values(key=DEFAULT_KEY, value=value))


def all_agreements(conn: Connection) -> list[Agreement]:
    rows = conn.execute(select(agreements.c.data).order_by(agreements.c.created_at, agreements.c.id))
    return [Agreement.from_json(data) for (data,) in rows]


class OrgLookup:
    """Organisations by id, read when first asked: the directory record (kind, LA code) or the account table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[str, OrgInfo | None] = {}

    def __call__(self, org_id: str) -> OrgInfo | None:
        if org_id not in self.cache:
            self.cache[org_id] = self._read(org_id)
        return self.cache[org_id]

    def _read(self, org_id: str) -> OrgInfo | None:
        if not org_id:
            return None
        row = self.conn.execute(
            select(records.c.data).where(records.c.entity == "organisations", records.c.row_id == org_id)
        ).first()
        if row is not None:
            data = row.data
            return OrgInfo(org_id, str(data.get("name") or ""), str(data.get("kind") or ""), data.get("la_code"))
        account = self.conn.execute(select(orgs.c.name, orgs.c.kind).where(orgs.c.id == org_id)).first()
        return None if account is None else OrgInfo(org_id, account.name, account.kind)


class ConsentLookup:
    """A child's consent records, read when first asked (each child once per policy)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[str, list[sharing.Consent]] = {}

    def __call__(self, child_id: str) -> list[sharing.Consent]:
        if child_id not in self.cache:
            self.cache[child_id] = self._read(child_id)
        return self.cache[child_id]

    def _read(self, child_id: str) -> list[sharing.Consent]:
        query = select(records.c.data).where(
            records.c.entity == "consents", records.c.child_id == child_id, records.c.deleted.is_(False)
        )
        out = []
        for (data,) in self.conn.execute(query):
            try:
                out.append(
                    sharing.Consent(
                        Category(data["category"]),
                        date.fromisoformat(str(data["decided_on"])),
                        data.get("organisation_id"),
                        date.fromisoformat(str(data["ended_on"])) if data.get("ended_on") else None,
                    )
                )
            except (KeyError, ValueError):
                continue  # not a category or date this server knows: it narrows nothing it could name
        return out


def load(conn: Connection, *, on: date | None = None) -> sharing.Policy:
    """The policy in force on `on` (today)."""
    grants = [grant for loader in GRANT_LOADERS for grant in loader(conn)]
    return sharing.Policy(
        agreements=all_agreements(conn),
        orgs=OrgLookup(conn),
        default=default(conn),
        on=on,
        grants=grants,
        consents=ConsentLookup(conn),
    )


NOTICES_KEY = "sharing.notices"


def notices(conn: Connection) -> bool:
    """Whether devices are told that something is withheld (counts per category and why; never content)."""
    return conn.execute(select(meta.c.value).where(meta.c.key == NOTICES_KEY)).scalar() != "off"


def set_notices(conn: Connection, on: bool) -> None:
    conn.execute(delete(meta).where(meta.c.key == NOTICES_KEY))
    conn.execute(insert(meta).values(key=NOTICES_KEY, value="on" if on else "off"))


def views(policy: sharing.Policy, org_id: str) -> tuple[str, ...]:
    """The views of an organisation the server keeps a digest for (see `casedesk.domain.roles`)."""
    org = policy.orgs(org_id)
    return roles.views_of(org.kind if org else "")


def view_values(
    policy: sharing.Policy,
    org_id: str,
    view: str,
    entity: str,
    child_id: str | None,
    owner: str | None,
    data: Mapping[str, Any],
    user: str | None = None,
) -> dict[str, Any] | None:
    """The fields of a stored row this view of the organisation (this user, for grants to one user) receives, or
    None when the row is withheld."""
    allowed = policy.allowed_for(org_id, child_id, source_org=owner, view=view, user=user)
    withheld = sharing.fields_withheld(entity, data, allowed)
    if withheld is None:
        return None
    return dict(data) if not withheld else {k: v for k, v in data.items() if k not in withheld}
