"""The national attendance and absence codes in force from 19 August 2024, and the withdrawn ones older registers
still hold.

The code table ships as `resources/reference/attendance_codes_2024.json` (DfE "Working together to improve school
attendance", August 2024). Withdrawn codes (`H`, `J`, `Y`, `F`) are accepted from older data, counted as they were
counted when in force, and reported, so nobody mistakes an old register for a current one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from casedesk.paths import resource_path


class Category(StrEnum):
    PRESENT = "present"
    APPROVED = "approved_educational_activity"
    AUTHORISED = "authorised_absence"
    UNAUTHORISED = "unauthorised_absence"
    NOT_COUNTED = "not_counted_in_possible_sessions"
    ADMINISTRATIVE = "administrative_not_counted"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def counted(self) -> bool:
        """Whether a session with this category is a possible session (DfE methodology)."""
        return self in (Category.PRESENT, Category.APPROVED, Category.AUTHORISED, Category.UNAUTHORISED)

    @property
    def absent(self) -> bool:
        return self in (Category.AUTHORISED, Category.UNAUTHORISED)


_LABELS = {
    Category.PRESENT: "Present",
    Category.APPROVED: "Approved educational activity",
    Category.AUTHORISED: "Authorised absence",
    Category.UNAUTHORISED: "Unauthorised absence",
    Category.NOT_COUNTED: "Not a possible session",
    Category.ADMINISTRATIVE: "Administrative (not counted)",
}

# How the withdrawn codes were counted while they were in force (DfE school census guides before August 2024):
# H authorised holiday, F agreed extended holiday (authorised), J interview (approved educational activity), Y
# unable to attend due to exceptional circumstances (not a possible session).
_WITHDRAWN_CATEGORY = {"H": Category.AUTHORISED, "F": Category.AUTHORISED, "J": Category.APPROVED}
_WITHDRAWN_CATEGORY["Y"] = Category.NOT_COUNTED


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    category: Category
    withdrawn: bool = False


@cache
def codes() -> dict[str, Code]:
    """Every code a mark may carry, current and withdrawn, by code."""
    data = json.loads(resource_path("reference", "attendance_codes_2024.json").read_text(encoding="utf-8"))
    out = {c["code"]: Code(c["code"], c["description"], Category(c["category"])) for c in data["codes"]}
    for w in data["withdrawn_codes"]:
        code = w["code"]
        if code in _WITHDRAWN_CATEGORY and code not in out:
            out[code] = Code(code, w["note"], _WITHDRAWN_CATEGORY[code], withdrawn=True)
    return out


def lookup(code: str) -> Code | None:
    """The code as written in a register (case and surrounding spaces ignored), or None when it is not a code."""
    text = code.strip()
    known = codes()
    return known.get(text) or known.get(text.upper())


def category_of(code: str) -> Category:
    found = lookup(code)
    if found is None:
        raise KeyError(code)
    return found.category


def canonical(code: str) -> str:
    """The code as stored: `/` for AM present and `\\` for PM present are kept as written (both mean present)."""
    found = lookup(code)
    if found is None:
        raise KeyError(code)
    return found.code
