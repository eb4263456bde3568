"""The caseload: one row per child with badges, school, attendance, named workers, year group, suspensions this
year, last contact and open referrals, and a typo-tolerant search.

Rows are built in a handful of set-based queries (children, current statuses, current involvements,
organisations, workers, and one grouped query each for suspensions, contacts and referrals), never one query per
child, so 50,000 children open in about two seconds. Search runs
over an in-memory index with rapidfuzz, tolerant of typos and of names typed in a different order; exact
identifiers (UPN, NHS number, date of birth) always rank first.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from casedesk.config import PROFILE
from casedesk.domain.education.rules import academic_year_start, national_curriculum_year, year_label
from casedesk.domain.records import Organisation, Worker
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.domain.vocab import EventKind, StatusKind
from casedesk.store import attendance_repo, education_repo
from casedesk.store import repositories as repo
from casedesk.store.attendance_repo import Totals
from casedesk.store.database import Database

BADGE_ORDER = [
    StatusKind.CHILD_PROTECTION_PLAN,
    StatusKind.LOOKED_AFTER,
    StatusKind.CHILD_IN_NEED,
    StatusKind.EHC_PLAN,
    StatusKind.SEN_SUPPORT,
    StatusKind.ELECTIVE_HOME_EDUCATION,
    StatusKind.YOUTH_JUSTICE,
    StatusKind.YOUNG_CARER,
    StatusKind.FREE_SCHOOL_MEALS,
]
_RANK = {kind.value: index for index, kind in enumerate(BADGE_ORDER)}
# Chronology entries that are a contact with the child or family (the caseload's "last contact"); the database
# keeps each child's latest by a trigger naming the same kinds (migration 0009, held equal by a test).
CONTACT_KINDS = (EventKind.HOME_VISIT, EventKind.MEETING, EventKind.PHONE_CALL, EventKind.HOME_EDUCATION)
OPEN_REFERRAL_STATES = (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    child_id: str
    name: str
    date_of_birth: date
    age: int
    upn: str | None
    nhs_number: str | None
    school_id: str | None
    school: str
    statuses: tuple[str, ...]  # StatusKind values, most serious first
    workers: tuple[str, ...]  # "Name (Organisation)"
    organisation_ids: frozenset[str]
    worker_ids: frozenset[str]
    search_text: str
    name_text: str
    attendance: Totals | None = None  # the academic year of the child's latest attendance mark
    year: int = 0  # national curriculum year (0 Reception, negative nursery)
    suspensions_year: int = 0  # suspensions with a first day in this academic year
    last_contact: date | None = None
    open_referrals: int = 0

    @property
    def year_group(self) -> str:
        return year_label(self.year)

    @property
    def badges(self) -> tuple[str, ...]:
        return tuple(StatusKind(s).badge for s in self.statuses) + self.absence_badges

    @property
    def absence_badges(self) -> tuple[str, ...]:
        """ "SA" for severe absence (50% or more of possible sessions missed), else "PA" for persistent (10%)."""
        if self.attendance is None:
            return ()
        if self.attendance.severe:
            return ("SA",)
        return ("PA",) if self.attendance.persistent else ()


@dataclass(frozen=True)
class CaseloadData:
    rows: list[CaseloadRow]
    organisations: dict[str, Organisation]
    workers: dict[str, Worker]
    my_worker_ids: frozenset[str] = frozenset()  # the user's own worker records (the "My children" filter)


def load_caseload_data(db: Database, today: date | None = None) -> CaseloadData:
    """Rows plus the organisations and workers the filters offer, in one trip to the database thread."""
    with db.session() as session:
        orgs, people = repo.organisations(session), repo.workers(session)
    with _no_cyclic_gc():
        return CaseloadData(load_caseload(db, today), orgs, people, my_worker_ids(db, orgs, people))


def my_worker_ids(db: Database, orgs: dict[str, Organisation], people: dict[str, Worker]) -> frozenset[str]:
    """The worker records that are the profile's user: their name, at their organisation when it is named."""
    if not db.has(PROFILE):
        return frozenset()
    profile = db.get(PROFILE)
    name, org = profile.name.strip().casefold(), profile.organisation.strip().casefold()
    named = [w for w in people.values() if w.name.strip().casefold() == name]
    at_org = [w for w in named if w.organisation_id in orgs and orgs[w.organisation_id].name.casefold() == org]
    return frozenset(w.id for w in (at_org or named))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Building 50,000 rows allocates hundreds of thousands of objects and none of them form cycles; the cyclic
    collector would otherwise walk the growing heap again and again (about a third of the time at that size)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_caseload(db: Database, today: date | None = None) -> list[CaseloadRow]:
    today = today or date.today()
    with db.session() as session:
        children = repo.list_children(session)
        statuses: dict[str, set[str]] = defaultdict(set)
        for period in repo.current_status_periods(session, today):
            statuses[period.child_id].add(period.kind)
        involvements = defaultdict(list)
        for inv in repo.current_involvements(session, today):
            involvements[inv.child_id].append(inv)
        orgs = repo.organisations(session)
        people = repo.workers(session)
        attendance = attendance_repo.all_totals(session)
        suspensions = education_repo.suspensions_since(session, academic_year_start(today), today)
        contacts = education_repo.last_contacts(session)
        referrals = education_repo.open_referral_counts(session, OPEN_REFERRAL_STATES)
    year_of = _year_lookup(today)
    rows = []
    for child in children:
        invs = involvements.get(child.id, [])
        named = tuple(
            f"{people[i.worker_id].name} ({orgs[i.organisation_id].name})"
            for i in invs
            if i.worker_id in people and i.organisation_id in orgs
        )
        kinds = tuple(sorted(statuses.get(child.id, ()), key=lambda k: _RANK.get(k, 99)))
        school = orgs[child.current_school_id].name if child.current_school_id in orgs else ""
        search = " ".join(
            s
            for s in (
                child.given_name,
                child.preferred_name,
                child.family_name,
                child.upn,
                child.nhs_number,
                child.date_of_birth.isoformat(),
                child.date_of_birth.strftime("%d/%m/%Y"),
            )
            if s
        ).lower()
        rows.append(
            CaseloadRow(
                child_id=child.id,
                name=child.display_name,
                date_of_birth=child.date_of_birth,
                age=child.age_on(today),
                upn=child.upn,
                nhs_number=child.nhs_number,
                school_id=child.current_school_id,
                school=school,
                statuses=kinds,
                workers=named,
                organisation_ids=frozenset(i.organisation_id for i in invs),
                worker_ids=frozenset(i.worker_id for i in invs if i.worker_id),
                search_text=search,
                name_text=" ".join(n for n in (child.given_name, child.preferred_name, child.family_name) if n).lower(),
                attendance=attendance.get(child.id),
                year=year_of(child.date_of_birth),
                suspensions_year=suspensions.get(child.id, 0),
                last_contact=contact.date() if (contact := contacts.get(child.id)) else None,
                open_referrals=referrals.get(child.id, 0),
            )
        )
    return rows


def _year_lookup(today: date) -> Callable[[date], int]:
    """National curriculum year by date of birth, computed once per distinct date (many children share one)."""
    cache: dict[date, int] = {}

    def year(born: date) -> int:
        found = cache.get(born)
        if found is None:
            found = cache[born] = national_curriculum_year(born, today)
        return found

    return year


_IDENTIFIER = re.compile(r"^[A-Za-z]?\d[\d\s/-]{5,}[A-Za-z0-9]?$")


def indexed_matches(db: Database, text: str) -> list[str] | None:
    """Ids from the database's full-text index for what was typed (None when nothing is long enough to look up)."""
    with db.session() as session:
        return repo.search_child_ids(session, text)


def search_caseload(
    rows: list[CaseloadRow], text: str, limit: int = 500, indexed: list[str] | None = None
) -> list[CaseloadRow]:
    """Rows matching `text`, best first. Empty text returns every row unchanged.

    Exact identifiers first; then rows containing what was typed — from the full-text index when `indexed` is
    given (every piece, in any order), else a substring match in memory; then names similar despite typos.
    """
    query = " ".join(text.lower().split())
    if not query:
        return rows
    compact = query.replace(" ", "")
    if _IDENTIFIER.match(query):
        exact = [r for r in rows if compact in r.search_text.replace(" ", "") or query in r.search_text]
        if exact:
            return exact[:limit]
    if indexed is not None:
        by_id = {r.child_id: r for r in rows}
        contains = [by_id[child_id] for child_id in indexed if child_id in by_id]
    else:
        contains = [r for r in rows if query in r.search_text]
    if len(contains) >= limit:
        return contains[:limit]
    # Names only for the fuzzy part: identifiers and dates would dilute the similarity of a misspelt name.
    scored = process.extract(
        query, [r.name_text for r in rows], scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=75
    )
    seen = {r.child_id for r in contains}
    fuzzy = [rows[index] for _, _, index in scored if rows[index].child_id not in seen]
    seen.update(r.child_id for r in fuzzy)
    single = [rows[index] for index in _single_name_matches(rows, query) if rows[index].child_id not in seen]
    return (contains + fuzzy + single)[:limit]


_NAME_PIECE = re.compile(r"\w+")
SINGLE_NAME_CUTOFF = 80  # "smiht"→"smith", "boyel"→"boyle", "jonathon"→"jonathan"; "tom"→"tim" (67) is not a match


def _single_name_matches(rows: list[CaseloadRow], query: str) -> list[int]:
    """Rows where every typed piece of 4+ letters is close to one of the child's single names, best first.

    Whole-name similarity misses a misspelt surname typed alone ("smiht" against "ava smith" scores low), so each
    piece is compared with each given, preferred and family name (hyphenated parts separately). Unique names are
    scored once, however many children share them.
    """
    pieces = [p for p in _NAME_PIECE.findall(query) if len(p) >= 4 and not p.isdigit()]
    if not pieces:
        return []
    holders: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        for name in set(_NAME_PIECE.findall(row.name_text)):
            holders[name].append(index)
    names = list(holders)
    total: dict[int, float] = {}
    for number, piece in enumerate(pieces):
        best: dict[int, float] = {}
        for name, score, _ in process.extract(
            piece, names, scorer=fuzz.ratio, score_cutoff=SINGLE_NAME_CUTOFF, limit=None
        ):
            for index in holders[name]:
                best[index] = max(best.get(index, 0.0), score)
        if number == 0:
            total = best
        else:
            total = {index: total[index] + score for index, score in best.items() if index in total}
    return sorted(total, key=lambda index: (-total[index], rows[index].name))


def no_match_message(text: str) -> str:
    """What an empty search result says: the words typed, and the two ways on."""
    return f"No child matches '{text.strip()}' — check the spelling, or add a new child."


# Offered beside the statuses in the caseload's status filter: children flagged by their attendance this year.
ABSENCE_FILTERS = {
    "persistent_absence": "Persistent absence (10% or more missed)",
    "severe_absence": "Severe absence (50% or more missed)",
}


def _has_status(row: CaseloadRow, status: str) -> bool:
    if status == "persistent_absence":
        return bool(row.absence_badges)  # severe absence is persistent too
    if status == "severe_absence":
        return row.absence_badges == ("SA",)
    return status in row.statuses


@dataclass(frozen=True, slots=True)
class CaseloadFilter:
    text: str = ""
    status: str | None = None
    school_id: str | None = None
    organisation_id: str | None = None
    worker_id: str | None = None
    mine: frozenset[str] | None = None  # "My children": rows naming one of these workers (the user's own)

    def apply(self, rows: list[CaseloadRow], indexed: list[str] | None = None) -> list[CaseloadRow]:
        kept = [
            r
            for r in rows
            if (self.status is None or _has_status(r, self.status))
            and (self.school_id is None or r.school_id == self.school_id)
            and (self.organisation_id is None or self.organisation_id in r.organisation_ids)
            and (self.worker_id is None or self.worker_id in r.worker_ids)
            and (self.mine is None or not self.mine.isdisjoint(r.worker_ids))
        ]
        return search_caseload(kept, self.text, indexed=indexed)
