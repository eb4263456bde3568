"""The one catalogue of record types: every synced entity, its fields, their types and ranges, required fields,
references, critical fields, append-only tables, the child key, defaults, and the data category of every field.

Everything else derives from it or is held equal to it by a test:

- `casedesk.sync.entities` (what the server validates pushes against, the digest lines) is built from `RECORDS`;
- the server checks and canonicalises every pushed value with `canonical_fields` (`casedesk.domain.schema.values`);
- the device's SQLAlchemy models are held equal to it (types, lengths, nullability, references, defaults) by
  `tests/domain/test_schema.py`;
- the children CSV import takes its columns, and the child validation its length limits and codes, from here;
- the JSON export writes each record's catalogue fields; `casedesk.domain.sharing.redact` decides per category.

**Adding a field to a record** is one line in `catalogue.py` (its type, range, category) plus a migration adding
the column (and the model's column, which the test holds equal). A new record type is a `RecordSpec`, a model
and a migration.
"""

from __future__ import annotations

from casedesk.domain.schema.catalogue import ENTITY_ORDER, EVENT_CATEGORIES, RECORDS, STATUS_CATEGORIES
from casedesk.domain.schema.types import (
    CHRONOLOGY_CATEGORIES,
    INT64_RANGE,
    MAX_JSON,
    MAX_TEXT,
    Category,
    FieldSpec,
    FieldType,
    RecordSpec,
)
from casedesk.domain.schema.values import (
    ValueRefused,
    canonical,
    canonical_fields,
    check_id,
    is_uuid,
    missing_required,
    storable,
)

CATALOGUE: dict[str, RecordSpec] = {record.name: record for record in RECORDS}
ENTITY_NAMES: tuple[str, ...] = tuple(CATALOGUE)


def record(entity: str) -> RecordSpec:
    return CATALOGUE[entity]


__all__ = [
    "CATALOGUE",
    "CHRONOLOGY_CATEGORIES",
    "ENTITY_NAMES",
    "ENTITY_ORDER",
    "EVENT_CATEGORIES",
    "INT64_RANGE",
    "MAX_JSON",
    "MAX_TEXT",
    "RECORDS",
    "STATUS_CATEGORIES",
    "Category",
    "FieldSpec",
    "FieldType",
    "RecordSpec",
    "ValueRefused",
    "canonical",
    "canonical_fields",
    "check_id",
    "is_uuid",
    "missing_required",
    "record",
    "storable",
]
