"""The data-quality report and the feed's review queue over the API, for an organisation's administrators (the
app's Data quality page): the report of the administrator's own organisation; the review queue of children's
social care's returns, and its decisions, for that organisation's administrators. Refusals and decisions go to
the administration audit like every other administration call.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI

from casedesk.domain.feed.quality import Kind
from casedesk.server.administration import audited, not_administrator, require
from casedesk.server.auth import AuthFailure, is_administrator
from casedesk.server.db import ServerDB
from casedesk.server.feed import quality, review
from casedesk.server.feed.identities import FeedRefused
from casedesk.sync.feed_wire import (
    QualityProblem,
    QualityReport,
    ReviewDecision,
    ReviewItem,
    ReviewOffer,
    ReviewOutcome,
    ReviewQueue,
)


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    Device = Annotated[Any, Depends(current_device)]

    def administrator(device: Any, action: str) -> None:
        """Refuse (and audit the refusal) unless the device's user administers; audit the call when they do."""
        require(store, device, action, is_administrator, not_administrator())
        with store.write() as conn:
            audited(conn, device, action)

    @app.get("/v1/admin/data-quality", response_model=QualityReport)
    def data_quality(device: Device) -> QualityReport:
        """The data-quality report of the administrator's organisation."""
        administrator(device, "data_quality")
        return to_wire(quality.report(store, device.org_id))

    @app.get("/v1/admin/feed/review", response_model=ReviewQueue)
    def review_queue(device: Device) -> ReviewQueue:
        """The returns' children waiting for review, of the administrator's organisation's returns."""
        administrator(device, "feed_review")
        items = []
        for waiting in review.queue(store, device.org_id):
            c = waiting.child
            items.append(
                ReviewItem(
                    source=c.source.value,
                    la_child_id=c.la_child_id,
                    name=c.name,
                    date_of_birth=c.date_of_birth.isoformat() if c.date_of_birth else None,
                    postcode=c.postcode,
                    upn=c.upn,
                    nhs_number=c.nhs_number,
                    offers=[ReviewOffer(**offer) for offer in waiting.offers],
                )
            )
        return ReviewQueue(items=items)

    @app.post("/v1/admin/feed/review/decisions", response_model=ReviewOutcome)
    def decide(body: ReviewDecision, device: Device) -> ReviewOutcome:
        administrator(device, "feed_review_decide")
        try:
            message = review.decide(
                store,
                source=body.source,
                la_child_id=body.la_child_id,
                decision=body.decision,
                child_id=body.child_id,
                actor=device.username,
                reason=body.reason,
                org_id=device.org_id,
            )
        except FeedRefused as exc:
            raise AuthFailure("refused", exc.summary, 422) from None
        return ReviewOutcome(message=message)


def to_wire(result: quality.Report) -> QualityReport:
    return QualityReport(
        scope=result.scope,
        generated_at=result.generated.isoformat(timespec="seconds"),
        counts={kind.value: n for kind, n in result.counts().items()},
        problems=[
            QualityProblem(
                kind=p.kind.value,
                label=Kind(p.kind).label,
                detail=p.detail,
                child_id=p.child_id,
                child_name=result.names.get(p.child_id) if p.child_id else None,
                organisation=result.orgs.get(p.org_id) if p.org_id else None,
                entity=p.entity,
                row_id=p.row_id,
                reference=p.reference,
            )
            for p in result.problems
        ],
    )
