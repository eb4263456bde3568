"""Duplicate children: precision and recall of the finder on a seeded caseload, and its speed on 50,000 children.

Data (seeded, so every run sees the same set; `--seed` changes it): `--children` distinct children with Faker
en_GB first names (182 per sex) and surnames (500), sex F/M/U 49/49/2, born 4–17 years ago, a Leeds-style
postcode; a UPN for 60% and an NHS number for 50% (so most coincidences are not settled by an identifier); one
child in five in a family of 2–3 siblings sharing surname and postcode; a nickname as preferred name for some.
Then `--twins` pairs of twins (same surname, date of birth and postcode; different first names, half of them
sharing an initial; sex independent; each twin's identifiers drawn independently) — *not* duplicates — and
`--duplicates` second records of existing children, in equal shares of ten kinds:

  given-typo, family-typo (one edit: substitution, deletion, insertion or adjacent swap, anywhere in the name),
  swapped (first and last names exchanged), surname-changed (same address), surname-changed-moved (new surname
  and postcode, a shared UPN or NHS number), dob-typo (one digit, two adjacent digits, or day and month swapped),
  nickname (the preferred name typed as the first name), moved (new postcode), double-barrelled (surname
  "A-B" against "A"), typo-and-moved (a first-name typo and a new postcode together).

A second record keeps the first's UPN with probability 0.3 and its NHS number with 0.3 (otherwise it has none),
and has no postcode with probability 0.2. Truth is the set of (original, second) pairs; every other pair the
finder proposes counts against precision, twins and siblings included.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record
from faker import Faker

from casedesk.domain.duplicates import Person, find_duplicates
from casedesk.domain.identifiers import make_nhs_number, make_upn

KINDS = (
    "given-typo",
    "family-typo",
    "swapped",
    "surname-changed",
    "surname-changed-moved",
    "dob-typo",
    "nickname",
    "moved",
    "double-barrelled",
    "typo-and-moved",
)
NICKNAMES = {"William": "Will", "Thomas": "Tom", "Samuel": "Sam", "Daniel": "Dan", "Joshua": "Josh"}
NICKNAMES |= {"Alexander": "Alex", "Elizabeth": "Lizzie", "Katherine": "Kate", "Rebecca": "Becky"}
NICKNAMES |= {"Jessica": "Jess", "Matthew": "Matt", "Benjamin": "Ben", "Jacob": "Jake", "Charlotte": "Lottie"}
TODAY = date(2026, 11, 30)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Seeded:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.girls = sorted({fake.first_name_female() for _ in range(5000)} | {"Elizabeth", "Katherine", "Jessica"})
        self.boys = sorted({fake.first_name_male() for _ in range(5000)} | set(NICKNAMES) - {"Elizabeth"})
        self.surnames = sorted({fake.last_name() for _ in range(20000)})
        self.people: list[Person] = []
        self.serial = 0

    def _id(self) -> str:
        self.serial += 1
        return f"c{self.serial:06d}"

    def _postcode(self) -> str:
        inward = "".join(self.rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        return f"LS{self.rng.randint(1, 29)} {self.rng.randint(1, 9)}{inward}"

    def _upn(self) -> str | None:
        if self.rng.random() >= 0.6:
            return None
        return make_upn("383", str(self.rng.randint(2000, 4999)), self.rng.randint(10, 24), self.serial % 1000)

    def _nhs(self) -> str | None:
        while self.rng.random() < 0.5:
            number = make_nhs_number(f"{self.rng.randint(400_000_000, 799_999_999)}")
            if number:
                return number
        return None

    def child(self, family: str, born: date, postcode: str, avoid: str = "", initial: str = "") -> Person:
        sex = self.rng.choices("FMU", (49, 49, 2))[0]
        names = self.girls if sex == "F" else self.boys if sex == "M" else self.girls + self.boys
        pool = [n for n in names if n != avoid and (not initial or n.startswith(initial))] or names
        given = self.rng.choice([n for n in pool if n != avoid])
        preferred = NICKNAMES.get(given) if self.rng.random() < 0.5 else None
        person = Person(self._id(), given, family, born, preferred, sex, self._upn(), self._nhs(), postcode)
        self.people.append(person)
        return person

    def background(self, n: int) -> None:
        while len(self.people) < n:
            family, postcode = self.rng.choice(self.surnames), self._postcode()
            born = TODAY - timedelta(days=self.rng.randint(4 * 365, 17 * 365 + 300))
            size = self.rng.choice((2, 2, 3)) if self.rng.random() < 0.2 else 1
            for k in range(size):
                self.child(family, born - timedelta(days=k * self.rng.randint(300, 1100)), postcode)

    def twins(self, n: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(n):
            family, postcode = self.rng.choice(self.surnames), self._postcode()
            born = TODAY - timedelta(days=self.rng.randint(4 * 365, 17 * 365 + 300))
            first = self.child(family, born, postcode)
            initial = first.given_name[0] if self.rng.random() < 0.5 else ""
            second = self.child(family, born, postcode, avoid=first.given_name, initial=initial)
            out.append((first.id, second.id))
        return out

    def typo(self, name: str) -> str:
        rng, chars = self.rng, list(name)
        i = rng.randrange(len(chars))
        edit = rng.choice(("substitute", "delete", "insert", "swap"))
        if edit == "swap" and i + 1 < len(chars) and chars[i] != chars[i + 1]:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif edit == "delete" and len(chars) > 3:
            del chars[i]
        elif edit == "insert":
            chars.insert(i, rng.choice(LETTERS))
        else:
            chars[i] = rng.choice([c for c in LETTERS if c != chars[i].lower()])
        out = "".join(chars)
        return out[0].upper() + out[1:] if out != name else self.typo(name)

    def dob_typo(self, born: date) -> date:
        while True:
            way = self.rng.choice(("digit", "adjacent", "daymonth"))
            text = list(born.isoformat())
            try:
                if way == "daymonth":
                    candidate = date(born.year, born.day, born.month)
                else:
                    i = self.rng.choice((2, 3, 5, 6, 8, 9))
                    if way == "digit":
                        text[i] = self.rng.choice([d for d in "0123456789" if d != text[i]])
                    elif text[i + (1 if i in (2, 5, 8) else -1)] != text[i]:
                        j = i + (1 if i in (2, 5, 8) else -1)
                        text[i], text[j] = text[j], text[i]
                    candidate = date.fromisoformat("".join(text))
            except ValueError:
                continue
            if candidate != born and candidate < TODAY:
                return candidate

    def duplicate(self, original: Person, kind: str) -> Person:
        rng = self.rng
        dup = replace(
            original,
            id=self._id(),
            preferred_name=None,
            upn=original.upn if rng.random() < 0.3 else None,
            nhs_number=original.nhs_number if rng.random() < 0.3 else None,
            postcode=None if rng.random() < 0.2 else original.postcode,
        )
        if kind == "given-typo":
            dup = replace(dup, given_name=self.typo(original.given_name))
        elif kind == "family-typo":
            dup = replace(dup, family_name=self.typo(original.family_name))
        elif kind == "swapped":
            dup = replace(dup, given_name=original.family_name, family_name=original.given_name)
        elif kind == "surname-changed":
            dup = replace(dup, family_name=rng.choice(self.surnames), postcode=original.postcode)
        elif kind == "surname-changed-moved":
            shared = {"upn": original.upn} if original.upn else {"nhs_number": original.nhs_number}
            dup = replace(dup, family_name=rng.choice(self.surnames), postcode=self._postcode(), **shared)
        elif kind == "dob-typo":
            assert original.date_of_birth
            dup = replace(dup, date_of_birth=self.dob_typo(original.date_of_birth))
        elif kind == "nickname":
            dup = replace(dup, given_name=original.preferred_name or original.given_name)
        elif kind == "moved":
            dup = replace(dup, postcode=self._postcode())
        elif kind == "typo-and-moved":
            dup = replace(dup, given_name=self.typo(original.given_name), postcode=self._postcode())
        elif kind == "double-barrelled":
            dup = replace(dup, family_name=f"{original.family_name}-{rng.choice(self.surnames)}")
        self.people.append(dup)
        return dup


def seeded_set(children: int, twins: int, duplicates: int, seed: int) -> tuple[list[Person], dict, list]:
    s = Seeded(seed)
    s.background(children)
    twin_pairs = s.twins(twins)
    truth: dict[frozenset[str], str] = {}
    originals = [p for p in s.people[:children]]
    nicknamed = [p for p in originals if p.preferred_name]
    identified = [p for p in originals if p.upn or p.nhs_number]
    chosen: set[str] = set()
    for n in range(duplicates):
        kind = KINDS[n % len(KINDS)]
        pool = nicknamed if kind == "nickname" else identified if kind == "surname-changed-moved" else originals
        original = s.rng.choice(pool)
        while original.id in chosen:
            original = s.rng.choice(pool)
        chosen.add(original.id)
        truth[frozenset((original.id, s.duplicate(original, kind).id))] = kind
    s.rng.shuffle(s.people)
    return s.people, truth, twin_pairs


def measure(children: int, twins: int, duplicates: int, seed: int) -> dict[str, object]:
    people, truth, twin_pairs = seeded_set(children, twins, duplicates, seed)
    start = time.process_time()
    wall = time.perf_counter()
    found = find_duplicates(people)
    cpu, wall = time.process_time() - start, time.perf_counter() - wall
    proposed = {c.pair for c in found}
    hits = proposed & set(truth)
    missed = Counter(truth[p] for p in set(truth) - proposed)
    per_kind = Counter(truth.values())
    twins_flagged = sum(frozenset(t) in proposed for t in twin_pairs)
    return {
        "records": len(people),
        "seeded duplicate pairs": len(truth),
        "twin pairs": len(twin_pairs),
        "pairs proposed": len(proposed),
        "precision": round(len(hits) / max(1, len(proposed)), 4),
        "recall": round(len(hits) / max(1, len(truth)), 4),
        "twins flagged": twins_flagged,
        "false positives": len(proposed - set(truth)),
        "recall by kind": {k: f"{per_kind[k] - missed[k]}/{per_kind[k]}" for k in KINDS},
        "finder CPU s": round(cpu, 2),
        "finder wall s": round(wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--twins", type=int, default=300)
    parser.add_argument("--duplicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--show", type=int, default=0, help="print this many missed and false pairs")
    args = parser.parse_args()
    results = measure(args.children, args.twins, args.duplicates, args.seed)
    record(f"duplicates_{args.children}", results)


if __name__ == "__main__":
    main()
