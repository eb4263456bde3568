"""The Presenting Needs Check engine: every rule kind, branching, stop rules, reasons, and refused files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from casedesk.domain.triage.engine import (
    NEED_DOMAINS,
    TriageOutcome,
    evaluate,
    load_questionnaire,
    visible_questions,
    visible_sections,
)
from casedesk.domain.triage.model import as_sentences
from casedesk.errors import ValidationError
from casedesk.paths import resource_path

LEVELS = [{"level": n, "name": f"Level {n}", "next_step": f"Step {n}"} for n in (1, 2, 3, 4)]


def mini(**overrides: Any) -> dict[str, Any]:
    """A small questionnaire with one question of every type; tests add the rules they are about."""
    doc: dict[str, Any] = {
        "id": "mini",
        "version": "1",
        "title": "Mini check",
        "notice": "Sample content.",
        "levels": copy.deepcopy(LEVELS),
        "sections": [
            {
                "id": "one",
                "title": "One",
                "questions": [
                    {"id": "yn", "type": "yes_no", "text": "Yes or no?"},
                    {
                        "id": "single",
                        "type": "single_choice",
                        "text": "Pick one",
                        "options": [{"value": "a", "label": "Alpha"}, {"value": "b", "label": "Bravo"}],
                    },
                    {
                        "id": "multi",
                        "type": "multi_choice",
                        "text": "Pick some",
                        "options": [
                            {"value": "x", "label": "X-ray"},
                            {"value": "y", "label": "Yankee"},
                            {"value": "z", "label": "Zulu"},
                        ],
                    },
                    {"id": "scale", "type": "scale", "text": "How much?", "min": 0, "max": 10},
                    {"id": "note", "type": "free_text", "text": "Anything else?", "max_length": 20},
                ],
            }
        ],
        "rules": [],
        "stop_rules": [],
    }
    doc.update(overrides)
    return doc


def with_rule(when: dict[str, Any], **rule: Any) -> dict[str, Any]:
    return mini(rules=[{"id": "r", "when": when, "domains": {"semh": 2}, "reason": "Rule r", **rule}])


# -- every condition kind ---------------------------------------------------------------------------------------
CONDITIONS = [
    # (condition, answers, holds)
    ({"question": "yn", "equals": True}, {"yn": True}, True),
    ({"question": "yn", "equals": True}, {"yn": False}, False),
    ({"question": "yn", "equals": False}, {"yn": False}, True),
    ({"question": "yn", "equals": False}, {}, False),  # unanswered is not "no"
    ({"question": "single", "equals": "a"}, {"single": "a"}, True),
    ({"question": "single", "equals": "a"}, {"single": "b"}, False),
    ({"question": "single", "in": ["a", "b"]}, {"single": "b"}, True),
    ({"question": "single", "in": ["a"]}, {"single": "b"}, False),
    ({"question": "multi", "includes": "y"}, {"multi": ["x", "y"]}, True),
    ({"question": "multi", "includes": "y"}, {"multi": ["x"]}, False),
    ({"question": "multi", "includes_any": ["y", "z"]}, {"multi": ["z"]}, True),
    ({"question": "multi", "includes_any": ["y", "z"]}, {"multi": []}, False),
    ({"question": "scale", "at_least": 7}, {"scale": 7}, True),
    ({"question": "scale", "at_least": 7}, {"scale": 6}, False),
    ({"question": "scale", "at_most": 3}, {"scale": 3}, True),
    ({"question": "scale", "at_most": 3}, {"scale": 4}, False),
    ({"question": "scale", "at_most": 3}, {}, False),
    ({"question": "scale", "equals": 0}, {"scale": 0}, True),
    ({"question": "scale", "in": [1, 2]}, {"scale": 2}, True),
    ({"question": "note", "answered": True}, {"note": "worried"}, True),
    ({"question": "note", "answered": True}, {"note": ""}, False),
    ({"question": "note", "answered": False}, {}, True),
    ({"question": "multi", "answered": True}, {"multi": []}, True),  # "none of these" is an answer
    (
        {"all": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]},
        {"yn": True, "scale": 5},
        True,
    ),
    (
        {"all": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]},
        {"yn": True, "scale": 4},
        False,
    ),
    (
        {"any": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]},
        {"yn": False, "scale": 9},
        True,
    ),
    ({"any": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]}, {"yn": False}, False),
    ({"not": {"question": "yn", "equals": True}}, {"yn": False}, True),
    ({"not": {"question": "yn", "equals": True}}, {}, True),
    ({"not": {"question": "yn", "equals": True}}, {"yn": True}, False),
]


@pytest.mark.parametrize(("when", "answers", "holds"), CONDITIONS)
def test_every_condition_kind(when: dict[str, Any], answers: dict[str, Any], holds: bool) -> None:
    outcome = evaluate(load_questionnaire(with_rule(when)), answers)
    assert [r.rule_id for r in outcome.reasons] == (["r"] if holds else [])
    assert {d.id: d.score for d in outcome.domains} == ({"semh": 2} if holds else {})


EVIDENCE = [
    # which answers a firing rule names as its evidence
    ({"all": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]}, ["yn", "scale"]),
    ({"any": [{"question": "yn", "equals": True}, {"question": "scale", "at_least": 5}]}, ["scale"]),
    ({"not": {"question": "single", "equals": "a"}}, ["single"]),
    ({"question": "multi", "includes": "x"}, ["multi"]),
]


@pytest.mark.parametrize(("when", "expected"), EVIDENCE)
def test_reasons_name_the_answers_that_drove_them(when: dict[str, Any], expected: list[str]) -> None:
    answers = {"yn": True, "scale": 8, "single": "b", "multi": ["x", "z"]}
    answers_for_any = {**answers, "yn": False}
    outcome = evaluate(load_questionnaire(with_rule(when)), answers_for_any if "any" in when else answers)
    (reason,) = outcome.reasons
    assert [e.question_id for e in reason.evidence] == expected


def test_evidence_reads_as_words() -> None:
    when = {
        "all": [
            {"question": "yn", "equals": True},
            {"question": "single", "equals": "b"},
            {"question": "multi", "includes": "x"},
            {"question": "scale", "at_least": 1},
        ]
    }
    outcome = evaluate(
        load_questionnaire(with_rule(when)), {"yn": True, "single": "b", "multi": ["x", "z"], "scale": 4}
    )
    assert [(e.question, e.answer) for e in outcome.reasons[0].evidence] == [
        ("Yes or no?", "Yes"),
        ("Pick one", "Bravo"),
        ("Pick some", "X-ray; Zulu"),
        ("How much?", "4 (on a scale of 0 to 10)"),
    ]


# -- scores and levels ------------------------------------------------------------------------------------------
def scoring_doc(level_rules: list[dict[str, Any]]) -> dict[str, Any]:
    return mini(
        rules=[
            {"id": "r_yn", "when": {"question": "yn", "equals": True}, "domains": {"semh": 2}, "reason": "yn"},
            {
                "id": "r_a",
                "when": {"question": "single", "equals": "a"},
                "domains": {"semh": 1, "family": 2},
                "reason": "a",
            },
            {"id": "r_x", "when": {"question": "multi", "includes": "x"}, "domains": {"health": 1}, "reason": "x"},
            {"id": "r_hi", "when": {"question": "scale", "at_least": 8}, "level": 3, "reason": "high"},
            {"id": "r_mid", "when": {"question": "scale", "at_least": 5}, "level": 2, "reason": "mid"},
        ],
        level_rules=level_rules,
    )


def test_domain_scores_add_up_and_name_their_rules() -> None:
    outcome = evaluate(load_questionnaire(scoring_doc([])), {"yn": True, "single": "a", "multi": ["x"]})
    assert [(d.id, d.score, d.reasons) for d in outcome.domains] == [
        ("semh", 3, ("r_yn", "r_a")),
        ("family", 2, ("r_a",)),
        ("health", 1, ("r_x",)),
    ]
    assert outcome.domains[0].name == NEED_DOMAINS["semh"]
    assert outcome.level == 1 and outcome.level_reasons == () and outcome.next_step == "Step 1"


LEVEL_CASES = [
    # (level rule, answers, level, level reason ids)
    (None, {"scale": 5}, 2, ["r_mid"]),
    (None, {"scale": 9}, 3, ["r_hi"]),  # the highest level wins; only its reasons explain it
    ({"id": "l", "min_total": 6, "level": 3, "reason": "t"}, {"yn": True, "single": "a"}, 1, []),
    ({"id": "l", "min_total": 5, "level": 3, "reason": "t"}, {"yn": True, "single": "a"}, 3, ["l"]),
    ({"id": "l", "domain": "family", "min_score": 2, "level": 2, "reason": "d"}, {"single": "a"}, 2, ["l"]),
    ({"id": "l", "domain": "family", "min_score": 3, "level": 2, "reason": "d"}, {"single": "a"}, 1, []),
    ({"id": "l", "min_domains": 2, "min_score": 2, "level": 3, "reason": "m"}, {"yn": True, "single": "a"}, 3, ["l"]),
    ({"id": "l", "min_domains": 3, "min_score": 1, "level": 3, "reason": "m"}, {"yn": True, "single": "a"}, 1, []),
    (
        {"id": "l", "min_domains": 3, "min_score": 1, "level": 3, "reason": "m"},
        {"yn": True, "single": "a", "multi": ["x"]},
        3,
        ["l"],
    ),
]


@pytest.mark.parametrize(("level_rule", "answers", "level", "why"), LEVEL_CASES)
def test_levels_from_rules_and_level_rules(
    level_rule: dict[str, Any] | None, answers: dict[str, Any], level: int, why: list[str]
) -> None:
    doc = scoring_doc([] if level_rule is None else [level_rule])
    if level_rule is not None:  # keep only the points, so the level comes from the level rule alone
        doc["rules"] = [r for r in doc["rules"] if "level" not in r]
    outcome = evaluate(load_questionnaire(doc), answers)
    assert outcome.level == level and outcome.level_name == f"Level {level}"
    assert [r.rule_id for r in outcome.level_reasons] == why
    assert outcome.next_step == f"Step {level}"


def test_a_level_rule_reason_names_the_domain_scores_it_saw() -> None:
    rule = {"id": "l", "min_domains": 2, "min_score": 2, "level": 3, "reason": "m"}
    outcome = evaluate(load_questionnaire(scoring_doc([rule])), {"yn": True, "single": "a", "multi": ["x"]})
    assert outcome.level_reasons[0].domains == {"semh": 3, "family": 2}


# -- branching --------------------------------------------------------------------------------------------------
def branching_doc() -> dict[str, Any]:
    doc = mini()
    questions = doc["sections"][0]["questions"]
    questions[1]["show_if"] = {"question": "yn", "equals": True}  # single only after "yes"
    questions[2]["show_if"] = {"question": "single", "equals": "a"}  # multi only after "a"
    doc["sections"].append(
        {
            "id": "two",
            "title": "Two",
            "show_if": {"question": "scale", "at_least": 5},
            "questions": [{"id": "later", "type": "yes_no", "text": "Later?"}],
        }
    )
    doc["rules"] = [
        {"id": "r_single", "when": {"question": "single", "equals": "a"}, "domains": {"family": 2}, "reason": "s"},
        {"id": "r_multi", "when": {"question": "multi", "includes": "x"}, "domains": {"health": 3}, "reason": "m"},
        {"id": "r_later", "when": {"question": "later", "equals": True}, "level": 3, "reason": "l"},
    ]
    return doc


BRANCHING = [
    # (answers, visible question ids, ignored answers, rules that fire)
    ({}, ["yn", "scale", "note"], [], []),
    ({"yn": True}, ["yn", "single", "scale", "note"], [], []),
    (
        {"yn": True, "single": "a", "multi": ["x"]},
        ["yn", "single", "multi", "scale", "note"],
        [],
        ["r_single", "r_multi"],
    ),
    # "no" hides single, and so multi (shown only after single = a): both answers are ignored
    ({"yn": False, "single": "a", "multi": ["x"]}, ["yn", "scale", "note"], ["single", "multi"], []),
    ({"yn": True, "single": "b", "multi": ["x"]}, ["yn", "single", "scale", "note"], ["multi"], []),
    ({"scale": 5, "later": True}, ["yn", "scale", "note", "later"], [], ["r_later"]),
    ({"scale": 4, "later": True}, ["yn", "scale", "note"], ["later"], []),  # a hidden section
]


@pytest.mark.parametrize(("answers", "visible", "ignored", "fired"), BRANCHING)
def test_branching_hides_questions_and_their_answers(
    answers: dict[str, Any], visible: list[str], ignored: list[str], fired: list[str]
) -> None:
    q = load_questionnaire(branching_doc())
    assert [x.id for x in visible_questions(q, answers)] == visible
    outcome = evaluate(q, answers)
    assert list(outcome.ignored) == ignored
    assert [r.rule_id for r in outcome.reasons] == fired
    assert set(outcome.answers) == set(answers) - set(ignored)


def test_visible_sections_are_the_wizard_pages() -> None:
    q = load_questionnaire(branching_doc())
    assert [s.id for s, _ in visible_sections(q, {"scale": 2})] == ["one"]
    assert [s.id for s, _ in visible_sections(q, {"scale": 6})] == ["one", "two"]


def test_unanswered_required_questions_are_listed() -> None:
    q = load_questionnaire(branching_doc())
    outcome = evaluate(q, {"yn": True})
    assert outcome.unanswered == ("single", "scale") and not outcome.complete  # free text is optional
    assert evaluate(q, {"yn": False, "scale": 1}).complete


# -- stop rules -------------------------------------------------------------------------------------------------
def stop_doc() -> dict[str, Any]:
    doc = branching_doc()
    doc["stop_rules"] = [
        {"id": "stop_yes", "when": {"question": "later", "equals": True}, "reason": "Harm", "instruction": "Call now"},
        {"id": "stop_multi", "when": {"question": "multi", "includes": "z"}, "reason": "Danger", "instruction": "999"},
    ]
    return doc


STOPS = [
    # (answers, fired stop rule)
    ({"scale": 6, "later": True}, "stop_yes"),
    ({"yn": True, "single": "a", "multi": ["z"]}, "stop_multi"),
    ({"yn": True, "single": "a", "multi": ["z"], "scale": 6, "later": True}, "stop_yes"),  # the first listed wins
    ({"yn": False, "single": "a", "multi": ["z"]}, None),  # a hidden answer cannot stop the check
    ({"scale": 1, "later": True}, None),
    ({"yn": True, "single": "a", "multi": ["x"]}, None),
]


@pytest.mark.parametrize(("answers", "stop"), STOPS)
def test_stop_rules_end_at_level_4_with_the_instruction(answers: dict[str, Any], stop: str | None) -> None:
    outcome = evaluate(load_questionnaire(stop_doc()), answers)
    if stop is None:
        assert outcome.stop is None and outcome.level < 4
        return
    assert outcome.stop is not None and outcome.stop.rule_id == stop
    assert outcome.level == 4 and outcome.level_name == "Level 4"
    assert outcome.next_step == outcome.stop.instruction  # not the directory
    assert outcome.level_reasons[0].kind == "stop" and outcome.level_reasons[0].rule_id == stop
    assert outcome.stop.evidence and outcome.complete


def test_a_stop_rule_wins_whatever_else_is_answered() -> None:
    doc = stop_doc()
    doc["rules"].append({"id": "calm", "when": {"question": "scale", "at_most": 10}, "level": 1, "reason": "c"})
    outcome = evaluate(load_questionnaire(doc), {"scale": 9, "later": True})
    assert outcome.level == 4 and outcome.stop is not None


# -- answers that do not fit ------------------------------------------------------------------------------------
BAD_ANSWERS = [
    ({"yn": "yes"}, "answers.yn"),
    ({"single": "c"}, "answers.single"),
    ({"multi": "x"}, "answers.multi"),
    ({"multi": ["x", "x"]}, "answers.multi"),
    ({"scale": 11}, "answers.scale"),
    ({"scale": True}, "answers.scale"),
    ({"note": "x" * 21}, "answers.note"),
    ({"nope": True}, "answers.nope"),
]


@pytest.mark.parametrize(("answers", "where"), BAD_ANSWERS)
def test_answers_of_the_wrong_kind_are_refused(answers: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        evaluate(load_questionnaire(mini()), answers)
    assert [p for p, _ in caught.value.problems] == [where]


# -- stored outcomes --------------------------------------------------------------------------------------------
def test_an_outcome_round_trips_through_plain_json() -> None:
    outcome = evaluate(load_questionnaire(stop_doc()), {"yn": True, "single": "a", "multi": ["z", "x"], "scale": 3})
    stored = json.loads(json.dumps(outcome.to_dict()))
    assert stored["questionnaire"] == {"id": "mini", "version": "1", "title": "Mini check"}
    assert TriageOutcome.from_dict(stored) == outcome


def test_a_result_under_an_older_version_reads_back_as_stored_and_is_never_rescored() -> None:
    v1 = load_questionnaire(with_rule({"question": "yn", "equals": True}, level=3))
    stored = json.loads(json.dumps(evaluate(v1, {"yn": True}).to_dict()))
    v2_doc = with_rule({"question": "yn", "equals": True}, level=2)
    v2_doc["version"] = "2"
    v2 = load_questionnaire(v2_doc)
    assert evaluate(v2, {"yn": True}).level == 2
    again = TriageOutcome.from_dict(stored)
    assert (again.questionnaire_version, again.level, again.level_name) == ("1", 3, "Level 3")
    assert again.reasons[0].level == 3


@pytest.mark.parametrize("damaged", [{}, {"format": 99}, {"format": 1, "questionnaire": {}}, []])
def test_a_damaged_stored_outcome_is_a_clear_error(damaged: Any) -> None:
    with pytest.raises(ValidationError):
        TriageOutcome.from_dict(damaged)


# -- the bundled questionnaire ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def risk() -> Any:
    return load_questionnaire(resource_path("triage", "risk_of_exclusion.json"))


def test_the_bundled_questionnaire_is_valid_sample_content(risk: Any) -> None:
    assert (risk.id, risk.version) == ("risk-of-exclusion", "1.0")
    assert "SAMPLE CONTENT" in risk.notice and "each area configures" in risk.notice
    assert 20 <= sum(1 for _ in risk.questions()) <= 30
    assert {q.type for _, q in risk.questions()} == {"yes_no", "single_choice", "multi_choice", "scale", "free_text"}
    assert all(q.help for _, q in risk.questions())
    scored = {d for rule in risk.rules for d in rule.get("domains", {})}
    assert scored == set(NEED_DOMAINS)
    assert [s.id for s in risk.sections][:8] == [
        "attendance",
        "behaviour",
        "learning",
        "semh",
        "family",
        "safeguarding",
        "health",
        "youth_justice",
    ]


RISK_CASES = [
    # (answers, level, top domain, stop rule)
    ({"att_rate": "at_least_95", "beh_suspensions": "none", "semh_wellbeing": 8}, 1, None, None),
    ({"att_rate": "from_50_to_90", "beh_suspensions": "one"}, 2, "attendance", None),
    (
        {"att_rate": "below_50", "beh_suspensions": "permanent", "att_pattern": ["leaving_site"], "att_missing": True},
        3,
        "attendance",
        None,
    ),
    ({"semh_self_harm": "current", "semh_service": False, "semh_wellbeing": 2}, 3, "semh", None),
    ({"sg_social_care": "child_protection"}, 4, "safeguarding", None),
    ({"sg_immediate_harm": True, "att_rate": "at_least_95"}, 4, None, "stop_significant_harm"),
    (
        {"sg_exploitation": ["county_lines"], "sg_exploitation_level": "immediate"},
        4,
        "safeguarding",
        "stop_exploitation_danger",
    ),
    ({"semh_self_harm": "immediate"}, 4, None, "stop_suicide_risk"),
    ({"sg_exploitation": [], "sg_exploitation_level": "immediate"}, 1, None, None),  # hidden: no indicators ticked
]


@pytest.mark.parametrize(("answers", "level", "top", "stop"), RISK_CASES)
def test_the_bundled_questionnaire_scores_sensibly(
    risk: Any, answers: dict[str, Any], level: int, top: str | None, stop: str | None
) -> None:
    outcome = evaluate(risk, answers)
    assert outcome.level == level
    if top is not None:
        assert outcome.domains[0].id == top
    assert (outcome.stop.rule_id if outcome.stop else None) == stop
    if stop:
        assert "directory is not the next step" in outcome.next_step
    if level > 1:
        assert outcome.level_reasons


# -- refused questionnaires -------------------------------------------------------------------------------------
def broken(change: Any) -> dict[str, Any]:
    doc = branching_doc()
    change(doc)
    return doc


def q0(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["sections"][0]["questions"][0]


BROKEN = [
    # (how the file is broken, expected path, words in the message)
    (lambda d: q0(d).update(type="dropdown"), "$.sections[0].questions[0].type", "is not one of"),
    (lambda d: d.pop("id"), "$", "'id' is a required property"),
    (lambda d: d.update(id="Has Spaces"), "$.id", "does not match"),
    (lambda d: d["sections"][0]["questions"][1].pop("options"), "$.sections[0].questions[1]", "'options'"),
    (lambda d: q0(d).update(min=1), "$.sections[0].questions[0].min", "not allowed"),
    (
        lambda d: q0(d).update(options=[{"value": "a", "label": "A"}] * 2),
        "$.sections[0].questions[0].options",
        "not allowed",
    ),
    (
        lambda d: q0(d).update(max_length=5),
        "$.sections[0].questions[0].max_length",
        "not allowed for this question type",
    ),
    (lambda d: q0(d).update(help=3), "$.sections[0].questions[0].help", "is not of type 'string'"),
    (lambda d: d["rules"][0].pop("reason"), "$.rules[0]", "'reason' is a required property"),
    (lambda d: d["rules"][0]["domains"].update(family=0), "$.rules[0].domains.family", "minimum"),
    (lambda d: q0(d).update(id="single"), "$.sections[0].questions[1].id", "duplicate question id 'single'"),
    (lambda d: d["sections"][1].update(id="one"), "$.sections[1].id", "duplicate section id"),
    (lambda d: d["rules"][1].update(id="r_single"), "$.rules[1].id", "duplicate rule id"),
    (
        lambda d: d["sections"][0]["questions"][1]["options"][1].update(value="a"),
        "$.sections[0].questions[1].options[1].value",
        "duplicate option value",
    ),
    (
        lambda d: q0(d).update(show_if={"question": "ghost", "answered": True}),
        "$.sections[0].questions[0].show_if.question",
        "unknown",
    ),
    (
        lambda d: q0(d).update(show_if={"question": "scale", "at_least": 1}),
        "$.sections[0].questions[0].show_if.question",
        "later",
    ),
    (
        lambda d: q0(d).update(show_if={"question": "yn", "equals": True}),
        "$.sections[0].questions[0].show_if.question",
        "later",
    ),
    (
        lambda d: d["rules"][0].update(when={"question": "ghost", "equals": True}),
        "$.rules[0].when.question",
        "unknown question",
    ),
    (
        lambda d: d["rules"][0].update(when={"question": "single", "equals": "c"}),
        "$.rules[0].when.equals",
        "not an option",
    ),
    (
        lambda d: d["rules"][0].update(when={"question": "multi", "includes": "q"}),
        "$.rules[0].when.includes",
        "not an option",
    ),
    (
        lambda d: d["rules"][0].update(when={"question": "single", "includes": "a"}),
        "$.rules[0].when.includes",
        "cannot test",
    ),
    (
        lambda d: d["rules"][0].update(when={"question": "yn", "equals": "yes"}),
        "$.rules[0].when.equals",
        "true or false",
    ),
    (lambda d: d["rules"][0].update(when={"question": "scale", "at_least": 11}), "$.rules[0].when.at_least", "outside"),
    (lambda d: d["rules"][0].update(when={"question": "note", "equals": "x"}), "$.rules[0].when.equals", "cannot test"),
    (
        lambda d: d["rules"][0].update(when={"question": "yn", "equals": True, "answered": True}),
        "$.rules[0].when",
        "exactly one",
    ),
    (lambda d: d["rules"][0].update(when={"equals": True}), "$.rules[0].when", "needs question"),
    (
        lambda d: d["rules"][0].update(
            when={"all": [{"question": "yn", "equals": True}, {"question": "nope", "equals": 1}]}
        ),
        "$.rules[0].when.all[1].question",
        "unknown question",
    ),
    (
        lambda d: d["rules"][0].update(when={"not": {"any": [{"question": "multi", "includes": "w"}]}}),
        "$.rules[0].when.not.any[0].includes",
        "not an option",
    ),
    (lambda d: d["rules"][0].update(domains={"wellbeing": 1}), "$.rules[0].domains.wellbeing", "unknown need domain"),
    (
        lambda d: d.update(level_rules=[{"id": "l", "level": 3, "reason": "r", "min_total": 3, "domain": "semh"}]),
        "$.level_rules[0]",
        "exactly one of",
    ),
    (
        lambda d: d.update(level_rules=[{"id": "l", "level": 3, "reason": "r", "domain": "mood", "min_score": 1}]),
        "$.level_rules[0].domain",
        "unknown need domain",
    ),
    (lambda d: d["levels"][2].update(level=2), "$.levels", "levels 1, 2, 3 and 4"),
    (lambda d: d["levels"].pop(), "$.levels", "too short"),
    (lambda d: d["sections"][0]["questions"][3].update(min=10), "$.sections[0].questions[3].max", "greater than min"),
    (
        lambda d: d["stop_rules"].append({"id": "s", "when": {"question": "yn", "equals": True}, "reason": "r"}),
        "$.stop_rules[0]",
        "'instruction' is a required property",
    ),
]


@pytest.mark.parametrize(("change", "path", "words"), BROKEN)
def test_a_broken_questionnaire_is_refused_with_the_path_of_the_bad_element(change: Any, path: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_questionnaire(broken(change))
    problems = caught.value.problems
    assert any(p == path and words in m for p, m in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    def two(doc: dict[str, Any]) -> None:
        doc["rules"][0]["domains"] = {"mood": 1}
        doc["rules"][1]["when"] = {"question": "ghost", "equals": True}

    with pytest.raises(ValidationError) as caught:
        load_questionnaire(broken(two))
    assert [p for p, _ in caught.value.problems] == ["$.rules[0].domains.mood", "$.rules[1].when.question"]
    assert "2 problem(s)" in caught.value.args[0]


def test_a_file_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x",\n  "version": }', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_questionnaire(bad)
    assert caught.value.problems[0][0] == "$" and "line 2" in caught.value.problems[0][1]
    with pytest.raises(ValidationError, match="Cannot read"):
        load_questionnaire(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["A suspension this year.", "Past self-harm disclosed"], "A suspension this year. Past self-harm disclosed."),
        (["attendance below 90%;", "  ", "Worries at home!"], "Attendance below 90%. Worries at home!"),
        ([], ""),
    ],
)
def test_reasons_read_as_sentences_with_one_stop_each(texts: list[str], expected: str) -> None:
    assert as_sentences(texts) == expected
