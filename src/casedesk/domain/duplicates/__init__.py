"""Possible duplicate children: a pure finder shared by the device, the server and the data-quality report.

    from casedesk.domain.duplicates import find_duplicates, duplicates_of, compare, Person

    for c in find_duplicates(children):        # device Child records, Persons, or mappings with an "id"
        c.first_id, c.second_id, c.score, c.strength
        for e in c.evidence:                    # why: field, verdict (same/similar/different), detail, points
            ...

`find_duplicates` blocks (see `finder`) so it stays fast on 50,000 children; `duplicates_of` answers for one
child; `compare` scores any two records, with every piece of evidence, whether or not they reach the threshold.
Merging is not here: it belongs to the store (device) and the server, which keep both records' history.
"""

from casedesk.domain.duplicates.compare import THRESHOLD, compare, is_typo_date, score_of
from casedesk.domain.duplicates.finder import block_keys, duplicates_of, find_duplicates
from casedesk.domain.duplicates.model import Candidate, Evidence, Person, Verdict

__all__ = [
    "THRESHOLD",
    "Candidate",
    "Evidence",
    "Person",
    "Verdict",
    "block_keys",
    "compare",
    "duplicates_of",
    "find_duplicates",
    "is_typo_date",
    "score_of",
]
