"""`casedesk-server`: run the sync server, or administer it (`casedesk-server admin …`).

With no database URL the server keeps an SQLite file in the current folder, so one command runs it;
`--database-url postgresql+psycopg://…` runs it on PostgreSQL. Passwords come from an environment variable or
a file, never from a plain argument (it would leak into shell history and process lists).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from casedesk.server import (
    access_report,
    administration,
    backup,
    cli_sharing,
    client_versions,
    device_policy,
    mail,
    usage,
)
from casedesk.server import cli_casework as casework
from casedesk.server.db import DEFAULT_SQLITE_NAME, DatabaseRefused, ServerDB, generation, migrate
from casedesk.server.db import accounts as admin
from casedesk.server.feed import cli as feed_cli
from casedesk.server.reports import cli as reports_cli
from casedesk.site_profile import SiteProfileError

PASSWORD_ENV = "CASEDESK_USER_PASSWORD"
BACKUP_PASSPHRASE_ENV = "CASEDESK_BACKUP_PASSPHRASE"


def _url(args: argparse.Namespace) -> str:
    return args.database_url or os.environ.get("CASEDESK_DATABASE_URL") or f"sqlite:///{Path(DEFAULT_SQLITE_NAME)}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedesk-server", description="CaseDesk sync server.")
    parser.add_argument("--database-url", help=f"SQLAlchemy URL (default: sqlite:///{DEFAULT_SQLITE_NAME})")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (PostgreSQL only: SQLite serialises writers within one process)",
    )
    parser.add_argument(
        "--site-profile",
        type=Path,
        help="a site profile whose policy devices must keep (where stricter than their own)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("serve", help="run the server (the default)")
    p = sub.add_parser("backup", help=f"write an encrypted backup (passphrase from ${BACKUP_PASSPHRASE_ENV})")
    p.add_argument("--out", type=Path, required=True, help="backup file to write (must not exist)")
    p.add_argument("--passphrase-file", type=Path)
    p = sub.add_parser("restore", help="replace the database with a backup (stop the server first)")
    p.add_argument("--from", dest="source", type=Path, required=True, help="backup file to restore")
    p.add_argument("--passphrase-file", type=Path)
    casework.register(sub)
    adm = sub.add_parser("admin", help="administration").add_subparsers(dest="action", metavar="ACTION", required=True)
    p = adm.add_parser("create-org", help="create an organisation; prints its id")
    p.add_argument("name")
    p.add_argument("--kind", default="school")
    p.add_argument("--la", help="its local authority's three-digit code (agreements may name every school of one LA)")
    p = adm.add_parser("create-user", help=f"create a user; password from ${PASSWORD_ENV} or --password-file")
    p.add_argument("username")
    p.add_argument("--org", required=True, help="organisation id")
    p.add_argument("--password-file", type=Path)
    p.add_argument("--role", help="practitioner, safeguarding_lead (the default), manager, administrator, auditor")
    p.add_argument("--administrator", action="store_true", help="may administer the organisation from the app")
    p = adm.add_parser("set-administrator", help="let a user administer their organisation from the app (or --off)")
    p.add_argument("username")
    p.add_argument("--off", action="store_true", help="stop them administering")
    p = adm.add_parser("audit", help="the administration audit: who listed, revoked or issued what, newest first")
    p.add_argument("--org", help="only this organisation")
    p = adm.add_parser("enrolment-code", help="issue a one-time, expiring code for enrolling a device")
    p.add_argument("username")
    p.add_argument("--hours", type=float, default=24.0)
    adm.add_parser("list-devices", help="list enrolled devices")
    p = adm.add_parser("revoke-device", help="revoke a device: it crypto-erases itself at its next contact")
    p.add_argument("device_id")
    p = adm.add_parser(
        "client-versions", help="show, or set, the oldest app version allowed to sync and the newest there is"
    )
    p.add_argument("--minimum", help="older apps are told to update and stop syncing until they do ('' clears)")
    p.add_argument("--latest", help="apps before this are told a newer version exists ('' clears)")
    adm.add_parser("mail-status", help="list the referral emails devices asked the relay to send")
    adm.add_parser("send-mail", help="send waiting referral emails now (SMTP from CASEDESK_SMTP_*)")
    p = adm.add_parser("mail-settle", help="settle an email in doubt after checking the mail server's log")
    p.add_argument("request_id")
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--delivered", action="store_true", help="it arrived: mark it sent")
    outcome.add_argument("--not-delivered", action="store_true", help="it did not: send it once more")
    adm.add_parser("guidance-report", help="questions Ask CaseDesk could not answer and answers rated unhelpful")
    adm.add_parser("search-report", help="how often each directory search criterion is used (no personal data)")
    p = adm.add_parser(
        "mark-restored", help="start a new generation after restoring the database by other means (PITR, pg_restore)"
    )
    p.add_argument("--reason", default="restored by the administrator")
    cli_sharing.register(adm)
    feed_cli.register(sub)
    reports_cli.register(sub)
    access_report.add_parser(adm)
    return parser


def _password(args: argparse.Namespace) -> str:
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    value = os.environ.get(PASSWORD_ENV)
    if not value:
        raise admin.AdminError(f"No password given: set {PASSWORD_ENV} or use --password-file.")
    return value


def _backup_passphrase(args: argparse.Namespace) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    value = os.environ.get(BACKUP_PASSPHRASE_ENV)
    if not value:
        raise admin.AdminError(f"No backup passphrase given: set {BACKUP_PASSPHRASE_ENV} or use --passphrase-file.")
    return value


def _backup(args: argparse.Namespace) -> int:
    try:
        if args.command == "backup":
            info = backup.backup(_url(args), args.out, _backup_passphrase(args))
            print(
                f"Encrypted backup written to {args.out} (taken {info['taken_at']}, generation {info['generation']})."
            )
        else:
            entry = backup.restore(_url(args), args.source, _backup_passphrase(args))
            print(f"Restored from {args.source}. New generation {entry['id']} from feed position {entry['base_seq']}.")
            doubt = entry["mail_in_doubt"]
            print(f"{doubt} referral email(s) in doubt: see `admin mail-status`, then `admin mail-settle`.")
            print("Devices will re-send what this backup lacks at their next sync (see the README's runbook).")
    except (backup.BackupError, admin.AdminError, OSError) as exc:
        print(f"casedesk-server: {exc}", file=sys.stderr)
        return 1
    return 0


def _admin(store: ServerDB, args: argparse.Namespace) -> int:
    if args.action == "create-org":
        print(admin.create_org(store, args.name, args.kind, args.la))
    elif args.action == "create-user":
        print(
            admin.create_user(
                store, args.org, args.username, _password(args), args.role, administrator=args.administrator
            )
        )
    elif args.action == "set-administrator":
        administration.set_administrator(store, args.username, not args.off)
        print(f"{args.username} {'no longer administers' if args.off else 'now administers'} their organisation.")
    elif args.action == "audit":
        print(administration.format_audit(administration.audit_log(store, args.org)))
    elif args.action == "enrolment-code":
        print(admin.enrolment_code(store, args.username, args.hours))
    elif args.action == "list-devices":
        for d in admin.list_devices(store):
            state = "revoked" if d["revoked_at"] else "active"
            print(f"{d['device_id']}  {d['username']:<20} {d['name']:<24} {state}  last seen {d['last_seen_at']}")
    elif args.action == "revoke-device":
        admin.revoke_device(store, args.device_id)
        print(f"Revoked {args.device_id}.")
    elif args.action == "client-versions":
        print(client_versions.command(store, args.minimum, args.latest))
    elif args.action == "mail-status":
        for m in mail.mail_status(store):
            line = f"{m['request_id']}  {m['to']:<32} {m['state']:<8} attempts {m['attempts']}  {m['last_error'] or ''}"
            print(line + (f"  Message-ID {m['message_id']}" if m["state"] == "in_doubt" else ""))
    elif args.action == "send-mail":
        settings = mail.SmtpSettings.from_env()
        if settings is None:
            raise admin.AdminError("No mail relay configured: set CASEDESK_SMTP_HOST (and _PORT, _FROM).")
        print(f"Sent {mail.deliver_pending(store, settings)} email(s).")
        doubtful = [m for m in mail.mail_status(store) if m["state"] == "in_doubt"]
        if doubtful:
            print(f"{len(doubtful)} email(s) in doubt: see mail-status, then mail-settle.")
    elif args.action == "mail-settle":
        mail.settle(store, args.request_id, delivered=args.delivered)
        print(f"Settled {args.request_id}: {'delivered' if args.delivered else 'will be sent again'}.")
    elif args.action == "guidance-report":
        print(usage.format_report(usage.guidance_report(store)))
    elif args.action == "search-report":
        print(usage.format_search_report(usage.search_report(store)))
    elif args.action == "agreement":
        return cli_sharing.run(store, args)
    elif args.action == "user":
        return cli_sharing.run_user(store, args)
    elif args.action == "access-log":
        access_report.run(store, args)
    elif args.action == "overrides":
        access_report.run_overrides(store, args)
    elif args.action == "mark-restored":
        entry = generation.begin(store, args.reason)
        where = f"from feed position {entry['base_seq']}"
        print(f"New generation {entry['id']} {where}; {entry['mail_in_doubt']} email(s) in doubt.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("backup", "restore"):
        return _backup(args)
    store = ServerDB(_url(args))
    try:
        if args.command == "report":
            return reports_cli.main(store, args)
        if args.command == "admin":
            migrate(store.engine)
            generation.ensure(store)
            done = _admin(store, args)
            administration.audit_command(store, args.action, vars(args))
            return done
        if args.command in feed_cli.COMMANDS:
            migrate(store.engine)
            return feed_cli.run(store, args)
        if args.command in casework.COMMANDS:
            migrate(store.engine)
            return casework.run(store, args)
        import uvicorn

        from casedesk.server import collector
        from casedesk.server.app import create_app

        if args.site_profile is not None:  # checked now; worker processes read it from the environment
            device_policy.from_file(args.site_profile)
            os.environ[device_policy.ENV_VAR] = str(args.site_profile.resolve())
        if args.workers > 1:
            if store.is_sqlite:
                raise admin.AdminError("--workers needs PostgreSQL; an SQLite server runs as one process.")
            migrate(store.engine)  # once, before the workers start
            os.environ["CASEDESK_DATABASE_URL"] = store.url
            uvicorn.run(
                "casedesk.server.app:app_from_environment",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                log_level="info",
            )
        else:
            app = create_app(store)
            collector.tune()
            uvicorn.run(app, host=args.host, port=args.port, log_level="info")
        return 0
    except (admin.AdminError, DatabaseRefused, mail.MailError, SiteProfileError) as exc:
        print(f"casedesk-server: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
