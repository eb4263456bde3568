"""`col.overview`: the cards of a child's Overview, built from the record the child page has just loaded."""

from __future__ import annotations

from datetime import date

from casedesk.services.alerts import card as alerts_card
from casedesk.services.children import ChildView
from casedesk.services.overview import attendance, builtin, education, risk
from casedesk.services.overview.registry import Card, OverviewSource, registered
from casedesk.store.database import Database

CARD_MODULES = (
    builtin,
    education,
    attendance,
    risk,
    alerts_card,
)  # importing a module registers its cards; a feature adds its module here


def build_cards(db: Database, view: ChildView, today: date | None = None) -> list[Card]:
    """Every registered card for this child, in order (a builder returning None shows no card)."""
    source = OverviewSource(db, view, today or date.today())
    return [card for spec in registered() if (card := spec.build(source)) is not None]


class OverviewService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def cards(self, view: ChildView, today: date | None = None) -> list[Card]:
        return build_cards(self.db, view, today)
