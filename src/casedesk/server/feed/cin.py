"""Read a children in need census (XML): checked against the DfE's schema (`CIN_schema_2024.xsd`, shipped under
resources/reference/), then against the DfE's validation rules, then read into `FeedChild`ren.

A file that is not XML, carries a document type declaration (entities are never expanded), or breaks the
schema is refused with every schema error and its line; a well-formed census is then run through every rule.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from functools import cache
from typing import Any

from lxml import etree

from casedesk.domain.feed.records import FeedChild, FeedReturn, FeedWorker, Source
from casedesk.domain.feed.statuses import CinEpisode, ProtectionPlan, cin_statuses
from casedesk.domain.identifiers import normalise_identifier
from casedesk.paths import resource_path
from casedesk.server.feed import dfe_rules
from casedesk.server.feed.identities import FeedRefused, Identity

SEX = {"1": "M", "2": "F"}
MAX_BYTES = 200 * 1024 * 1024


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(resource_path("reference", "CIN_schema_2024.xsd"))))


def read_cin(data: bytes, identities: dict[str, Identity] | None = None, ruleset: str | None = None) -> FeedReturn:
    """The census in `data`, with every DfE rule it fails (refused outright when it breaks the schema)."""
    if len(data) > MAX_BYTES:
        raise FeedRefused(f"The census is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        document = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        raise FeedRefused("The census is not well-formed XML.", [str(exc)]) from None
    if document.docinfo.doctype:
        raise FeedRefused("The census carries a document type declaration; CIN census files have none.")
    schema = _schema()
    if not schema.validate(document):
        problems = [f"line {e.line}: {e.message}" for e in schema.error_log]
        raise FeedRefused("The census does not follow the DfE's CIN schema.", problems[:200])
    root = document.getroot()
    year = _year(root)
    la_code = _text(root.find("Header/Source/LEA"))
    chosen = ruleset or dfe_rules.cin_ruleset(year)
    from cin_validator import cin_validator

    tables = cin_validator.process_data(cin_validator.convert_data(ET.fromstring(data)))
    try:
        failures, crashed = dfe_rules.check_cin(tables, chosen)
    except dfe_rules.RulesetMissing as exc:
        raise FeedRefused(str(exc), [f"the census is for {year}; give another ruleset with --ruleset"]) from None
    children = tuple(_child(node, identities or {}) for node in root.iterfind("Children/Child"))
    _check_unique(children)
    del crashed  # a rule that cannot run on a census that passed the schema is the validator's fault, not the data's
    return FeedReturn(Source.CIN, la_code, year, children, tuple(failures), chosen)


def _year(root: Any) -> int:
    year = _text(root.find("Header/CollectionDetails/Year"))
    if year:
        return int(year[:4])
    reference = _text(root.find("Header/CollectionDetails/ReferenceDate"))
    if reference:
        return date.fromisoformat(reference[:10]).year
    raise FeedRefused("The census header gives neither its Year nor its ReferenceDate.")


def _child(node: Any, identities: dict[str, Identity]) -> FeedChild:
    ids = node.find("ChildIdentifiers")
    la_child_id = _text(ids.find("LAchildID")) or ""
    episodes = [
        CinEpisode(
            referral=_day(d.find("CINreferralDate")) or date.min,
            closure=_day(d.find("CINclosureDate")),
            primary_need=_text(d.find("PrimaryNeedCode")),
            no_further_action=(_text(d.find("ReferralNFA")) or "").lower() in ("true", "1"),
            plans=tuple(
                ProtectionPlan(
                    start=_day(p.find("CPPstartDate")) or date.min,
                    end=_day(p.find("CPPendDate")),
                    category=_text(p.find("LatestCategoryOfAbuse")),
                )
                for p in d.iterfind("ChildProtectionPlans")
            ),
        )
        for d in node.iterfind("CINdetails")
    ]
    known = identities.get(la_child_id) or Identity(la_child_id)
    workers = (FeedWorker(known.social_worker_id, known.social_worker_name),) if known.social_worker_id else ()
    upn = _text(ids.find("UPN"))
    return FeedChild(
        source=Source.CIN,
        la_child_id=la_child_id,
        date_of_birth=_day(ids.find("PersonBirthDate")),
        sex=SEX.get(_text(ids.find("GenderCurrent")) or "", "U"),
        upn=normalise_identifier(upn) if upn else None,
        former_upn=normalise_identifier(_text(ids.find("FormerUPN"))),
        upn_unknown_reason=_text(ids.find("UPNunknown")),
        nhs_number=known.nhs_number,
        given_name=known.given_name,
        family_name=known.family_name,
        postcode=known.postcode,
        statuses=tuple(cin_statuses(episodes)),
        workers=workers,
    )


def _check_unique(children: tuple[FeedChild, ...]) -> None:
    seen: set[str] = set()
    twice: set[str] = set()
    for child in children:
        (twice if child.la_child_id in seen else seen).add(child.la_child_id)
    if twice:
        raise FeedRefused("The census names a child more than once.", [f"LAchildID {c}" for c in sorted(twice)])


def _text(node: Any) -> str | None:
    if node is None or node.text is None:
        return None
    return str(node.text).strip() or None


def _day(node: Any) -> date | None:
    text = _text(node)
    return date.fromisoformat(text[:10]) if text else None
