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
    Organization,
    Phone,
    ReferralMethod,
    ReferralRoute,
    Service,
    ServiceArea,
)
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.paths import resource_path
from casedesk.services.directory.editing import check
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
