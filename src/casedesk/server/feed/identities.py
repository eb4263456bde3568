"""The identity extract a council sends beside a return: the statutory returns name children only by the LA's
own id, so names, NHS numbers, postcodes and the allocated social worker's name come from the council's case
system as one CSV (`identities.csv`, UTF-8, a header row):

    la_child_id,given_name,family_name,nhs_number,postcode,social_worker_id,social_worker_name

Only `la_child_id` is required; any other column may be left out or blank. A file with an unknown column, a
repeated child or a row without its id is refused as a whole, saying where.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from casedesk.domain.identifiers import normalise_identifier, normalise_postcode

COLUMNS_HELP = """identities.csv, the council's identity extract (CaseDesk's own format: the returns name children
only by the council's id). UTF-8 CSV with a header row; only la_child_id is required, any other column may be
left out or left blank; a file with an unknown column, a repeated child or a row without its id is refused whole.

  la_child_id         the child's id in the return (the census's LAchildID, SSDA903's CHILD)
  given_name          the child's first name, as the case system holds it
  family_name         the child's surname
  nhs_number          ten digits, spaces allowed (used for matching)
  postcode            the child's home postcode (used for matching)
  social_worker_id    the allocated worker's id (SSDA903's SW_ID; for the census, the worker to show)
  social_worker_name  that worker's name, as schools will see it

Example:
  la_child_id,given_name,family_name,nhs_number,postcode,social_worker_id,social_worker_name
  C001,Ada,Okafor,943 476 5919,LS6 3AB,SW1,Sam Patel
"""

COLUMNS = (
    "la_child_id",
    "given_name",
    "family_name",
    "nhs_number",
    "postcode",
    "social_worker_id",
    "social_worker_name",
)


class FeedRefused(Exception):
    """A return (or its identity extract) that cannot be imported; nothing was changed. `problems` lists every
    reason found, each saying where; `queries` the DfE queries the return also raises, listed apart because
    they alone would not have refused it."""

    def __init__(self, summary: str, problems: list[str] | None = None, queries: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []
        self.queries = queries or []

    def __str__(self) -> str:
        lines = [self.summary, *(f"  - {p}" for p in self.problems)]
        if self.queries:
            lines.append(f"DfE queries ({len(self.queries)}), to check; these alone would not refuse the return:")
            lines.extend(f"  - {q}" for q in self.queries)
        return "\n".join(lines)


@dataclass(frozen=True)
class Identity:
    la_child_id: str
    given_name: str | None = None
    family_name: str | None = None
    nhs_number: str | None = None
    postcode: str | None = None
    social_worker_id: str | None = None
    social_worker_name: str | None = None


def read_identities(data: bytes, name: str = "identities.csv") -> dict[str, Identity]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedRefused(f"{name} is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    problems: list[str] = []
    if "la_child_id" not in header:
        problems.append(f"{name}: the header row has no la_child_id column")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(f"{name}: unknown column(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
    if problems:
        raise FeedRefused(f"{name} cannot be read.", problems)
    out: dict[str, Identity] = {}
    for line, row in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() or None for k, v in row.items() if k is not None}
        if None in row:
            problems.append(f"{name} line {line}: more values than columns")
            continue
        child = values.get("la_child_id")
        if not child:
            problems.append(f"{name} line {line}: no la_child_id")
            continue
        if child in out:
            problems.append(f"{name} line {line}: child {child} appears twice")
            continue
        nhs, postcode = values.get("nhs_number"), values.get("postcode")
        out[child] = Identity(
            la_child_id=child,
            given_name=values.get("given_name"),
            family_name=values.get("family_name"),
            nhs_number=normalise_identifier(nhs) if nhs else None,
            postcode=normalise_postcode(postcode) if postcode else None,
            social_worker_id=values.get("social_worker_id"),
            social_worker_name=values.get("social_worker_name"),
        )
    if problems:
        raise FeedRefused(f"{name} cannot be read.", problems)
    return out
