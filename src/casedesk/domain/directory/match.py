"""Which services fit a child after triage, and why — including why the others do not.

Staff refer to what they know, and referrals bounce when a service works at a different level of need, with a
different age group or in another area. So nothing is hidden: every service comes back, fits first, and a service
that does not fit says exactly why ("serves levels 3–4; this child is level 2"), so a practitioner can see a
referral would be inappropriate instead of wondering why a familiar service is missing.

Rules (each one explained in the result):
- status must be active;
- the child's level must be one the service serves (a service that states no levels is not excluded, but says so);
- the child's age must be within the service's minimum/maximum age, when both are known;
- the child's postcode district must be among the service's districts, when both are known;
- the service must work on at least one of the outcome's need domains, when the outcome names any.

Fits are ranked by how much of the child's need they cover (the domain scores they address), then by the child's
specific needs (`needs.py`): a service that works on a need the answers reveal ("domestic abuse", "young carer")
rises, and one whose focus the answers never mention falls, saying so; a domain is too broad to tell a
domestic-abuse programme from a parenting course. Then come an exact match on level and area, the shorter
typical wait, and the name, so the order is stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casedesk.domain.directory.model import (
    Service,
    domain_label,
    format_ages,
    format_levels,
    normalise_district,
)

_DISTRICT_PARTS = re.compile(r"([A-Z]+)(\d+)(.*)")
NEED_WEIGHT = 4.0  # for each specific need of the child the service works on
FOCUS_PENALTY = 6.0  # a service whose specific needs the child's answers never mention


@dataclass(frozen=True)
class Match:
    """A service judged against one child: whether it fits, why, and (if not) what rules it out."""

    service: Service
    fits: bool
    score: float
    reasons: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def explanation(self) -> str:
        return "; ".join(self.problems if not self.fits else self.reasons)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _district_key(district: str) -> tuple[str, int, str]:
    """Natural order, so LS2 comes before LS10."""
    found = _DISTRICT_PARTS.fullmatch(district)
    return (found[1], int(found[2]), found[3]) if found else (district, 0, "")


def _districts_text(districts: frozenset[str]) -> str:
    ordered = sorted(districts, key=_district_key)
    if len(ordered) > 8:
        return f"{', '.join(ordered[:6])} and {len(ordered) - 6} more districts"
    return ", ".join(ordered)


def judge(
    service: Service,
    outcome_level: int,
    outcome_domains: Mapping[str, int],
    child_age: int | None,
    postcode_district: str | None,
    child_needs: Mapping[str, str] | None = None,
    need_labels: Mapping[str, str] | None = None,
) -> Match:
    """One service against one child; `match_services` does this for every service and sorts.

    `child_needs` maps the specific needs the answers reveal to their labels (None: not known, e.g. an old
    check); `need_labels` names every need, for the services' own."""
    reasons: list[str] = []
    problems: list[str] = []
    score = 0.0

    if not service.is_active:
        problems.append(f"the service is {service.status}, not taking referrals")

    if service.levels:
        if outcome_level in service.levels:
            reasons.append(f"serves {format_levels(service.levels)}; this child is level {outcome_level}")
            score += 2 if len(service.levels) == 1 else 1
        else:
            problems.append(f"serves {format_levels(service.levels)}; this child is level {outcome_level}")
    else:
        reasons.append("levels of need served are not stated; check with the service")

    ages = format_ages(service.minimum_age, service.maximum_age)
    if child_age is None:
        reasons.append(f"{ages}; this child's age is not known")
    elif (service.minimum_age is not None and child_age < service.minimum_age) or (
        service.maximum_age is not None and child_age > service.maximum_age
    ):
        problems.append(f"{ages}; this child is {child_age}")
    else:
        reasons.append(f"{ages}; this child is {child_age}")

    districts = service.postcode_districts
    district = normalise_district(postcode_district)
    if not districts:
        reasons.append("area covered is not stated as postcode districts; check with the service")
    elif district is None:
        reasons.append(f"covers {_districts_text(districts)}; this child's district is not known")
    elif district in districts:
        reasons.append(f"covers {district}, where this child lives")
        score += 1
    else:
        problems.append(f"covers {_districts_text(districts)}; this child lives in {district}")

    needed = {domain: weight for domain, weight in outcome_domains.items() if weight > 0}
    if needed:
        covered = [domain for domain in needed if domain in service.need_domains]
        if covered:
            covered.sort(key=lambda d: -needed[d])
            reasons.insert(0, "works on " + _join([domain_label(d) for d in covered]))
            score += 10 * sum(needed[d] for d in covered) / max(sum(needed.values()), 1)
        else:
            wanted = sorted(needed, key=lambda d: -needed[d])
            problems.append(
                "does not work on " + _join([domain_label(d) for d in wanted]) + ", the needs this child has"
            )

    if child_needs is not None and service.needs:
        score += _specific_needs(service, child_needs, need_labels or {}, reasons)

    if service.typical_wait_days is not None:
        reasons.append(f"typical wait {service.typical_wait or f'{service.typical_wait_days} days'}")
        score -= min(service.typical_wait_days, 180) / 180

    return Match(service, not problems, round(score, 3), tuple(reasons), tuple(problems))


def _specific_needs(
    service: Service, child_needs: Mapping[str, str], labels: Mapping[str, str], reasons: list[str]
) -> float:
    """The score the child's specific needs give a service, with the reason in words."""
    covered = [code for code in service.needs if code in child_needs]
    missed = [code for code in service.needs if code not in child_needs]
    score = NEED_WEIGHT * len(covered) - FOCUS_PENALTY * len(missed) / len(service.needs)
    if covered:
        words = _join([child_needs[code].lower() for code in covered])
        reasons.insert(0, f"works on {words}, which this child's answers show")
    if missed:
        focus = _join([labels.get(code, code.replace("_", " ")).lower() for code in missed[:3]])
        also = "also " if covered else ""
        reasons.append(f"{also}focuses on {focus}, which this child's answers do not mention")
    return score


def match_services(
    services: Iterable[Service],
    outcome_level: int,
    outcome_domains: Mapping[str, int],
    child_age: int | None,
    postcode_district: str | None,
    child_needs: Mapping[str, str] | None = None,
    need_labels: Mapping[str, str] | None = None,
) -> list[Match]:
    """Every service, fits first (best first), then the rest with the reasons they do not fit.

    `outcome_domains` maps need-domain ids to how strongly the triage outcome flagged them (0 means not at all);
    `postcode_district` may be a district (`LS6`) or a full postcode.
    """
    judged = [
        judge(s, outcome_level, outcome_domains, child_age, postcode_district, child_needs, need_labels)
        for s in services
    ]
    return sorted(judged, key=lambda m: (not m.fits, len(m.problems), -m.score, m.service.name.lower(), m.service.id))
