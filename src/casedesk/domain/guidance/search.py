"""Ask CaseDesk's ranking: a question in anyone's words against the guidance entries, offline, with reasons.

The index is small (an area's guidance is tens to hundreds of entries), so it is built in memory from the entries
each time the content changes and queried without the database. Ranking is BM25-like over weighted fields: the
entry's question and the other ways people ask it count most, then its keywords and topics, then the answer.
Each question word is read through `text.terms` (synonyms, stems); a word the content does not know is corrected
to the nearest word it does know (one edit for short words, two for long ones), so "exclushun" still finds
exclusions. Every answer says which words matched where, and which were read as a synonym or a correction.

The immediate-risk rule is not a score: a question that mentions harm, abuse, a weapon, a missing child and the
like always gets the act-now answer first (the content's, or CaseDesk's own when the content has none).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from casedesk.domain.guidance.model import FALLBACK_IMMEDIATE_RISK, TOPICS, GuidanceEntry
from casedesk.domain.guidance.text import Term, risk_stems, stem, stopwords, surface_words, terms, words

FIELDS: tuple[tuple[str, float, str], ...] = (
    ("question", 3.0, "the question"),
    ("also_asked", 2.5, "other ways people ask it"),
    ("keywords", 2.0, "its keywords"),
    ("topics", 1.0, "its topic"),
    ("answer", 0.8, "the answer"),
)
K1 = 1.2
MIN_SCORE = 1.5  # below this an answer is noise: the question counts as unanswered
MIN_SHARE = 0.25  # an answer must match at least this share of the question's weight (by idf)
STRONG_FIELDS = frozenset({"question", "also_asked", "keywords"})
MIN_STRONG_IDF = 0.5  # ...and one word that is not everywhere must be in its question, its other wordings or keywords
TYPO_WEIGHT = 0.75  # a corrected word counts a little less than one typed right


@dataclass(frozen=True)
class Answer:
    """One entry for one question: its score and the words of the question that found it (and where)."""

    entry: GuidanceEntry
    score: float
    reasons: tuple[str, ...]
    risk_first: bool = False  # first because the question suggests immediate risk, whatever its score


@dataclass(frozen=True)
class Reading:
    """How a question was read: its terms, corrected words and whether it suggests immediate risk."""

    terms: tuple[Term, ...]
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> word it was read as
    risk_words: tuple[str, ...] = ()

    @property
    def suggests_risk(self) -> bool:
        return bool(self.risk_words)


def _entry_fields(entry: GuidanceEntry) -> dict[str, str]:
    return {
        "question": entry.question,
        "also_asked": " . ".join(entry.also_asked),
        "keywords": " . ".join(entry.keywords),
        "topics": " . ".join(TOPICS.get(t, t) for t in entry.topics),
        "answer": entry.answer,
    }


class GuidanceIndex:
    """The entries, their weighted term counts and the vocabulary for typo correction."""

    def __init__(self, entries: Iterable[GuidanceEntry]) -> None:
        self.entries = tuple(entries)
        self.counts: list[dict[str, Counter[str]]] = []
        df: Counter[str] = Counter()
        vocabulary: set[str] = set(surface_words())
        for entry in self.entries:
            per_field = {}
            for name, text in _entry_fields(entry).items():
                per_field[name] = Counter(t.stem for t in terms(text))
                vocabulary.update(w for w in words(text) if w not in stopwords() and not w.isdigit())
            self.counts.append(per_field)
            df.update({stem for counts in per_field.values() for stem in counts})
        n = max(len(self.entries), 1)
        self.idf = {stem: math.log(1 + (n - d + 0.5) / (d + 0.5)) for stem, d in df.items()}
        self.vocabulary = sorted(vocabulary)
        self._known = frozenset(vocabulary)
        self._known_stems = frozenset(stem(w) for w in vocabulary)
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)  # a word no entry holds weighs as much as the rarest
        self.risk_entry = next((e for e in self.entries if e.immediate_risk), FALLBACK_IMMEDIATE_RISK)

    # -- reading a question -------------------------------------------------------------------------------------
    def _correct(self, word: str) -> str | None:
        if word in self._known or word in stopwords() or len(word) < 4 or word.isdigit():
            return None
        if stem(word) in self._known_stems:  # another form of a known word ("hits" of "hit"), not a typo
            return None
        allowed = 1 if len(word) < 7 else 2
        found = process.extractOne(word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=allowed)
        if found is None:
            return None
        fixed, distance = str(found[0]), found[1]
        if distance > 1 and stem(fixed) in risk_stems():
            return None  # a false alarm ("voucher" read as "touched") costs trust: risk words take one edit only
        return fixed

    def read(self, question: str) -> Reading:
        typed = words(question)
        corrections: dict[str, str] = {}
        fixed: list[str] = []
        for word in typed:
            better = self._correct(word)
            if better is not None:
                corrections[word] = better
            fixed.append(better or word)
        found = tuple(terms(fixed))
        risky = risk_stems()
        risk_words = tuple(dict.fromkeys(t.typed for t in found if t.stem in risky))
        return Reading(found, corrections, risk_words)

    # -- ranking ------------------------------------------------------------------------------------------------
    def ask(self, question: str, limit: int = 5) -> tuple[Reading, list[Answer]]:
        """The best answers, best first; empty when nothing answers the question well enough."""
        reading = self.read(question)
        wanted: dict[str, Term] = {}
        for term in reading.terms:
            wanted.setdefault(term.stem, term)
        total = sum(self.idf.get(s, self.unknown_idf) for s in wanted) or 1.0
        scored: list[Answer] = []
        for entry, counts in zip(self.entries, self.counts, strict=True):
            score, matched_weight, strong, reasons = 0.0, 0.0, False, []
            for key, term in wanted.items():
                tf = sum(weight * counts[name][key] for name, weight, _ in FIELDS)
                if not tf:
                    continue
                weight = TYPO_WEIGHT if self._was_corrected(term, reading) else 1.0
                idf = self.idf.get(key, 0.0)
                score += weight * idf * tf * (K1 + 1) / (tf + K1)
                matched_weight += idf
                strong = strong or (idf >= MIN_STRONG_IDF and any(counts[name][key] for name in STRONG_FIELDS))
                reasons.append(self._reason(term, counts, reading))
            if strong and score >= MIN_SCORE and matched_weight / total >= MIN_SHARE:
                scored.append(Answer(entry, round(score, 3), tuple(reasons)))
        scored.sort(key=lambda a: (-a.score, a.entry.question))
        if reading.suggests_risk:
            scored = [a for a in scored if a.entry.id != self.risk_entry.id]
            why = "your question mentions " + ", ".join(f"'{w}'" for w in reading.risk_words)
            scored.insert(
                0, Answer(self.risk_entry, float("inf"), (why + ": if a child may be at risk, act now",), True)
            )
        return reading, scored[:limit]

    @staticmethod
    def _was_corrected(term: Term, reading: Reading) -> bool:
        return any(term.typed.split()[0] == fixed for fixed in reading.corrections.values())

    def _reason(self, term: Term, counts: dict[str, Counter[str]], reading: Reading) -> str:
        typed = next((t for t, fixed in reading.corrections.items() if fixed in term.typed.split()), None)
        if typed is not None:
            said = f"'{typed}' (read as '{term.typed}')"
        elif term.synonym:
            said = f"'{term.typed}' (same as '{term.word}')"
        else:
            said = f"'{term.typed}'"
        where = next(label for name, _, label in FIELDS if counts[name][term.stem])
        return f"{said} in {where}"
