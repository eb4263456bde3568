"""`casedesk import children | attendance | schools | questionnaire | directory | guidance | provider | rules |
indicators`: records from files.

Each file (or API listing) is read and validated before the passphrase is even asked for where that is possible,
so an invalid file never opens the database, let alone changes it; every problem is printed as
`file: location: message`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from casedesk.cli.common import Subparsers, actor, add_db, open_database
from casedesk.errors import ValidationError


def register(sub: Subparsers) -> None:
    """Add `casedesk import KIND` to the `casedesk` parser."""
    p = sub.add_parser("import", help="import children (CSV), a service directory or a questionnaire")
    import_sub = p.add_subparsers(dest="import_kind", metavar="KIND", required=True)

    c = import_sub.add_parser("children", help="children from a UTF-8 CSV file (all or nothing)")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_children)

    c = import_sub.add_parser(
        "attendance", help="session marks from a school system's register CSV, long or wide layout (all or nothing)"
    )
    add_db(c)
    c.add_argument("file", type=Path)
    c.add_argument("--school", metavar="URN", help="the school whose register this is (else each child's school)")
    c.add_argument(
        "--skip-unmatched", action="store_true", help="import the pupils who match a child and list the others"
    )
    c.set_defaults(handler=cmd_import_attendance)

    c = import_sub.add_parser(
        "schools", help="the schools register from a GIAS establishment extract (CSV; all or nothing)"
    )
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_schools)

    c = import_sub.add_parser("questionnaire", help="a triage questionnaire (JSON), validated first")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_questionnaire)

    c = import_sub.add_parser("provider", help="a service from a filled provider content template (JSON)")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_provider)

    c = import_sub.add_parser("rules", help="alert rules (JSON), validated first; the area's set unless --this-device")
    add_db(c)
    c.add_argument("file", type=Path)
    c.add_argument(
        "--this-device", action="store_true", help="keep the set on this device only (used while the server sent none)"
    )
    c.set_defaults(handler=cmd_import_rules)

    c = import_sub.add_parser("indicators", help="the area's risk-of-exclusion indicators (JSON), validated first")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_indicators)

    c = import_sub.add_parser("guidance", help="Ask CaseDesk's guidance content (JSON), validated first")
    add_db(c)
    c.add_argument("file", type=Path)
    c.set_defaults(handler=cmd_import_guidance)

    c = import_sub.add_parser(
        "directory",
        help="a service directory: ORUK 3.0 or 1.0 JSON, or a CSV data package folder (all or nothing)",
    )
    add_db(c)
    c.add_argument("path", type=Path, nargs="?", help="JSON file or CSV data package folder")
    c.add_argument("--url", help="pull a paged ORUK API listing instead of a file (needs the network)")
    c.add_argument("--skip-invalid", action="store_true", help="import the valid records and list what was skipped")
    c.set_defaults(handler=cmd_import_directory)


def cmd_import_children(args: argparse.Namespace) -> int:
    from casedesk.services.import_children import import_children

    with open_database(args) as db:
        report = import_children(db, args.file, actor(db))
    for warning in report.warnings:
        print(f"warning: {warning}")
    for name in report.already_held:
        print(f"already held (same UPN or NHS number), not imported: {name}")
    print(f"Imported {report.imported} child record(s) from {args.file}.")
    return 0


def cmd_import_attendance(args: argparse.Namespace) -> int:
    from casedesk.services.attendance.importer import import_register

    with open_database(args) as db:
        report, _ = import_register(
            db, args.file, actor(db), school_urn=args.school, skip_unmatched=args.skip_unmatched
        )
    for line in report.lines():
        print(line)
    return 0


def cmd_import_schools(args: argparse.Namespace) -> int:
    from casedesk.services.education.schools import import_register, read_register

    rows = read_register(args.file)  # every problem is reported before the database is opened
    with open_database(args) as db:
        report, _ = import_register(db, rows, actor(db))
    print(f"Schools register from {args.file}: {report}.")
    return 0


def cmd_import_questionnaire(args: argparse.Namespace) -> int:
    from casedesk.domain.triage.load import load_questionnaire
    from casedesk.services.triage.questionnaires import import_questionnaire

    load_questionnaire(args.file)
    with open_database(args) as db:
        questionnaire = import_questionnaire(db, args.file, actor(db))
    print(f"Imported questionnaire {questionnaire.id} version {questionnaire.version}: {questionnaire.title}.")
    return 0


def cmd_import_provider(args: argparse.Namespace) -> int:
    from datetime import date

    from casedesk.services.directory.provider import import_provider_template, service_from_template

    service_from_template(read_json(args.file), date.today())  # refused before the database is opened
    with open_database(args) as db:
        report, _ = import_provider_template(db, args.file, actor(db))
    print(f"Imported provider template: {report}.")
    return 0


def read_json(path: Path) -> dict[str, Any]:
    import json

    try:
        return dict(json.loads(path.read_text(encoding="utf-8-sig")))
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ValidationError(f"{path.name} is not a JSON object.") from exc


def cmd_import_guidance(args: argparse.Namespace) -> int:
    from casedesk.domain.guidance.load import load_guidance
    from casedesk.services.guidance.service import store_guidance

    content = load_guidance(args.file)
    with open_database(args) as db:
        report, _ = store_guidance(db, content, actor(db), args.file.name)
    print(f"Imported guidance '{content.title}': {report}.")
    return 0


def cmd_import_rules(args: argparse.Namespace) -> int:
    from casedesk.domain.alerts.load import load_rules
    from casedesk.services.alerts.service import AlertsService

    load_rules(args.file)  # refused before the passphrase is asked for
    with open_database(args) as db:
        alerts = AlertsService(db, actor(db))
        (report, evaluation), _ = alerts.import_rules(args.file, this_device=args.this_device)
        print(report)
        print(f"In effect: {alerts.rules_in_effect().describe}.")
        print(evaluation)
    return 0


def cmd_import_indicators(args: argparse.Namespace) -> int:
    from casedesk.domain.risk.config import load_config
    from casedesk.services.cohort.indicators import store_indicators

    load_config(args.file)  # refused before the passphrase is asked for
    with open_database(args) as db:
        report, _ = store_indicators(db, args.file, actor(db))
    print(report)
    return 0


def cmd_import_directory(args: argparse.Namespace) -> int:
    from casedesk.services.directory.service import DirectoryService, issue_where, read_directory, refuse_if_invalid

    if (args.path is None) == (args.url is None):
        raise ValidationError("Give either a PATH or --url URL to import a directory from.")
    result = read_directory(args.url or args.path)
    refuse_if_invalid(result, args.skip_invalid)
    with open_database(args) as db:
        report, _ = DirectoryService(db, actor(db)).import_parsed(result)
    for issue in report.problems:
        print(f"skipped: {issue_where(issue)}: {issue.message}")
    for what in report.skipped:
        print(f"skipped record: {what}")
    print(f"Imported directory: {report}.")
    return 0
