"""Comparing two children's records: each field gives evidence for or against them being one child.

The points are weights of evidence chosen for how children's records go wrong and how they coincide:

- A UPN or NHS number is issued to one child only, so the same one is near-proof and two different valid ones
  near-disproof (a temporary UPN, replaced by the permanent one later, counts for much less).
- The given name weighs more than the family name. A child's surname changes (a parent remarries, a placement),
  and twins and siblings share a surname, a date of birth or an address: a *different* given name is what
  separates twins, so it counts heavily against, while a different surname counts only a little.
- A date of birth one keystroke away (a digit, two digits swapped, day and month swapped) is a likely typo;
  any other difference counts heavily against.
- The postcode adds a little (families move; siblings share it). A different recorded sex counts against.

A pair whose points reach `THRESHOLD` is a candidate. Without an identifier, that needs the name (or its typo,
or its swapped order) and the date of birth to agree, or a changed surname with the same given name, date of
birth and postcode: the same given name and birthday alone, common across 50,000 children, are not enough.
"""

from __future__ import annotations

import math
from datetime import date

from casedesk.domain.duplicates.model import Candidate, Evidence, Person, Verdict
from casedesk.domain.duplicates.names import SIMILAR_NAME, fold, part_overlap, similarity, typo_of

THRESHOLD = 8.0
SPREAD = 2.0  # points per e-fold of the score around the threshold

ID_SAME, ID_DIFFERENT, TEMPORARY_UPN_DIFFERENT = 12.0, -10.0, -3.0
GIVEN_SAME, GIVEN_SIMILAR, GIVEN_DIFFERENT = 4.0, 2.5, -6.0
FAMILY_SAME, FAMILY_SIMILAR, FAMILY_DIFFERENT = 3.0, 2.0, -1.0
SWAPPED = 6.5  # given and family both agree once swapped: a little less than both agreeing in place
BORN_SAME, BORN_TYPO, BORN_DIFFERENT = 4.0, 1.0, -6.0
POSTCODE_SAME, POSTCODE_DISTRICT, POSTCODE_DIFFERENT = 2.0, 0.5, -0.5
SEX_DIFFERENT = -4.0


# The most a pair can score without an identifier in common and with different first names (not swapped):
# below the threshold, so the finder may skip such a pair without comparing the rest (see `worth_comparing`).
BEST_WITH_DIFFERENT_GIVEN = GIVEN_DIFFERENT + FAMILY_SAME + BORN_SAME + POSTCODE_SAME


def score_of(points: float) -> float:
    """Points onto 0–1: 0.5 at the threshold, rising towards 1 as the evidence mounts."""
    return 1.0 / (1.0 + math.exp(-(points - THRESHOLD) / SPREAD))


def compare(a: Person, b: Person) -> Candidate:
    """Every piece of evidence about two records, summed and scored (whether or not it reaches the threshold).

    The evidence reads in the candidate's order: the record with the smaller id first."""
    if b.id < a.id:
        a, b = b, a
    evidence = [*_identifiers(a, b), *_names(a, b), _born(a.date_of_birth, b.date_of_birth)]
    evidence += [_postcode(a.postcode, b.postcode), _sex(a.sex, b.sex)]
    kept = tuple(e for e in evidence if e.verdict is not Verdict.MISSING)
    points = round(sum(e.points for e in kept), 2)
    first, second = sorted((a.id, b.id))
    return Candidate(first, second, score_of(points), points, kept)


def _identifiers(a: Person, b: Person) -> list[Evidence]:
    out = []
    if a.upn and b.upn:
        if a.upn == b.upn:
            out.append(Evidence("upn", Verdict.SAME, f"Same UPN {a.upn}", ID_SAME))
        else:
            temporary = a.upn[-1].isalpha() or b.upn[-1].isalpha()
            points = TEMPORARY_UPN_DIFFERENT if temporary else ID_DIFFERENT
            note = " (one is temporary)" if temporary else ""
            out.append(Evidence("upn", Verdict.DIFFERENT, f"Different UPNs {a.upn} and {b.upn}{note}", points))
    if a.nhs_number and b.nhs_number:
        if a.nhs_number == b.nhs_number:
            out.append(Evidence("nhs_number", Verdict.SAME, f"Same NHS number {a.nhs_number}", ID_SAME))
        else:
            detail = f"Different NHS numbers {a.nhs_number} and {b.nhs_number}"
            out.append(Evidence("nhs_number", Verdict.DIFFERENT, detail, ID_DIFFERENT))
    return out


def worth_comparing(a: Person, b: Person, given_a: set[str], given_b: set[str]) -> bool:
    """A cheap first look: whether the pair could reach the threshold at all (a shared identifier, first names
    the same or a typo apart, or names swapped). `given_*` are `given_forms` of each."""
    if (a.upn and a.upn == b.upn) or (a.nhs_number and a.nhs_number == b.nhs_number):
        return True
    if given_a & given_b or any(typo_of(x, y) for x in given_a for y in given_b):
        return True
    return _close(fold(a.given_name), fold(b.family_name)) >= SIMILAR_NAME


def given_forms(p: Person) -> set[str]:
    forms = {fold(p.given_name), fold(p.preferred_name)}
    forms |= {f.split()[0] for f in list(forms) if f}  # "mary jane" also as "mary"
    return {f for f in forms if f}


def _names(a: Person, b: Person) -> list[Evidence]:
    pairs = [(x, y) for x in given_forms(a) for y in given_forms(b)]
    given = 1.0 if any(x == y for x, y in pairs) else SIMILAR_NAME if any(typo_of(x, y) for x, y in pairs) else 0.0
    fa, fb = fold(a.family_name), fold(b.family_name)
    family = max(similarity(fa, fb), SIMILAR_NAME if typo_of(fa, fb) else 0.0)
    swapped = min(_close(fold(a.given_name), fb), _close(fa, fold(b.given_name)))
    shown = f"{a.given_name} {a.family_name} / {b.given_name} {b.family_name}"
    if swapped >= SIMILAR_NAME and swapped > min(given, family):
        return [Evidence("name", Verdict.SIMILAR, f"First and last names swapped: {shown}", SWAPPED)]
    out = []
    if given == 1.0:
        out.append(Evidence("given_name", Verdict.SAME, f"Same first name ({a.given_name})", GIVEN_SAME))
    elif given >= SIMILAR_NAME:
        out.append(Evidence("given_name", Verdict.SIMILAR, f"Similar first names: {shown}", GIVEN_SIMILAR))
    elif given_forms(a) and given_forms(b):
        out.append(Evidence("given_name", Verdict.DIFFERENT, f"Different first names: {shown}", GIVEN_DIFFERENT))
    if family == 1.0:
        out.append(Evidence("family_name", Verdict.SAME, f"Same surname ({a.family_name})", FAMILY_SAME))
    elif family >= SIMILAR_NAME or part_overlap(fa, fb):
        detail = f"Similar surnames: {a.family_name} / {b.family_name}"
        out.append(Evidence("family_name", Verdict.SIMILAR, detail, FAMILY_SIMILAR))
    elif fa and fb:
        detail = f"Different surnames: {a.family_name} / {b.family_name} (a surname can change)"
        out.append(Evidence("family_name", Verdict.DIFFERENT, detail, FAMILY_DIFFERENT))
    return out


def _close(a: str, b: str) -> float:
    return max(similarity(a, b), SIMILAR_NAME if typo_of(a, b) else 0.0)


def is_typo_date(a: date, b: date) -> bool:
    """Whether two dates are one keystroke apart: one digit, two adjacent digits swapped, or day and month swapped."""
    if a.day == b.month and a.month == b.day and a.year == b.year:
        return True
    x, y = a.isoformat(), b.isoformat()
    diffs = [i for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and x[diffs[0]] == y[diffs[1]] and x[diffs[1]] == y[diffs[0]]


def _born(a: date | None, b: date | None) -> Evidence:
    if a is None or b is None:
        return Evidence("date_of_birth", Verdict.MISSING, "Date of birth missing", 0.0)
    if a == b:
        return Evidence("date_of_birth", Verdict.SAME, f"Same date of birth {a:%d/%m/%Y}", BORN_SAME)
    shown = f"{a:%d/%m/%Y} / {b:%d/%m/%Y}"
    if is_typo_date(a, b):
        return Evidence("date_of_birth", Verdict.SIMILAR, f"Dates of birth one keystroke apart: {shown}", BORN_TYPO)
    return Evidence("date_of_birth", Verdict.DIFFERENT, f"Different dates of birth: {shown}", BORN_DIFFERENT)


def _postcode(a: str | None, b: str | None) -> Evidence:
    if not a or not b:
        return Evidence("postcode", Verdict.MISSING, "Postcode missing", 0.0)
    if a == b:
        return Evidence("postcode", Verdict.SAME, f"Same postcode {a}", POSTCODE_SAME)
    if a.split()[0] == b.split()[0]:
        return Evidence("postcode", Verdict.SIMILAR, f"Same postcode district: {a} / {b}", POSTCODE_DISTRICT)
    return Evidence("postcode", Verdict.DIFFERENT, f"Different postcodes: {a} / {b}", POSTCODE_DIFFERENT)


def _sex(a: str | None, b: str | None) -> Evidence:
    if a in ("M", "F") and b in ("M", "F") and a != b:
        return Evidence("sex", Verdict.DIFFERENT, f"Different recorded sex ({a} / {b})", SEX_DIFFERENT)
    if a in ("M", "F") and a == b:
        return Evidence("sex", Verdict.SAME, f"Same recorded sex ({a})", 0.0)
    return Evidence("sex", Verdict.MISSING, "Sex not recorded on one side", 0.0)
