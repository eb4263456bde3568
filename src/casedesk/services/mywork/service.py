"""`col.mywork`: every registered work source for the user, in order, in one trip to the database thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casedesk.services.alerts.service import Me, who_am_i
from casedesk.services.meetings import work as meeting_actions
from casedesk.services.mywork import access_requests, sources
from casedesk.services.mywork.registry import WorkContext, WorkItem, WorkSource, registered
from casedesk.store import mywork_repo
from casedesk.store.database import Database

SOURCE_MODULES = (
    sources,
    meeting_actions,
    access_requests,
)  # importing a module registers its sources; a feature adds its module here


@dataclass(frozen=True)
class Section:
    source: WorkSource
    items: tuple[WorkItem, ...]

    @property
    def key(self) -> str:
        return self.source.key


@dataclass(frozen=True)
class MyWork:
    me: Me
    everyone: bool  # the user is named on no child: the work of every child held is shown
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.sections)


class MyWorkService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def load(self, today: date | None = None) -> MyWork:
        today = today or date.today()
        me = who_am_i(self.db, self.actor)
        with self.db.session() as session:
            mine = mywork_repo.my_children(session, me.worker_ids, today)
        ctx = WorkContext(self.db, me, today, None if mine is None else frozenset(mine))
        sections = tuple(Section(spec, tuple(spec.build(ctx))) for spec in registered())
        return MyWork(me, mine is None, sections)
