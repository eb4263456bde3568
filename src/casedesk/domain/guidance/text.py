"""How questions and answers are turned into comparable terms: words, synonyms, stems.

People ask the same thing in many words ("home schooling", "EHE", "taking my child out of school"), so both the
content and each question go through the same steps: lower case and split into words; phrases and words that
mean the same are replaced by one canonical form; common words are dropped; what is left is reduced to its English
stem (Snowball), so "excluded", "exclusion" and "excluding" meet. The word lists are data
(`resources/guidance/language.json`), kept apart from each area's content: they describe how people ask, not
what to answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from casedesk.paths import resource_path

LANGUAGE_FILE = "language.json"
_WORD = re.compile(r"[a-z0-9]+")
_BREAK = re.compile(r"[,.;:!?()\n]+")  # a phrase never spans these ("home, school" is not "home school")


@cache
def _language() -> dict[str, Any]:
    return dict(json.loads(resource_path("guidance", LANGUAGE_FILE).read_text(encoding="utf-8")))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(_language()["stopwords"])


def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Each group: the canonical phrase first, then what people also say for it (matched on whole words)."""
    return tuple(tuple(group) for group in _language()["synonyms"])


def risk_words() -> tuple[str, ...]:
    """Single words only: a phrase's words would each count on their own ("locked in" would make "lock" a risk)."""
    return tuple(_language()["risk_words"])


@dataclass(frozen=True)
class Term:
    """One word of a question after the steps: what was typed, the word it was read as, and the stem."""

    typed: str
    word: str  # the canonical word (a synonym's canonical form, or the word itself)
    stem: str
    synonym: bool = False  # read as `word` because it means the same


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words; an apostrophe's "s" goes ("child's" → "child"), hyphens split ("self-harm")."""
    lowered = text.lower().replace("’", "'").replace("'s ", " ").replace("'", "")
    return _WORD.findall(lowered)


@cache
def _phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Every variant as a tuple of stems → its canonical words, so every form of a variant counts ("hits" as
    "hit"); longest variants are tried first."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in synonym_groups():
        canonical = tuple(words(group[0]))
        for variant in group:
            table[tuple(stem(w) for w in words(variant))] = canonical
    return table


@cache
def _longest_phrase() -> int:
    return max(len(key) for key in _phrases())


def terms(text: str | list[str]) -> list[Term]:
    """The terms of a text: synonyms replaced, stopwords dropped, stemmed; in order, repeats kept."""
    if isinstance(text, str):
        return [term for part in _BREAK.split(text) for term in terms(words(part))]
    seq = text
    stemmed = [stem(w) for w in seq]
    table = _phrases()
    out: list[Term] = []
    i = 0
    while i < len(seq):
        for size in range(min(_longest_phrase(), len(seq) - i), 0, -1):
            canonical = table.get(tuple(stemmed[i : i + size]))
            if canonical is not None:
                typed = " ".join(seq[i : i + size])
                changed = tuple(stem(w) for w in canonical) != tuple(stemmed[i : i + size])
                out += [Term(typed, w, stem(w), changed) for w in canonical if w not in stopwords()]
                i += size
                break
        else:
            word = seq[i]
            if word not in stopwords():
                out.append(Term(word, word, stem(word)))
            i += 1
    return out


def stems(text: str) -> list[str]:
    return [term.stem for term in terms(text)]


@cache
def risk_stems() -> frozenset[str]:
    return frozenset(s for phrase in risk_words() for s in stems(phrase))


def surface_words() -> frozenset[str]:
    """Every word the synonym and risk lists know, for typo correction."""
    found = {w for group in synonym_groups() for phrase in group for w in words(phrase)}
    found |= {w for phrase in risk_words() for w in words(phrase)}
    return frozenset(w for w in found if w not in stopwords())
