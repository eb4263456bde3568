"""Deterministic synthetic caseload for `casedesk demo`, the benchmarks and the tests.

One seed always gives the same rows, ids included, so a benchmark or a bug report can be reproduced. The
caseload is of children already known to services, so statuses are far commoner than in the whole school
population (e.g. a child protection plan for about 1 in 17 here, about 1 in 250 nationally); the rates are
named constants below. Identifiers are valid: UPNs carry the right check letter, NHS numbers come from the
999 test range, and postcodes are well-formed Leeds (LS) postcodes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker import Faker

from casedesk.domain import identifiers as ids
from casedesk.domain.records import age_on
from casedesk.domain.schema import Category
from casedesk.domain.vocab import (
    SEN_PRIMARY_NEEDS,
    EventKind,
    InvolvementRole,
    OrgKind,
    Sex,
    Significance,
    StatusKind,
)
from casedesk.services.demo import text
from casedesk.services.demo.casework import CaseworkGenerator, at_midday

Row = dict[str, Any]
SCHOOLS = 40
WORKERS_PER_ORG = 4
YEARS_OF_CHRONOLOGY = 3
AMENDED_SHARE = 0.04
AGE_OF_CRIMINAL_RESPONSIBILITY = 10  # England and Wales
# Share of children in the caseload with each status at some time in the last three years.
STATUS_RATES: dict[StatusKind, float] = {
    StatusKind.FREE_SCHOOL_MEALS: 0.45,
    StatusKind.SEN_SUPPORT: 0.28,
    StatusKind.CHILD_IN_NEED: 0.15,
    StatusKind.EHC_PLAN: 0.10,
    StatusKind.CHILD_PROTECTION_PLAN: 0.06,
    StatusKind.LOOKED_AFTER: 0.05,
    StatusKind.YOUNG_CARER: 0.05,
    StatusKind.ELECTIVE_HOME_EDUCATION: 0.03,
    StatusKind.YOUTH_JUSTICE: 0.04,
}
# Which agency works with a child who has the status.
AGENCY_FOR_STATUS: dict[StatusKind, OrgKind] = {
    StatusKind.CHILD_IN_NEED: OrgKind.CHILDRENS_SOCIAL_CARE,
    StatusKind.CHILD_PROTECTION_PLAN: OrgKind.CHILDRENS_SOCIAL_CARE,
    StatusKind.LOOKED_AFTER: OrgKind.VIRTUAL_SCHOOL,
    StatusKind.YOUTH_JUSTICE: OrgKind.YOUTH_JUSTICE,
    StatusKind.YOUNG_CARER: OrgKind.VOLUNTARY,
    StatusKind.EHC_PLAN: OrgKind.HEALTH,
}


@dataclass
class DemoData:
    organisations: list[Row] = field(default_factory=list)
    workers: list[Row] = field(default_factory=list)
    children: list[Row] = field(default_factory=list)
    status_periods: list[Row] = field(default_factory=list)
    involvements: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    ehc_plans: list[Row] = field(default_factory=list)
    peps: list[Row] = field(default_factory=list)
    youth_justice_outcomes: list[Row] = field(default_factory=list)
    # a child's education (services/demo/education.py)
    enrolments: list[Row] = field(default_factory=list)
    exclusions: list[Row] = field(default_factory=list)
    managed_moves: list[Row] = field(default_factory=list)
    provisions: list[Row] = field(default_factory=list)
    ehe_cases: list[Row] = field(default_factory=list)
    ehe_visits: list[Row] = field(default_factory=list)
    cme_enquiries: list[Row] = field(default_factory=list)
    cme_steps: list[Row] = field(default_factory=list)


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.today = today
        self.clock = datetime.combine(today, time(9), UTC) - timedelta(days=4 * 365)
        self.data = DemoData()
        self.orgs_by_kind: dict[OrgKind, list[Row]] = {}
        self.workers_by_org: dict[str, list[Row]] = {}
        self.used_upns: set[str] = set()
        self.nhs_serial = 0
        self.surnames = [self.fake.last_name() for _ in range(600)]
        self.female, self.male = list(text.GIRLS), list(text.BOYS)
        self.streets = [self.fake.street_name() for _ in range(400)]
        rows = {t: getattr(self.data, t) for t in ("ehc_plans", "peps", "youth_justice_outcomes")}
        self.rows = rows
        self.casework: CaseworkGenerator  # made with the organisations (`organisations`)

    def _casework_generator(self) -> CaseworkGenerator:
        """Made once the organisations exist: care periods take their social worker from children's social care."""
        since = self.today - timedelta(days=YEARS_OF_CHRONOLOGY * 365)
        social_care = self.orgs_by_kind[OrgKind.CHILDRENS_SOCIAL_CARE][0]
        staff = self.workers_by_org[social_care["id"]]
        return CaseworkGenerator(self.rng, self.today, self.new_id, self.rows, self._casework_event, since, staff)

    def new_id(self) -> str:
        """A UUIDv7 whose time and random bits come from the seed, so ids repeat exactly for a seed."""
        self.clock += timedelta(milliseconds=self.rng.randint(1, 50))
        millis = int(self.clock.timestamp() * 1000)
        value = (millis << 80) | (0x7 << 76) | (self.rng.getrandbits(12) << 64)
        value |= (0b10 << 62) | self.rng.getrandbits(62)
        return str(uuid.UUID(int=value))

    def organisations(self) -> None:
        for n in range(SCHOOLS):
            suffix = self.rng.choice(text.SCHOOL_SUFFIXES)
            name = f"{text.SCHOOL_NAMES[n % len(text.SCHOOL_NAMES)]} {suffix}"
            estab = 2000 + n if "Primary" in suffix else 4000 + n  # DfE numbering: 2xxx primary, 4xxx secondary
            self._org(name, OrgKind.SCHOOL, urn=str(107_000 + n * 37), estab=str(estab))
        for name, kind, ods in text.AGENCIES:
            self._org(name, kind, ods=ods)
        self.casework = self._casework_generator()

    def _org(self, name: str, kind: OrgKind, urn: str | None = None, estab: str = "", ods: str | None = None) -> None:
        org: dict[str, Any] = {"id": self.new_id(), "name": name, "kind": kind.value, "urn": urn, "ods_code": ods}
        org["la_code"] = text.DEMO_LA_CODE
        self.data.organisations.append(org)
        self.orgs_by_kind.setdefault(kind, []).append({**org, "_estab": estab})
        role = text.ROLE_FOR_KIND[kind][1]
        staff = []
        for _ in range(WORKERS_PER_ORG):
            person = f"{self.fake.first_name()} {self.fake.last_name()}"
            email = f"{person.lower().replace(' ', '.').replace(chr(39), '')}@demo.casedesk.example"
            worker = {"id": self.new_id(), "organisation_id": org["id"], "name": person, "role": role}
            worker.update(email=email, phone=f"0113 496 {self.rng.randint(0, 999):04d}")
            staff.append(worker)
        self.data.workers.extend(staff)
        self.workers_by_org[org["id"]] = staff

    def child(self) -> None:
        rng = self.rng
        born = self.today - timedelta(days=rng.randint(4 * 365 + 1, 17 * 365 + 300))
        sex = rng.choices((Sex.FEMALE, Sex.MALE, Sex.UNKNOWN), (49, 49, 2))[0]
        given = rng.choice(self.female if sex == Sex.FEMALE else self.male)
        primary = age_on(born, self.today) < 11  # DfE establishment numbers 2xxx are primary, 4xxx secondary
        school = rng.choice([s for s in self.orgs_by_kind[OrgKind.SCHOOL] if s["_estab"].startswith("2") == primary])
        row: Row = {"id": self.new_id(), "given_name": given, "family_name": rng.choice(self.surnames)}
        row.update(date_of_birth=born, sex=sex.value, la_code=text.DEMO_LA_CODE, current_school_id=school["id"])
        if given in text.SHORT_NAMES and rng.random() < 0.3:
            row["preferred_name"] = text.SHORT_NAMES[given]
        if rng.random() < 0.01:
            row["gender"] = rng.choice(("Non-binary", "Trans boy", "Trans girl"))
        row["address_line1"] = f"{rng.randint(1, 180)} {rng.choice(self.streets)}"
        row["town"] = text.DEMO_TOWN
        inward = "".join(rng.choice(text.INWARD_LETTERS) for _ in range(2))
        row["postcode"] = f"{rng.choice(text.DEMO_DISTRICTS)} {rng.randint(1, 9)}{inward}"
        row["nhs_number"] = self._nhs_number()
        age = age_on(born, self.today)
        if rng.random() < 0.03:
            row["upn_unknown_reason"] = rng.choice(("UN2", "UN3", "UN4"))
        else:
            row["upn"] = self._upn(school["_estab"], born)
        if age >= 14 and rng.random() < 0.5:
            row["uln"] = self._uln()
        self.data.children.append(row)
        first_period, first_involvement = len(self.data.status_periods), len(self.data.involvements)
        self._statuses_and_involvements(row, school)
        periods = self.data.status_periods[first_period:]
        named = {i["organisation_id"]: i["worker_id"] for i in self.data.involvements[first_involvement:]}
        self.casework.child(row, periods, row["_agencies"], self.workers_by_org, named)
        self._chronology(row, school)

    def _nhs_number(self) -> str:
        while True:
            self.nhs_serial += 1
            number = ids.make_nhs_number(f"999{self.nhs_serial:06d}")
            if number:
                return number

    def _upn(self, estab: str, born: date) -> str:
        while True:
            upn = ids.make_upn(text.DEMO_LA_CODE, estab, born.year + 4, self.rng.randint(0, 999))
            if upn not in self.used_upns:
                self.used_upns.add(upn)
                return upn

    def _uln(self) -> str:
        while True:
            uln = ids.make_uln(f"{self.rng.randint(100_000_000, 999_999_999)}")
            if uln:
                return uln

    def _statuses_and_involvements(self, child: Row, school: Row) -> None:
        rng, start_window = self.rng, self.today - timedelta(days=YEARS_OF_CHRONOLOGY * 365)
        earliest = max(start_window, child["date_of_birth"] + timedelta(days=4 * 365))
        agencies = {OrgKind.SCHOOL: school}
        home_educated_since: date | None = None
        sen_support: Row | None = None
        for kind, rate in STATUS_RATES.items():
            if kind is StatusKind.YOUTH_JUSTICE and age_on(child["date_of_birth"], self.today) < 10:
                continue
            if rng.random() >= rate:
                continue
            start = earliest + timedelta(days=rng.randint(0, max(0, (self.today - earliest).days - 30)))
            end = None
            if rng.random() < 0.35:
                end = min(self.today - timedelta(days=1), start + timedelta(days=rng.randint(60, 500)))  # ended: past
            detail = (
                rng.choice(sorted(SEN_PRIMARY_NEEDS)) if kind in (StatusKind.SEN_SUPPORT, StatusKind.EHC_PLAN) else None
            )
            if kind is StatusKind.EHC_PLAN and sen_support is not None:
                # An EHC plan follows SEN support and replaces it: SEN support ends the day before the plan.
                start = max(start, sen_support["start_date"] + timedelta(days=1))
                if end is not None and end < start:
                    end = None
                if sen_support["end_date"] is None or sen_support["end_date"] >= start:
                    sen_support["end_date"] = start - timedelta(days=1)
            period = {"id": self.new_id(), "child_id": child["id"], "kind": kind.value, "detail": detail}
            period.update(start_date=start, end_date=end)
            self.data.status_periods.append(period)
            if kind is StatusKind.SEN_SUPPORT:
                sen_support = period
            if kind is StatusKind.ELECTIVE_HOME_EDUCATION and end is None:
                home_educated_since = start  # off the school's roll: no current school, the EHE team involved
            if kind in AGENCY_FOR_STATUS:
                agencies.setdefault(AGENCY_FOR_STATUS[kind], rng.choice(self.orgs_by_kind[AGENCY_FOR_STATUS[kind]]))
        if rng.random() < 0.3:
            agencies.setdefault(OrgKind.EARLY_HELP, rng.choice(self.orgs_by_kind[OrgKind.EARLY_HELP][:2]))
        for org_kind, org in agencies.items():
            role = text.ROLE_FOR_KIND[org_kind][0]
            worker = rng.choice(self.workers_by_org[org["id"]])
            started = earliest + timedelta(days=rng.randint(0, max(0, (self.today - earliest).days - 60)))
            row = {"id": self.new_id(), "child_id": child["id"], "organisation_id": org["id"]}
            ended = None
            if org_kind is OrgKind.SCHOOL and home_educated_since is not None:
                started, ended = min(started, home_educated_since - timedelta(days=30)), home_educated_since
            row.update(worker_id=worker["id"], role=role.value, start_date=started, end_date=ended)
            self.data.involvements.append(row)
        if home_educated_since is not None:
            child["current_school_id"] = None
            team = next(o for o in self.orgs_by_kind[OrgKind.EARLY_HELP] if "Home Education" in o["name"])
            row = {"id": self.new_id(), "child_id": child["id"], "organisation_id": team["id"]}
            row.update(
                worker_id=rng.choice(self.workers_by_org[team["id"]])["id"], role=InvolvementRole.EHE_OFFICER.value
            )
            row.update(start_date=home_educated_since, end_date=None)
            self.data.involvements.append(row)
        child["_agencies"] = agencies
        child["_left_school"] = home_educated_since

    def _chronology(self, child: Row, school: Row) -> None:
        rng = self.rng
        agencies: dict[OrgKind, Row] = child.pop("_agencies")
        left_school: date | None = child.pop("_left_school")
        kinds = list(text.EVENT_TEMPLATES)
        weights = [text.EVENT_TEMPLATES[k][0] for k in kinds]
        start = datetime.combine(
            max(self.today - timedelta(days=YEARS_OF_CHRONOLOGY * 365), child["date_of_birth"] + timedelta(days=1461)),
            time(8),
            UTC,
        )
        days = max(1, (self.today - start.date()).days)
        name = child.get("preferred_name") or child["given_name"]
        end_of_today = datetime.combine(self.today, time(18), UTC)
        # Work happens on weekdays in working hours; police and missing-episode entries are the exception below.
        moments = sorted(
            start + timedelta(days=rng.randrange(days), minutes=rng.randrange(30, 570), seconds=0)
            for _ in range(rng.randint(6, 36))
        )
        young = age_on(child["date_of_birth"], self.today) < AGE_OF_CRIMINAL_RESPONSIBILITY
        for occurred in moments:
            kind = rng.choices(kinds, weights)[0]
            if kind is EventKind.POLICE_CONTACT and young:
                kind = EventKind.NOTE  # police contact of a youth-justice kind is for children of 10 and over
            if kind in (EventKind.POLICE_CONTACT, EventKind.MISSING_EPISODE):
                occurred += timedelta(hours=rng.randint(8, 14))  # evenings and nights
            elif occurred.weekday() >= 5:
                occurred += timedelta(days=7 - occurred.weekday())
            occurred = min(occurred, end_of_today - timedelta(hours=2))
            _, category, org_kind, entries = text.EVENT_TEMPLATES[kind]
            org = agencies.get(org_kind) or (
                rng.choice(self.orgs_by_kind[org_kind]) if org_kind in (OrgKind.POLICE, OrgKind.HEALTH) else school
            )
            if left_school is not None and org["id"] == school["id"] and occurred.date() >= left_school:
                # Off the roll, the school records nothing more: its entry belongs to the time before leaving.
                before = (datetime.combine(left_school, time(8), UTC) - start).days
                if before >= 1:
                    occurred = start + timedelta(days=rng.randrange(before), minutes=rng.randrange(30, 570))
                else:  # left before the chronology starts: another agency records this entry instead
                    kind = rng.choice((EventKind.HOME_VISIT, EventKind.MEETING, EventKind.HEALTH_APPOINTMENT))
                    _, category, org_kind, entries = text.EVENT_TEMPLATES[kind]
                    org = agencies.get(org_kind) or rng.choice(self.orgs_by_kind[org_kind])
            author = rng.choice(self.workers_by_org[org["id"]])["name"]
            recorded = min(occurred + timedelta(hours=rng.randint(0, 72)), end_of_today)
            event = {"id": self.new_id(), "child_id": child["id"], "kind": kind.value, "category": category.value}
            event.update(occurred_at=occurred, recorded_at=recorded, author=author, organisation_id=org["id"])
            summary, body, significance = rng.choice(entries)  # a title, its own body, the significance they carry
            event.update(
                summary=summary.format(name=name), body=body.format(name=name), significance=significance.value
            )
            self.data.events.append(event)
            if rng.random() < AMENDED_SHARE:
                amended = {**event, "id": self.new_id(), "amends_id": event["id"]}
                amended["recorded_at"] = min(recorded + timedelta(days=rng.randint(1, 10)), end_of_today)
                amended["body"] = f"{event['body']} Correction: the time of the entry put right."
                self.data.events.append(amended)

    def _casework_event(
        self,
        child: Row,
        kind: EventKind,
        category: Category,
        day: date,
        summary: str,
        body: str,
        significance: Significance,
        org_id: str | None,
        related_id: str,
    ) -> None:
        """The chronology entry a casework record writes, by a worker of the agency that recorded it."""
        occurred = at_midday(day)
        staff = self.workers_by_org.get(org_id or "") or self.data.workers[:1]
        recorded = min(occurred + timedelta(hours=self.rng.randint(1, 48)), datetime.combine(self.today, time(18), UTC))
        event = {"id": self.new_id(), "child_id": child["id"], "kind": kind.value, "category": category.value}
        event.update(occurred_at=occurred, recorded_at=recorded, author=self.rng.choice(staff)["name"])
        event.update(organisation_id=org_id, significance=significance.value, summary=summary, body=body)
        event["related_id"] = related_id
        self.data.events.append(event)


def generate_demo(children: int, seed: int = 1, today: date | None = None) -> DemoData:
    """Organisations, workers and `children` children with statuses, involvements and chronology."""
    generator = _Generator(seed, today or date.today())
    generator.organisations()
    for _ in range(children):
        generator.child()
    from casedesk.services.demo.education import add_education

    add_education(generator.data, seed, generator.new_id, generator.today)
    from casedesk.services.demo.risk import add_risk_patterns

    add_risk_patterns(generator.data, seed, generator.new_id, generator.today)
    return generator.data
