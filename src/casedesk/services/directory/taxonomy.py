"""The area's needs taxonomy and service tags, as the local authority changes them: rename, merge, retire.

The taxonomy lives in synced `need_terms` records, so a change reaches every device; a database that holds none
uses the bundled sample until the first change stores it. Services follow every change in the same unit of work:
merging a need (or a tag) rewrites each service that named the old one to name the new one, retiring one takes it
off every service, and renaming a need changes only its label (services name needs by code). Each change is one
transaction, journaled and audited, and returns the `Changes` it made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from casedesk.domain.directory.model import Service
from casedesk.domain.directory.needs import Need, NeedTaxonomy, bundled_taxonomy
from casedesk.domain.directory.oruk_export import service_to_oruk3
from casedesk.domain.directory.oruk_map import service_from_oruk3
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.services.directory.permission import require_manager
from casedesk.store import directory_repo, taxonomy_repo
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork


def load_taxonomy(db: Database) -> NeedTaxonomy:
    """The stored taxonomy, or the bundled sample while none is stored."""
    with db.session() as session:
        stored = taxonomy_repo.list_needs(session)
    if not stored:
        return bundled_taxonomy()
    return NeedTaxonomy(Need.from_dict(row.as_dict()) for row in stored)


def with_needs(services: list[Service], taxonomy: NeedTaxonomy) -> list[Service]:
    """Each service with the needs it works on now: those it names (through merges), else those its tags mean."""
    return [replace(s, needs=taxonomy.of_service(s.needs, s.tags)) for s in services]


def _store_taxonomy(uow: UnitOfWork, before: NeedTaxonomy, after: NeedTaxonomy) -> None:
    held = {row.code: row for row in taxonomy_repo.list_needs(uow.session)}
    for code, need in after.by_code.items():
        values = need.to_dict()
        values.setdefault("merged_into", None)
        row = held.get(code)
        if row is None:
            uow.insert("need_terms", values)
        elif before.by_code.get(code) != need or row.as_dict() != values:
            uow.update("need_terms", row.id, values)


def _rewrite_services(uow: UnitOfWork, change: Callable[[Service], Service]) -> int:
    """Apply `change` to every stored service; write those it changed. Returns how many."""
    count = 0
    for stored in directory_repo.list_services(uow.session):
        try:
            service = service_from_oruk3(stored.document)
        except (KeyError, TypeError, ValueError):
            continue  # a record this version cannot read is left as it is
        changed = change(service)
        if changed != service:
            document = json.loads(json.dumps(service_to_oruk3(changed)))
            uow.update("services", stored.id, {"document": document})
            count += 1
    return count


def _replace_code(codes: tuple[str, ...], old: str, new: str | None) -> tuple[str, ...]:
    out = [new if code == old else code for code in codes]
    return tuple(dict.fromkeys(code for code in out if code))


class TaxonomyService:
    """`col.directory.taxonomy`: the needs taxonomy and tags for one open database."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def taxonomy(self) -> NeedTaxonomy:
        return load_taxonomy(self.db)

    def _change(
        self, after: Callable[[NeedTaxonomy], NeedTaxonomy], services: Callable[[Service], Service] | None, note: str
    ) -> Changes:
        require_manager(self.db)
        before = load_taxonomy(self.db)
        try:
            changed = after(before)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        with self.db.unit_of_work(self.actor) as uow:
            _store_taxonomy(uow, before, changed)
            followed = _rewrite_services(uow, services) if services else 0
            uow.note("taxonomy", "need_terms", "-", change=note, services=followed)
        return uow.changes

    def rename_need(self, code: str, label: str) -> Changes:
        if not label.strip():
            raise ValidationError("Give the need a name.")
        return self._change(lambda t: t.renamed(code, label), None, f"rename {code} to {label.strip()}")

    def merge_needs(self, code: str, into: str) -> Changes:
        """`code` becomes `into`, here and on every service that named it."""

        def follow(service: Service) -> Service:
            return replace(service, needs=_replace_code(service.needs, code, into))

        return self._change(lambda t: t.merged(code, into), follow, f"merge {code} into {into}")

    def retire_need(self, code: str) -> Changes:
        def follow(service: Service) -> Service:
            return replace(service, needs=_replace_code(service.needs, code, None))

        return self._change(lambda t: t.retired(code), follow, f"retire {code}")

    # -- tags: free words on services, changed across the directory -------------------------------------------
    def tags(self) -> dict[str, int]:
        """Every tag in use and how many services carry it, by tag (case as first seen)."""
        counts: dict[str, int] = {}
        with self.db.session() as session:
            for stored in directory_repo.list_services(session):
                for tag in stored.document.get("x_casedesk", {}).get("tags", []):
                    counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: item[0].lower()))

    def _tag_change(self, old: str, new: str | None, note: str) -> Changes:
        require_manager(self.db)
        wanted = old.strip().lower()

        def follow(service: Service) -> Service:
            if not any(t.strip().lower() == wanted for t in service.tags):
                return service
            tags = [new if t.strip().lower() == wanted else t for t in service.tags]
            kept: dict[str, str] = {}
            for tag in tags:
                if tag:
                    kept.setdefault(tag.strip().lower(), tag)  # "Anxiety" merging into "anxiety" is one tag
            return replace(service, tags=tuple(kept.values()))

        with self.db.unit_of_work(self.actor) as uow:
            followed = _rewrite_services(uow, follow)
            uow.note("taxonomy", "services", "-", change=note, services=followed)
        return uow.changes

    def rename_tag(self, tag: str, new: str) -> Changes:
        if not new.strip():
            raise ValidationError("Give the tag a name.")
        return self._tag_change(tag, new.strip(), f"rename tag {tag} to {new.strip()}")

    def merge_tags(self, tag: str, into: str) -> Changes:
        return self._tag_change(tag, into.strip(), f"merge tag {tag} into {into.strip()}")

    def retire_tag(self, tag: str) -> Changes:
        return self._tag_change(tag, None, f"retire tag {tag}")

    def describe(self) -> list[dict[str, Any]]:
        """Every need with its state and what it became, for the taxonomy editor."""
        taxonomy = load_taxonomy(self.db)
        return [
            {**need.to_dict(), "now": taxonomy.resolve(need.code)}
            for need in sorted(taxonomy.by_code.values(), key=lambda n: (n.domain, n.label.lower()))
        ]
