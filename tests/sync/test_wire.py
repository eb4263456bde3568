"""The protocol's view of the schema is the catalogue's: nothing in sync restates a field."""

from __future__ import annotations

from casedesk.domain.schema import CATALOGUE
from casedesk.sync.entities import CRITICAL_FIELDS, ENTITIES, ENTITY_ORDER, is_critical


def test_entities_are_derived_from_the_catalogue() -> None:
    assert set(ENTITIES) == set(CATALOGUE) == set(ENTITY_ORDER)
    for name, spec in ENTITIES.items():
        record = CATALOGUE[name]
        assert spec.fields == record.names and spec.required == record.required
        assert spec.references == record.references and spec.defaults == record.defaults
        assert spec.child_key == record.child_key and spec.append_only == record.append_only


def test_critical_fields_come_from_the_catalogue() -> None:
    assert CRITICAL_FIELDS["children"] == {"address_line1", "address_line2", "town", "postcode"}
    assert is_critical("referrals", "status") and not is_critical("referrals", "reason")
    assert not is_critical("events", "summary")


def test_the_wire_names_exactly_the_catalogued_entities() -> None:
    from typing import get_args

    from casedesk.sync.wire import EntityName

    assert set(get_args(EntityName)) == set(CATALOGUE)
