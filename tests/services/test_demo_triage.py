"""Demo Presenting Needs Checks: the same for a seed, a share of children, every recorded check with its
chronology entry, a spread of levels, open drafts that the wizard can resume."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from casedesk.domain.triage.engine import evaluate
from casedesk.services.demo.load import seed_demo
from casedesk.services.triage.questionnaires import bundled_questionnaires
from casedesk.services.triage.service import TriageService
from casedesk.store import repositories as repo
from casedesk.store import triage_repo
from casedesk.store.database import Database
from tests.factories import PASSPHRASE

TODAY = date(2026, 11, 23)


def _results(db: Database) -> list[tuple]:
    with db.session() as session:
        out = []
        for child_id in sorted(repo.child_ids(session)):
            for r in triage_repo.results_for_child(session, child_id):
                out.append((r.id, r.child_id, r.state, r.level, r.answers, r.completed_at))
    return out


def test_demo_checks_are_deterministic_linked_and_varied(db: Database, tmp_path: Path) -> None:
    summary = seed_demo(db, 120, seed=5, today=TODAY)
    results = _results(db)
    assert summary.triage_results == sum(1 for r in results if r[2] == "complete") > 0
    assert summary.triage_drafts == sum(1 for r in results if r[2] == "draft") > 0
    children = {r[1] for r in results}
    assert 20 <= len(children) <= 45  # about a quarter of 120
    levels = Counter(r[3] for r in results if r[2] == "complete")
    assert len(levels) >= 3, levels
    assert "needs checks" in str(summary)

    q = bundled_questionnaires()[0]
    with db.session() as session:
        for result_id, child_id, state, level, answers, _ in results:
            events = triage_repo.event_ids_for_result(session, result_id)
            if state == "complete":
                assert len(events) == 1
                stored = triage_repo.get_result(session, result_id)
                assert stored.level == level == evaluate(q, answers).level  # as the service would have recorded
                assert stored.answer_texts()
            else:
                assert events == [] and triage_repo.open_draft(session, child_id) is not None

    draft = next(r for r in results if r[2] == "draft")
    resumed, _ = TriageService(db, "tester").save_answers(draft[0], {**draft[4]})  # a demo draft is a real draft
    assert resumed.state == "draft"

    again = Database.create(tmp_path / "again.db", PASSPHRASE)
    try:
        seed_demo(again, 120, seed=5, today=TODAY)
        assert _results(again) == results
    finally:
        again.close()
