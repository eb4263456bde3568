"""Matching by the needs check's actual answers: the needs taxonomy, and the ranking it fixes.

Before, services were ranked on the broad need domains alone, so a domestic-abuse programme (family,
safeguarding, mental health) topped the list for any child with family and emotional-health needs though the
answers never mentioned domestic abuse. The answers here are built by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.domain.directory.match import match_services
from casedesk.domain.directory.needs import MERGED, RETIRED, bundled_taxonomy
from casedesk.domain.directory.oruk import sample_services
from casedesk.domain.triage.engine import evaluate
from casedesk.domain.triage.load import load_questionnaire
from casedesk.paths import resource_path
from casedesk.services.directory.taxonomy import with_needs

QUIET: dict[str, Any] = {
    "att_rate": "from_90_to_95",
    "att_pattern": ["anxiety"],
    "att_missing": False,
    "beh_suspensions": "none",
    "beh_concerns": ["withdrawn"],
    "beh_frequency": 2,
    "beh_alternative": False,
    "send_provision": "none",
    "send_unmet": False,
    "learn_progress": "expected",
    "semh_wellbeing": 2,
    "semh_signs": ["anxiety_low_mood"],
    "semh_self_harm": "none",
    "semh_service": False,
    "fam_circumstances": ["separation"],
    "fam_engagement": "some",
    "fam_home": [],
    "sg_immediate_harm": False,
    "sg_exploitation": [],
    "sg_social_care": "no",
    "health_condition": False,
    "health_neglect": False,
    "health_substance": False,
    "yj_involvement": "none",
    "yj_violence": False,
}
SAFE_START = "Safe Start Domestic Abuse Programme"


def ranked(answers: dict[str, Any], *, by_answers: bool = True) -> list[str]:
    taxonomy = bundled_taxonomy()
    outcome = evaluate(load_questionnaire(resource_path("triage", "risk_of_exclusion.json")), answers)
    domains = {d.id: d.score for d in outcome.domains}
    extra: dict[str, Any] = (
        {"child_needs": taxonomy.in_answers(answers), "need_labels": taxonomy.labels()} if by_answers else {}
    )
    services = with_needs(list(sample_services()), taxonomy)
    return [m.service.name for m in match_services(services, outcome.level, domains, 10, None, **extra) if m.fits]


def test_the_answers_reveal_specific_needs() -> None:
    taxonomy = bundled_taxonomy()
    assert taxonomy.in_answers(QUIET) == {
        "anxiety_low_mood": "Anxiety or low mood",
        "parenting": "Parenting and family relationships",
    }
    found = taxonomy.in_answers({**QUIET, "fam_circumstances": ["domestic_abuse"], "health_substance": True})
    assert {"domestic_abuse", "substance_use"} <= set(found) and "parenting" not in found


def test_a_domestic_abuse_programme_no_longer_tops_a_child_whose_answers_never_mention_it() -> None:
    before = ranked(QUIET, by_answers=False)
    assert SAFE_START in before[:3]  # the fault this fixes
    after = ranked(QUIET)
    assert after[0] == "Mental Health Support Team in Schools"
    assert SAFE_START not in after[:5] and "Rainbow Bereavement Support" not in after[:5]


def test_it_tops_the_list_when_the_answers_mention_domestic_abuse() -> None:
    answers = {**QUIET, "fam_circumstances": ["separation", "domestic_abuse"]}
    assert ranked(answers)[0] == SAFE_START


def test_the_reasons_say_which_answers_a_service_fits_and_which_focus_they_miss() -> None:
    taxonomy = bundled_taxonomy()
    services = {s.name: s for s in with_needs(list(sample_services()), taxonomy)}
    needs = taxonomy.in_answers(QUIET)
    matches = match_services(
        [services[SAFE_START], services["Mental Health Support Team in Schools"]],
        2,
        {"semh": 8, "family": 1},
        10,
        None,
        needs,
        taxonomy.labels(),
    )
    reasons = {m.service.name: m.reasons for m in matches}
    assert (
        reasons["Mental Health Support Team in Schools"][0]
        == "works on anxiety or low mood, which this child's answers show"
    )
    assert "focuses on domestic abuse, which this child's answers do not mention" in reasons[SAFE_START]


def test_merging_and_retiring_needs_resolve_old_codes() -> None:
    taxonomy = bundled_taxonomy().merged("bereavement", "anxiety_low_mood").retired("literacy")
    assert taxonomy.by_code["bereavement"].state == MERGED and taxonomy.resolve("bereavement") == "anxiety_low_mood"
    assert taxonomy.by_code["literacy"].state == RETIRED and taxonomy.resolve("literacy") is None
    # the merged need's answers and tags now reveal the one it became
    assert "anxiety_low_mood" in taxonomy.in_answers({"fam_circumstances": ["bereavement"]})
    assert taxonomy.of_service((), ("grief",)) == ("anxiety_low_mood",)
    assert taxonomy.of_service(("bereavement", "literacy"), ()) == ("anxiety_low_mood",)
    assert taxonomy.renamed("parenting", "Family relationships").label("parenting") == "Family relationships"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.merged("parenting", "parenting"), "itself"),
        (lambda t: t.merged("parenting", "nothing_like_it"), "No need"),
        (lambda t: t.retired("literacy").merged("parenting", "literacy"), "retired"),
    ],
)
def test_impossible_changes_are_refused(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        change(bundled_taxonomy())


def test_a_service_whose_focus_the_answers_half_show_ranks_below_one_they_fully_show() -> None:
    answers = {**QUIET, "semh_service": True, "semh_self_harm": "current"}  # level 3, no eating difficulties
    order = ranked(answers)
    assert order[0] == "Children and Young People's Mental Health Service"
    assert order.index("Eating Disorders Service") > 3
