"""The Overview of a child: one card per area (education, SEND, care, youth justice, referrals…), Qt-free.

A card is plain data (`Card`): a title, a few lines, flags, who recorded it and when, and the tab it opens. Cards
come from a small registry (`registry.register`): a feature adds its card by registering a builder that reads an
`OverviewSource` (the child's record, loaded once) and returns a `Card` or None. The built-in cards are in
`builtin`, the education cards in `education`; `service.CARD_MODULES` lists the modules whose cards show.
"""

from casedesk.services.overview.registry import Card, OverviewSource, register

__all__ = ["Card", "OverviewSource", "register"]
