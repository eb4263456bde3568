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


def _ended(org: str, end: str) -> dict:
    return {"data": {"organisation_id": org, "end_date": end}, "deleted": False}


def test_an_end_date_ends_visibility_after_the_grace_period() -> None:
    from datetime import date

    involvements = [_ended("school", "2025-03-31"), _inv("social_care")]
    assert visible_orgs(None, involvements, on=date(2025, 3, 31), grace=0) == {"school", "social_care"}
    assert visible_orgs(None, involvements, on=date(2025, 4, 1), grace=0) == {"social_care"}
    assert visible_orgs(None, involvements, on=date(2025, 4, 14), grace=14) == {"school", "social_care"}
    assert visible_orgs(None, involvements, on=date(2025, 4, 15), grace=14) == {"social_care"}
    # the recording organisation's own ended involvement decides for it too
    assert visible_orgs("school", [_ended("school", "2025-03-31")], on=date(2025, 4, 1), grace=0) == set()
