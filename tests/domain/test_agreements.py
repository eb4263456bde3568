"""Agreements, the default, roles and grants decide what one organisation receives of another's records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casedesk.domain import roles, sharing
from casedesk.domain.agreements import AgreementInvalid, OrgInfo, Party, build
from casedesk.domain.schema import Category

SCHOOL = OrgInfo("s1", "Oakwood Primary School", "school", "383")
OTHER_LA_SCHOOL = OrgInfo("s2", "Hillside School", "school", "384")
CARE = OrgInfo("c1", "Children's Social Care", "childrens_social_care", "383")
YOT = OrgInfo("y1", "Youth Justice Service", "youth_justice", "383")
ORGS = {o.id: o for o in (SCHOOL, OTHER_LA_SCHOOL, CARE, YOT)}


def _agreement(**change: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "agreement_id": "a1",
        "title": "Schools and social care",
        "party_a": "kind:school@383",
        "party_b": "kind:childrens_social_care",
        "a_to_b": "education,attendance,behaviour",
        "b_to_a": "social_care",
        "article_6": "public_task",
        "article_9": None,
        "article_10": None,
        "start": "2025-01-01",
        "end": None,
        "review": "2026-01-01",
        "signed_by": ["Head teacher", "Director"],
    }
    fields.update(change)
    return build(**fields)  # type: ignore[arg-type]


def _policy(*agreements, default: str = sharing.OPEN, on: date = date(2025, 6, 1), grants=()):  # type: ignore[no-untyped-def]
    return sharing.Policy(agreements, ORGS.get, default, on, grants)


def test_a_party_is_an_organisation_or_a_kind_in_one_local_authority() -> None:
    assert Party.parse("kind:school@383").matches(SCHOOL) and not Party.parse("kind:school@383").matches(
        OTHER_LA_SCHOOL
    )
    assert Party.parse("kind:school").matches(OTHER_LA_SCHOOL)
    assert Party.parse("org:c1").matches(CARE) and not Party.parse("org:c1").matches(YOT)
    assert Party.parse("kind:school@383").describe() == "every school in LA 383"
    for bad in ("school", "kind:castle", "kind:school@38", "org:"):
        with pytest.raises(AgreementInvalid):
            Party.parse(bad)


def test_an_agreement_shares_each_direction_its_own_categories_plus_the_baseline() -> None:
    policy = _policy(_agreement())
    to_care = policy.allowed_for("c1", "child", source_org="s1")
    assert to_care.categories() == {Category.EDUCATION, Category.ATTENDANCE, Category.BEHAVIOUR} | sharing.BASELINE
    to_school = policy.allowed_for("s1", "child", source_org="c1")
    assert to_school.categories() == {Category.SOCIAL_CARE} | sharing.BASELINE
    assert policy.between("c1", "s1").agreements[0].id == "a1"
    # a school in another LA is not named: the open default shares everything with it
    assert policy.allowed_for("s2", "child", source_org="c1").permits("events", Category.HEALTH)


def test_outside_its_dates_or_once_ended_an_agreement_shares_only_the_baseline() -> None:
    agreement = _agreement(end="2025-03-31")
    assert (
        _policy(agreement, on=date(2025, 4, 1)).allowed_for("c1", "x", source_org="s1").categories() == sharing.BASELINE
    )
    assert (
        _policy(agreement, on=date(2024, 12, 31)).allowed_for("c1", "x", source_org="s1").categories()
        == sharing.BASELINE
    )
    assert (
        Category.EDUCATION
        in _policy(agreement, on=date(2025, 2, 1)).allowed_for("c1", "x", source_org="s1").categories()
    )


def test_the_closed_default_shares_only_identity_and_involvement_between_strangers() -> None:
    closed = _policy(default=sharing.CLOSED)
    assert closed.allowed_for("y1", "x", source_org="s1").categories() == sharing.BASELINE
    assert closed.allowed_for("s1", "x", source_org="s1") == sharing.EVERYTHING


def test_a_practitioner_at_a_school_does_not_receive_other_organisations_social_care_detail() -> None:
    policy = _policy()
    limited = roles.view_of(roles.Role.PRACTITIONER, "school")
    assert limited == roles.LIMITED
    assert not policy.allowed_for("s1", "x", source_org="c1", view=limited).permits("events", Category.SOCIAL_CARE)
    assert policy.allowed_for("s1", "x", source_org="c1").permits("events", Category.SOCIAL_CARE)  # the lead
    assert roles.view_of(roles.Role.PRACTITIONER, "childrens_social_care") == roles.FULL
    assert roles.view_of(roles.Role.ADMINISTRATOR, "school") is None
    assert roles.may("administrator", roles.Action.MANAGE_DEVICES) and not roles.may(
        "administrator", roles.Action.READ_RECORDS
    )
    assert roles.parse(None) == roles.DEFAULT_ROLE
    with pytest.raises(ValueError, match="unknown role"):
        roles.parse("caretaker")


def test_a_grant_widens_one_child_for_its_time_only() -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    grant = sharing.Grant("child", "s1", frozenset({Category.HEALTH}), now + timedelta(hours=4), user="ann")
    policy = sharing.Policy([], ORGS.get, sharing.CLOSED, date(2025, 6, 1), [grant], now)
    assert policy.allowed_for("s1", "child", source_org="c1", user="ann").permits("events", Category.HEALTH)
    assert not policy.allowed_for("s1", "child", source_org="c1", user="bob").permits("events", Category.HEALTH)
    assert not policy.allowed_for("s1", "other", source_org="c1", user="ann").permits("events", Category.HEALTH)
    later = sharing.Policy([], ORGS.get, sharing.CLOSED, date(2025, 6, 1), [grant], now + timedelta(hours=5))
    assert not later.allowed_for("s1", "child", source_org="c1", user="ann").permits("events", Category.HEALTH)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"a_to_b": "health"}, "special-category"),
        ({"a_to_b": "youth_justice"}, "criminal-offence"),
        ({"a_to_b": "", "b_to_a": ""}, "shares no category"),
        ({"party_b": "kind:school@383"}, "the same"),
        ({"review": "2024-01-01"}, "review date"),
        ({"title": " "}, "title"),
    ],
)
def test_every_problem_with_an_agreement_is_named(change: dict[str, object], problem: str) -> None:
    with pytest.raises(AgreementInvalid, match=problem):
        _agreement(**change)
