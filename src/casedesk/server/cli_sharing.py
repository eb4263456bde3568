"""`casedesk-server admin agreement …` (information-sharing agreements and the area's default) and
`casedesk-server admin user role|list` (users' roles).

    agreement add --title T --party-a org:ID|kind:KIND[@LA] --party-b … --a-to-b CATS --b-to-a CATS
                  --article-6 BASIS [--article-9 COND] [--article-10 COND] --start DATE [--end DATE]
                  --review DATE --signed-by "Name, role, organisation" [--signed-by …]
    agreement list | show ID | end ID --reason TEXT | default [open|closed] | vocabulary

Input is validated whole: a bad agreement prints every problem and changes nothing.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from casedesk.domain import agreements as model
from casedesk.domain import roles, sharing
from casedesk.domain.agreements_demo import demo_agreements
from casedesk.domain.vocab import OrgKind
from casedesk.server import administration
from casedesk.server.db import ServerDB, agreement_admin, policies, user_roles


def register(adm: Any) -> None:
    """Add the `agreement` group to `casedesk-server admin`."""
    group = adm.add_parser("agreement", help="information-sharing agreements between organisations")
    sub = group.add_subparsers(dest="agreement_action", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record an agreement; it takes effect at each device's next sync")
    p.add_argument("--title", required=True)
    p.add_argument("--party-a", required=True, help="org:ID, kind:KIND or kind:KIND@LA (e.g. kind:school@383)")
    p.add_argument("--party-b", required=True)
    p.add_argument("--a-to-b", default="", help="categories A shares with B, comma-separated (see vocabulary)")
    p.add_argument("--b-to-a", default="", help="categories B shares with A")
    p.add_argument("--article-6", required=True, help="UK GDPR Art. 6 basis, e.g. public_task")
    p.add_argument("--article-9", help="Art. 9 condition for special-category data, e.g. safeguarding")
    p.add_argument("--article-10", help="Art. 10 condition for criminal-offence data, e.g. safeguarding")
    p.add_argument("--start", required=True, help="YYYY-MM-DD")
    p.add_argument("--end", help="YYYY-MM-DD (none: open-ended)")
    p.add_argument("--review", required=True, help="YYYY-MM-DD")
    p.add_argument("--signed-by", action="append", default=[], help="a signatory; repeat for each")
    sub.add_parser("list", help="every agreement, in force or not")
    p = sub.add_parser("show", help="one agreement in full")
    p.add_argument("agreement_id")
    p = sub.add_parser("end", help="end an agreement now; what it shared is purged at the next sync")
    p.add_argument("agreement_id")
    p.add_argument("--reason", required=True)
    p = sub.add_parser("default", help="what organisations with no agreement share: open (everything) or closed")
    p.add_argument("value", nargs="?", choices=sharing.DEFAULTS)
    sub.add_parser("vocabulary", help="the categories, parties and lawful bases an agreement may name")
    p = sub.add_parser("demo", help="record the demo area's three agreements (schools, social care, youth justice)")
    p.add_argument("--la", default="383", help="the local authority they cover (default 383, the demo's)")
    p = sub.add_parser("notices", help="whether devices are told what is withheld from them (counts, never content)")
    p.add_argument("value", nargs="?", choices=("on", "off"))
    group = adm.add_parser("user", help="users' roles in their organisation")
    sub = group.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    p = sub.add_parser("role", help="set a user's role; their devices receive what it allows at the next sync")
    p.add_argument("username")
    p.add_argument("role", help=", ".join(roles.Role))
    sub.add_parser("list", help="every user with their organisation and role")
    p = sub.add_parser(
        "directory-manager", help="let a user edit and publish the directory and guidance from the app (or --off)"
    )
    p.add_argument("username")
    p.add_argument("--off", action="store_true", help="take the permission away")


def _status(agreement: model.Agreement) -> str:
    if agreement.ended_at:
        return "ended"
    today = datetime.now(UTC).date()
    if agreement.start_date > today:
        return "not started"
    if agreement.end_date and agreement.end_date < today:
        return "expired"
    return "in force"


def describe(agreement: model.Agreement) -> str:
    """An agreement in full, as `show` prints it."""
    lines = [
        f"{agreement.title}  ({agreement.id}, {_status(agreement)})",
        f"  party A: {agreement.party_a}",
        f"  party B: {agreement.party_b}",
        f"  A shares with B: {', '.join(sorted(agreement.a_to_b)) or 'nothing'}",
        f"  B shares with A: {', '.join(sorted(agreement.b_to_a)) or 'nothing'}",
        f"  lawful basis: {model.ARTICLE_6.get(agreement.article_6, agreement.article_6)}",
    ]
    if agreement.article_9:
        lines.append(f"  special category: {model.ARTICLE_9.get(agreement.article_9, agreement.article_9)}")
    if agreement.article_10:
        lines.append(f"  criminal offence: {model.ARTICLE_10.get(agreement.article_10, agreement.article_10)}")
    end = agreement.end_date.isoformat() if agreement.end_date else "open-ended"
    lines.append(f"  from {agreement.start_date.isoformat()} to {end}; review by {agreement.review_date.isoformat()}")
    lines.append(f"  signed by: {'; '.join(agreement.signed_by)}")
    if agreement.ended_at:
        lines.append(f"  ended {agreement.ended_at}: {agreement.ended_reason}")
    return "\n".join(lines)


def run_user(store: ServerDB, args: argparse.Namespace) -> int:
    if args.user_action == "directory-manager":
        administration.set_directory_manager(store, args.username, not args.off)
        verb = "no longer edits" if args.off else "now edits and publishes"
        print(f"{args.username} {verb} the directory and guidance (their devices learn it at the next sync).")
    elif args.user_action == "role":
        old, reset = user_roles.set_role(store, args.username, args.role)
        new = roles.parse(args.role)
        print(f"{args.username}: {roles.Role(old).label} → {new.label}.")
        if reset:
            print(f"{reset} device(s) will receive everything again, as the new role allows, at their next sync.")
    else:
        for user in user_roles.list_users(store):
            manages = "directory manager" if user["manages_directory"] else ""
            print(f"{user['username']:<32} {user['role']:<18} {user['organisation'] or '':<40} {manages}".rstrip())
    return 0


def run(store: ServerDB, args: argparse.Namespace) -> int:
    action = args.agreement_action
    if action == "add":
        agreement, changed = agreement_admin.add(
            store,
            title=args.title,
            party_a=args.party_a,
            party_b=args.party_b,
            a_to_b=args.a_to_b,
            b_to_a=args.b_to_a,
            article_6=args.article_6,
            article_9=args.article_9,
            article_10=args.article_10,
            start=args.start,
            end=args.end,
            review=args.review,
            signed_by=args.signed_by,
        )
        print(agreement.id)
        print(f"Recorded; {changed} child record(s) change for an organisation at its next sync.")
    elif action == "list":
        for agreement in agreement_admin.list_all(store):
            print(
                f"{agreement.id}  {_status(agreement):<11}  {agreement.party_a} ⇄ {agreement.party_b}  "
                f"{agreement.title}  (review {agreement.review_date.isoformat()})"
            )
    elif action == "show":
        print(describe(agreement_admin.show(store, args.agreement_id)))
    elif action == "end":
        agreement, changed = agreement_admin.end(store, args.agreement_id, args.reason)
        print(f"Ended {agreement.id}; {changed} child record(s) change for an organisation at its next sync.")
    elif action == "default":
        if args.value is None:
            with store.read() as conn:
                print(policies.default(conn))
        else:
            changed = agreement_admin.set_default(store, args.value)
            print(f"Default set to {args.value}; {changed} child record(s) change at the next sync.")
    elif action == "demo":
        recorded, changed = agreement_admin.record_all(store, demo_agreements(args.la))
        print(f"Recorded {recorded} demo agreement(s); {changed} child record(s) change at the next sync.")
    elif action == "notices":
        with store.write() as conn:
            if args.value is not None:
                policies.set_notices(conn, args.value == "on")
            print("on" if policies.notices(conn) else "off")
    else:
        print("categories: " + ", ".join(model.SHAREABLE))
        print("parties: org:ID | kind:KIND | kind:KIND@LA, KIND one of " + ", ".join(OrgKind))
        for title, table in (
            ("article 6", model.ARTICLE_6),
            ("article 9", model.ARTICLE_9),
            ("article 10", model.ARTICLE_10),
        ):
            print(f"{title}:")
            for key, text in table.items():
                print(f"  {key:<22} {text}")
    return 0
