"""Who sees a child: the organisations involved with it, and the one that recorded it until it records its own."""

from __future__ import annotations

from casedesk.server.policy import visible_orgs


def _inv(org: str, deleted: bool = False) -> dict:
    return {"data": {"organisation_id": org}, "deleted": deleted}


def test_involved_organisations_see_the_child() -> None:
    assert visible_orgs("school", [_inv("school"), _inv("social_care")]) == {"school", "social_care"}


def test_the_recording_organisation_sees_it_until_its_own_involvement_decides() -> None:
    assert visible_orgs("school", []) == {"school"}
    assert visible_orgs("school", [_inv("social_care")]) == {"school", "social_care"}
    assert visible_orgs("school", [_inv("school", deleted=True), _inv("social_care")]) == {"social_care"}


def test_an_ended_involvement_no_longer_shares_the_child() -> None:
    assert visible_orgs(None, [_inv("police", deleted=True)]) == set()
