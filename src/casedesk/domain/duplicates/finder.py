"""Finding the pairs worth comparing among tens of thousands of children, then comparing only those.

Comparing every pair of 50,000 children is 1.25 billion comparisons; blocking compares only children who share a
key one of the duplicates we look for would share:

- the same UPN, or the same NHS number;
- the same date of birth (typos in names, a changed surname, twins);
- the same pair of name sounds, in either order, whatever the date (a mistyped date of birth, swapped names);
- the same postcode and first-name sound (a changed surname and a mistyped date of birth in one household).

A pair sharing several keys is compared once. Blocks are small (about eight children share a birthday in 50,000),
so the work grows roughly linearly with the caseload.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator

from casedesk.domain.duplicates.compare import (
    BEST_WITH_DIFFERENT_GIVEN,
    THRESHOLD,
    compare,
    given_forms,
    worth_comparing,
)
from casedesk.domain.duplicates.model import Candidate, Person
from casedesk.domain.duplicates.names import sound_key

BlockKey = tuple[str, ...]


def block_keys(p: Person) -> Iterator[BlockKey]:
    """The keys under which `p` is filed; two children are compared when they share at least one."""
    if p.upn:
        yield ("upn", p.upn)
    if p.nhs_number:
        yield ("nhs", p.nhs_number)
    if p.date_of_birth:
        yield ("born", p.date_of_birth.isoformat())
    family = sound_key(p.family_name)
    for given in {sound_key(p.given_name), sound_key(p.preferred_name)} - {""}:
        if family:
            yield ("names", *sorted((given, family)))
        if p.postcode:
            yield ("home", p.postcode, given)


def _pairs(people: list[Person]) -> Iterator[tuple[int, int]]:
    blocks: dict[BlockKey, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in set(block_keys(person)):
            blocks[key].append(index)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = (first, second) if first < second else (second, first)
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def find_duplicates(
    records: Iterable[object],
    *,
    threshold: float = THRESHOLD,
    not_duplicates: Collection[frozenset[str]] = (),
    person: Callable[[object], Person] = Person.of,
) -> list[Candidate]:
    """Every pair among `records` that may be one child, strongest first.

    `records` are device `Child`ren, mappings of a child's fields with an "id", or `Person`s (`person` converts
    each; pass your own for another shape). A pair in `not_duplicates` (a person has said they are two children)
    is left out. `threshold` is in points (see `compare`); the default gives a candidate a score of at least 0.5.
    """
    people = [person(r) for r in records]
    forms = [given_forms(p) for p in people]
    skim = threshold > BEST_WITH_DIFFERENT_GIVEN
    out = []
    for i, j in _pairs(people):
        a, b = people[i], people[j]
        if a.id == b.id or frozenset((a.id, b.id)) in not_duplicates:
            continue
        if skim and not worth_comparing(a, b, forms[i], forms[j]):
            continue
        candidate = compare(a, b)
        if candidate.points >= threshold:
            out.append(candidate)
    out.sort(key=lambda c: (-c.points, c.first_id, c.second_id))
    return out


def duplicates_of(
    record: object,
    others: Iterable[object],
    *,
    threshold: float = THRESHOLD,
    not_duplicates: Collection[frozenset[str]] = (),
    person: Callable[[object], Person] = Person.of,
) -> list[Candidate]:
    """The records among `others` that may be the same child as `record`, strongest first.

    For one record this compares it with every other that shares a block key with it (a cheap scan), which is
    what a child's "Possible duplicates" needs without finding every pair in the caseload.
    """
    me = person(record)
    mine = set(block_keys(me))
    out = []
    for other in others:
        them = person(other)
        if them.id == me.id or frozenset((me.id, them.id)) in not_duplicates:
            continue
        if mine.isdisjoint(block_keys(them)):
            continue
        candidate = compare(me, them)
        if candidate.points >= threshold:
            out.append(candidate)
    out.sort(key=lambda c: (-c.points, c.first_id, c.second_id))
    return out


__all__ = ["block_keys", "duplicates_of", "find_duplicates"]
