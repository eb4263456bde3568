"""Checking a service an editor or a provider wrote: every problem named by its field, before anything is stored.

The directory editor and the provider template both produce a `Service`; this is the one place that says whether
it may be published. A schema cannot say these things: the ages must be in order, levels are 1–4, the need domains
and specific needs must be ones the area uses, an email address must look like one, and a service that takes
referrals must say how.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from casedesk.domain.directory.model import LEVELS, NeedDomain, Service
from casedesk.domain.directory.schedules import schedule_problems

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def service_problems(service: Service, known_needs: Iterable[str]) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a service; empty when it may be published."""
    problems: list[tuple[str, str]] = []
    if not service.name.strip():
        problems.append(("name", "Give the service's name as families know it."))
    if not service.description.strip():
        problems.append(("description", "Say what the service does, in a sentence or two."))
    low, high = service.minimum_age, service.maximum_age
    for field, age in (("minimum_age", low), ("maximum_age", high)):
        if age is not None and not 0 <= age <= 25:
            problems.append((field, "Ages are 0 to 25."))
    if low is not None and high is not None and low > high:
        problems.append(("maximum_age", "The maximum age is below the minimum age."))
    if any(level not in LEVELS for level in service.levels):
        problems.append(("levels", "Levels of need are 1 to 4."))
    domains = {d.value for d in NeedDomain}
    unknown = [d for d in service.need_domains if d not in domains]
    if unknown:
        problems.append(("need_domains", f"Unknown need domain(s): {', '.join(unknown)}."))
    known = set(known_needs)
    strange = [code for code in service.needs if code not in known]
    if strange:
        problems.append(("needs", f"Not in the area's needs taxonomy: {', '.join(strange)}."))
    emails = [("email", service.email)] + [("contact_email", c.email) for c in service.contacts]
    for field, email in emails:
        if email and not _EMAIL.match(email):
            problems.append((field, f"'{email}' is not an email address."))
    if service.url and not _URL.match(service.url):
        problems.append(("url", "A website starts with http:// or https://."))
    if service.is_active and service.referral_route is None:
        problems.append(("referral_route", "Say how to refer: email, phone, online form or portal, and where."))
    if service.typical_wait_days is not None and service.typical_wait_days < 0:
        problems.append(("typical_wait_days", "A wait is zero days or more."))
    return problems + _place_time_cost_problems(service)


def _place_time_cost_problems(service: Service) -> list[tuple[str, str]]:
    """Locations, opening times, costs and languages: the ORUK lists the directory and the family sheet show."""
    problems: list[tuple[str, str]] = []
    for n, loc in enumerate(service.locations, 1):
        where = f"Location {n}" + (f" ({loc.name})" if loc.name else "")
        if not (loc.name or loc.address_1 or loc.postal_code):
            problems.append(("locations", f"{where}: give the place's name or its address."))
        if loc.address_1 and not loc.postal_code:
            problems.append(("locations", f"{where}: an address needs its postcode."))
        if loc.postal_code and not _POSTCODE.match(loc.postal_code.strip().upper()):
            problems.append(("locations", f"{where}: '{loc.postal_code}' is not a postcode (like LS2 1AA)."))
    for n, schedule in enumerate(service.schedules, 1):
        problems += [("schedules", f"Opening times {n}: {problem}") for problem in schedule_problems(schedule)]
    for n, cost in enumerate(service.cost_options, 1):
        if not cost.option.strip() and cost.amount is None:
            problems.append(("cost_options", f"Cost {n}: say what the cost is for, or its amount."))
        if cost.amount is not None and cost.amount < 0:
            problems.append(("cost_options", f"Cost {n}: an amount is zero or more."))
    for language in service.languages:
        if not language.strip() or len(language) > 100:
            problems.append(
                ("languages", "Name each language in a few words (English, Polish, British Sign Language).")
            )
    return problems
