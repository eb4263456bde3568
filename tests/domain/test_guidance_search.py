"""Ask CaseDesk's ranking: retrieval quality on paraphrased questions, reasons, typos, and the immediate-risk rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedesk.domain.guidance.load import sample_guidance
from casedesk.domain.guidance.model import FALLBACK_IMMEDIATE_RISK
from casedesk.domain.guidance.search import Answer, GuidanceIndex

DATA = Path(__file__).parent.parent / "data" / "guidance"


def _questions(name: str) -> list[dict[str, str | None]]:
    return list(json.loads((DATA / name).read_text(encoding="utf-8"))["questions"])


def ranked_ids(answers: list[Answer], expected: str | None) -> list[str]:
    """The ranking below the pinned act-now answer (which the rule, not the score, puts first)."""
    return [a.entry.id for a in answers if not (a.risk_first and expected != "immediate-risk")]


@pytest.fixture(scope="module")
def index() -> GuidanceIndex:
    return GuidanceIndex(sample_guidance().entries)


def test_paraphrased_questions_find_their_answer_in_the_top_three(index: GuidanceIndex) -> None:
    questions = _questions("paraphrases.json")
    hits = 0
    misses = []
    for item in questions:
        ids = ranked_ids(index.ask(str(item["q"]))[1], item["expected"])
        found = item["expected"] in ids[:3] if item["expected"] else not ids
        hits += found
        if not found:
            misses.append((item["q"], ids[:3]))
    assert hits / len(questions) >= 0.95, misses


def test_each_answer_says_why_it_matched(index: GuidanceIndex) -> None:
    reading, answers = index.ask("can parents appeal an exclushun")
    assert reading.corrections == {"exclushun": "exclusion"}
    top = answers[0]
    assert top.entry.id == "challenge-exclusion"
    assert "'exclushun' (read as 'exclusion') in the question" in top.reasons
    assert any("'appeal'" in reason for reason in top.reasons)


def test_synonyms_and_word_forms_meet(index: GuidanceIndex) -> None:
    _, answers = index.ask("my pupil was expelled")
    assert answers[0].entry.topics[0] == "exclusions"
    assert any("(same as 'exclusion')" in reason for reason in answers[0].reasons)


def test_a_question_about_something_else_finds_nothing(index: GuidanceIndex) -> None:
    assert index.ask("what is the best recipe for lasagne")[1] == []
    assert index.ask("")[1] == []


RISK_QUESTIONS = [
    "a child told me her dad hits her",
    "pupil brought a knife to school",
    "a year 8 boy is missing since yesterday",
    "teenager talking about suicide",
    "I think he is being sexually exploited",
    "signs of neglect at home",
    "kid has burns on his arms",
    "child being abuzed at home",  # a typo still counts
    "what counts as persistent absence? also a child has been hurt",
]


@pytest.mark.parametrize("question", RISK_QUESTIONS)
def test_a_question_suggesting_immediate_risk_gets_the_act_now_answer_first(
    index: GuidanceIndex, question: str
) -> None:
    reading, answers = index.ask(question)
    assert reading.suggests_risk
    assert answers[0].risk_first and answers[0].entry.id == "immediate-risk"
    assert answers[0].entry.answer.startswith("Contact children's social care or the police now")
    assert "act now" in answers[0].reasons[0]
    assert [a.entry.id for a in answers].count("immediate-risk") == 1


@pytest.mark.parametrize(
    "question", ["what counts as persistent absence", "how do I lock CaseDesk", "looked after child missing lessons"]
)
def test_other_questions_are_ranked_on_their_merits(index: GuidanceIndex, question: str) -> None:
    reading, answers = index.ask(question)
    assert not reading.suggests_risk and not any(a.risk_first for a in answers)


def test_content_without_an_act_now_answer_still_gets_one_first() -> None:
    entries = [e for e in sample_guidance().entries if not e.immediate_risk]
    _, answers = GuidanceIndex(entries).ask("a pupil has a weapon")
    assert answers[0].entry == FALLBACK_IMMEDIATE_RISK and answers[0].risk_first
    assert answers[1].entry.id == "weapon"
