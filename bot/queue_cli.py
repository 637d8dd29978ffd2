"""`python -m bot queue ...`: the callback queue for staff tooling. Changes name the staff
member they are done as (`--as USER`), so the audit log knows who did them."""
import argparse
import json
import sys
from datetime import date

from bot import callback_queue as queue
from bot.settings import get_settings
from bot.staff.accounts import find
from bot.storage.db import make_engine, session_factory
from bot.storage.leads import as_dict, list_leads
from bot.storage.models import CLOSE_REASONS, REASONS, STATUSES
from bot.storage.outbox import Outbox


def add_commands(commands) -> None:
    queue_parser = commands.add_parser("queue", help="the callback queue")
    sub = queue_parser.add_subparsers(dest="queue_command", required=True)
    listing = sub.add_parser("list", help="list callback requests, oldest first")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.add_argument("--status", choices=[*STATUSES, "open"])
    listing.add_argument("--reason", choices=REASONS)
    listing.add_argument("--reference")
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
    for parser, func in ((claim, _claim), (update, _update), (release, _release),
                         (export, _export), (delete, _delete)):
        parser.add_argument("--as", dest="username", required=True,
                            help="the staff account this is done as")
        parser.set_defaults(func=func)

    drain = sub.add_parser(
        "drain", help="write callback requests parked while the database was unreachable"
    )
    drain.set_defaults(func=_drain)


def _with_sessions(work) -> int:
    engine = make_engine()
    try:
        return work(session_factory(engine))
    finally:
        engine.dispose()


def _list(args: argparse.Namespace) -> int:
    def work(sessions):
        leads = [as_dict(lead) for lead in
                 list_leads(sessions, args.status, args.reason, args.reference)]
        if args.format == "json":
            print(json.dumps(leads, indent=2))
            return 0
        for lead in leads:
            print(f"{lead['reference']}  {lead['created_at'][:16]}  {lead['status']:<9} "
                  f"{lead['reason']:<14} {lead['preferred_time']}")
        print(f"{len(leads)} request(s)")
        return 0
    return _with_sessions(work)


def _as_staff(work):
    """Run `work(sessions, staff, settings)` as the --as account, with clear errors."""
    def run(args: argparse.Namespace) -> int:
        def with_staff(sessions):
            staff = find(sessions, args.username)
            if staff is None:
                print(f"error: no active account '{args.username}'", file=sys.stderr)
                return 1
            try:
                return work(args, sessions, staff, get_settings())
            except (queue.QueueError, PermissionError) as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
        return _with_sessions(with_staff)
    return run


def _show(lead) -> int:
    print(json.dumps(as_dict(lead), indent=2))
    return 0


@_as_staff
def _claim(args, sessions, staff, settings) -> int:
    lease = settings.claim_lease
    if args.reference:
        return _show(queue.claim(sessions, args.reference, staff, lease))
    lead = queue.claim_next(sessions, staff, lease)
    if lead is None:
        print("the queue is empty")
        return 0
    return _show(lead)


@_as_staff
def _update(args, sessions, staff, settings) -> int:
    return _show(queue.record_outcome(
        sessions, args.reference, staff, args.outcome, args.note, args.closed_reason,
        retry_after=settings.no_answer_retry))


@_as_staff
def _release(args, sessions, staff, settings) -> int:
    return _show(queue.release(sessions, args.reference, staff))


@_as_staff
def _export(args, sessions, staff, settings) -> int:
    sys.stdout.write(queue.export_days(sessions, args.first, args.last, staff))
    return 0


@_as_staff
def _delete(args, sessions, staff, settings) -> int:
    queue.delete_lead(sessions, args.reference, staff)
    print(f"{args.reference} deleted")
    return 0


def _drain(args: argparse.Namespace) -> int:
    outbox = Outbox()
    written = _with_sessions(outbox.drain)
    waiting = outbox.count()
    print(f"{written} request(s) written, {waiting} still waiting")
    return 1 if waiting else 0
