"""Which policy wins: the site profile's or the server's, setting by setting (the stricter, whichever sent it)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from casedesk import site_profile
from casedesk.site_profile import ExportKind, KdfFloor, Policy, SiteProfile, SiteProfileError, stricter

SITE = Policy(
    idle_lock_minutes=10,
    sync_interval_minutes=5,
    exports=frozenset({ExportKind.CHILD_RECORD, ExportKind.DIRECTORY}),
    printing=True,
    demo_data=True,
    min_passphrase_strength=2,
    kdf_floor=KdfFloor(4, 131072),
)


@pytest.mark.parametrize(
    ("server", "setting", "expected"),
    [
        ({"idle_lock_minutes": 3}, "idle_lock_minutes", 3),  # the server's is shorter: it wins
        ({"idle_lock_minutes": 30}, "idle_lock_minutes", 10),  # longer: the site's stands
        ({"sync_interval_minutes": 1}, "sync_interval_minutes", 1),
        ({"sync_interval_minutes": 60}, "sync_interval_minutes", 5),
        ({"exports": ["directory", "spreadsheet"]}, "exports", frozenset({ExportKind.DIRECTORY})),
        ({"exports": []}, "exports", frozenset()),
        ({"printing": False}, "printing", False),
        ({"printing": True}, "printing", True),
        ({"demo_data": False}, "demo_data", False),
        ({"min_passphrase_strength": "very strong"}, "min_passphrase_strength", 4),
        ({"min_passphrase_strength": "weak"}, "min_passphrase_strength", 2),
        ({"kdf_floor": {"time_cost": 8}}, "kdf_floor", KdfFloor(8, 131072)),  # per field: time from the server,
        ({"kdf_floor": {"time_cost": 2, "memory_cost_kib": 524288}}, "kdf_floor", KdfFloor(4, 524288)),  # memory too
    ],
)
def test_the_stricter_value_wins_setting_by_setting(server: dict[str, Any], setting: str, expected: Any) -> None:
    policy = site_profile.effective(SiteProfile(policy=SITE), server)
    assert getattr(policy, setting) == expected
    for other in fields(Policy):  # what the server did not mention keeps the site's value
        if other.name != setting:
            assert getattr(policy, other.name) == getattr(SITE, other.name)


def test_the_server_tightens_a_setting_the_site_left_at_its_default() -> None:
    policy = site_profile.effective(SiteProfile(), {"idle_lock_minutes": 2, "demo_data": False})
    assert (policy.idle_lock_minutes, policy.demo_data, policy.printing) == (2, False, True)


def test_no_server_policy_leaves_the_site_profile_as_it_is() -> None:
    assert site_profile.effective(SiteProfile(policy=SITE), None) == SITE
    assert site_profile.effective(SiteProfile(policy=SITE), {}) == SITE


def test_stricter_is_the_same_either_way_round_and_the_default_changes_nothing() -> None:
    server = Policy(idle_lock_minutes=20, sync_interval_minutes=2, printing=False, min_passphrase_strength=3)
    assert stricter(SITE, server) == stricter(server, SITE)
    assert stricter(SITE, Policy()) == SITE
    assert stricter(Policy(), server) == server


def test_an_invalid_server_policy_is_refused_not_taken_for_none() -> None:
    with pytest.raises(SiteProfileError, match=r"server's policy is not valid: exports: 'all' is not of type"):
        site_profile.effective(SiteProfile(policy=SITE), {"exports": "all"})


def test_the_idle_time_a_user_chose_is_capped_by_policy_never_raised() -> None:
    assert Policy(idle_lock_minutes=5).idle_minutes_for(10) == 5
    assert Policy(idle_lock_minutes=5).idle_minutes_for(2) == 2
    assert Policy().idle_minutes_for(30) == 30
