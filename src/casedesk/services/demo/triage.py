"""Demo Presenting Needs Checks: recorded results (each with its chronology entry) and open drafts for a share of
the children, so the Needs checks tab, the chronology, "Find services" and referrals have realistic data.

Answers are drawn per child from a need intensity (most children low, some high), and a stop rule is allowed to
fire only rarely, as in life. Everything is deterministic for a seed (ids included) and written through the unit
of work with the same fields `triage.complete` writes, so demo results sync, audit and read back like real ones.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casedesk.domain.triage.engine import evaluate, visible_sections
from casedesk.domain.triage.model import Question, Questionnaire, TriageOutcome
from casedesk.domain.triage.result import DRAFT
from casedesk.services.triage.questionnaires import bundled_questionnaires
from casedesk.services.triage.service import completion_values
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork

SHARE_RECORDED = 0.25  # children with at least one recorded check
SHARE_DRAFT = 0.06  # children with a check left half-done
SHARE_TWO_CHECKS = 0.3  # of those recorded, how many were checked twice
STOP_SHARE = 0.04  # of recorded checks, how many may end on a stop rule
MAX_CHILDREN = 2_000  # a cap, so a 200,000-child benchmark demo stays quick
BATCH = 250
HIGHER_IS_BETTER = frozenset({"semh_wellbeing"})  # scales where a high number means less need
INTENSITIES = ((0.05, 4), (0.18, 4), (0.32, 3), (0.55, 1))  # need intensity and its weight
VOICES = (
    "Says school is too loud and they get into trouble before they know it.",
    "Wants to stay at this school and keep playing football.",
    "Finds mornings hard at home; likes their form tutor.",
    "Did not want to talk about it today.",
)


def _id(rng: random.Random, at: datetime) -> str:
    """A UUIDv7 from the moment and the seeded generator, so demo ids repeat exactly for a seed."""
    value = (int(at.timestamp() * 1000) << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64)
    return str(uuid.UUID(int=value | (0b10 << 62) | rng.getrandbits(62)))


def _draw(question: Question, rng: random.Random, intensity: float) -> Any:
    """One answer: options are listed from least to most need, so higher intensity leans to the later ones."""
    if question.type == "yes_no":
        return rng.random() < intensity * 0.45
    if question.type == "single_choice":
        steps = sum(rng.random() < intensity for _ in range(len(question.options) - 1))
        return question.options[steps].value
    if question.type == "multi_choice":
        return [o.value for o in question.options if rng.random() < intensity * 0.35]
    if question.type == "scale":
        assert question.min is not None and question.max is not None
        span = question.max - question.min
        steps = sum(rng.random() < intensity for _ in range(span))
        return question.max - steps if question.id in HIGHER_IS_BETTER else question.min + steps
    return rng.choice(VOICES) if rng.random() < 0.5 else None


def _answers(q: Questionnaire, rng: random.Random, intensity: float, allow_stop: bool) -> dict[str, Any]:
    """Answers for every question (branching later drops the hidden ones); redrawn while an unwanted stop fires."""
    for _ in range(30):
        drawn = {question.id: _draw(question, rng, intensity) for _, question in q.questions()}
        answers = {k: v for k, v in drawn.items() if v is not None}
        if allow_stop or evaluate(q, answers).stop is None:
            return answers
        intensity *= 0.8
    return {}


def _working_moment(rng: random.Random, day: date) -> datetime:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(8, 30), UTC) + timedelta(minutes=rng.randrange(0, 8 * 60))


def seed_demo_triage(db: Database, seed: int, today: date, author: str = "casedesk-demo") -> tuple[int, int]:
    """Write recorded checks and drafts for a share of the children; returns (recorded, drafts)."""
    rng = random.Random(seed * 104_729)
    q = bundled_questionnaires()[0]
    with db.session() as session:
        children = sorted(repo.list_children(session), key=lambda c: c.id)
        people = sorted(repo.workers(session).values(), key=lambda w: w.id)
    if not children:
        return 0, 0
    by_org: dict[str, list[str]] = {}
    for worker in people:
        by_org.setdefault(worker.organisation_id, []).append(worker.name)
    chosen = rng.sample(children, min(len(children), MAX_CHILDREN, round(len(children) * SHARE_RECORDED) or 1))
    drafted = set(rng.sample([c.id for c in chosen], round(len(chosen) * SHARE_DRAFT / SHARE_RECORDED)))
    recorded = drafts = 0
    for start in range(0, len(chosen), BATCH):
        with db.unit_of_work(author) as uow:
            for child in chosen[start : start + BATCH]:
                names = by_org.get(child.current_school_id or "") or [author]
                intensity = rng.choices([i for i, _ in INTENSITIES], [w for _, w in INTENSITIES])[0]
                checks = 2 if rng.random() < SHARE_TWO_CHECKS else 1
                days_ago = sorted((rng.randint(3, 330) for _ in range(checks)), reverse=True)
                for ago in days_ago:
                    done_at = _working_moment(rng, today - timedelta(days=ago))
                    answers = _answers(q, rng, intensity, allow_stop=rng.random() < STOP_SHARE)
                    outcome = evaluate(q, answers)
                    if not outcome.complete:
                        continue
                    result_id, who = _id(rng, done_at), rng.choice(names)
                    write_completed_check(uow, rng, q, outcome, child.id, result_id, done_at, who)
                    recorded += 1
                    intensity = min(0.9, intensity + rng.uniform(-0.15, 0.2))  # needs drift between checks
                if child.id in drafted:
                    started = _worked_draft(q, rng, intensity)
                    begun = _working_moment(rng, today - timedelta(days=rng.randint(0, 14)))
                    uow.insert(
                        "triage_results",
                        {
                            "id": _id(rng, begun),
                            "child_id": child.id,
                            "questionnaire_id": q.id,
                            "questionnaire_version": q.version,
                            "state": DRAFT,
                            "answers": started,
                            "author": rng.choice(names),
                            "started_at": begun,
                        },
                    )
                    drafts += 1
    return recorded, drafts


def write_completed_check(
    uow: UnitOfWork,
    rng: random.Random,
    q: Questionnaire,
    outcome: TriageOutcome,
    child_id: str,
    result_id: str,
    done_at: datetime,
    who: str,
) -> None:
    """A completed needs check and its chronology entry, with the values the triage service writes on completion
    (the demo's own checks and its year of activity write them the same way)."""
    fields, event = completion_values(q, outcome, child_id, result_id, done_at, who)
    uow.insert(
        "triage_results",
        {
            "id": result_id,
            "child_id": child_id,
            "questionnaire_id": q.id,
            "questionnaire_version": q.version,
            "answers": dict(outcome.answers),
            "author": who,
            "started_at": done_at - timedelta(minutes=rng.randint(6, 40)),
            **fields,
        },
    )
    uow.insert("events", {"id": _id(rng, done_at), **event})


def _worked_draft(q: Questionnaire, rng: random.Random, intensity: float) -> dict[str, Any]:
    """A draft's answers: the first few pages done, as when the bell went."""
    answers = _answers(q, rng, intensity, allow_stop=False)
    pages = visible_sections(q, answers)
    done = {question.id for _, questions in pages[: rng.randint(1, max(1, len(pages) - 2))] for question in questions}
    return {k: v for k, v in answers.items() if k in done}
