"""`python -m bot queue ...`: the callback queue for staff tooling. Changes, and lists with
contact details, name the staff member they are done as (`--as USER`), so the audit log knows
who did them; like the API, only a claim or an explicit look shows a person's details."""

import argparse
import json
import sys
from datetime import date
from typing import Any, Callable, Dict, List

from sqlalchemy.orm import sessionmaker

from bot.cli.database import open_sessions
from bot.leads import queue, retention
from bot.leads.conversations import ChatServer, ConversationsUnreachable
from bot.leads.errors import LeadError
from bot.leads.export import export_csv
from bot.leads.outbox import Outbox
from bot.leads.store import CLOSE_REASONS, REASONS, STATUSES, details, list_leads, summary
from bot.settings import Settings, get_settings
from bot.staff.accounts import Staff, find

StaffCommand = Callable[[argparse.Namespace, sessionmaker, Staff, Settings], int]


def add_commands(commands: Any) -> None:
    queue_parser = commands.add_parser("queue", help="the callback queue")
    sub = queue_parser.add_subparsers(dest="queue_command", required=True)
    listing = sub.add_parser("list", help="list callback requests, oldest first")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.add_argument("--status", choices=[*STATUSES, "open"])
    listing.add_argument("--reason", choices=REASONS)
    listing.add_argument("--reference")
    listing.add_argument(
        "--as",
        dest="username",
        help="with contact details, audited as viewed by this staff account",
    )
    listing.set_defaults(func=_list)

    claim = sub.add_parser("claim", help="claim the next request, or the one named")
    claim.add_argument("reference", nargs="?")
    update = sub.add_parser("update", help="record the outcome of a request you claimed")
    update.add_argument("reference")
    update.add_argument("--outcome", choices=queue.OUTCOMES, required=True)
    update.add_argument("--note")
    update.add_argument("--closed-reason", choices=CLOSE_REASONS)
    release = sub.add_parser("release", help="give a claimed request back to the queue")
    release.add_argument("reference")
    export = sub.add_parser("export", help="CSV of requests created in a date range (admin)")
    export.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
    export.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
    delete = sub.add_parser("delete", help="delete a request on the person's demand (admin)")
    delete.add_argument("reference")
    for parser, func in (
        (claim, _claim),
        (update, _update),
        (release, _release),
        (export, _export),
        (delete, _delete),
    ):
        parser.add_argument(
            "--as", dest="username", required=True, help="the staff account this is done as"
        )
        parser.set_defaults(func=_as_staff(func))

    drain = sub.add_parser(
        "drain", help="write callback requests parked while the database was unreachable"
    )
    drain.set_defaults(func=_drain)


def _list(args: argparse.Namespace) -> int:
    """Without --as the list carries no contact details: the command line is no way around
    the audit that the dashboard and the API keep of who saw whose."""
    if args.username is not None:
        return _as_staff(_list_with_details)(args)
    with open_sessions() as sessions:
        leads = list_leads(sessions, args.status, args.reason, args.reference)
    return _print_list(args, [summary(lead) for lead in leads])


def _list_with_details(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    leads = queue.view_list(sessions, staff, args.status, args.reason, args.reference)
    return _print_list(args, [details(lead) for lead in leads])


def _print_list(args: argparse.Namespace, rows: List[Dict[str, Any]]) -> int:
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        contact = f"  {row['name']}  {row['phone']}" if "name" in row else ""
        print(
            f"{row['reference']}  {row['created_at'][:16]}  {row['status']:<9} "
            f"{row['reason']:<14} {row['preferred_time']}{contact}"
        )
    print(f"{len(rows)} request(s)")
    return 0


def _as_staff(work: StaffCommand) -> Callable[[argparse.Namespace], int]:
    """Run `work` as the --as account, with clear errors instead of tracebacks."""

    def run(args: argparse.Namespace) -> int:
        with open_sessions() as sessions:
            staff = find(sessions, args.username)
            if staff is None:
                print(f"error: no active account '{args.username}'", file=sys.stderr)
                return 1
            if not staff.works_queue:
                refused = f"error: '{staff.username}' is a reviewer: no callback requests"
                print(refused, file=sys.stderr)
                return 1
            try:
                return work(args, sessions, staff, get_settings())
            except LeadError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1

    return run


def _show(row: Dict[str, Any]) -> int:
    print(json.dumps(row, indent=2))
    return 0


def _claim(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    limit = settings.lead_views_per_minute
    if args.reference:
        chosen = queue.claim(
            sessions, args.reference, staff, settings.claim_lease, per_minute=limit
        )
        return _show(details(chosen))
    lead = queue.claim_next(sessions, staff, settings.claim_lease, per_minute=limit)
    if lead is None:
        print("the queue is empty")
        return 0
    return _show(details(lead))


def _update(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    return _show(
        summary(
            queue.record_outcome(
                sessions,
                args.reference,
                staff,
                args.outcome,
                args.note,
                args.closed_reason,
                retry_after=settings.no_answer_retry,
            )
        )
    )


def _release(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    return _show(summary(queue.release(sessions, args.reference, staff)))


def _export(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    sys.stdout.write(export_csv(sessions, args.first, args.last, staff))
    return 0


def _delete(
    args: argparse.Namespace, sessions: sessionmaker, staff: Staff, settings: Settings
) -> int:
    try:
        retention.erase_lead(sessions, ChatServer(settings), args.reference, staff)
    except ConversationsUnreachable as error:
        print(f"{args.reference} was kept: {error}", file=sys.stderr)
        return 1
    print(f"{args.reference} deleted, with its conversation")
    return 0


def _drain(_: argparse.Namespace) -> int:
    outbox = Outbox()
    with open_sessions() as sessions:
        written = outbox.drain(sessions)
    waiting = outbox.count()
    print(f"{written} request(s) written, {waiting} still waiting")
    return 1 if waiting else 0
