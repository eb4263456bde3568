"""A statutory return as CaseDesk reads it: the children it names, what each holds, and the DfE rules it fails.

A return names each child by the local authority's own id (`LAchildID` in the CIN census, `CHILD` in SSDA903),
so a child of one source is (source, LA child id). The returns hold no names, NHS numbers or addresses; when the
council sends its case system's identity extract beside the return (`identities.csv`), those come from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    CIN = "cin"  # the children in need census (XML)
    SSDA903 = "ssda903"  # the looked-after children return (CSV tables)

    @property
    def label(self) -> str:
        return {"cin": "Children in need census", "ssda903": "SSDA903 (looked-after children)"}[self.value]


class Severity(StrEnum):
    ERROR = "error"  # the DfE would reject the return: the import is refused
    QUERY = "query"  # the DfE asks the council to check or explain: imported, and shown in data quality


@dataclass(frozen=True)
class RuleFailure:
    """One failed DfE rule at one place: the child (None for a rule about the whole return), the table and
    field it names, and the value found there."""

    rule: str
    message: str
    severity: Severity
    child: str | None = None
    table: str | None = None
    field: str | None = None
    value: str | None = None

    def describe(self) -> str:
        where = " ".join(
            part
            for part in (
                f"child {self.child}" if self.child else "the return",
                f"{self.table}.{self.field}" if self.table and self.field else (self.table or ""),
                f"= {self.value!r}" if self.value not in (None, "") else "",
            )
            if part
        )
        return f"{self.severity.value} {self.rule} ({where}): {self.message}"


@dataclass(frozen=True)
class FeedStatus:
    """A status the return records: `key` names it within its source so a later return updates it (a CIN
    episode by its referral date, a plan by its start, a period of care by the date it began)."""

    key: str
    kind: str  # `casedesk.domain.vocab.StatusKind`
    start: date
    end: date | None = None
    detail: str | None = None  # primary need (CIN), latest category of abuse (CP), legal status (looked after)


@dataclass(frozen=True)
class FeedWorker:
    """The allocated social worker: the council's id for them and, from the identity extract, their name."""

    key: str
    name: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class FeedChild:
    source: Source
    la_child_id: str
    date_of_birth: date | None = None
    sex: str | None = None  # CaseDesk's code: M, F, U
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown_reason: str | None = None
    nhs_number: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    postcode: str | None = None
    statuses: tuple[FeedStatus, ...] = ()
    workers: tuple[FeedWorker, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source.value, self.la_child_id)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or f"LA child {self.la_child_id}"

    def current_worker(self, on: date) -> FeedWorker | None:
        """The worker allocated on `on` (the latest one whose allocation has begun and not ended)."""
        live = [w for w in self.workers if (w.since is None or w.since <= on) and (w.until is None or w.until >= on)]
        return max(live, key=lambda w: w.since or date.min) if live else None

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedChild:
        return cls(
            source=Source(data["source"]),
            la_child_id=data["la_child_id"],
            date_of_birth=_day(data.get("date_of_birth")),
            sex=data.get("sex"),
            upn=data.get("upn"),
            former_upn=data.get("former_upn"),
            upn_unknown_reason=data.get("upn_unknown_reason"),
            nhs_number=data.get("nhs_number"),
            given_name=data.get("given_name"),
            family_name=data.get("family_name"),
            postcode=data.get("postcode"),
            statuses=tuple(
                FeedStatus(s["key"], s["kind"], _day_required(s["start"]), _day(s.get("end")), s.get("detail"))
                for s in data.get("statuses", ())
            ),
            workers=tuple(
                FeedWorker(w["key"], w.get("name"), _day(w.get("since")), _day(w.get("until")))
                for w in data.get("workers", ())
            ),
        )


@dataclass(frozen=True)
class FeedReturn:
    """A whole return, read and checked: its children and every DfE rule it fails."""

    source: Source
    la_code: str | None
    year: int
    children: tuple[FeedChild, ...]
    failures: tuple[RuleFailure, ...] = field(default_factory=tuple)
    ruleset: str = ""
    notes: tuple[str, ...] = ()  # what the reading worked out for itself (e.g. the council, from postcodes)

    def accepting(self, rules: Iterable[str]) -> FeedReturn:
        """This return with the named rules' failures counted as queries: an administrator's decision to import
        despite them (the SSDA903 validator calls every failure an error, though the DfE treats some as queries)."""
        chosen = set(rules)
        failures = tuple(replace(f, severity=Severity.QUERY) if f.rule in chosen else f for f in self.failures)
        return replace(self, failures=failures)

    @property
    def errors(self) -> tuple[RuleFailure, ...]:
        return tuple(f for f in self.failures if f.severity is Severity.ERROR)

    @property
    def queries(self) -> tuple[RuleFailure, ...]:
        return tuple(f for f in self.failures if f.severity is Severity.QUERY)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _day(raw: Any) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _day_required(raw: Any) -> date:
    return date.fromisoformat(str(raw))
