"""Exclusions and suspensions, persistent and severe absence, managed moves and elective home education: by
school, by year group and by characteristic, with the national rates we ship beside the local ones (their year
shown). Local rates are out of the children CaseDesk holds, not every pupil on roll: the note says so."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import Connection, func, or_, select

from casedesk.domain import disclosure
from casedesk.domain.attendance.national import curriculum_year
from casedesk.domain.attendance.summary import is_persistent, is_severe
from casedesk.domain.education.vocab import EheStatus, ExclusionKind, MoveOutcome
from casedesk.domain.vocab import StatusKind
from casedesk.server.reports import attendance_months, national
from casedesk.server.reports.model import Audience, Dashboard, Period, Section, section, with_rate
from casedesk.server.reports.query import (
    NO_SCHOOL,
    child,
    fact,
    facts_in,
    ordered_labels,
    organisation_names,
    school_label,
    scoped,
)

TITLE = "Exclusions, absence, managed moves and home education"
KINDS = tuple(ExclusionKind)
ABSENCE = ("Severe absence (50% or more)", "Persistent absence (10–49%)", "Under 10% missed")
STATUS_OF = {
    "Free school meals": StatusKind.FREE_SCHOOL_MEALS,
    "SEN support": StatusKind.SEN_SUPPORT,
    "EHC plan": StatusKind.EHC_PLAN,
    "Child in need": StatusKind.CHILD_IN_NEED,
    "Child protection plan": StatusKind.CHILD_PROTECTION_PLAN,
    "Looked after": StatusKind.LOOKED_AFTER,
}
NO_YEAR = "Year group not known"
Held = dict[str, tuple[str | None, str | None, str]]  # child id → (school id, date of birth, sex)
Groups = dict[str, set[str]]


def year_label(date_of_birth: str | None, on: date) -> str:
    if not date_of_birth:
        return NO_YEAR
    year = curriculum_year(date.fromisoformat(date_of_birth), on)
    if year < 0:
        return "Below Reception"
    if year == 0:
        return "Reception"
    return "Year 12 and above" if year >= 12 else f"Year {year}"


def _year_order(label: str) -> tuple[int, str]:
    order = {"Below Reception": -1, "Reception": 0, "Year 12 and above": 12, NO_YEAR: 99}
    return (order[label], label) if label in order else (int(label.split()[1]), label)


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    names = organisation_names(conn)
    held = _children(conn, period, audience)
    groups = _characteristics(conn, period, held)
    sections = [*_exclusions(conn, period, audience, names, held, groups)]
    sections += _absence(conn, period, audience, names, held, groups)
    sections += _moves_and_home_education(conn, period, audience, names)
    notes = (
        "Local rates are out of the children CaseDesk holds in the period (those known to services), not every "
        "pupil on roll, so they run higher than the national rates for all pupils.",
    )
    return Dashboard("education", TITLE, period, audience, tuple(sections), notes)


def _children(conn: Connection, period: Period, audience: Audience) -> Held:
    """Every child held, within the audience."""
    stmt = select(fact.c.row_id, fact.c.school_id, fact.c.on_day, fact.c.kind).where(fact.c.entity == "children")
    stmt = scoped(stmt, audience, fact.c.school_id)
    return {str(r.row_id): (r.school_id, r.on_day, r.kind or "U") for r in conn.execute(stmt)}


def _characteristics(conn: Connection, period: Period, held: Held) -> Groups:
    """Characteristic → the children held who had it at some time in the period."""
    start, end = period.bounds
    rows = conn.execute(
        select(fact.c.child_id, fact.c.kind).where(
            fact.c.entity == "status_periods",
            fact.c.kind.in_([k.value for k in STATUS_OF.values()]),
            fact.c.on_day <= end,
            or_(fact.c.until_day.is_(None), fact.c.until_day >= start),
        )
    ).all()
    by_kind: dict[str, set[str]] = defaultdict(set)
    for child_id, kind in rows:
        if child_id in held:
            by_kind[kind].add(child_id)
    out = {"All children": set(held)}
    out["Boys"] = {c for c, (_, _, sex) in held.items() if sex == "M"}
    out["Girls"] = {c for c, (_, _, sex) in held.items() if sex == "F"}
    for label, kind in STATUS_OF.items():
        out[label] = by_kind[kind.value]
    return out


def _by_characteristic(
    key: str,
    title: str,
    with_it: set[str],
    groups: dict[str, set[str]],
    what: str,
    year: str,
    rates: dict[str, float],
    note: str,
) -> Section:
    labels = list(groups)
    counts = [[len(groups[g] & with_it), len(groups[g] - with_it)] for g in labels]
    base = section(key, title, "bar", counts, labels, [what, "Others held"], column_totals=False, note=note)
    rated = with_rate(base, 0, 2, "Local rate")
    extra = tuple((*row, f"{rates[g]:.1f}%" if g in rates else "—") for g, row in zip(labels, rated.extra, strict=True))
    return Section(
        rated.key,
        rated.title,
        rated.chart,
        rated.table,
        rated.total_row,
        rated.total_column,
        (*rated.extra_columns, f"National rate ({year})"),
        extra,
        rated.note,
    )


def _exclusions(
    conn: Connection, period: Period, audience: Audience, names: dict[str, str], held: Held, groups: Groups
) -> list[Section]:
    stmt = facts_in(
        "exclusions", period, audience, fact.c.child_id, fact.c.school_id, fact.c.kind, child.c.on_day, school="record"
    )
    by_school: dict[str, Counter[str]] = defaultdict(Counter)
    by_year: dict[str, Counter[str]] = defaultdict(Counter)
    excluded: set[str] = set()
    for child_id, school_id, kind, dob in conn.execute(stmt):
        by_school[school_label(names, school_id)][kind] += 1
        by_year[year_label(dob, period.end)][kind] += 1
        excluded.add(child_id)
    schools, years = ordered_labels(by_school), sorted(by_year, key=_year_order)
    columns = [k.label for k in KINDS]
    tables = disclosure.protect_together(
        [
            ([[by_school[s][k] for k in KINDS] for s in schools], schools),
            ([[by_year[y][k] for k in KINDS] for y in years], years),
        ],
        columns,
    )
    year, rates = national.suspension_rates()
    return [
        Section("exclusions_by_school", "Suspensions and exclusions by school", "bar", tables[0], True, True),
        Section("exclusions_by_year", "Suspensions and exclusions by year group", "bar", tables[1], True, True),
        _by_characteristic(
            "exclusions_by_characteristic",
            "Children suspended or excluded, by characteristic",
            excluded,
            groups,
            "Suspended or excluded",
            year,
            rates,
            "National rate: pupils with one or more suspensions (DfE, England, all schools).",
        ),
    ]


def _absence(
    conn: Connection, period: Period, audience: Audience, names: dict[str, str], held: Held, groups: Groups
) -> list[Section]:
    first = f"{period.start:%Y-%m}-01"  # whole months: a child's attendance is kept month by month
    stmt = (
        select(fact.c.child_id, func.sum(fact.c.n1), func.sum(fact.c.n2))
        .where(fact.c.entity == attendance_months.ENTITY, fact.c.on_day.between(first, period.end.isoformat()))
        .group_by(fact.c.child_id)
    )
    by_school: dict[str, Counter[int]] = defaultdict(Counter)
    by_year: dict[str, Counter[int]] = defaultdict(Counter)
    persistent: set[str] = set()
    marked: set[str] = set()  # children with a possible session in the period
    for child_id, possible, missed in conn.execute(stmt):
        if child_id not in held or not possible:
            continue  # outside the audience, or no possible session
        marked.add(child_id)
        school_id, dob, _ = held[child_id]
        band = 0 if is_severe(missed, possible) else 1 if is_persistent(missed, possible) else 2
        if band < 2:
            persistent.add(child_id)
        by_school[school_label(names, school_id)][band] += 1
        by_year[year_label(dob, period.end)][band] += 1
    schools, years = ordered_labels(by_school), sorted(by_year, key=_year_order)
    tables = disclosure.protect_together(
        [
            ([[by_school[s][b] for b in range(3)] for s in schools], schools),
            ([[by_year[y][b] for b in range(3)] for y in years], years),
        ],
        ABSENCE,
    )
    year, rates = national.persistent_absence_rates()
    measured = {g: members & marked for g, members in groups.items()}
    return [
        Section(
            "absence_by_school",
            "Children persistently or severely absent, by school",
            "bar",
            tables[0],
            True,
            True,
            note="Children with attendance marks in the period, by the sessions they missed of those possible.",
        ),
        Section(
            "absence_by_year", "Children persistently or severely absent, by year group", "bar", tables[1], True, True
        ),
        _by_characteristic(
            "absence_by_characteristic",
            "Children persistently absent, by characteristic",
            persistent,
            measured,
            "Persistently absent",
            year,
            rates,
            "Of the children with attendance marks in the period. National rate: enrolments persistently absent "
            "(10% or more; DfE, England, all schools).",
        ),
    ]


def _moves_and_home_education(
    conn: Connection, period: Period, audience: Audience, names: dict[str, str]
) -> list[Section]:
    moves: dict[str, Counter[str]] = defaultdict(Counter)
    for school_id, outcome in conn.execute(
        facts_in("managed_moves", period, audience, fact.c.school_id, fact.c.kind, school="record")
    ):
        moves[school_label(names, school_id)][outcome] += 1
    outcomes = ["under_way", *(o.value for o in MoveOutcome)]
    move_labels = ["Trial under way", *(o.label for o in MoveOutcome)]
    ehe: dict[str, Counter[str]] = defaultdict(Counter)
    for school_id, status in conn.execute(
        facts_in("ehe_cases", period, audience, fact.c.school_id, fact.c.kind, school="record")
    ):
        ehe[school_label(names, school_id)][status] += 1
    move_rows, ehe_rows = ordered_labels(moves), ordered_labels(ehe)
    return [
        section(
            "managed_moves",
            "Managed moves by home school, and how they ended",
            "bar",
            [[moves[s][o] for o in outcomes] for s in move_rows],
            move_rows,
            move_labels,
            note="Moves that started in the period.",
        ),
        section(
            "home_education",
            "Elective home education notified, by the school the child left",
            "bar",
            [[ehe[s][x.value] for x in EheStatus] for s in ehe_rows],
            ehe_rows,
            [x.label for x in EheStatus],
            note=f"Notified in the period; '{NO_SCHOOL}' where the child's last school is not known.",
        ),
    ]
