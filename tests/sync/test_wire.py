"""The protocol's view of the schema must match the device's models, or the server would refuse good changes."""

from __future__ import annotations

from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES
from casedesk.store.uow import BOOKKEEPING
from casedesk.sync.entities import CRITICAL_FIELDS, DATE_FIELDS, DATETIME_FIELDS, ENTITIES


def test_entities_match_the_device_models() -> None:
    assert set(ENTITIES) == set(SYNCED_TABLES)
    for name, model in SYNCED_TABLES.items():
        table = model.__table__  # type: ignore[attr-defined]
        spec = ENTITIES[name]
        assert spec.fields == set(table.c.keys()) - BOOKKEEPING, name
        assert spec.append_only == (name in APPEND_ONLY_TABLES)
        for column in table.c:
            if column.name in BOOKKEEPING:
                continue
            if column.default is not None:
                assert spec.defaults.get(column.name) == column.default.arg, (name, column.name)
            required = not column.nullable and column.default is None
            assert (column.name in spec.required) == required, (name, column.name)
        for field_name, target in spec.references.items():
            (fk,) = table.c[field_name].foreign_keys
            assert fk.column.table.name == target


def test_critical_and_typed_fields_exist() -> None:
    for entity, names in CRITICAL_FIELDS.items():
        assert names <= ENTITIES[entity].fields
    every = set().union(*(spec.fields for spec in ENTITIES.values()))
    assert every >= DATE_FIELDS and every >= DATETIME_FIELDS
