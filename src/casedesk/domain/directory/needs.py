"""The needs taxonomy: specific needs under the broad need domains, which answers reveal them, which services
work on them.

Matching on broad domains alone ranked a domestic-abuse programme first for any child with a family and an
emotional-health need, though nothing in the answers mentioned domestic abuse. A need here is narrower ("domestic
abuse", "bereavement", "young carer"): each names the needs-check answers that indicate it and the service tags
that mean it, so a child's answers and a service's focus can be compared directly and the reason shown in words.

The local authority owns the taxonomy: it renames needs, merges one into another and retires them. A merged need
points at the one it became and a retired one points nowhere, so old service records and old answers still
resolve to what the area uses now (`resolve`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from casedesk.paths import resource_path

ACTIVE, MERGED, RETIRED = "active", "merged", "retired"
TAXONOMY_FILE = "needs_taxonomy.json"


@dataclass(frozen=True)
class Indicator:
    """An answer that reveals a need: a question and the option chosen (True for a yes/no question)."""

    question: str
    value: Any

    def shown_in(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.question)
        if isinstance(given, list | tuple):
            return self.value in given
        return bool(given == self.value and given is not None)


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    domain: str
    indicated_by: tuple[Indicator, ...] = ()
    tags: tuple[str, ...] = ()
    state: str = ACTIVE
    merged_into: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Need:
        return cls(
            code=str(raw["code"]),
            label=str(raw["label"]),
            domain=str(raw["domain"]),
            indicated_by=tuple(Indicator(str(i["question"]), i["value"]) for i in raw.get("indicated_by", ())),
            tags=tuple(str(t) for t in raw.get("tags", ())),
            state=str(raw.get("state", ACTIVE)),
            merged_into=raw.get("merged_into"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "label": self.label, "domain": self.domain}
        out["indicated_by"] = [{"question": i.question, "value": i.value} for i in self.indicated_by]
        out["tags"] = list(self.tags)
        out["state"] = self.state
        if self.merged_into:
            out["merged_into"] = self.merged_into
        return out


class NeedTaxonomy:
    """Every need the area has used, active or not, by code."""

    def __init__(self, needs: Iterable[Need]) -> None:
        self.by_code = {need.code: need for need in needs}

    @property
    def active(self) -> list[Need]:
        return [n for n in self.by_code.values() if n.state == ACTIVE]

    def resolve(self, code: str) -> str | None:
        """The active need a code stands for now: itself, what it was merged into, or None once retired."""
        seen: set[str] = set()
        while code in self.by_code and code not in seen:
            seen.add(code)
            need = self.by_code[code]
            if need.state == ACTIVE:
                return code
            if need.state == MERGED and need.merged_into:
                code = need.merged_into
                continue
            return None
        return None

    def label(self, code: str) -> str:
        now = self.resolve(code)
        return self.by_code[now].label if now else code.replace("_", " ")

    def labels(self) -> dict[str, str]:
        return {need.code: need.label for need in self.active}

    def in_answers(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """The active needs a needs check's answers reveal, code → label."""
        return {n.code: n.label for n in self.active if any(i.shown_in(answers) for i in n.indicated_by)}

    def of_service(self, explicit: Iterable[str], tags: Iterable[str]) -> tuple[str, ...]:
        """A service's needs: those it names (resolved through merges), else those its tags mean."""
        named = [code for code in (self.resolve(c) for c in explicit) if code]
        if named:
            return tuple(dict.fromkeys(named))
        lowered = {t.strip().lower() for t in tags}
        return tuple(n.code for n in self.active if lowered & {t.lower() for t in n.tags})

    # -- changes the local authority makes (each returns the taxonomy after it) --------------------------------
    def renamed(self, code: str, label: str) -> NeedTaxonomy:
        return self._with(replace(self._get(code), label=label.strip()))

    def merged(self, code: str, into: str) -> NeedTaxonomy:
        """`code` becomes `into`: its answers and tags now reveal `into`, and services that named it follow."""
        if code == into:
            raise ValueError("A need cannot be merged into itself.")
        source, target = self._get(code), self._get(into)
        if target.state != ACTIVE:
            raise ValueError(f"'{target.label}' is {target.state}; merge into an active need.")
        combined = replace(
            target,
            indicated_by=tuple(dict.fromkeys((*target.indicated_by, *source.indicated_by))),
            tags=tuple(dict.fromkeys((*target.tags, *source.tags))),
        )
        return self._with(combined)._with(replace(source, state=MERGED, merged_into=into))

    def retired(self, code: str) -> NeedTaxonomy:
        return self._with(replace(self._get(code), state=RETIRED, merged_into=None))

    def _get(self, code: str) -> Need:
        try:
            return self.by_code[code]
        except KeyError:
            raise ValueError(f"No need '{code}' in the taxonomy.") from None

    def _with(self, need: Need) -> NeedTaxonomy:
        return NeedTaxonomy({**self.by_code, need.code: need}.values())


def load_taxonomy(document: Mapping[str, Any]) -> NeedTaxonomy:
    return NeedTaxonomy(Need.from_dict(raw) for raw in document["needs"])


@cache
def bundled_taxonomy() -> NeedTaxonomy:
    """The sample taxonomy shipped with the app (what a database with none of its own uses)."""
    return load_taxonomy(json.loads(resource_path("directory", TAXONOMY_FILE).read_text(encoding="utf-8")))
