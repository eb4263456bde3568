"""The work-source registry: what a piece of work is, what a source reads, and how "My work" is put together.

**Adding a source** (the meetings feature's "my actions", say) is one function in your own module:

    from casedesk.services.mywork.registry import WorkContext, WorkItem, register

    @register("actions", "My actions", order=25)
    def my_actions(ctx: WorkContext) -> list[WorkItem]:
        with ctx.db.session() as session:
            rows = meetings_repo.actions_for(session, ctx.me.worker_ids, ctx.children)
        return [
            WorkItem("actions", row.child_id, row.child_name, row.what, f"due {row.due:%d %b %Y}", row.due,
                     tab="meetings", ref_id=row.id, overdue=row.due < ctx.today)
            for row in rows
        ]

then add your module to `SOURCE_MODULES` in `casedesk.services.mywork.service` (importing it registers the
source). A source reads through the store (never the UI), returns items in the order it wants them shown, and
names for each the child and the child-page tab that opens it (`tab`, as the Overview's cards do), so every item
is one click from the child. `ctx.children` is the user's children (None: every child held), `ctx.me` who the user
is, `ctx.today` the day. A key registered again replaces the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from casedesk.services.alerts.service import Me
from casedesk.store.database import Database


@dataclass(frozen=True)
class WorkItem:
    """One thing to do about one child. `tab` is the child-page tab to open; `ref_id` the record it is about."""

    source: str
    child_id: str | None
    child_name: str
    title: str
    detail: str
    on: date | None = None  # when it is due (or when it started waiting)
    tab: str = "overview"
    ref_id: str | None = None
    overdue: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class WorkContext:
    db: Database
    me: Me
    today: date
    children: frozenset[str] | None  # the user's children; None: every child held (the user is named on none)


WorkBuilder = Callable[[WorkContext], list[WorkItem]]


@dataclass(frozen=True)
class WorkSource:
    key: str
    title: str
    order: int
    build: WorkBuilder
    empty: str = "Nothing here."


_REGISTRY: dict[str, WorkSource] = {}


def register(key: str, title: str, order: int, empty: str = "Nothing here.") -> Callable[[WorkBuilder], WorkBuilder]:
    """Add a section to "My work": `@register("alerts", "My open alerts", 10)` over a builder."""

    def add(build: WorkBuilder) -> WorkBuilder:
        _REGISTRY[key] = WorkSource(key, title, order, build, empty)
        return build

    return add


def registered() -> list[WorkSource]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))
