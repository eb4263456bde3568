"""The device's tables must be exactly what the record catalogue declares: types, lengths, nullability,
references and defaults. Adding a field is a catalogue line plus a migration; this test says when one is missing."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Boolean, Date, Integer, String, Text

from casedesk.domain.schema import CATALOGUE, FieldType
from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES, UTCDateTime
from casedesk.store.uow import BOOKKEEPING

_COLUMN_TYPES = {
    FieldType.INT: Integer,
    FieldType.BOOL: Boolean,
    FieldType.DATE: Date,
    FieldType.DATETIME: UTCDateTime,
    FieldType.JSON: JSON,
    FieldType.UUID: String,
}


def test_every_synced_table_is_catalogued() -> None:
    assert set(CATALOGUE) == set(SYNCED_TABLES)
    assert {name for name, r in CATALOGUE.items() if r.append_only} == APPEND_ONLY_TABLES


@pytest.mark.parametrize("entity", sorted(CATALOGUE))
def test_table_columns_match_the_catalogue(entity: str) -> None:
    record = CATALOGUE[entity]
    table = SYNCED_TABLES[entity].__table__  # type: ignore[attr-defined]
    assert record.names == set(table.c.keys()) - BOOKKEEPING
    for spec in record.fields:
        column = table.c[spec.name]
        where = f"{entity}.{spec.name}"
        if spec.type is FieldType.TEXT and spec.long:
            assert isinstance(column.type, Text), where
        elif spec.type is FieldType.TEXT:
            assert isinstance(column.type, String) and not isinstance(column.type, Text), where
            assert column.type.length == spec.max_length, where
        else:
            assert isinstance(column.type, _COLUMN_TYPES[spec.type]), where
        if spec.type is FieldType.UUID:
            assert column.type.length == 36, where
            targets = {fk.column.table.name for fk in column.foreign_keys}
            assert targets == ({spec.references} if spec.references else set()), where
        default = column.default.arg if column.default is not None else None
        assert default == spec.default, where
        assert column.nullable == (not spec.required and spec.default is None), where
