"""The review queue: a return's child that matching could not place waits for an administrator, who matches it
to a server child, creates one, or rejects it; each decision is logged and audited, publishes or withdraws the
child's statuses at once, and survives a later import of the same return."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedStatus, Source
from casedesk.domain.ids import new_id
from casedesk.server.db import accounts, admin_audit, records
from casedesk.server.feed import imports, publish, review
from casedesk.server.feed.identities import FeedRefused
from casedesk.server.feed.tables import feed_children, feed_match_log
from tests.sync.harness import Server

OPEN_CIN = FeedStatus("cin:2023-06-05", "child_in_need", date(2023, 6, 5), None, "N1")


def _feed_child(la_child_id: str, given: str | None, family: str | None, **values: Any) -> FeedChild:
    base: dict[str, Any] = {
        "date_of_birth": date(2012, 5, 1),
        "postcode": "LS6 3AB",
        "statuses": (OPEN_CIN,),
        "given_name": given,
        "family_name": family,
    }
    return FeedChild(Source.CIN, la_child_id, **{**base, **values})


RETURN = FeedReturn(
    Source.CIN,
    "383",
    2024,
    (
        _feed_child("C1", "Ada", "Okafar"),  # a typo of the server's Ada Okafor: offered, not taken
        _feed_child("C2", "Bo", "Lee", date_of_birth=date(2013, 2, 2)),  # nobody like her on the server
        _feed_child("C3", None, None, date_of_birth=date(2010, 1, 1)),  # the census alone: no name
    ),
)


def _area(server: Server) -> tuple[str, str]:
    school = accounts.create_org(server.store, "Riverside Academy", "school", "383")
    care = accounts.create_org(server.store, "Children's Social Care", "childrens_social_care", "383")
    child = new_id()
    fields = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "2012-05-01", "postcode": "LS6 3AB"}
    with server.store.write(ordered=True) as conn:
        publish.insert_rows(conn, school, [("children", child, fields)], actor="ann")
    return care, child


def _published(server: Server, child: str) -> list[tuple[str, bool]]:
    with server.store.read() as conn:
        rows = conn.execute(
            select(records.c.entity, records.c.deleted).where(
                records.c.child_id == child, records.c.entity.in_(("status_periods", "involvements"))
            )
        ).all()
    return sorted((r.entity, bool(r.deleted)) for r in rows)


def _decide(server: Server, la_child_id: str, decision: str, child_id: str | None = None) -> str:
    return review.decide(
        server.store,
        source="cin",
        la_child_id=la_child_id,
        decision=decision,
        child_id=child_id,
        actor="Pat (LA data team)",
        reason="checked with the social worker",
    )


def test_unsure_children_wait_and_each_decision_is_carried_out_logged_and_kept(any_server: Server) -> None:
    server = any_server  # SQLite, and PostgreSQL among the slow tests
    care, ada = _area(server)
    summary = imports.import_return(server.store, RETURN, data_hash="0" * 64, actor="import")
    assert (summary.matched, summary.pending) == (0, 3)
    waiting = review.queue(server.store)
    assert [w.child.la_child_id for w in waiting] == ["C1", "C2", "C3"]
    assert [o["child_id"] for o in waiting[0].offers] == [ada] and not waiting[1].offers
    shown = review.format_queue(waiting)
    assert "Ada Okafar" in shown and ada in shown and "family name" in shown

    assert _decide(server, "C1", "match", ada) == f"cin C1: matched to child {ada}."
    assert _published(server, ada) == [("involvements", False), ("status_periods", False)]

    made = _decide(server, "C2", "create").split("child ")[-1].rstrip(".")
    with server.store.read() as conn:
        created = conn.execute(select(records.c.data, records.c.created_by_org).where(records.c.row_id == made)).one()
    assert created.data["given_name"] == "Bo" and created.created_by_org == care
    assert _published(server, made) == [("involvements", False), ("status_periods", False)]

    with server.store.read() as conn:
        before = conn.execute(select(records.c.row_id)).all()
    with pytest.raises(FeedRefused, match="no name or date of birth"):
        _decide(server, "C3", "create")
    with server.store.read() as conn:
        assert conn.execute(select(records.c.row_id)).all() == before
    _decide(server, "C3", "reject")

    _decide(server, "C1", "reject")  # the match was wrong after all: what it published is withdrawn
    assert _published(server, ada) == [("involvements", True), ("status_periods", True)]

    again = imports.import_return(server.store, RETURN, data_hash="1" * 64, actor="import")
    assert (again.matched, again.pending, again.rejected) == (1, 0, 2)  # people's decisions stand
    with server.store.read() as conn:
        states = dict(conn.execute(select(feed_children.c.la_child_id, feed_children.c.state)).all())
        log = conn.execute(
            select(feed_match_log.c.la_child_id, feed_match_log.c.decision, feed_match_log.c.actor).order_by(
                feed_match_log.c.at
            )
        ).all()
        audited = conn.execute(select(admin_audit.c.action).where(admin_audit.c.action.like("feed_%"))).scalars().all()
    assert states == {"C1": "rejected", "C2": "created", "C3": "rejected"}
    people = [(c, d) for c, d, a in log if a == "Pat (LA data team)"]
    assert people == [("C1", "matched"), ("C2", "created"), ("C3", "rejected"), ("C1", "rejected")]
    assert sorted(audited) == ["feed_create", "feed_match", "feed_reject", "feed_reject"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ({"decision": "merge"}, "one of match, create, reject"),
        ({"decision": "match"}, "which of the server's children"),
        ({"decision": "match", "child_id": "00000000-0000-7000-8000-000000000000"}, "holds no child"),
        ({"decision": "reject", "reason": " "}, "Say why"),
        ({"decision": "reject", "la_child_id": "C99"}, "No cin child C99"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_changes(server: Server, args: dict[str, Any], said: str) -> None:
    _area(server)
    imports.import_return(server.store, RETURN, data_hash="0" * 64, actor="import")
    with server.store.read() as conn:
        before = (conn.execute(select(feed_children)).all(), conn.execute(select(feed_match_log)).all())
    call: dict[str, Any] = {"source": "cin", "la_child_id": "C1", "actor": "Pat", "reason": "because", **args}
    with pytest.raises(FeedRefused, match=said):
        review.decide(server.store, **call)
    with server.store.read() as conn:
        assert (conn.execute(select(feed_children)).all(), conn.execute(select(feed_match_log)).all()) == before
