"""What sync knows of the record types: each synced entity's fields, references and scope, the critical fields
a clock must never decide, and the digest lines both sides compute.

Derived from the one catalogue (`casedesk.domain.schema`); nothing here names a field. The server keeps no copy
of the device's tables: it checks every pushed value against the catalogue (`casedesk.server.db.rules`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from casedesk.domain import schema
from casedesk.domain.schema import CATALOGUE, RecordSpec


@dataclass(frozen=True)
class EntitySpec:
    """What sync needs to know about one synced table, read off its catalogue entry."""

    record: RecordSpec
    fields: frozenset[str]
    required: frozenset[str]
    references: dict[str, str] = field(default_factory=dict)  # field -> entity it points at
    child_key: str | None = None  # the field naming the child this row belongs to (None: shared directory)
    append_only: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)  # the device's column defaults, applied on insert
    server_only: bool = False  # pushed, never pulled: the server sends no device these rows (nor counts them)

    @classmethod
    def of(cls, record: RecordSpec) -> EntitySpec:
        return cls(
            record=record,
            fields=record.names,
            required=record.required,
            references=record.references,
            child_key=record.child_key,
            append_only=record.append_only,
            defaults=record.defaults,
            server_only=record.server_only,
        )


# Order in which a snapshot of one child is sent, parents first, so foreign keys hold on the device.
ENTITY_ORDER = schema.ENTITY_ORDER
ENTITIES: dict[str, EntitySpec] = {name: EntitySpec.of(record) for name, record in CATALOGUE.items()}
SERVER_ONLY: frozenset[str] = frozenset(name for name, spec in ENTITIES.items() if spec.server_only)

# Fields a clock must never decide (DESIGN.md §4): protection and legal status, address, named worker. When two
# devices change one of these from the same base, the server keeps the value it already holds and the conflict
# waits for a person; the clock only orders the candidates for display.
CRITICAL_FIELDS: dict[str, frozenset[str]] = {name: r.critical for name, r in CATALOGUE.items() if r.critical}


def row_digest(row_id: str, values: dict[str, Any], deleted: bool, spec: EntitySpec) -> str:
    """One line per row; both sides hash the same canonical JSON, so equal rows give equal lines."""
    canonical = {name: values.get(name) for name in sorted(spec.fields)}
    canonical["deleted"] = bool(deleted)
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"{row_id}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def entity_digest(lines: list[str]) -> tuple[int, str]:
    """Row count and one hash over every row's line, in id order."""
    whole = hashlib.sha256()
    for line in sorted(lines):
        whole.update(line.encode("ascii"))
        whole.update(b"\n")
    return len(lines), whole.hexdigest()


def is_critical(entity: str, field_name: str) -> bool:
    return field_name in CRITICAL_FIELDS.get(entity, frozenset())
