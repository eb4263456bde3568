"""The shapes the record catalogue is written in: a field's type and range, a record's fields, data categories.

Pure data, no rules about particular records: those are declared in `casedesk.domain.schema.catalogue`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_TEXT = 20_000  # an unbounded text column (notes, reasons) still has a ceiling on the wire
MAX_JSON = 200_000  # characters of a structured value's compact JSON
INT64_RANGE = (-(2**63), 2**63 - 1)  # what a device's SQLite INTEGER column holds


class Category(StrEnum):
    """What kind of information a field carries: sharing is decided per category (`casedesk.domain.sharing`).

    The child's own details:
      identity — names, date of birth, sex and gender, UPN / ULN / NHS number;
      contact — where the child lives: address, postcode, home local authority;
      education — school placement and education status (current school, EHE, free school meals).
    What agencies record about the child (a chronology entry or status period files under one of these):
      attendance, behaviour, send (special educational needs and disability), health, social_care (child in need,
      looked after), safeguarding (child protection), youth_justice, family (young carers, home), general.
    Casework around the child:
      involvement — which agencies and named workers work with the child;
      triage — Presenting Needs Checks, their answers and level of need;
      referral — referrals to services, the sharing decision behind them and the emails that carried them;
      plan — multi-agency plans for the child: lead professional, outcomes sought, actions, reviews.
    Not about a child (every device holds these):
      directory — the area's service directory and guidance; organisation — organisations and their staff;
      usage — what people ask Ask CaseDesk and search for, with personal data taken out first.
    """

    IDENTITY = "identity"
    CONTACT = "contact"
    EDUCATION = "education"
    ATTENDANCE = "attendance"
    BEHAVIOUR = "behaviour"
    SEND = "send"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    SAFEGUARDING = "safeguarding"
    YOUTH_JUSTICE = "youth_justice"
    FAMILY = "family"
    GENERAL = "general"
    INVOLVEMENT = "involvement"
    TRIAGE = "triage"
    REFERRAL = "referral"
    PLAN = "plan"
    DIRECTORY = "directory"
    ORGANISATION = "organisation"
    USAGE = "usage"


# What a chronology entry may be filed under (the `category` it is recorded with): the part of `Category` that is
# about what agencies record, in the order the entry dialog offers it. Entries store these values.
CHRONOLOGY_CATEGORIES: tuple[Category, ...] = (
    Category.EDUCATION,
    Category.ATTENDANCE,
    Category.BEHAVIOUR,
    Category.SEND,
    Category.HEALTH,
    Category.SOCIAL_CARE,
    Category.SAFEGUARDING,
    Category.YOUTH_JUSTICE,
    Category.FAMILY,
    Category.GENERAL,
)


class FieldType(StrEnum):
    TEXT = "text"  # a string of at most `max_length` characters, optionally one of `choices`
    INT = "int"  # an integer in [minimum, maximum]
    BOOL = "bool"
    DATE = "date"  # ISO 8601 calendar date, stored as YYYY-MM-DD
    DATETIME = "datetime"  # ISO 8601 with a time zone, stored in UTC
    JSON = "json"  # a JSON object or array of at most `max_size` characters
    UUID = "uuid"  # a record id (canonical lower-case UUID text), pointing at `references` when set


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: its type and range, whether it is required, and the data category it carries.

    `category` None means the row's own category (a chronology entry's fields file under the entry's category).
    """

    name: str
    type: FieldType
    category: Category | None = None
    required: bool = False
    default: Any = None
    max_length: int | None = None
    long: bool = False  # stored as unbounded text on the device (length still capped at MAX_TEXT on the wire)
    choices: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_size: int = MAX_JSON
    shape: str = "object"  # JSON: "object" or "array"
    references: str | None = None
    critical: bool = False  # never decided by a clock (DESIGN.md §4): a person resolves a conflict on it


@dataclass(frozen=True)
class RecordSpec:
    """One synced record type (one device table, one entity on the wire)."""

    name: str
    category: Category  # the record's category, or the fallback when rows name their own (`row_category`)
    fields: tuple[FieldSpec, ...]
    child_key: str | None = None  # the field naming the child a row belongs to (None: shared by every device)
    append_only: bool = False
    row_category: tuple[str, Mapping[str, Category]] | None = None  # (field, value → category) per row
    server_only: bool = False  # devices upload rows and never receive any back (usage records for the LA's reports)
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.by_name)

    @property
    def required(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.required)

    @property
    def references(self) -> dict[str, str]:
        return {f.name: f.references for f in self.fields if f.references}

    @property
    def critical(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.critical)

    @property
    def defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in self.fields if f.default is not None}

    def category_of(self, values: Mapping[str, Any]) -> Category:
        """The category a row files under: its own (a chronology entry's `category`) or the record's."""
        if self.row_category is None:
            return self.category
        name, mapping = self.row_category
        return mapping.get(str(values.get(name)), self.category)

    def field_category(self, name: str, row: Category) -> Category:
        spec = self.by_name.get(name)
        return row if spec is None or spec.category is None else spec.category


# -- builders: one short call per field keeps the catalogue one line per field ----------------------------------
def text(name: str, max_length: int, category: Category | None = None, *, choices: Any = None, **kw: Any) -> FieldSpec:
    codes = None if choices is None else tuple(str(getattr(c, "value", c)) for c in choices)
    return FieldSpec(name, FieldType.TEXT, category, max_length=max_length, choices=codes, **kw)


def long_text(name: str, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.TEXT, category, max_length=MAX_TEXT, long=True, **kw)


def integer(name: str, minimum: int, maximum: int, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.INT, category, minimum=minimum, maximum=maximum, **kw)


def boolean(name: str, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.BOOL, category, **kw)


def day(name: str, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.DATE, category, **kw)


def moment(name: str, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.DATETIME, category, **kw)


def structured(name: str, category: Category | None = None, *, shape: str = "object", **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.JSON, category, shape=shape, **kw)


def ref(name: str, target: str | None, category: Category | None = None, **kw: Any) -> FieldSpec:
    return FieldSpec(name, FieldType.UUID, category, references=target, **kw)
