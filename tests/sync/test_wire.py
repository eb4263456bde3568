"""The protocol's view of the schema is the catalogue's: nothing in sync restates a field."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from casedesk.domain.schema import CATALOGUE
from casedesk.sync.entities import CRITICAL_FIELDS, ENTITIES, ENTITY_ORDER, is_critical
from casedesk.sync.wire import DigestRequest, PullResponse, PushRequest, ServerState


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


def test_a_device_reads_answers_with_fields_it_does_not_know() -> None:
    """A server that adds a field to what it sends (as the rows' owner was added) must not cut off the apps
    already installed: they read the rest of the answer as before."""
    page = {
        "items": [
            {
                "kind": "row",
                "entity": "events",
                "row_id": "e1",
                "fields": {"summary": "Seen"},
                "versions": {"summary": 4},
                "hlc": "1-000000-d",
                "owner": "org-1",
                "added_later": {"any": ["thing"]},
            }
        ],
        "cursor": 4,
        "has_more": False,
        "also_added_later": 1,
    }
    read = PullResponse.model_validate_json(json.dumps(page))
    assert read.cursor == 4 and read.items[0].fields == {"summary": "Seen"} and read.items[0].versions == {"summary": 4}
    assert not hasattr(read.items[0], "added_later")
    state = ServerState.model_validate(
        {"server_id": "s", "generation": "g", "feed_end": 9, "lineage": [], "a_policy_added_later": "x"}
    )
    assert state.feed_end == 9


def test_the_server_refuses_requests_with_fields_it_does_not_know() -> None:
    """What a device sends stays strict: an unknown field is a malformed request, not something to ignore."""
    with pytest.raises(ValidationError, match="Extra inputs"):
        PushRequest.model_validate({"changes": [], "smuggled": True})
    with pytest.raises(ValidationError, match="Extra inputs"):
        DigestRequest.model_validate({"exclude": [], "form": "sums", "smuggled": 1})
