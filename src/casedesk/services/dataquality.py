"""The Data quality page's calls: the server's data-quality report for this organisation and, for children's
social care, the returns' review queue and its decisions — over the API with this device's token, as the
Administration page's calls are (the server decides who may and audits each call)."""

from __future__ import annotations

from casedesk.errors import NotFound
from casedesk.services.administration import AdministrationService
from casedesk.store import repositories as repo
from casedesk.sync.feed_wire import QualityReport, ReviewDecision, ReviewItem, ReviewOffer, ReviewQueue

__all__ = ["DataQualityService", "QualityReport", "ReviewItem", "ReviewOffer", "ReviewQueue"]


class DataQualityService(AdministrationService):
    def report(self) -> QualityReport:
        return self._ask(lambda t: t.admin_data_quality())

    def queue(self) -> ReviewQueue | None:
        """The returns' children waiting for review, or None when none wait (the page then hides the queue)."""
        waiting = self._ask(lambda t: t.admin_review_queue())
        return waiting if waiting.items else None

    def decide(self, source: str, la_child_id: str, decision: str, reason: str, child_id: str | None = None) -> str:
        body = ReviewDecision.model_validate(
            {"source": source, "la_child_id": la_child_id, "decision": decision, "reason": reason, "child_id": child_id}
        )
        return self._ask(lambda t: t.admin_review_decide(body)).message

    def holds(self, child_id: str) -> bool:
        """Whether this computer holds the child's record (a report names children it may not)."""
        with self.sync.db.session() as session:
            try:
                repo.get_child(session, child_id)
            except NotFound:
                return False
        return True
