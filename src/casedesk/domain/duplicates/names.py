"""Names as the finder compares them: folded, split into parts, and a phonetic key for blocking.

Children's names reach a caseload typed by many hands: accents dropped or kept, hyphens and apostrophes, a
double-barrelled surname sometimes shortened, first and last name entered the wrong way round. Comparison is on
the folded form; similarity is Jaro-Winkler (kind to typos near the end of a name, as most are).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

SIMILAR_NAME = 0.88  # Jaro-Winkler at or above this counts as a typo of the same name
_NOT_LETTERS = re.compile(r"[^a-z ]+")


@lru_cache(maxsize=65536)
def fold(name: str | None) -> str:
    """Lower case, accents removed, hyphens and apostrophes as spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("-", " ").replace("'", "")
    return " ".join(_NOT_LETTERS.sub(" ", text).split())


def similarity(a: str, b: str) -> float:
    """0–1 similarity of two folded names (1 when equal)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return float(JaroWinkler.normalized_similarity(a, b))


def typo_of(a: str, b: str) -> bool:
    """Whether two folded names are a typo apart: one keystroke (a letter changed, dropped, added, or two swapped),
    or two in a long name.

    Stricter than Jaro-Winkler for first names, which favours shared beginnings ("Carol" and "Carolyn" score 0.94)
    where twins' names often share one, and kinder to short names and a mistyped first letter ("Max", "Mcx").
    """
    if not a or not b or a == b:
        return bool(a) and a == b
    allowed = 2 if min(len(a), len(b)) >= 8 else 1
    return min(len(a), len(b)) >= 3 and OSA.distance(a, b, score_cutoff=allowed) <= allowed


def part_overlap(a: str, b: str) -> bool:
    """Whether two folded names share a whole part ("smith jones" and "jones"), as a double-barrelled name does."""
    return bool(set(a.split()) & set(b.split())) if a and b else False


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


@lru_cache(maxsize=65536)
def sound_key(name: str | None) -> str:
    """American Soundex of a name's first part: first letter and three digits ("Robert", "Rupert" → R163).

    Used only to put names that may be the same into one block; never as evidence.
    """
    folded = fold(name)
    if not folded:
        return ""
    word = folded.split()[0]
    digits = word.translate(_SOUNDEX)
    out = word[0]
    last = digits[0] if digits[0].isdigit() else ""
    for raw, code in zip(word[1:], digits[1:], strict=True):
        if code.isdigit():
            if code != last:
                out += code
            last = code
        elif raw not in "hw":  # vowels separate equal codes; h and w do not
            last = ""
        if len(out) == 4:
            break
    return out.ljust(4, "0")
