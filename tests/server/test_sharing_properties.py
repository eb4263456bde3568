"""Property: under any agreements, default and roles, what a device pulls is exactly what the rules allow — nothing
outside them ever reaches a device, and nothing inside them is held back — and every kept digest still equals a
recount, on SQLite and PostgreSQL.

One world per backend (four organisations in two local authorities, three children, entries of every category by
each organisation involved, a restricted entry, a consent withdrawn); each example records random agreements
through the administrators' path (which rescopes and moves the kept tallies), then pulls from the start as every
organisation and role. The rules are written out again here, independently of `casedesk.domain.sharing`.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from casedesk.domain import roles
from casedesk.domain.agreements import SHAREABLE
from casedesk.domain.ids import new_id
from casedesk.domain.schema import CATALOGUE, Category
from casedesk.server.db import accounts as admin
from casedesk.server.db import agreement_admin, agreements, meta, org_scope, policies, pulls, records, tallies
from casedesk.server.db.push import Pusher
from tests.sync.harness import Server, wire_change

pytestmark = pytest.mark.slow  # many pulls per example, on both backends

BASELINE = {Category.IDENTITY, Category.INVOLVEMENT, Category.ORGANISATION, Category.DIRECTORY, Category.USAGE}
LIMITED = {Category.SOCIAL_CARE, Category.SAFEGUARDING, Category.YOUTH_JUSTICE}
TODAY = date.today()
ORGS = {  # name: (kind, LA)
    "s1": ("school", "383"),
    "s2": ("school", "384"),
    "csc": ("childrens_social_care", "383"),
    "yot": ("youth_justice", "383"),
}
EVENT_CATEGORIES = ["education", "behaviour", "health", "social_care", "safeguarding", "youth_justice", "general"]


def _push(server: Server, org_id: str, *changes: dict[str, Any]) -> None:
    device = changes[0]["device_id"]
    with server.store.write(ordered=True) as conn:
        results = Pusher(conn, device, org_id).push(list(changes))
    assert all(r.status == "applied" for r in results), results


def _world(server: Server) -> dict[str, str]:
    """Organisations, children, and entries of every category by every organisation involved."""
    ids = {name: admin.create_org(server.store, name.upper(), kind, la) for name, (kind, la) in ORGS.items()}
    devices = {name: new_id() for name in ORGS}
    now = datetime.now(UTC).isoformat()

    def change(who: str, entity: str, fields: dict[str, Any], row_id: str | None = None) -> dict[str, Any]:
        return wire_change(devices[who], entity, row_id or new_id(), "insert", fields)

    families = {"c1": ("s1", ["csc", "yot"]), "c2": ("csc", ["s2"]), "c3": ("yot", ["s1", "s2"])}
    for child_name, (creator, others) in families.items():
        child = new_id()
        ids[child_name] = child
        person = {"given_name": child_name, "family_name": "Test", "date_of_birth": "2012-05-01"}
        contact = {"postcode": "LS6 3AB", "address_line1": "1 Elm Road"}
        _push(server, ids[creator], change(creator, "children", {**person, **contact}, child))
        for org in [creator, *others]:
            involvement = {"child_id": child, "organisation_id": ids[org], "role": "other", "start_date": "2024-09-01"}
            _push(server, ids[creator], change(creator, "involvements", involvement))
        for org in [creator, *others]:
            entries = [
                change(
                    org,
                    "events",
                    {
                        "child_id": child,
                        "kind": "note",
                        "occurred_at": now,
                        "recorded_at": now,
                        "author": org,
                        "summary": f"{org} {category}",
                        "category": category,
                        "restricted": True if category == "general" and org == creator else None,
                    },
                )
                for category in EVENT_CATEGORIES
            ]
            status = {"child_id": child, "kind": "child_in_need", "start_date": "2025-01-01"}
            _push(server, ids[org], *entries, change(org, "status_periods", status))
    consent = {
        "child_id": ids["c1"],
        "category": "health",
        "decision": "withdrawn",
        "decided_on": "2025-01-01",
        "given_by": "Mother",
        "recorded_by": "s1",
        "recorded_at": now,
    }
    _push(server, ids["s1"], change("s1", "consents", consent))
    return ids


def _reset(server: Server) -> None:
    """Back to no agreements and the open default, tallies recounted (between examples)."""
    with server.store.write(ordered=True) as conn:
        conn.execute(delete(agreements))
        conn.execute(delete(meta).where(meta.c.key == policies.DEFAULT_KEY))
        tallies.rebuild(conn)


party = st.sampled_from(["org:s1", "org:s2", "org:csc", "kind:school", "kind:school@383", "kind:school@384"])
categories = st.sets(st.sampled_from([c.value for c in SHAREABLE]), max_size=6)
agreement = st.fixed_dictionaries(
    {
        "a": party,
        "b": st.sampled_from(["org:yot", "kind:childrens_social_care", "kind:youth_justice"]),
        "a_to_b": categories,
        "b_to_a": categories,
        "start": st.integers(-400, 60),
        "length": st.one_of(st.none(), st.integers(0, 500)),
        "ended": st.booleans(),
    }
)


def _expected_categories(
    owner: str,
    receiver: str,
    view: str | None,
    child: str,
    recorded: list[dict[str, Any]],
    default: str,
    ids: dict[str, str],
) -> set[Category]:
    """The rules, written out again: what `receiver` (with `view`) may receive of `owner`'s records of `child`."""
    if owner == receiver:
        return set(Category)
    kinds = {ids[name]: ORGS[name] for name in ORGS}

    def matches(text: str, org: str) -> bool:
        how, _, what = text.partition(":")
        if how == "org":
            return ids[what] == org
        kind, _, la = what.partition("@")
        return kinds[org][0] == kind and (not la or kinds[org][1] == la)

    naming = [
        a
        for a in recorded
        if (matches(a["a"], owner) and matches(a["b"], receiver))
        or (matches(a["a"], receiver) and matches(a["b"], owner))
    ]
    if naming:
        allowed = set(BASELINE)
        for a in naming:
            start = TODAY + timedelta(days=a["start"])
            end = None if a["length"] is None else start + timedelta(days=a["length"])
            if a["ended"] or start > TODAY or (end is not None and end < TODAY):
                continue
            if matches(a["a"], owner) and matches(a["b"], receiver):
                allowed |= {Category(c) for c in a["a_to_b"]}
            if matches(a["b"], owner) and matches(a["a"], receiver):
                allowed |= {Category(c) for c in a["b_to_a"]}
    else:
        allowed = set(Category) if default == "open" else set(BASELINE)
    if view == roles.LIMITED:
        allowed -= LIMITED
    if child == ids["c1"]:
        allowed.discard(Category.HEALTH)  # the consent withdrawn for every other organisation
    return allowed


def _received(conn: Any, who: pulls.Receiver) -> dict[tuple[str, str], set[str]]:
    got: dict[tuple[str, str], set[str]] = {}
    cursor, more = 0, True
    while more:
        page = pulls.pull(conn, who, cursor, 500, device_id="nobody")
        for item in page.items:
            if item.kind == "row":
                got.setdefault((item.entity, item.row_id), set()).update(item.fields)
        cursor, more = page.cursor, page.has_more
    return got


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(recorded=st.lists(agreement, max_size=3), default=st.sampled_from(["open", "closed"]))
def test_devices_receive_exactly_what_the_agreements_and_roles_allow(
    any_server: Server, recorded: list[dict[str, Any]], default: str
) -> None:
    server = any_server
    ids = getattr(server, "world", None) or _world(server)
    server.world = ids  # type: ignore[attr-defined]
    _reset(server)
    by_name = {f"org:{name}": f"org:{ids[name]}" for name in ORGS}
    for a in recorded:
        start = TODAY + timedelta(days=a["start"])
        made, _ = agreement_admin.add(
            server.store,
            title="T",
            party_a=by_name.get(a["a"], a["a"]),
            party_b=by_name.get(a["b"], a["b"]),
            a_to_b=",".join(sorted(a["a_to_b"])) or "identity",
            b_to_a=",".join(sorted(a["b_to_a"])),
            article_6="public_task",
            article_9="safeguarding",
            article_10="safeguarding",
            start=start.isoformat(),
            end=None if a["length"] is None else (start + timedelta(days=a["length"])).isoformat(),
            review=(start + timedelta(days=365)).isoformat(),
            signed_by=["Someone"],
        )
        a["a_to_b"] = set(a["a_to_b"]) or {"identity"}
        if a["ended"]:
            agreement_admin.end(server.store, made.id, "ended in the example")
    agreement_admin.set_default(server.store, default)
    with server.store.read(streaming=True) as conn:  # the recount below streams the records
        rows = [dict(r._mapping) for r in conn.execute(select(records).where(records.c.child_id.is_not(None)))]
        seen = {(r.org_id, r.child_id) for r in conn.execute(select(org_scope).where(org_scope.c.visible.is_(True)))}
        for name, view in itertools.product(ORGS, (roles.FULL, roles.LIMITED, None)):
            org = ids[name]
            if view == roles.LIMITED and ORGS[name][0] not in roles.LIMITED_AT:
                continue
            who = pulls.Receiver.of(conn, org, view)
            got = _received(conn, who)
            for row in rows:
                key = (row["entity"], row["row_id"])
                allowed = _expected_categories(
                    row["created_by_org"], org, view, row["child_id"], recorded, default, ids
                )
                spec = CATALOGUE[row["entity"]]
                category = spec.category_of(row["data"])
                visible = (org, row["child_id"]) in seen and view is not None
                restricted = bool(row["data"].get("restricted")) and row["created_by_org"] != org
                if not visible or category not in allowed or restricted:
                    assert key not in got, (name, view, key, category)
                    continue
                expected = {f for f in row["data"] if spec.field_category(f, category) in allowed}
                assert got.get(key) == expected, (name, view, key, category)
            if view is not None:
                assert tallies.org_digest(conn, org, view) == tallies.recount_org(conn, org, view), (name, view)
