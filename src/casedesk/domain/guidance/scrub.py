"""Taking personal data out of a question before it is kept: what people ask may name the child they ask about.

Questions that found nothing, and "did this help?" answers, are kept so the local authority can improve the
content, but only after everything that could identify someone is replaced by a placeholder: names on this
device's caseload (children's given, preferred and family names, workers' names), UPNs, NHS numbers and other
long numbers, dates (a date of birth is a date), postcodes, house-number-and-street addresses, email addresses
and phone numbers. It errs on removing too much: a common word that is also a caseload name goes too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_STREET = (
    r"road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|court|ct|crescent|place|gardens|terrace|grove|walk|"
    r"rise|hill|row|square|mews|park|view|green|estate|house|flats?|court|yard|parade|vale"
)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[email]"),
    (re.compile(r"\b[A-HJ-NP-TV-Z]\d{11}[0-9A-HJ-NP-TV-Z]\b", re.IGNORECASE), "[UPN]"),
    (re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"), "[NHS number]"),
    (re.compile(r"(?:\+44\s?|\b0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b"), "[phone]"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "[date]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (
        re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b(?:,?\s+\d{{2,4}})?", re.IGNORECASE),
        "[date]",
    ),
    (re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?\b", re.IGNORECASE), "[date]"),
    (re.compile(r"\b(?:born|dob|d\.o\.b\.?)\s*(?:in\s+)?\d{4}\b", re.IGNORECASE), "[date]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    (re.compile(rf"\b\d+[a-z]?,?\s+(?:[A-Za-z']+\s+){{1,3}}(?:{_STREET})\b", re.IGNORECASE), "[address]"),
    (re.compile(r"\b\d{6,}\b"), "[number]"),
)
_SPACES = re.compile(r"\s+")
MAX_KEPT = 300  # characters of a question kept


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every caseload name part (two letters or more), whole words, any case."""
    parts: set[str] = set()
    for name in names:
        for part in re.split(r"[\s-]+", name or ""):
            cleaned = part.strip(".,'’")
            if len(cleaned) >= 2:
                parts.add(re.escape(cleaned.lower()))
    if not parts:
        return None
    alternatives = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?:['’]s)?(?![\w])", re.IGNORECASE)


def scrub(question: str, names: re.Pattern[str] | Iterable[str] | None = None) -> str:
    """The question with personal data replaced by placeholders ("[name]", "[UPN]", "[date]", …)."""
    text = question
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)
    matcher = names if isinstance(names, re.Pattern) or names is None else name_pattern(names)
    if matcher is not None:
        text = matcher.sub("[name]", text)
    return _SPACES.sub(" ", text).strip()[:MAX_KEPT]
