"""A plain estimate of passphrase strength for the meter shown when a passphrase is chosen.

It rewards length above all (a few random words beat a short jumble), penalises repeats and common patterns,
and says in words what would make it stronger. It is advice, not a gate: the only hard rule is the minimum length.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

COMMON = {"password", "passw0rd", "qwerty", "letmein", "welcome", "casedesk", "123456", "iloveyou", "admin"}
LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
MIN_PASSPHRASE_LENGTH = 8  # the one hard rule: enforced where a key is wrapped, shown where one is chosen


@dataclass(frozen=True, slots=True)
class Strength:
    score: int  # 0..4
    bits: float
    advice: str

    @property
    def label(self) -> str:
        return LABELS[self.score]


def estimate_strength(passphrase: str) -> Strength:
    if not passphrase:
        return Strength(0, 0.0, "Choose a passphrase of several words.")
    pools = [
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (string.punctuation + " ", 33),
    ]
    alphabet = sum(size for chars, size in pools if any(c in chars for c in passphrase)) or 26
    distinct_ratio = len(set(passphrase)) / len(passphrase)
    bits = len(passphrase) * math.log2(alphabet) * min(1.0, 0.35 + distinct_ratio)
    lowered = passphrase.lower()
    if any(word in lowered for word in COMMON):
        bits = min(bits, 20.0)
    score = 0 if bits < 28 else 1 if bits < 45 else 2 if bits < 60 else 3 if bits < 80 else 4
    if len(passphrase) < 8:
        score, advice = 0, "Use at least 8 characters; four or more random words are best."
    elif score < 3:
        advice = "Add more words: length matters more than symbols."
    else:
        advice = "Good: keep it somewhere safe; it cannot be recovered if lost."
    return Strength(score, round(bits, 1), advice)
