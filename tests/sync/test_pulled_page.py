"""The device reads a pulled page into `PulledPage` (slotted items, cheaper to build than models): the same
fields, values and refusals as the protocol's `PullResponse`."""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest

from casedesk.sync.http import _parsed
from casedesk.sync.pulled_page import PulledItem, PulledPage
from casedesk.sync.wire import PullItem, PullResponse

CONFLICT = {
    "conflict_id": "c1",
    "entity": "children",
    "row_id": "r1",
    "child_id": "r1",
    "field": "address_line1",
    "critical": True,
    "kept": "1 Example Street",
    "candidates": [],
    "state": "open",
}


def _read(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in PullItem.model_fields}  # as the device reads an item


def _page(*items: dict[str, Any]) -> bytes:
    return json.dumps({"items": list(items), "cursor": 42, "has_more": True, "also_added_later": 1}).encode()


def test_the_item_has_the_protocol_items_fields_types_and_defaults() -> None:
    mine = PulledItem.__pydantic_fields__  # type: ignore[attr-defined]
    assert list(mine) == list(PullItem.model_fields)
    for name, spec in PullItem.model_fields.items():
        assert mine[name].annotation == spec.annotation, name
        assert mine[name].get_default(call_default_factory=True) == spec.get_default(call_default_factory=True)
    assert PulledPage.model_fields.keys() == PullResponse.model_fields.keys()


def test_a_page_reads_the_same_as_the_protocol_model() -> None:
    raw = _page(
        {
            "kind": "row",
            "entity": "events",
            "row_id": "e1",
            "fields": {"summary": "Seen", "amends_id": None, "big": 2**70, "note": "caf\u00e9 \U0001f600"},
            "versions": {"summary": 7, "amends_id": "8"},
            "hlc": "h",
            "owner": "org-2",
            "added_later": {"any": ["thing"]},  # a field this version does not know: ignored, as by the model
        },
        {"kind": "purge", "entity": "children", "row_id": "c1"},
        {"kind": "conflict", "conflict": CONFLICT},
        {"kind": "row", "entity": "children", "row_id": "c2", "deleted": True},
    )
    theirs, mine = PullResponse.model_validate_json(raw), _parsed(PulledPage, raw)
    assert (mine.cursor, mine.has_more) == (theirs.cursor, theirs.has_more)
    assert [_read(i) for i in mine.items] == [_read(i) for i in theirs.items]
    assert mine.items[0].versions == {"summary": 7, "amends_id": 8}
    assert not hasattr(mine.items[0], "added_later")
    # text the fast parser refuses (a lone surrogate) is read the old way, as before
    lone = b'{"items": [{"kind": "row", "entity": "events", "row_id": "e\\ud800"}], "cursor": 1, "has_more": false}'
    assert _parsed(PulledPage, lone).items[0].row_id == _parsed(PullResponse, lone).items[0].row_id


@pytest.mark.parametrize(
    "item",
    [
        {"kind": "rows"},
        {"kind": "row", "versions": {"summary": "seven"}},
        {"kind": "row", "deleted": "perhaps"},
        {"kind": "row", "fields": ["summary"]},
        {"kind": "conflict", "conflict": {"conflict_id": "c1"}},
        {"entity": "events"},
    ],
)
def test_a_malformed_item_is_refused_as_the_protocol_model_refuses_it(item: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        PullResponse.model_validate_json(_page(item))
    with pytest.raises(pydantic.ValidationError) as refused:
        _parsed(PulledPage, _page(item))
    assert refused.value.errors()[0]["loc"][:2] == ("items", 0)
