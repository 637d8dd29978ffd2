"""`python -m bot queue ...`: the callback queue for staff tooling."""
import argparse
import json

from bot.storage.db import make_engine, session_factory
from bot.storage.leads import as_dict, list_leads
from bot.storage.outbox import Outbox
from bot.storage.models import STATUSES


def add_commands(commands) -> None:
    queue = commands.add_parser("queue", help="the callback queue")
    queue_commands = queue.add_subparsers(dest="queue_command", required=True)
    listing = queue_commands.add_parser("list", help="list callback requests, oldest first")
    listing.add_argument("--format", choices=["json", "table"], default="table")
    listing.add_argument("--status", choices=STATUSES)
    listing.set_defaults(func=_list)
    drain = queue_commands.add_parser(
        "drain", help="write callback requests parked while the database was unreachable"
    )
    drain.set_defaults(func=_drain)


def _list(args: argparse.Namespace) -> int:
    engine = make_engine()
    try:
        leads = [as_dict(lead) for lead in list_leads(session_factory(engine), args.status)]
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(leads, indent=2))
        return 0
    for lead in leads:
        print(f"{lead['reference']}  {lead['created_at'][:16]}  {lead['status']:<9} "
              f"{lead['reason']:<14} {lead['preferred_time']}")
    print(f"{len(leads)} request(s)")
    return 0


def _drain(args: argparse.Namespace) -> int:
    outbox = Outbox()
    engine = make_engine()
    try:
        written = outbox.drain(session_factory(engine))
    finally:
        engine.dispose()
    waiting = outbox.count()
    print(f"{written} request(s) written, {waiting} still waiting")
    return 1 if waiting else 0
