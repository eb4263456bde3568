"""The provider content template: a JSON file with help text a provider fills in, which an administrator imports.

`casedesk export provider-template --out FILE` writes the blank template (`resources/directory/
provider_template.json`): every field with a line of help. `casedesk import provider FILE` reads a filled one,
reports every problem by its field, and stores the service at once, reviewed today and owned by whoever the
provider named. Its id is derived from the organisation and name, so a provider's corrected file updates the
same service instead of adding a twin.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from casedesk.domain.directory.model import (
    Contact,
    CostOption,
    ExpectationCard,
    Location,
    Organization,
    Phone,
    ReferralMethod,
    ReferralRoute,
    Schedule,
    Service,
    ServiceArea,
)
from casedesk.domain.directory.schedules import parse_days, parse_time
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.services.directory.editing import check
from casedesk.services.directory.permission import require_manager
from casedesk.services.directory.service import DirectoryService, ImportReport
from casedesk.store.database import Database

FORMAT = "casedesk-provider-template-1"
TEMPLATE = resource_path("directory", "provider_template.json")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "casedesk:provider:" + "/".join(p.strip().lower() for p in parts)))


def _lines(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in value or () if str(v).strip())


def _int(raw: Mapping[str, Any], key: str, problems: list[tuple[str, str]]) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((f"service.{key}", f"'{value}' is not a whole number."))
        return None
    return value


def _schedule(schedule_id: str, raw: Mapping[str, Any]) -> Schedule:
    """One opening time as the provider typed it; what cannot be read is kept as typed, and the directory's
    checks name it by field."""
    days, opens, closes = (str(raw.get(k) or "").strip() for k in ("days", "opens", "closes"))
    byday, opens_at, closes_at = parse_days(days), parse_time(opens), parse_time(closes)
    return Schedule(
        schedule_id,
        str(raw.get("description") or "").strip(),
        "WEEKLY" if days else None,
        (days if byday is None else byday) or None,
        (opens if opens_at is None else opens_at) or None,
        (closes if closes_at is None else closes_at) or None,
        str(raw.get("how") or "").strip(),
    )


def service_from_template(document: Mapping[str, Any], today: date) -> Service:
    """A filled template as a `Service`; raise ValidationError naming every field that cannot be read."""
    if document.get("format") != FORMAT or not isinstance(document.get("service"), dict):
        raise ValidationError(f"Not a provider template (expected format '{FORMAT}' with a 'service' object).")
    raw: dict[str, Any] = document["service"]
    problems: list[tuple[str, str]] = []
    text = {
        k: str(raw.get(k) or "").strip()
        for k in (
            "name",
            "organisation",
            "description",
            "website",
            "email",
            "phone",
            "contact_name",
            "areas",
            "eligibility",
            "typical_wait",
            "review_owner",
            "address",
            "town",
            "postcode",
            "fees",
        )
    }
    ages = {k: _int(raw, k, problems) for k in ("minimum_age", "maximum_age", "typical_wait_days")}
    levels = raw.get("levels") or []
    if not isinstance(levels, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in levels):
        problems.append(("service.levels", "Levels are a list of numbers 1 to 4, like [2, 3]."))
        levels = []
    route = raw.get("how_to_refer") or {}
    method = str(route.get("method") or "") if isinstance(route, dict) else ""
    if method and method not in {m.value for m in ReferralMethod}:
        problems.append(("service.how_to_refer.method", f"'{method}' is not email, phone, online_form or portal."))
        method = ""
    times = raw.get("opening_times") or []
    if not isinstance(times, list) or not all(isinstance(t, dict) for t in times):
        problems.append(("service.opening_times", 'Opening times are a list like [{"days": "Mon-Fri", ...}].'))
        times = []
    languages = raw.get("languages") or []
    if not isinstance(languages, list):
        problems.append(("service.languages", 'Languages are a list like ["English", "Polish"].'))
        languages = []
    if problems:
        raise ValidationError("The provider template has problems; nothing was imported.", problems)
    org = text["organisation"]
    service_id = _id(org, text["name"])
    phones = (Phone(_id(service_id, "phone"), text["phone"]),) if text["phone"] else ()
    contacts = (
        (Contact(_id(service_id, "contact"), text["contact_name"], email=text["email"] or None, phones=phones),)
        if text["contact_name"] or phones
        else ()
    )
    return Service(
        id=service_id,
        name=text["name"],
        description=text["description"],
        organization=Organization(_id(org), org) if org else None,
        url=text["website"] or None,
        email=text["email"] or None,
        minimum_age=ages["minimum_age"],
        maximum_age=ages["maximum_age"],
        contacts=contacts,
        cost_options=() if raw.get("free", True) else (CostOption(_id(service_id, "cost"), "Has a cost"),),
        fees=text["fees"],
        locations=(
            (
                Location(
                    _id(service_id, "location"),
                    org or text["name"],
                    address_1=text["address"],
                    city=text["town"],
                    postal_code=text["postcode"].upper(),
                ),
            )
            if text["address"] or text["postcode"]
            else ()
        ),
        schedules=tuple(_schedule(_id(service_id, "schedule", str(n)), t) for n, t in enumerate(times)),
        languages=_lines(languages),
        service_areas=(ServiceArea(_id(service_id, "area"), text["areas"]),) if text["areas"] else (),
        levels=tuple(sorted(set(levels))),
        need_domains=_lines(raw.get("need_domains")),
        needs=_lines(raw.get("needs")),
        referral_route=ReferralRoute(ReferralMethod(method), str(route.get("address") or "")) if method else None,
        typical_wait=text["typical_wait"],
        typical_wait_days=ages["typical_wait_days"],
        last_reviewed=today,
        expectation_card=ExpectationCard(
            _lines(raw.get("does")),
            _lines(raw.get("does_not")),
            _lines(raw.get("referrer_must_first")),
            _lines(raw.get("referral_must_include")),
        ),
        eligibility=text["eligibility"],
        review_owner=text["review_owner"],
    )


def import_provider_template(
    db: Database, path: Path, actor: str, today: date | None = None
) -> tuple[ImportReport, Changes]:
    """Check a filled template and store its service (updating the same provider's earlier one)."""
    require_manager(db)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    service = service_from_template(document, today or date.today())
    check(db, service)
    return DirectoryService(db, actor).store([service], f"provider template {path.name}")


def blank_template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")
